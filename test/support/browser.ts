import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it): playwright cannot
 * download browsers here. */
const CHROMIUM = process.env.AOS_CHROMIUM ?? '/usr/bin/chromium';

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

/** What a page did that a test forbids: console errors, uncaught exceptions, dialogs (an XSS would
 * open one), requests to any host but the server. */
export type PageWatch = {
  readonly errors: string[];
  readonly dialogs: string[];
  readonly foreignRequests: string[];
};

export const watchPage = (page: Page, serverHost: string): PageWatch => {
  const watch: PageWatch = { errors: [], dialogs: [], foreignRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol.startsWith('http') && url.host !== serverHost) watch.foreignRequests.push(request.url());
  });
  return watch;
};

type AxeViolation = { id: string; impact: string | null; description: string; nodes: unknown[] };

/** axe-core's violations of impact serious or critical on the page as it is. Its source is evaluated
 * through the DevTools protocol, so the page's CSP (no inline script) stays as served. */
export const seriousAxeViolations = async (page: Page): Promise<AxeViolation[]> => {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
};
