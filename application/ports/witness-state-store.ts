import type { WitnessState } from '../../domain/witness/witness-state.js';

/** Where a witness keeps the latest checkpoint it cosigned of each log, durably: `write` resolves
 * only once the state would survive a crash (written, synced, renamed into place). */
export type WitnessStateStore = {
  read(origin: string): Promise<WitnessState | null>;
  write(state: WitnessState): Promise<void>;
  /** Runs `work` alone: checking the old size and persisting the new one are one step. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
};
