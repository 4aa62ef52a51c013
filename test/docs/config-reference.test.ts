import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { CONFIG_REFERENCE_PATH, renderConfigReference } from '../../scripts/config-reference.js';
import { configSchema } from '../../src/config/schema.js';

describe('the config reference (docs/config.md)', () => {
  it('is what scripts/config-reference.ts generates from the schema (else: npm run docs:config)', () => {
    const committed = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
    const generated = renderConfigReference();
    if (committed !== generated) {
      const a = committed.split('\n');
      const b = generated.split('\n');
      const line = a.findIndex((text, i) => text !== b[i]);
      assert.fail(`docs/config.md is out of date: run npm run docs:config\nfirst difference at line ${line + 1}:\n  committed: ${a[line]}\n  generated: ${b[line]}`);
    }
  });

  it('lists every leaf key of the schema, with its default', () => {
    const text = renderConfigReference();
    const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { properties?: Record<string, unknown> }> };
    for (const [section, schema] of Object.entries(json.properties)) {
      for (const key of Object.keys(schema.properties ?? {})) {
        const name = key.includes('.') ? `${section}["${key}"]` : `${section}.${key}`;
        assert.ok(text.includes(`| \`${name}\` |`), `${name} is documented`);
      }
    }
    assert.match(text, /\| `server\.port` \| integer 0–65535 \| `3000` \| `PORT` \| /);
    assert.match(text, /\| `workers\.queues` \| string \| `""` \| `WORKER_QUEUES` \| /);
    assert.match(text, /\| `auth\.tokens\[\]\.token` \| string \(16\+ characters\) \| \(required\) \|/);
  });
});
