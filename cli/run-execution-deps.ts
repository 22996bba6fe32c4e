import type { RunAndProveDeps } from '../application/runs/run-and-prove.js';
import type { Runtime } from './runtime.js';

/** What executing a run needs, from the runtime and the environment: secrets come from
 * `AOS_SECRET_<NAME>` at execution time, extra redaction patterns from `AOS_REDACT_KEYS`. */
export const runExecutionDeps = async (
  runtime: Runtime,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunAndProveDeps> => {
  const [
    { templatePlanner },
    { systemClock },
    { randomIds },
    { redactionPolicyFromEnv },
    { modelPlanningSetting },
  ] = await Promise.all([
    import('../domain/plan/template-planner.js'),
    import('../adapters/system-clock.js'),
    import('../adapters/random-ids.js'),
    import('./redaction-config.js'),
    import('./model-planning-setting.js'),
  ]);
  const redaction = redactionPolicyFromEnv(env);
  return {
    store: runtime.store,
    readModel: runtime.readModel,
    skills: runtime.skills,
    planner: templatePlanner,
    clock: systemClock,
    ids: randomIds,
    random: Math.random,
    secret: (name) => env[`AOS_SECRET_${name}`],
    redaction,
    modelPlanning: modelPlanningSetting(env, {
      clock: systemClock,
      skills: runtime.skills,
      redaction,
      queries: runtime.readModel.queries,
      random: Math.random,
    }),
  };
};
