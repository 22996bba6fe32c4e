import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import type { SealTimestampReport } from '../domain/bundle/bundle-seal-timestamp.js';
import { parseTsaCertificate, type TsaCertificate } from '../domain/timestamp/tsa-certificate.js';
import { orThrow, usageError } from './cli-failure.js';
import { describeFileRefusal } from './file-refusal-messages.js';
import { shown } from './terminal-text.js';

/** `--tsa-cert FILE`: the TSA certificate (PEM or DER) a verifier trusts for seal time stamps; a
 * file that cannot be read or is not a certificate that may stamp time is a usage error (exit 2). */
export const readTsaCertFile = (path: string): TsaCertificate => {
  const bytes = pipe(
    readFileSafely(path, { followLinks: true, access: 'anyone', maxBytes: 1024 * 1024 }),
    orThrow((refusal) => usageError('tsa-cert', `cannot read ${path}: it ${describeFileRefusal(refusal)}`)),
  );
  return pipe(
    parseTsaCertificate(new Uint8Array(bytes)),
    orThrow((problem) => usageError('tsa-cert', `${path}: ${problem}`)),
  );
};

/** The report's line on the seal's time stamp. */
export const timestampLine = (stamp: SealTimestampReport): string => {
  const when = stamp.gen_time === null ? '' : `, genTime ${stamp.gen_time}`;
  switch (stamp.status) {
    case 'verified':
      return `timestamp: verified (RFC 3161, signed by the trusted TSA ${shown(stamp.tsa ?? '')}${when})`;
    case 'not_checked':
      return `timestamp: not checked (an RFC 3161 token over the seal's signature${when}; give --tsa-cert to check who signed it)`;
    case 'absent':
      return 'timestamp: none (the seal has no RFC 3161 time stamp)';
    case 'failed':
      return `timestamp: FAILED${when}`;
  }
};
