import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../src/cli/client.js';
import { candidateTable } from '../../src/cli/commands/beta.js';
import { errorEnvelope } from '../../src/cli/main.js';

describe('CLI output', () => {
  it('beta candidates shows the seat count in the seats column, and the seats score apart', () => {
    const text = candidateTable([
      { tenantId: 't-1', name: 'Acme', plan: 'pro', seats: 42, score: 0.9123, breakdown: { recency: 0.5, seats: 0.87 }, status: 'candidate' },
    ]);
    const [header, row] = text.split('\n').map((line) => line.split(/\s{2,}/));
    assert.deepEqual(header, ['TENANT', 'NAME', 'PLAN', 'SEATS', 'SCORE', 'STATUS', 'RECENCY', 'SEATS SCORE']);
    assert.deepEqual(row, ['t-1', 'Acme', 'pro', '42', '0.912', 'candidate', '0.50', '0.87']);
  });

  it('--json errors are the API error envelope: the API answer as is, or one for the CLI failure', () => {
    const api = new CliError('404 not_found: no campaign x', 1, { httpStatus: 404, code: 'not_found', message: 'no campaign x' });
    assert.deepEqual(errorEnvelope(api), { error: { code: 'not_found', message: 'no campaign x' } });
    const field = new CliError('400 ...', 1, { httpStatus: 400, code: 'invalid_request', message: 'bad', field: 'body.limit' });
    assert.deepEqual(errorEnvelope(field), { error: { code: 'invalid_request', message: 'bad', field: 'body.limit' } });
    assert.deepEqual(errorEnvelope(new CliError('cannot reach', 1, undefined, 'unreachable')), { error: { code: 'unreachable', message: 'cannot reach' } });
    assert.deepEqual(errorEnvelope(new CliError('unknown command', 2)), { error: { code: 'usage', message: 'unknown command' } });
  });
});
