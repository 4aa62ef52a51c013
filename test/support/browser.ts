import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const ARTIFACTS_DIR = 'test/artifacts';

/** The one command that installs a Chromium playwright-core can drive (the browser is never downloaded). */
export const CHROMIUM_INSTALL = 'sudo apt-get install chromium';

/** Where Chromium or Chrome usually is, after CHROMIUM_PATH and the PATH. */
export const USUAL_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export class ChromiumPathError extends Error {
  override name = 'ChromiumPathError';
}

/**
 * The Chromium to drive: `CHROMIUM_PATH` when set (and then it must be there:
 * whoever sets it wants the browser tests run), else the first of the names on
 * the PATH and the usual locations that exists; null when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = isExecutable): string | null {
  if (env.CHROMIUM_PATH) {
    if (!exists(env.CHROMIUM_PATH)) throw new ChromiumPathError(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
    return env.CHROMIUM_PATH;
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((dir) => PATH_NAMES.map((name) => join(dir, name)));
  return [...onPath, ...USUAL_CHROMIUM_PATHS].find(exists) ?? null;
}

/**
 * For `describe(name, { skip: skipWithoutChromium() }, ...)`: false when a Chromium
 * is found, else the reason the browser tests are skipped, with the install command.
 */
export function skipWithoutChromium(env: NodeJS.ProcessEnv = process.env, exists?: (path: string) => boolean): false | string {
  if (findChromium(env, exists)) return false;
  return `no Chromium found (CHROMIUM_PATH, PATH, ${USUAL_CHROMIUM_PATHS[0]} and the usual locations); install it: ${CHROMIUM_INSTALL}`;
}

/**
 * The found Chromium, headless. The test network is closed, so everything that
 * would phone home (updates, sync, QUIC probes) is switched off.
 */
export function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new ChromiumPathError(skipWithoutChromium() || 'no Chromium found');
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Console errors and uncaught exceptions of a page, as they happen. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** Saves a full-page screenshot under test/artifacts/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
