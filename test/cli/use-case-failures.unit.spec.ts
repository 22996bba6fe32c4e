import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/exit-codes.js';
import { runFailure } from '../../cli/use-case-failures.js';

const RUN_ID = '1387f730-9c6e-427e-8d26-d8fdb5a90d9e';
const RESUME = `aos runs resume --tenant-id tenant-t --run-id ${RUN_ID}`;

describe('runFailure: a run left recorded but unfinished is named, with the command that continues it', () => {
  it('a run cut off by the store: exit 4, the store message, the run and `aos runs resume`', () => {
    const failure = runFailure(
      {
        kind: 'run_cut_off',
        tenant_id: 'tenant-t',
        run_id: RUN_ID,
        error: { kind: 'store_unavailable', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
      },
      'tenant-t',
    );
    expect({ exitCode: failure.exitCode, code: failure.code, message: failure.message }).toEqual({
      exitCode: ExitCode.infrastructure,
      code: 'infrastructure',
      message: `event store unavailable: connect ECONNREFUSED 127.0.0.1:5432; run ${RUN_ID} is recorded up to its last append: continue it with ${RESUME}`,
    });
    expect(failure.details).toEqual({ run_id: RUN_ID, resume_command: RESUME });
  });

  // A run is sealed in the append that completes it: a seal that could not be appended left the
  // run open (nothing of its completion written), and resume completes and seals it.
  it('a completion whose seal could not be appended: exit 4 naming the run and the command that continues it', () => {
    const failure = runFailure(
      {
        kind: 'seal_not_appended',
        run_id: RUN_ID,
        run_completed: false,
        cause: { kind: 'ledger_contended', attempts: 60 },
      },
      'tenant-t',
    );
    expect(failure.exitCode).toBe(ExitCode.infrastructure);
    expect(failure.message).toMatch(new RegExp(`^run ${RUN_ID} is not completed: `));
    expect(failure.message.endsWith(`; continue it (its completion seals it) with ${RESUME}`)).toBe(true);
    expect(failure.details).toEqual({ run_id: RUN_ID, resume_command: RESUME });
  });

  it('a run completed without its seal (a store without transactions over streams): exit 4, no resume, the late seal named', () => {
    const failure = runFailure(
      {
        kind: 'seal_not_appended',
        run_id: RUN_ID,
        run_completed: true,
        cause: { kind: 'store', error: { kind: 'store_unavailable', message: 'gone' } },
      },
      'tenant-t',
    );
    expect(failure.exitCode).toBe(ExitCode.infrastructure);
    expect(failure.message).toContain('aos-int runs seal-late');
    expect(failure.details).toEqual({ run_id: RUN_ID });
  });

  it('a run still written faster than it could be proved: exit 1, still_running, naming the run and aos proof', () => {
    const failure = runFailure({ kind: 'still_running', run_id: RUN_ID, waited_ms: 20_000 }, 'tenant-t');
    expect({ exitCode: failure.exitCode, code: failure.code, details: failure.details }).toEqual({
      exitCode: ExitCode.failed,
      code: 'still_running',
      details: { run_id: RUN_ID },
    });
    expect(failure.message).toContain(`run ${RUN_ID} is still running`);
    expect(failure.message).toContain(`aos proof --tenant-id tenant-t --run-id ${RUN_ID}`);
  });

  it('a store failure before any run was recorded names no run', () => {
    const failure = runFailure({ kind: 'store', error: { kind: 'store_unavailable', message: 'down' } }, 't');
    expect(failure.message).toBe('event store unavailable: down');
    expect(failure.details).toEqual({});
  });
});
