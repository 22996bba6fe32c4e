export const SECTIONS = [
  'append',
  'proof',
  'rebuild',
  'cli',
  'planner',
  'ingest',
  'verify',
  'console',
] as const;
export type Section = (typeof SECTIONS)[number];

export type BenchOptions = {
  readonly reps: number;
  readonly quick: boolean;
  /** Adds the 1,000,000-step proof. */
  readonly million: boolean;
  readonly sections: ReadonlySet<Section>;
};

/** What each section measures, at full size or in the --quick smoke version. */
export type BenchSizes = {
  readonly appendRuns: number;
  readonly appendRunners: readonly number[];
  readonly eventsPerRun: number;
  readonly proofSteps: readonly number[];
  /** The run whose `aos proof --json` is timed end to end (the largest below a million). */
  readonly cliProofSteps: number;
  readonly rebuildRuns: number;
  readonly cliSamples: number;
  /** Runs planned with the model, after a warm-up, each timed against the bare exchange. */
  readonly plannerRuns: number;
  /** Spans sent to `aos serve` per rep (traces of 10 to 20 spans), in exports of `ingestBatchSpans`. */
  readonly ingestSpans: number;
  readonly ingestBatchSpans: number;
  /** OpenTelemetry exporters sending at once (and the floor's staging workers). */
  readonly ingestExporters: number;
  /** The steps of the run whose bundle `aos verify` streams (a million: some 600 MB). */
  readonly verifySteps: number;
  /** The web console: the steps of the run whose page is opened, and the tenant's runs listed. */
  readonly consoleSteps: number;
  readonly consoleRuns: number;
};

const usage =
  'usage: node dist/bench/run.js [--reps N] [--quick] [--million] [--only append,proof,rebuild,cli,planner,ingest,verify,console]';

export const parseBenchOptions = (argv: readonly string[]): BenchOptions => {
  let reps: number | undefined;
  let quick = false;
  let million = false;
  let sections: Set<Section> = new Set(SECTIONS);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--million') million = true;
    else if (arg === '--reps') {
      reps = Number(argv[++i]);
      if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps must be a positive integer\n${usage}`);
    } else if (arg === '--only') {
      const names = (argv[++i] ?? '').split(',').filter((n) => n !== '');
      const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
      if (names.length === 0 || unknown.length > 0)
        throw new Error(`--only takes sections among ${SECTIONS.join(', ')}\n${usage}`);
      sections = new Set(names as Section[]);
    } else if (arg === '--help' || arg === '-h') {
      throw new Error(usage);
    } else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  // The smoke version measures once unless told otherwise.
  return { reps: reps ?? (quick ? 1 : 3), quick, million, sections };
};

export const benchSizes = (options: BenchOptions): BenchSizes => {
  const proofSteps = options.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  return {
    appendRuns: options.quick ? 200 : 2_000,
    appendRunners: [1, 8],
    eventsPerRun: 10,
    proofSteps: options.million ? [...proofSteps, 1_000_000] : proofSteps,
    cliProofSteps: proofSteps[proofSteps.length - 1] ?? 1_000,
    rebuildRuns: options.quick ? 2_000 : 20_000,
    cliSamples: 5,
    plannerRuns: options.quick ? 50 : 200,
    ingestSpans: options.quick ? 10_000 : 100_000,
    ingestBatchSpans: 512,
    ingestExporters: 8,
    verifySteps: options.quick ? 20_000 : 1_000_000,
    consoleSteps: options.quick ? 10_000 : 100_000,
    consoleRuns: options.quick ? 10_000 : 100_000,
  };
};
