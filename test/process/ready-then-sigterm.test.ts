import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { entryConfig, runEntry } from '../support/entry-process.js';
import type { RunningProcess } from '../support/procfile.js';
import { waitFor } from '../support/wait-for.js';

// Each entry said it was ready (its log line, npm start's login banner) before it listened for
// SIGTERM: a supervisor stopping it the moment it read the line killed it outright, nothing drained.
const READY: Record<'start' | 'web' | 'worker', RegExp> = { start: /Dashboard login:/, web: /web listening/, worker: /worker started/ };

describe('a process told to stop as soon as it says it is ready shuts down cleanly', { timeout: 400_000 }, () => {
  let config: Awaited<ReturnType<typeof entryConfig>>;
  const running: RunningProcess[] = [];

  before(async () => {
    config = await entryConfig('fwready', { auth: { tokens: [], adminToken: 'a-long-enough-admin-token' } });
  });
  after(async () => {
    for (const p of running) p.signal('SIGKILL');
    await config.drop();
  });

  for (const entry of ['start', 'web', 'worker'] as const) {
    it(`${entry}: a SIGTERM right after its ready line is a graceful shutdown`, async () => {
      // Paused just after the line, as if descheduled: the signal arrives before anything after it ran.
      const p = runEntry(entry, { FLYWHEEL_CONFIG: config.path, PAUSE_AFTER_READY_MS: '500' }, ['./test/support/pause-after-ready.ts']);
      running.push(p);
      await waitFor(() => READY[entry].test(p.output()) || p.child.exitCode !== null, { what: `${entry}'s ready line`, timeoutMs: 60_000 });
      assert.match(p.output(), READY[entry]);
      p.signal('SIGTERM');
      assert.equal(await p.exited, 0, p.output());
      assert.match(p.output(), /shutting down/);
    });
  }
});
