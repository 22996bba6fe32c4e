/** What a witness answered to a POST /add-checkpoint, or that it could not be reached. */
export type WitnessAnswer =
  | { readonly kind: 'answered'; readonly status: number; readonly text: string }
  | { readonly kind: 'unreachable'; readonly message: string };

/** Sends an add-checkpoint body to a witness (C2SP tlog-witness), within a time limit. */
export type WitnessClient = (url: string, body: string) => Promise<WitnessAnswer>;
