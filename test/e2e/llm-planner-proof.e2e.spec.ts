import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { planAnswer } from '../support/fake-model-server.js';
import { proveRun, verdictOf } from '../support/run-inspection.js';
import {
  attemptsIn,
  cliEvents,
  createLlmAgent,
  exportRun,
  llmPlannerSetup,
  runLlmGoal,
  runsGet,
  type CliEvent,
} from './support/llm-planner-fixture.js';

/**
 * A run planned by a model, through the built CLI: the model's answer, exactly as it came (prose
 * around the JSON included), is chained, shown, exported and proven like every event of the run;
 * an edit of it in the store or in a bundle is found at its event.
 */
const TENANT = 'tenant-llm-proof';
const MARKER = 'planned-by-the-model-5b1e';
const ANSWER = `Here is the plan:\n${planAnswer({ skill: 'echo', params: { message: MARKER } })}\nDone.`;
const EDITED_MARKER = 'planned-by-an-editor-5b1e';

type Verdict = {
  integrity: {
    verification_status: string;
    divergence: { source: string; seq: number | null; field: string } | null;
  };
};
type Bundle = { events: CliEvent[] };

describe('aos run of an LLM-planned agent: the exchange is in the ledger, its proof and its bundle', () => {
  const { db, env, model } = llmPlannerSetup();
  /** No database: `aos verify` of a file works offline. */
  const offline = async () => ({ AOS_HOME: await mkdtemp(join(tmpdir(), 'aos-home-offline-')) });
  const writeBundle = async (text: string) => {
    const file = join(await mkdtemp(join(tmpdir(), 'aos-llm-bundle-')), 'bundle.json');
    await writeFile(file, text);
    return file;
  };
  const verifyFile = async (file: string) => {
    const trusted = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    const result = await runCli(
      'aos',
      ['verify', file, '--json', '--trusted-keys', trusted],
      await offline(),
    );
    return { code: result.code, stderr: result.stderr, ...jsonOf<Verdict>(result) };
  };
  const plannedRun = async () => {
    model.answer = () => ({ content: ANSWER });
    const agentId = await createLlmAgent(env, TENANT);
    const run = await runLlmGoal(env, TENANT, agentId, 'say what the model planned');
    expect(run.result.code, run.result.stderr).toBe(0);
    return run;
  };

  it('runs it: exit 0, VERIFIED; the answer in aos events, runs get and the export, which aos verify accepts; aos proof VERIFIED', async () => {
    const before = model.server.requests().length;
    const run = await plannedRun();
    expect(run).toMatchObject({ status: 'succeeded', step_count: 1 });
    expect(run.integrity.verification_status).toBe('VERIFIED');
    expect(model.server.requests().length - before).toBe(1);

    const { code, events } = await cliEvents(env, TENANT, run.run_id);
    expect(code).toBe(0);
    expect(events.map((e) => e.type)).toEqual([
      'RunCreated',
      'PlanningAttempted',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'RunCompleted',
    ]);
    const [attempt] = attemptsIn(events);
    expect(attempt).toMatchObject({
      attempt: 1,
      model: 'fake-planner',
      outcome: 'accepted',
      validation_errors: [],
      answer: { content: ANSWER, finish_reason: 'stop', model: 'fake-planner' },
    });
    // What was sent is what is recorded.
    expect(attempt?.messages).toEqual(model.server.requests().at(-1)?.messages);
    expect(events[2]?.data).toMatchObject({
      plan: { planner: 'llm', steps: [{ index: 0, skill: 'echo', params: { message: MARKER } }] },
    });
    expect(events[4]?.data).toMatchObject({ status: 'succeeded', outcome: { data: { message: MARKER } } });

    const got = await runsGet(env, TENANT, run.run_id);
    expect(got.code).toBe(0);
    expect(got.planning).toEqual([attempt]);

    const exported = await exportRun(env, TENANT, run.run_id);
    expect(exported.code, exported.stderr).toBe(0);
    const bundle = JSON.parse(exported.stdout) as Bundle;
    expect(bundle.events.map((e) => [e.type, e.link])).toEqual(events.map((e) => [e.type, e.link]));
    expect(attemptsIn(bundle.events)[0]?.answer?.content).toBe(ANSWER);
    const verdict = await verifyFile(await writeBundle(exported.stdout));
    expect(verdict.code, verdict.stderr).toBe(0);
    expect(verdict.integrity).toMatchObject({ verification_status: 'VERIFIED', divergence: null });

    expect(verdictOf(await proveRun(env, TENANT, run.run_id))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
  });

  it('finds the answer edited in the store (valid JSON): aos proof FAILED at that event, and aos verify refuses the bundle of the edited store', async () => {
    const run = await plannedRun();
    const stream = `aos-run-${run.run_id}`;
    const { events } = await cliEvents(env, TENANT, run.run_id);
    const planningSeq = events.findIndex((e) => e.type === 'PlanningAttempted');
    expect(planningSeq).toBe(1);
    const link = events[planningSeq]?.link;

    // As a superuser, triggers bypassed: the recorded answer says another plan.
    expect(
      await tamper(
        db.pool,
        `UPDATE aos_events SET data = replace(data, $2, $3) WHERE stream_id = $1 AND type = 'PlanningAttempted'`,
        [stream, MARKER, EDITED_MARKER],
      ),
    ).toBe(1);
    const stored = await db.pool.query<{ data: string }>(
      'SELECT data FROM aos_events WHERE stream_id = $1 AND seq = $2',
      [stream, planningSeq],
    );
    const edited = JSON.parse(stored.rows[0]?.data ?? '') as { answer: { content: string } };
    expect(edited.answer.content).toBe(ANSWER.replace(MARKER, EDITED_MARKER));

    const proof = await proveRun(env, TENANT, run.run_id);
    expect(proof.code, proof.stderr).toBe(1);
    expect(proof.integrity.verification_status).toBe('FAILED');
    expect(proof.integrity.divergence).toMatchObject({
      source: 'event_store',
      seq: planningSeq,
      field: 'link',
      actual: link,
    });

    const exported = await exportRun(env, TENANT, run.run_id);
    // aos export of the edited store warns and exits 1; the bundle it prints records that verdict,
    // and aos verify refuses it at the same event.
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain('warning: this run does not verify');
    const verdict = await verifyFile(await writeBundle(exported.stdout));
    expect(verdict.code).toBe(1);
    expect(verdict.integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'event_store', seq: planningSeq, field: 'link' },
    });
  });

  it("refuses a previously exported bundle whose answer was edited: aos verify FAILED at the PlanningAttempted's seq", async () => {
    const run = await plannedRun();
    const exported = await exportRun(env, TENANT, run.run_id);
    expect(exported.code, exported.stderr).toBe(0);
    const bundle = JSON.parse(exported.stdout) as Bundle;
    const planning = bundle.events.find((e) => e.type === 'PlanningAttempted');
    const answer = planning?.data.answer as { content: string };
    answer.content = answer.content.replace(MARKER, EDITED_MARKER);

    const verdict = await verifyFile(await writeBundle(JSON.stringify(bundle, null, 2)));
    expect(verdict.code).toBe(1);
    expect(verdict.integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'event_store', seq: planning?.seq, field: 'link' },
    });
  });
});
