import { readFile } from 'node:fs/promises';
import {
  DEFAULT_REPAIR_ATTEMPTS,
  MAX_INSTRUCTIONS_LENGTH,
  MAX_MODEL_PLAN_STEPS,
  MAX_REPAIR_ATTEMPTS,
  type ModelPlanner,
} from '../../domain/agent/agent-planner.js';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { usageError } from '../cli-failure.js';
import { decodeIntegerOption } from '../input-validation.js';

/** The options of `aos agents create` for a model planner. */
type ModelPlannerArgs = {
  readonly planner?: string;
  readonly instructions?: string;
  readonly 'max-steps'?: string;
  readonly 'repair-attempts'?: string;
  readonly skill?: readonly string[];
  readonly 'plan-template'?: string;
};

const MODEL_ONLY = ['instructions', 'max-steps', 'repair-attempts', 'skill'] as const;

/** The planner named by --planner (template unless it says llm); usage errors for options that
 * belong to the other planner. */
export const plannerKind = (args: ModelPlannerArgs): 'template' | 'llm' => {
  const kind = args.planner ?? 'template';
  if (kind !== 'template' && kind !== 'llm')
    throw usageError('planner', `must be template or llm (got ${JSON.stringify(kind)})`);
  if (kind === 'llm' && args['plan-template'] !== undefined)
    throw usageError('plan-template', 'is for --planner template; a model writes the plans of --planner llm');
  if (kind === 'template') {
    const misplaced = MODEL_ONLY.find((option) => args[option] !== undefined);
    if (misplaced !== undefined) throw usageError(misplaced, 'is for --planner llm');
  }
  return kind;
};

const readInstructions = async (path: string | undefined): Promise<string> => {
  if (path === undefined) return '';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(
      'instructions',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (text.length > MAX_INSTRUCTIONS_LENGTH)
    throw usageError(
      'instructions',
      `${path} has ${text.length} characters; at most ${MAX_INSTRUCTIONS_LENGTH}`,
    );
  return text;
};

/** The model planner's settings from the options: instructions from a file, the step ceiling, the
 * repair attempts and the skills (all the registry's when none is named). */
export const modelPlannerOf = async (
  args: ModelPlannerArgs,
  allSkills: readonly string[],
): Promise<Omit<ModelPlanner, 'kind'>> => {
  const instructions = await readInstructions(args.instructions);
  const maxSteps = decodeIntegerOption(
    intBetween(1, MAX_MODEL_PLAN_STEPS),
    'max-steps',
    args['max-steps'] ?? String(MAX_MODEL_PLAN_STEPS),
  );
  const repairAttempts = decodeIntegerOption(
    intBetween(0, MAX_REPAIR_ATTEMPTS),
    'repair-attempts',
    args['repair-attempts'] ?? String(DEFAULT_REPAIR_ATTEMPTS),
  );
  const skills =
    args.skill === undefined || args.skill.length === 0 ? [...allSkills] : args.skill.map(String);
  return { instructions, max_steps: maxSteps, repair_attempts: repairAttempts, skills };
};
