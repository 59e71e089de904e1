import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); `DISPATCH_CHROMIUM` names another. */
export const CHROMIUM = process.env.DISPATCH_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go: test artifacts, never committed (`test-artifacts/` is gitignored). */
export const ARTIFACTS = new URL('../../test-artifacts/inspector/', import.meta.url).pathname;

const required = process.env.DISPATCH_REQUIRE_BROWSER === '1';
const missing = !existsSync(CHROMIUM);

/**
 * `describe` for tests that drive a real browser. Without Chromium they are skipped with a clear
 * message — unless `DISPATCH_REQUIRE_BROWSER=1` (CI), where they run and fail at launch.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (missing && !required) {
    console.warn(
      `[inspector] skipping "${name}": no Chromium at ${CHROMIUM} (apt-get install chromium, or set DISPATCH_CHROMIUM; DISPATCH_REQUIRE_BROWSER=1 makes this a failure)`,
    );
    describe.skip(name, body);
  } else {
    describe(name, body);
  }
}

/** A headless Chromium, or a clear error when it is missing. */
export async function launch(): Promise<Browser> {
  if (missing)
    throw new Error(`DISPATCH_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}: apt-get install chromium`);
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}

/**
 * A browser context whose every request to an address other than 127.0.0.1 is aborted and
 * recorded in `offsite` (a test then fails on it): no CDN, no web font, nothing leaves the machine.
 */
export async function guardedContext(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; offsite: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const offsite: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:') return route.continue();
    offsite.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => offsite.push(`page error: ${err.message}`));
  return { context, page, offsite };
}
