import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { CHANNELS, EXPIRY_RESOLUTIONS } from '../../src/vocabulary/channels.js';
import { isAtLeast, maxPriority, PRIORITIES } from '../../src/vocabulary/priorities.js';
import { ROLES } from '../../src/vocabulary/roles.js';

/** Relative imports (value and type) of one source file, resolved to paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

function cycleFrom(start: string): string[] | null {
  const onPath: string[] = [];
  const done = new Set<string>();
  const visit = (file: string): string[] | null => {
    const at = onPath.indexOf(file);
    if (at >= 0) return [...onPath.slice(at), file];
    if (done.has(file)) return null;
    onPath.push(file);
    for (const next of importsOf(file).filter((f) => f.includes('/src/'))) {
      let found: string[] | null = null;
      try {
        found = visit(next);
      } catch {
        continue; // a .tsx or a folder import: not part of the config schema's graph
      }
      if (found) return found;
    }
    onPath.pop();
    done.add(file);
    return null;
  };
  return visit(start);
}

describe('vocabulary (priorities, roles, channels)', () => {
  it('imports nothing of Flywheel beyond itself, so every module may use it', () => {
    const dir = resolve('src/vocabulary');
    for (const name of readdirSync(dir)) {
      for (const target of importsOf(join(dir, name))) assert.equal(dirname(target), dir, `${name} imports ${target}`);
    }
  });

  it('leaves the config schema, the policy and approvals without an import cycle', () => {
    const cycle = cycleFrom(resolve('src/config/schema.ts'));
    assert.equal(cycle, null, `cycle: ${cycle?.map((f) => f.replace(`${process.cwd()}/`, '')).join(' -> ')}`);
  });

  it('is what the config accepts: every role on a token, every priority as the dual-channel level, every channel in the policy', () => {
    const token = (roles: string[]) => ({ name: 't', token: 'x'.repeat(16), roles });
    const config = parseConfig(JSON.stringify({ auth: { tokens: ROLES.map((role) => token([role])) }, policy: { channels: [...CHANNELS] } }), {});
    assert.deepEqual(config.auth.tokens.map((t) => t.roles[0]), [...ROLES]);
    assert.deepEqual(config.policy.channels, [...CHANNELS]);
    for (const priority of PRIORITIES) assert.equal(parseConfig(`approvals:\n  dualChannelMinPriority: ${priority}\n`, {}).approvals.dualChannelMinPriority, priority);
    assert.throws(() => parseConfig(JSON.stringify({ auth: { tokens: [token(['root'])] } }), {}), /auth\.tokens\.0\.roles\.0/);
    assert.throws(() => parseConfig(JSON.stringify({ policy: { channels: ['email'] } }), {}), /policy\.channels/);
    for (const onExpiry of EXPIRY_RESOLUTIONS) {
      assert.equal(parseConfig(JSON.stringify({ policy: { kinds: { 'campaign.launch': { onExpiry } } } }), {}).policy.kinds['campaign.launch']?.onExpiry, onExpiry);
    }
  });

  it('orders priorities from low to critical', () => {
    assert.ok(isAtLeast('critical', 'high') && !isAtLeast('normal', 'high'));
    assert.equal(maxPriority(['normal', 'critical', 'low']), 'critical');
    assert.equal(maxPriority([], 'normal'), 'normal');
  });
});
