#!/usr/bin/env node
import './node-globals.js';
import { dbCommand } from './commands/db-command.js';
import { keysCommand } from './commands/keys-command.js';
import { verifyAllCommand } from './commands/verify-all-command.js';
import { demoCommand } from './commands/demo-command.js';
import { migrateCommand } from './commands/migrate-command.js';
import { projectionsCommand } from './commands/projections-command.js';
import { otelCommand } from './commands/otel-command.js';
import { tokensCommand } from './commands/tokens-command.js';
import { internalRunsCommand } from './commands/seal-late-command.js';
import { witnessCommand } from './commands/witness-command.js';
import { ledgerCosignCommand } from './commands/ledger-cosign-command.js';
import { cliProgram } from './yargs-app.js';

// The internal CLI: operations only. It never creates a run for a customer tenant (demo works in
// a sandbox database of its own).
void cliProgram('aos-int', (program) =>
  program
    .command(demoCommand)
    .command(migrateCommand)
    .command(projectionsCommand)
    .command(dbCommand)
    .command(keysCommand)
    .command(tokensCommand)
    .command(otelCommand)
    .command(verifyAllCommand)
    .command(internalRunsCommand)
    .command(witnessCommand)
    .command(ledgerCosignCommand),
).parseAsync();
