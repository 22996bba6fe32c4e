#!/usr/bin/env node
import './node-globals.js';
import { lazyCommand } from './lazy-command.js';
import { cliProgram } from './yargs-app.js';

// The internal CLI: operations only. It never creates a run for a customer tenant (demo works in
// a sandbox database of its own). Each command's module is loaded when the command line names it
// (cli/lazy-command.ts).
const COMMANDS = {
  demo: lazyCommand(
    'demo',
    'run a sample agent end to end in a sandbox database of its own and print its proof (--planner llm: its plan written by a model)',
    async () => (await import('./commands/demo-command.js')).demoCommand,
  ),
  migrate: lazyCommand(
    'migrate',
    'apply the SQL migrations not yet recorded (DATABASE_URL, or the embedded database)',
    async () => (await import('./commands/migrate-command.js')).migrateCommand,
  ),
  projections: lazyCommand(
    'projections <action>',
    'inspect or rebuild the trace tables',
    async () => (await import('./commands/projections-command.js')).projectionsCommand,
  ),
  db: lazyCommand(
    'db <action>',
    'the embedded Postgres under AOS_HOME (up AOS_DB_IDLE_SECONDS, default 600, after the last command): keep it running, stop it, or show it and how to connect',
    async () => (await import('./commands/db-command.js')).dbCommand,
  ),
  keys: lazyCommand(
    'keys <action>',
    'the Ed25519 keys that seal runs (AOS_KEYS_DIR, default AOS_HOME/keys; AOS_SIGNER=pkcs11: a PKCS#11 token)',
    async () => (await import('./commands/keys-command.js')).keysCommand,
  ),
  tokens: lazyCommand(
    'tokens <action>',
    "create, list and revoke the ingest tokens of the OTLP endpoint (a tenant's bearer tokens)",
    async () => (await import('./commands/tokens-command.js')).tokensCommand,
  ),
  otel: lazyCommand(
    'otel',
    'OpenTelemetry: export runs as GenAI spans to an OTLP endpoint',
    async () => (await import('./commands/otel-command.js')).otelCommand,
  ),
  verifyAll: lazyCommand(
    'verify-all',
    "prove every run (or one tenant's), streaming; summary of verified / failed (a completed run without a seal fails); exit 1 if any failed",
    async () => (await import('./commands/verify-all-command.js')).verifyAllCommand,
  ),
  internalRuns: lazyCommand(
    'runs <action>',
    "operate on a tenant's runs",
    async () => (await import('./commands/seal-late-command.js')).internalRunsCommand,
  ),
  witness: lazyCommand(
    'witness <command>',
    'a transparency-log witness of tenant ledgers (its own process, state and key)',
    async () => (await import('./commands/witness-command.js')).witnessCommand,
  ),
  ledgerCosign: lazyCommand(
    'ledger <action>',
    'tenant ledgers: their witnesses and the time stamps of their seals',
    async () => (await import('./commands/ledger-cosign-command.js')).ledgerCosignCommand,
  ),
};

void cliProgram('aos-int', (program) =>
  program
    .command(COMMANDS.demo)
    .command(COMMANDS.migrate)
    .command(COMMANDS.projections)
    .command(COMMANDS.db)
    .command(COMMANDS.keys)
    .command(COMMANDS.tokens)
    .command(COMMANDS.otel)
    .command(COMMANDS.verifyAll)
    .command(COMMANDS.internalRuns)
    .command(COMMANDS.witness)
    .command(COMMANDS.ledgerCosign),
);
