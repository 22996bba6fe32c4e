import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { runGoal } from '../support/cli-fixtures.js';
import { type TestDatabase } from '../support/fresh-database.js';
import { beforeAllEchoAgent } from '../support/echo-agent-database.js';
import { independentRootHash } from '../support/independent-runproof.js';

const TENANT = 'tenant-acme';

describe('aos run → events → trace tables → aos proof', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let agentId: string;

  beforeAllEchoAgent(TENANT, (given) => ({ db, env, agentId } = given));

  it('runs the seed command and the seed SQL returns the run as written', async () => {
    const result = await runCli(
      'aos',
      [
        'run',
        '--agent-id',
        agentId,
        '--goal',
        'Run proof v3 validation run',
        '--tenant-id',
        TENANT,
        '--origin-system-id',
        'run-proof-v3',
      ],
      env,
    );
    expect(result.code).toBe(0);
    const runId = /Run ID: ([0-9a-f-]{36})/.exec(result.stdout)?.[1] ?? '';
    // On stderr, signs of life only: the run as it started, each step as it ended.
    expect(result.stderr.split('\n')).toEqual([
      `run ${runId} started`,
      expect.stringMatching(/^step 0 echo: succeeded in \d+ ms \(OK\)$/),
      expect.stringMatching(/^step 1 json_transform: succeeded in \d+ ms \(OK\)$/),
      '',
    ]);
    for (const line of [
      `Tenant ID: ${TENANT}`,
      'Trace rows: 1',
      'Trace step_count: 2',
      'Integrity model: HASH_CHAIN',
      'Verification status: VERIFIED',
      'chain_length: 6',
    ]) {
      expect(result.stdout).toContain(line);
    }
    expect(result.stdout).toMatch(/root_hash: [0-9a-f]{64}/);

    const trace = await db.pool.query(
      `SELECT run_id, tenant_id, started_at, status FROM aos_traces WHERE run_id = '${runId}'`,
    );
    expect(trace.rows).toEqual([
      { run_id: runId, tenant_id: TENANT, started_at: expect.any(Date), status: 'succeeded' },
    ]);
    const steps = await db.pool.query(
      `SELECT COUNT(*) AS step_count FROM aos_trace_steps WHERE run_id = '${runId}'`,
    );
    expect(steps.rows).toEqual([{ step_count: '2' }]);
    const origin = await db.pool.query('SELECT origin_system_id FROM aos_traces WHERE run_id = $1', [runId]);
    expect(origin.rows[0]?.origin_system_id).toBe('run-proof-v3');

    const proof = await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', runId], env);
    expect(proof.code).toBe(0);
    expect(proof.stdout).toContain('Integrity model: HASH_CHAIN');
    expect(proof.stdout).toContain('Verification status: VERIFIED');
  });

  it('prints one JSON document whose root an independent RUNPROOF implementation reproduces from aos events', async () => {
    const run = await runGoal(env, TENANT, agentId, 'Résumé ✓ 日本 — price > `0.1`');
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run).toMatchObject({
      tenant_id: TENANT,
      status: 'succeeded',
      error: null,
      trace_count: 1,
      seal: { status: 'sealed' },
      step_count: 2,
      integrity: { model: 'HASH_CHAIN', verification_status: 'VERIFIED', chain_length: 6 },
    });

    const events = jsonOf<{
      events: Array<{
        tenant_id: string;
        run_id: string;
        seq: number;
        type: string;
        data: unknown;
        recorded_at: string;
        link: string;
      }>;
    }>(await runCli('aos', ['events', '--tenant-id', TENANT, '--run-id', run.run_id, '--json'], env)).events;
    expect(events.map((e) => e.type)).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'StepExecuted',
      'RunCompleted',
    ]);
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    const independent = independentRootHash(TENANT, run.run_id, events);
    expect(independent).toBe(run.integrity.root_hash);
    expect(events[5]?.link).toBe(independent);

    const proof = jsonOf<{
      integrity: { root_hash: string; verification_status: string; merkle_root: string };
      aos_traces: unknown[];
      aos_trace_steps: unknown[];
      verified_at: string;
    }>(await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', run.run_id, '--json'], env));
    expect(proof.integrity).toMatchObject({
      root_hash: independent,
      verification_status: 'VERIFIED',
      merkle_root: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(proof.aos_traces).toHaveLength(1);
    expect(proof.aos_trace_steps).toHaveLength(2);
    expect(Date.parse(proof.verified_at)).not.toBeNaN();
  });

  it('stores the plan with the run before any step executes', async () => {
    const run = await runGoal(env, TENANT, agentId);
    const { rows } = await db.pool.query<{ type: string; data: string }>(
      'SELECT type, data FROM aos_events WHERE stream_id = $1 ORDER BY seq',
      [`aos-run-${run.run_id}`],
    );
    const planned = rows.findIndex((r) => r.type === 'RunPlanned');
    const firstStep = rows.findIndex((r) => r.type === 'StepExecuted');
    expect(planned).toBeGreaterThan(-1);
    expect(planned).toBeLessThan(firstStep);
    expect(JSON.parse(rows[planned]?.data ?? '{}')).toMatchObject({
      plan: {
        planner: 'template',
        steps: [
          { index: 0, skill: 'echo', params: { message: 'Run proof v3 validation run' } },
          { index: 1 },
        ],
      },
    });
    const got = jsonOf<{ plan: unknown; status: string }>(
      await runCli('aos', ['runs', 'get', '--tenant-id', TENANT, '--run-id', run.run_id, '--json'], env),
    );
    expect(got).toMatchObject({ status: 'succeeded', plan: { planner: 'template' } });
  });

  it("lists the tenant's agents, runs and the skills", async () => {
    const agents = jsonOf<{ agents: Array<{ agent_id: string }> }>(
      await runCli('aos', ['agents', 'list', '--tenant-id', TENANT, '--json'], env),
    );
    expect(agents.agents.map((a) => a.agent_id)).toContain(agentId);
    const runs = jsonOf<{ runs: unknown[] }>(
      await runCli('aos', ['runs', 'list', '--tenant-id', TENANT, '--json'], env),
    );
    expect(runs.runs.length).toBeGreaterThanOrEqual(1);
    const none = jsonOf<{ runs: unknown[] }>(
      await runCli('aos', ['runs', 'list', '--tenant-id', 'tenant-other', '--json'], env),
    );
    expect(none.runs).toEqual([]);
    const skills = jsonOf<{ skills: Array<{ name: string }> }>(
      await runCli('aos', ['skills', 'list', '--json'], env),
    );
    expect(skills.skills.map((s) => s.name)).toEqual([
      'echo',
      'http_call',
      'json_transform',
      'llm_invoke',
      'wait',
    ]);
  });

  it('reads a proof asked with the wrong tenant exactly like a run that does not exist', async () => {
    const run = await runGoal(env, TENANT, agentId);
    const wrongTenant = await runCli(
      'aos',
      ['proof', '--tenant-id', 'tenant-other', '--run-id', run.run_id, '--json'],
      env,
    );
    const missingId = '00000000-0000-4000-8000-000000000000';
    const missing = await runCli(
      'aos',
      ['proof', '--tenant-id', 'tenant-other', '--run-id', missingId, '--json'],
      env,
    );
    expect(wrongTenant.code).toBe(3);
    expect(missing.code).toBe(3);
    expect(wrongTenant.stdout.replace(run.run_id, 'X')).toBe(missing.stdout.replace(missingId, 'X'));
    expect(wrongTenant.stderr.replace(run.run_id, 'X')).toBe(missing.stderr.replace(missingId, 'X'));
    const events = await runCli(
      'aos',
      ['events', '--tenant-id', 'tenant-other', '--run-id', run.run_id, '--json'],
      env,
    );
    expect(events.code).toBe(3);
    const got = await runCli(
      'aos',
      ['runs', 'get', '--tenant-id', 'tenant-other', '--run-id', run.run_id, '--json'],
      env,
    );
    expect(got.code).toBe(3);
  });

  it('rebuilds the projections into tables equal to the live ones', async () => {
    await runGoal(env, TENANT, agentId);
    const dump = async () => {
      const tables = ['aos_traces', 'aos_trace_steps', 'runs', 'agents'];
      const out: Record<string, string> = {};
      for (const table of tables) {
        const { rows } = await db.pool.query<{ dump: string | null }>(
          `SELECT string_agg(t::text, E'\\n' ORDER BY t::text) AS dump FROM ${table} t`,
        );
        out[table] = rows[0]?.dump ?? '';
      }
      return out;
    };
    const live = await dump();
    expect(live.aos_trace_steps?.length).toBeGreaterThan(0);
    const rebuilt = await runCli('aos-int', ['projections', 'rebuild', '--json'], env);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(jsonOf<{ events_replayed: number }>(rebuilt).events_replayed).toBeGreaterThan(6);
    expect(await dump()).toEqual(live);
    const status = jsonOf<{ projections: Array<{ pending_events: number }> }>(
      await runCli('aos-int', ['projections', 'status', '--json'], env),
    );
    expect(status.projections[0]?.pending_events).toBe(0);
  });
});
