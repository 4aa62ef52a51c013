import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { readProcfile } from '../support/procfile.js';

/** The text of one `## ` section of docs/operations.md. */
function section(title: string): string {
  const text = readFileSync('docs/operations.md', 'utf8');
  const start = text.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `docs/operations.md has no section ${title}`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('docs/operations.md, Deploying', () => {
  it('names only configuration keys that exist', () => {
    const defaults = parseConfig('', {}) as unknown as Record<string, unknown>;
    const text = section('Deploying');
    const named = new Set([...text.matchAll(/`([a-z][a-zA-Z]*(?:\.[a-z][a-zA-Z]*)+)`/g)].map(([, key]) => key!));
    const keys = [...named].filter((key) => key.split('.')[0]! in defaults);
    assert.ok(keys.includes('database.poolSize'));
    const missing = keys.filter((key) => {
      let node: unknown = defaults;
      for (const part of key.split('.')) {
        if (!node || typeof node !== 'object' || !(part in node)) return true;
        node = (node as Record<string, unknown>)[part];
      }
      return false;
    });
    assert.deepEqual(missing, []);
  });

  it('names files and Procfile commands that exist', () => {
    const text = section('Deploying');
    for (const [, path] of text.matchAll(/`((?:compose|flywheel\.example)\.yaml|Dockerfile|\.dockerignore)`/g)) assert.ok(existsSync(path!), path);
    for (const [, path] of text.matchAll(/\bnode (dist\/src\/entry\/[a-z]+\.js)/g))
      assert.ok(
        Object.values(readProcfile()).some((command) => command.endsWith(path!)),
        path,
      );
  });
});
