import * as E from 'fp-ts/lib/Either.js';
import { parseCosignerVerifierKey, type Cosigner } from './cosignature.js';

/** A verifier's witness policy, in the spirit of C2SP tlog-policy: named witnesses (their
 * cosignature/v1 verifier keys), groups of them with a threshold, and the quorum a tree head needs.
 *
 *     witness <name> <verifier key> [<url>]
 *     group <name> <k|all|any> <member> ...
 *     quorum <witness or group name>
 *
 * Members are witnesses or groups defined on earlier lines; `#` lines and empty lines are skipped. */
export type WitnessPolicy = {
  readonly witnesses: ReadonlyMap<string, Cosigner>;
  readonly groups: ReadonlyMap<string, Group>;
  readonly quorum: string;
};
type Group = { readonly threshold: number; readonly members: readonly string[] };

type Draft = { witnesses: Map<string, Cosigner>; groups: Map<string, Group>; quorum: string | null };

const threshold = (spec: string, members: number): number | undefined => {
  if (spec === 'all') return members;
  if (spec === 'any') return 1;
  const k = /^[1-9][0-9]*$/.test(spec) ? Number(spec) : NaN;
  return k >= 1 && k <= members ? k : undefined;
};

const parseLine = (draft: Draft, words: readonly string[]): string | null => {
  const [keyword, name = '', ...rest] = words;
  const taken = draft.witnesses.has(name) || draft.groups.has(name);
  if (keyword === 'witness') {
    if (taken || rest.length < 1 || rest.length > 2)
      return 'expected "witness <new name> <verifier key> [<url>]"';
    const cosigner = parseCosignerVerifierKey(rest[0] ?? '');
    if (E.isLeft(cosigner)) return `witness ${name}: ${cosigner.left}`;
    draft.witnesses.set(name, cosigner.right);
    return null;
  }
  if (keyword === 'group') {
    const [spec = '', ...members] = rest;
    const k = threshold(spec, members.length);
    if (taken || k === undefined)
      return 'expected "group <new name> <k|all|any> <member> ..." with 1 <= k <= members';
    const unknown = members.find((m) => !draft.witnesses.has(m) && !draft.groups.has(m));
    if (unknown !== undefined) return `group ${name}: ${unknown} is not defined above`;
    draft.groups.set(name, { threshold: k, members });
    return null;
  }
  if (keyword === 'quorum') {
    if (draft.quorum !== null || rest.length > 0 || !taken) return 'expected one "quorum <witness or group>"';
    draft.quorum = name;
    return null;
  }
  return `unknown keyword ${JSON.stringify(keyword)}`;
};

/** The policy, or the first line that is not one (numbered from 1). */
export const parseWitnessPolicy = (text: string): E.Either<string, WitnessPolicy> => {
  const draft: Draft = { witnesses: new Map(), groups: new Map(), quorum: null };
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const problem = parseLine(draft, line.trim().split(/\s+/));
    if (problem !== null) return E.left(`line ${i + 1}: ${problem}`);
  }
  if (draft.quorum === null) return E.left('no "quorum" line');
  return E.right({ witnesses: draft.witnesses, groups: draft.groups, quorum: draft.quorum });
};

/** Whether the witnesses that cosigned (by policy name) satisfy the member `name`. */
const satisfies = (policy: WitnessPolicy, name: string, cosigned: ReadonlySet<string>): boolean => {
  const group = policy.groups.get(name);
  if (group === undefined) return cosigned.has(name);
  return group.members.filter((m) => satisfies(policy, m, cosigned)).length >= group.threshold;
};

/** Whether the quorum is met by these witnesses (their policy names). */
export const quorumMet = (policy: WitnessPolicy, cosigned: ReadonlySet<string>): boolean =>
  satisfies(policy, policy.quorum, cosigned);

/** The quorum for a person: `2 of w1, w2`. */
export const describeQuorum = (policy: WitnessPolicy, name = policy.quorum): string => {
  const group = policy.groups.get(name);
  if (group === undefined) return name;
  return `${group.threshold} of (${group.members.map((m) => describeQuorum(policy, m)).join(', ')})`;
};
