import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { intBetween } from '../json/bounded-codecs.js';
import { closedObject } from '../json/closed-object.js';
import { MAX_STEP_RETRIES, MAX_STEP_TIMEOUT_MS, PlanTemplateC } from '../plan/plan.js';

/** AgentRegistered as version 1 wrote it: every agent planned from its template. */
const AgentRegisteredV1C = closedObject(
  'AgentRegistered.v1',
  {
    agent_id: t.string,
    tenant_id: t.string,
    name: t.string,
    plan_template: PlanTemplateC,
    budget_cents: intBetween(0, Number.MAX_SAFE_INTEGER),
    allowed_hosts: t.array(t.string),
  },
  {
    max_retries: intBetween(0, MAX_STEP_RETRIES),
    step_timeout_ms: intBetween(1, MAX_STEP_TIMEOUT_MS),
  },
);

/** Version 1 → 2: the template becomes the agent's planner, `{kind: "template", plan_template}`. */
export const upcastAgentRegisteredV1 = (data: unknown): t.Validation<unknown> =>
  pipe(
    AgentRegisteredV1C.decode(data),
    E.map(({ plan_template, ...rest }) => ({
      schema_version: 2,
      ...rest,
      planner: { kind: 'template', plan_template },
    })),
  );
