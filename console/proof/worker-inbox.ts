// The verifying worker's first module (console/verify-worker.ts imports it before anything else):
// it takes the page's messages from the worker's first moment. The modules after it wait for the
// WebAssembly SHA-256 to compile (a top-level await in worker-sha256.ts), and a message that came
// meanwhile, with no handler set yet, was dropped: the page waited for its verdict for ever (about
// one load in three in Chromium). Kept here until the worker's handler takes them over.

type Inbox = { onmessage: ((message: MessageEvent) => void) | null };

const early: MessageEvent[] = [];
(self as unknown as Inbox).onmessage = (message) => {
  early.push(message);
};

/** The messages that arrived before the worker's handler was set, in order (once). */
export const takeEarlyMessages = (): MessageEvent[] => early.splice(0);
