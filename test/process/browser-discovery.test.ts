import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHROMIUM_INSTALL, ChromiumPathError, findChromium, skipWithoutChromium } from '../support/browser.js';

const only = (...paths: string[]) => (path: string) => paths.includes(path);

describe('browser tests find a Chromium, or are skipped saying how to install one', () => {
  it('takes CHROMIUM_PATH first, then the PATH, then the usual locations such as /usr/bin/chromium', () => {
    const all = only('/custom/chrome', '/home/me/bin/chromium', '/usr/bin/chromium');
    assert.equal(findChromium({ CHROMIUM_PATH: '/custom/chrome', PATH: '/home/me/bin' }, all), '/custom/chrome');
    assert.equal(findChromium({ PATH: '/home/me/bin:/usr/local/bin' }, all), '/home/me/bin/chromium');
    assert.equal(findChromium({ PATH: '/nowhere' }, only('/usr/bin/chromium')), '/usr/bin/chromium');
    assert.equal(findChromium({ PATH: '' }, only('/usr/bin/google-chrome')), '/usr/bin/google-chrome');
  });

  it('fails when CHROMIUM_PATH names no executable, rather than silently skipping what was asked for', () => {
    assert.throws(() => findChromium({ CHROMIUM_PATH: '/missing/chromium' }, only()), ChromiumPathError);
  });

  it('skips with the one install command when there is no Chromium anywhere', () => {
    assert.equal(skipWithoutChromium({ PATH: '/usr/bin' }, only('/usr/bin/chromium')), false);
    const reason = skipWithoutChromium({ PATH: '/nowhere' }, only());
    assert.ok(reason && reason.includes(CHROMIUM_INSTALL), String(reason));
  });

  it('reports a browser suite as skipped, with the reason, on a machine without Chromium', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-chromium-'));
    const file = join(dir, 'browser.test.ts');
    const support = join(process.cwd(), 'test/support/browser.ts');
    writeFileSync(
      file,
      `import { describe, it } from 'node:test';\nimport { skipWithoutChromium } from ${JSON.stringify(support)};\n` +
        `describe('a browser suite', { skip: skipWithoutChromium(process.env, () => false) }, () => { it('drives a page', () => { throw new Error('ran'); }); });\n`,
    );
    // A nested runner would otherwise report to ours; CHROMIUM_PATH (set by .ci/run) would name the browser this machine lacks.
    const { NODE_TEST_CONTEXT: _, CHROMIUM_PATH: __, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], { encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /ok 1 - a browser suite # SKIP no Chromium found.*apt-get install chromium/);
    assert.match(run.stdout, /# fail 0/);
  });
});
