import type { BundleTrust } from '../domain/bundle/bundle-verification.js';
import type { DocumentVerdict } from '../domain/verify/document-verdict.js';
import type { CommandResult } from './command-output.js';
import { ExitCode } from './exit-codes.js';
import { divergenceLine } from './run-proof-report.js';
import { shown } from './terminal-text.js';
import { NO_TRUSTED_KEY_HINT } from './verify-trust.js';

const verdictLines = (verdict: DocumentVerdict): string[] => [
  `Verification status: ${verdict.verification_status}`,
  ...(verdict.signed_by.length > 0
    ? [
        `signed by key ${verdict.signed_by.map(shown).join(', ')} (${verdict.key_trust === 'pinned' ? 'a trusted key' : 'key taken from the document, as --trust-embedded-key said'})`,
      ]
    : []),
  ...(verdict.failure_reason ? [`failure_reason: ${shown(verdict.failure_reason)}`] : []),
  ...(verdict.divergence ? [divergenceLine(verdict.divergence)] : []),
  ...(verdict.divergence?.field === 'public_keys' && verdict.key_trust === 'pinned'
    ? [`hint: ${NO_TRUSTED_KEY_HINT}`]
    : []),
];

const result = (kind: string, verdict: DocumentVerdict, heading: string[]): CommandResult => ({
  exitCode: verdict.verification_status === 'VERIFIED' ? ExitCode.ok : ExitCode.failed,
  json: { kind, ...verdict },
  text: [...heading, ...verdictLines(verdict)].join('\n'),
});

/** `aos proof --step N --inclusion --json` or `aos ledger consistency --json`, verified offline: no
 * database, no network; only the keys the auditor trusts (or, said explicitly, the document's). */
export const verifyPrintedDocument = async (
  kind: 'step_inclusion' | 'ledger_consistency',
  document: unknown,
  trust: BundleTrust,
): Promise<CommandResult> => {
  if (kind === 'step_inclusion') {
    const { verifyStepInclusion } = await import('../domain/verify/verify-step-inclusion.js');
    const verdict = verifyStepInclusion(document, trust);
    return result(kind, verdict, [
      `Step inclusion: step ${verdict.step_index ?? '?'} of run ${shown(verdict.run_id ?? '?')} (tenant ${shown(verdict.tenant_id ?? '?')})`,
      `merkle_root: ${verdict.merkle_root ?? '-'}`,
    ]);
  }
  const { verifyLedgerConsistency } = await import('../domain/verify/verify-ledger-consistency.js');
  const verdict = verifyLedgerConsistency(document, trust);
  return result(kind, verdict, [
    `Ledger consistency: tenant ${shown(verdict.tenant_id ?? '?')}, size ${verdict.from ?? '?'} to ${verdict.to ?? '?'}`,
  ]);
};
