// The domain's pure code uses Node's Buffer for hex, base64 and UTF-8: in the browser build
// (scripts/bundle-console.mjs injects this file), the `buffer` package's, the same API.
export { Buffer } from 'buffer';
