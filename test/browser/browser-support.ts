/// <reference lib="dom" />
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { BiliClient } from '../../src/client/index.ts';
import type { ConfigInput } from '../../src/config.ts';
import { startTestServer } from '../support/harness.ts';
import { freePort } from '../support/postgres-cluster.ts';
import type { TestServer } from '../support/harness.ts';
export { ensureWebBuilt } from '../support/web-build.ts';

/** Debian's Chromium; never a browser Playwright downloads. */
export const CHROMIUM = process.env['REPLAY_CHROMIUM'] ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'test', '.artifacts', 'screenshots');
const DOC_SHOTS = join(ROOT, 'docs', 'screenshots');

/**
 * A describe block that needs Chromium. Without it the block is skipped with a loud banner, except under
 * CI=true, where a missing browser is a failure.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, { timeout: 90_000 }, body);
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('has Chromium to run in', () => {
        expect.fail(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
      });
    });
    return;
  }
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!! SKIPPED browser tests "${name}": ${CHROMIUM} not found (apt-get install chromium)\n${line}\n`,
  );
  describe.skip(name, body);
}

/**
 * A real Replay server (SQLite) from the harness, on a port chosen before the config is made, so
 * `publicUrl` (the base of avatar and emote links) is its real address: the pages load only same-origin
 * resources.
 */
export async function startWebServer(overrides: ConfigInput = {}): Promise<TestServer> {
  const port = await freePort();
  return startTestServer('sqlite', { port, publicUrl: `http://127.0.0.1:${port}`, ...overrides });
}

/** Chromium with the project's flags; Playwright gives every launch a fresh temporary --user-data-dir. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The player is started by the test, not by a person's click.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Requests that tried to leave the test server (aborted); must stay empty. */
  foreign: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/**
 * A browser context (its own cookie jar) on one page. Every request to another origin is aborted and
 * recorded, so a test can assert that the pages make no external network requests.
 */
export async function openPage(
  browser: Browser,
  server: TestServer,
  options: {
    cookies?: Record<string, string>;
    heartbeatMs?: number;
    colorScheme?: 'light' | 'dark';
    width?: number;
    /** The browser's language (navigator.languages); the pages pick theirs from it. English by default. */
    locale?: string;
  } = {},
): Promise<TestPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC',
  });
  const foreign: string[] = [];
  const errors: string[] = [];
  const origin = new URL(server.url).origin;
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      await route.fallback();
    } else {
      foreign.push(url);
      await route.abort('blockedbyclient');
    }
  });
  if (options.cookies) {
    await context.addCookies(
      Object.entries(options.cookies).map(([name, value]) => ({ name, value, url: server.url })),
    );
  }
  if (options.heartbeatMs !== undefined) {
    await context.addInitScript(
      `localStorage.setItem('replay.heartbeatIntervalMs', '${options.heartbeatMs}')`,
    );
  }
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (401, 404) is part of some flows; the page reports those in words itself.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return { context, page, foreign, errors };
}

/** A signed-in browser: a user made through the admin API, its session's cookies in a fresh context. */
export async function openSignedIn(
  browser: Browser,
  server: TestServer,
  uname: string,
  extra: Record<string, unknown> = {},
  options: Parameters<typeof openPage>[2] = {},
): Promise<TestPage & { mid: number; client: BiliClient }> {
  const { client, mid } = await server.signedIn(uname, extra);
  const opened = await openPage(browser, server, { ...options, cookies: { ...client.cookies } });
  return { ...opened, mid, client };
}

/**
 * Saves a screenshot under test/.artifacts/screenshots; with UPDATE_SCREENSHOTS=1 also into
 * docs/screenshots, the ones the README shows (kept out of ordinary runs: every run changes their dates).
 */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  if (process.env['UPDATE_SCREENSHOTS'] === '1') {
    mkdirSync(DOC_SHOTS, { recursive: true });
    copyFileSync(file, join(DOC_SHOTS, `${name}.png`));
  }
}

/** Every visible form control has an accessible name (a label, aria-label or aria-labelledby). */
export async function expectLabelled(page: Page): Promise<void> {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input, textarea, select, button')]
      .filter((el) => el.offsetParent !== null && (el as HTMLInputElement).type !== 'hidden')
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        const named =
          (labels && labels.length > 0) ||
          el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') ||
          (el.tagName === 'BUTTON' && el.textContent?.trim());
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unlabelled).toEqual([]);
}

/** Waits until `check` passes (polling), then returns. */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
