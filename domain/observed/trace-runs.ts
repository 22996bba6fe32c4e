import type { ReceivedSpan } from './received-span.js';
import { GenAi, stringAttribute } from './span-attributes.js';

/** A span as the staging holds it: what became of it so far, and when it arrived. */
export type StagedSpan = {
  readonly span: ReceivedSpan;
  readonly state: 'pending' | 'sealed' | 'late';
  /** The run it was sealed in (or recorded late for); null while pending. */
  readonly run_id: string | null;
  readonly received_at: string;
};

/** One run of a trace: its root span (the run's header, not a step) and its steps in start order. */
export type TraceRun = { readonly root: StagedSpan; readonly steps: readonly StagedSpan[] };

export type TraceRuns = {
  readonly runs: readonly TraceRun[];
  /** Spans in no run: above or beside the trace's agent invocations, or below a parent that has
   * not arrived in a trace of several runs. */
  readonly unattributed: readonly StagedSpan[];
};

const isAgentInvocation = (span: ReceivedSpan): boolean =>
  stringAttribute(span.attributes, GenAi.operation) === 'invoke_agent';

/** The span and its ancestors as far as they arrived, innermost first (a cycle stops the walk). */
const ancestry = (start: StagedSpan, byId: ReadonlyMap<string, StagedSpan>): StagedSpan[] => {
  const path = [start];
  const seen = new Set([start.span.span_id]);
  for (let parentId = start.span.parent_span_id; parentId !== null;) {
    const parent = byId.get(parentId);
    if (parent === undefined || seen.has(parentId)) break;
    path.push(parent);
    seen.add(parentId);
    parentId = parent.span.parent_span_id;
  }
  return path;
};

/** Start time, then end time, then span id: the order of a run's steps. */
const byStart = (a: StagedSpan, b: StagedSpan): number => {
  const start = BigInt(a.span.start_time_unix_nano) - BigInt(b.span.start_time_unix_nano);
  if (start !== 0n) return start < 0n ? -1 : 1;
  const end = BigInt(a.span.end_time_unix_nano) - BigInt(b.span.end_time_unix_nano);
  if (end !== 0n) return end < 0n ? -1 : 1;
  return a.span.span_id < b.span.span_id ? -1 : a.span.span_id > b.span.span_id ? 1 : 0;
};

/**
 * The runs of one trace's spans (docs/OBSERVED-RUNS.md, "From spans to runs"): each outermost
 * `invoke_agent` span is a run; in a trace without one, its root span (no parent) is. A span
 * belongs to the run of its outermost `invoke_agent` ancestor (itself included); a span whose
 * ancestry stops at a parent that has not arrived belongs to the trace's run when there is exactly
 * one. Pure and order-free: the same spans in any order give the same runs.
 */
export const traceRuns = (spans: readonly StagedSpan[]): TraceRuns => {
  const byId = new Map(spans.map((s) => [s.span.span_id, s]));
  const anyAgent = spans.some((s) => isAgentInvocation(s.span));
  const rootOf = (staged: StagedSpan): StagedSpan | 'orphan' | null => {
    const path = ancestry(staged, byId);
    const agents = path.filter((s) => isAgentInvocation(s.span));
    const outermost = agents[agents.length - 1];
    if (outermost !== undefined) return outermost;
    const top = path[path.length - 1]!;
    if (top.span.parent_span_id !== null) return 'orphan';
    return anyAgent ? null : top;
  };
  const roots = new Map<string, { root: StagedSpan; steps: StagedSpan[] }>();
  const pendingOrphans: StagedSpan[] = [];
  const unattributed: StagedSpan[] = [];
  const ordered = [...spans].sort(byStart);
  for (const staged of ordered) {
    const root = rootOf(staged);
    if (root === 'orphan') pendingOrphans.push(staged);
    else if (root === null) unattributed.push(staged);
    else if (root === staged)
      roots.set(root.span.span_id, roots.get(root.span.span_id) ?? { root, steps: [] });
    else {
      const run = roots.get(root.span.span_id) ?? { root, steps: [] };
      run.steps.push(staged);
      roots.set(root.span.span_id, run);
    }
  }
  const runs = [...roots.values()];
  const only = runs.length === 1 ? runs[0]! : undefined;
  if (only !== undefined) only.steps.push(...pendingOrphans);
  else unattributed.push(...pendingOrphans);
  for (const run of runs) run.steps.sort(byStart);
  return { runs: runs.sort((a, b) => byStart(a.root, b.root)), unattributed };
};
