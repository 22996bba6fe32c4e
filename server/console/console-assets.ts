import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The browser's files, built by scripts/bundle-console.mjs into dist/console-assets. */
const ASSET_FILES: Readonly<Record<string, string>> = {
  'console.js': 'text/javascript; charset=utf-8',
  'verify-worker.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** dist/console-assets, found from this module's place: dist/bin (the bundled CLI), dist/server/console
 * (tsc's output) or server/console (the sources, under tests). */
const assetsDirectory = (): string => {
  for (let up = 1; up <= 4; up++)
    for (const under of ['console-assets/', 'dist/console-assets/']) {
      const candidate = fileURLToPath(new URL(`${'../'.repeat(up)}${under}`, import.meta.url));
      if (existsSync(candidate)) return candidate;
    }
  throw new Error(
    `the console's assets (dist/console-assets) were not found above ${fileURLToPath(import.meta.url)}: npm run build`,
  );
};

export type Asset = { readonly type: string; readonly body: Buffer };

/** The named asset, read once and kept (they are a few hundred kB); undefined for any other name. */
export const consoleAssets = () => {
  const cache = new Map<string, Promise<Asset>>();
  return (name: string): Promise<Asset> | undefined => {
    const type = ASSET_FILES[name];
    if (type === undefined) return undefined;
    let asset = cache.get(name);
    if (asset === undefined) {
      asset = readFile(`${assetsDirectory()}${name}`).then((body) => ({ type, body }));
      cache.set(name, asset);
    }
    return asset;
  };
};
