import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressLine, progressFraction, renderBar } from '../../src/cli/progress.js';

describe('the CLI progress line', () => {
  it('reads a percentage, { percent } or { done, total } as a fraction, and nothing else', () => {
    assert.equal(progressFraction(40), 0.4);
    assert.equal(progressFraction(140), 1);
    assert.equal(progressFraction({ percent: 25 }), 0.25);
    assert.equal(progressFraction({ done: 3, total: 12 }), 0.25);
    assert.equal(progressFraction({ done: 3, total: 0 }), null);
    assert.equal(progressFraction({}), null);
    assert.equal(progressFraction('half'), null);
  });

  it('draws a bar with percentage and elapsed time, or only the elapsed time', () => {
    assert.equal(renderBar(0.5, 12_300, 'ops-monitor active', 10), 'ops-monitor active [#####.....]  50%  12s');
    assert.equal(renderBar(null, 2_000), 'working… 2s');
  });

  it('draws on a terminal only once work has taken longer than a second, and clears the line when done', () => {
    let t = 0;
    const written: string[] = [];
    const line = new ProgressLine({ isTTY: true, write: (s: string) => written.push(s) }, () => t);
    line.update(0.1);
    assert.deepEqual(written, [], 'short work shows nothing');
    t = 1500;
    line.update(0.5);
    assert.equal(written.length, 1);
    assert.match(written[0]!, /^\r\x1b\[2K\[#+\.+\]  50%  2s$/);
    line.done();
    assert.equal(written[1], '\r\x1b[2K');
  });

  it('writes nothing when stderr is not a terminal (pipes, CI logs)', () => {
    let t = 0;
    const written: string[] = [];
    const line = new ProgressLine({ isTTY: false, write: (s: string) => written.push(s) }, () => t);
    t = 5000;
    line.update(0.5);
    line.done();
    assert.deepEqual(written, []);
  });
});
