#!/usr/bin/env node
import './node-globals.js';
import { agentsCommand } from './commands/agents-command.js';
import { dbCommand } from './commands/db-command.js';
import { eventsCommand } from './commands/events-command.js';
import { exportCommand } from './commands/export-command.js';
import { ledgerCommand } from './commands/ledger-command.js';
import { proofCommand } from './commands/proof-command.js';
import { runCommand } from './commands/run-command.js';
import { runsCommand } from './commands/runs-command.js';
import { serveCommand } from './commands/serve-command.js';
import { skillsCommand } from './commands/skills-command.js';
import { verifyCommand } from './commands/verify-command.js';
import { cliProgram } from './yargs-app.js';

void cliProgram('aos', (program) =>
  program
    .command(runCommand)
    .command(agentsCommand)
    .command(runsCommand)
    .command(skillsCommand)
    .command(proofCommand)
    .command(eventsCommand)
    .command(exportCommand)
    .command(verifyCommand)
    .command(ledgerCommand)
    .command(serveCommand)
    .command(dbCommand),
).parseAsync();
