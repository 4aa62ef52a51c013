import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;
const program = "import { createLogger } from './src/logger.ts'; createLogger('info').info({ queue: 'ops-monitor' }, 'worker started');";

function run(viaTerminal: boolean): string {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const node = `${process.execPath} --import tsx --input-type=module -e "${program}"`;
  // util-linux `script` runs the command on a pseudo-terminal, as a developer's shell would.
  const result = viaTerminal
    ? spawnSync('script', ['-qec', node, '/dev/null'], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' } })
    : spawnSync('sh', ['-c', node], { encoding: 'utf8', env });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('logs', () => {
  it('are JSON lines when stdout is not a terminal (a pipe, a file, a log shipper)', () => {
    const line = JSON.parse(run(false).trim());
    assert.equal(line.msg, 'worker started');
    assert.equal(line.queue, 'ops-monitor');
    assert.equal(line.level, 30);
  });

  it('are readable lines (pino-pretty) when stdout is a terminal', { skip: hasScript ? false : 'needs util-linux script for a pseudo-terminal' }, () => {
    const output = run(true);
    assert.match(output, /INFO.*worker started/);
    assert.match(output, /queue: "ops-monitor"/);
    assert.doesNotMatch(output, /"msg":/);
  });
});
