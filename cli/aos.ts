#!/usr/bin/env node
import './node-globals.js';
import { lazyCommand } from './lazy-command.js';
import { cliProgram } from './yargs-app.js';

// Each command: its name, its description and its module, loaded when the command line names it
// (cli/lazy-command.ts).
const COMMANDS = {
  run: lazyCommand(
    'run',
    "run a goal through a tenant's agent: create, plan, execute, project, prove",
    async () => (await import('./commands/run-command.js')).runCommand,
  ),
  agents: lazyCommand(
    'agents <action>',
    "register and list a tenant's agents",
    async () => (await import('./commands/agents-command.js')).agentsCommand,
  ),
  runs: lazyCommand(
    'runs <action>',
    "read and resume a tenant's runs",
    async () => (await import('./commands/runs-command.js')).runsCommand,
  ),
  skills: lazyCommand(
    'skills <action>',
    'the skills plans can use',
    async () => (await import('./commands/skills-command.js')).skillsCommand,
  ),
  proof: lazyCommand(
    'proof',
    'verify a run by replay: rebuild its hash chain and Merkle tree and compare them with the store, the seal and the trace tables',
    async () => (await import('./commands/proof-command.js')).proofCommand,
  ),
  events: lazyCommand(
    'events',
    "print a run's event stream with each event's chain link",
    async () => (await import('./commands/events-command.js')).eventsCommand,
  ),
  export: lazyCommand(
    'export',
    'print an offline proof bundle (aos.runproof.bundle.v1) of a run on stdout: aos export ... > bundle.json',
    async () => (await import('./commands/export-command.js')).exportCommand,
  ),
  verify: lazyCommand(
    'verify [file]',
    'verify a proof bundle (streamed), a step inclusion proof or a ledger consistency proof offline (no database), or check that the tenant ledger still extends a tree head you kept',
    async () => (await import('./commands/verify-command.js')).verifyCommand,
  ),
  ledger: lazyCommand(
    'ledger <action>',
    "the tenant's ledger of sealed runs: signed tree heads and consistency proofs (RFC 9162, C2SP)",
    async () => (await import('./commands/ledger-command.js')).ledgerCommand,
  ),
  serve: lazyCommand(
    'serve',
    'run the server: POST /v1/traces (OTLP/HTTP: agent traces in, sealed observed runs out), GET /healthz, GET /readyz (DATABASE_URL, or the embedded database)',
    async () => (await import('./commands/serve-command.js')).serveCommand,
  ),
  db: lazyCommand(
    'db <action>',
    'the embedded Postgres under AOS_HOME (up AOS_DB_IDLE_SECONDS, default 600, after the last command): keep it running, stop it, or show it and how to connect',
    async () => (await import('./commands/db-command.js')).dbCommand,
  ),
};

void cliProgram('aos', (program) =>
  program
    .command(COMMANDS.run)
    .command(COMMANDS.agents)
    .command(COMMANDS.runs)
    .command(COMMANDS.skills)
    .command(COMMANDS.proof)
    .command(COMMANDS.events)
    .command(COMMANDS.export)
    .command(COMMANDS.verify)
    .command(COMMANDS.ledger)
    .command(COMMANDS.serve)
    .command(COMMANDS.db),
);
