/**
 * Node 21 and later define `navigator` (userAgent "Node.js/<major>"); Node 20 does not. Without it,
 * pg's runtime detection (pg/lib/stream.js isCloudflareRuntime) falls back to constructing a
 * `Response`, which loads Node's whole fetch implementation (undici): about 25 ms of every CLI call.
 * Defining the same minimal `navigator` Node 21 has avoids that. Imported first by both CLIs.
 */
const globals = globalThis as { navigator?: unknown };
if (globals.navigator === undefined) {
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.freeze({ userAgent: `Node.js/${process.versions.node.split('.')[0] ?? ''}` }),
    configurable: true,
    enumerable: false,
    writable: false,
  });
}
export {};
