import Table from 'cli-table3';
import { median } from './median.js';

export type Unit = 'events/s' | 'spans/s' | 'ms' | 'MB';

/** One side of a figure: every sample and their median. */
export type Measure = {
  readonly label: string;
  readonly unit: Unit;
  readonly samples: readonly number[];
  readonly median: number;
  /** A second line for the table (peak RSS beside a time). */
  readonly detail: string | null;
};

export type Goal = { readonly text: string; readonly met: boolean };

/** A figure beside its peer (or limit) measured in the same run, and their ratio. */
export type Figure = {
  readonly section: string;
  readonly name: string;
  readonly ours: Measure;
  readonly peer: Measure | null;
  /** ours / peer of the medians, named (e.g. "ours/emmett"). */
  readonly ratio: { readonly name: string; readonly value: number } | null;
  readonly goal: Goal | null;
  readonly extra: Readonly<Record<string, unknown>>;
};

export const measure = (
  label: string,
  unit: Unit,
  samples: readonly number[],
  detail: string | null = null,
): Measure => ({ label, unit, samples, median: median(samples), detail });

/** A limit is a peer with no samples: the goal's number itself. */
export const limit = (label: string, unit: Unit, value: number): Measure => ({
  label,
  unit,
  samples: [],
  median: value,
  detail: null,
});

export const figure = (
  section: string,
  name: string,
  ours: Measure,
  peer: Measure | null,
  ratioName: string | null,
  goal: { readonly text: string; readonly test: (ratio: number) => boolean } | null,
  extra: Readonly<Record<string, unknown>> = {},
): Figure => {
  const value = peer && ratioName ? ours.median / peer.median : null;
  return {
    section,
    name,
    ours,
    peer,
    ratio: value === null || ratioName === null ? null : { name: ratioName, value },
    goal: goal && value !== null ? { text: goal.text, met: goal.test(value) } : null,
    extra,
  };
};

const digits = (value: number, fraction = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: fraction, maximumFractionDigits: fraction });

export const formatValue = (value: number, unit: Unit): string => {
  if (unit === 'ms')
    return value >= 10_000 ? `${digits(value / 1000, 1)} s` : `${digits(value, value < 100 ? 1 : 0)} ms`;
  if (unit === 'MB') return `${digits(value, 1)} MB`;
  if (unit === 'spans/s') return `${digits(value)} spans/s`;
  return `${digits(value)} ev/s`;
};

const cell = (m: Measure | null): string => {
  if (m === null) return '';
  const spread =
    m.samples.length > 1
      ? ` (${formatValue(Math.min(...m.samples), m.unit)}..${formatValue(Math.max(...m.samples), m.unit)})`
      : '';
  return [
    `${m.label}: ${formatValue(m.median, m.unit)}`,
    ...(spread ? [`  range${spread}`] : []),
    ...(m.detail ? [m.detail] : []),
  ].join('\n');
};

/** The figures as a table for people: medians, the range of the samples, ratio and goal. */
export const renderFigures = (figures: readonly Figure[]): string => {
  const table = new Table({
    head: ['Figure', 'Ours (median)', 'Peer / limit (median)', 'Ratio', 'Goal', 'Met'],
    style: { head: [], border: [] },
  });
  for (const f of figures) {
    table.push([
      `${f.section}\n${f.name}`,
      cell(f.ours),
      cell(f.peer),
      f.ratio ? `${digits(f.ratio.value, 2)}×\n${f.ratio.name}` : '',
      f.goal?.text ?? '',
      f.goal ? (f.goal.met ? 'yes' : 'NO') : '',
    ]);
  }
  return table.toString();
};
