import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoute } from '@hono/zod-openapi';
import { createApp } from '../../src/api/app.js';
import { deriveOperationId } from '../../src/api/openapi-document.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; additionalProperties?: Schema | boolean; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[] };
type Operation = { operationId?: string; security?: unknown[]; tags?: string[]; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
type Doc = { servers?: { url: string }[]; security?: unknown[]; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ method, path, operation })));

/** Paths (in the schema tree) where an object says nothing about its values: `record<string, unknown>`. */
function untyped(doc: Doc, schema: Schema, at: string, seen = new Set<string>()): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.has(name) || name === 'JsonValue') return []; // an explicit "any JSON value", e.g. inside an action's payload
    seen.add(name);
    return untyped(doc, doc.components.schemas[name]!, `${at}→${name}`, seen);
  }
  const found: string[] = [];
  const isObject = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
  const extra = schema.additionalProperties;
  const open = extra === undefined || extra === true || (typeof extra === 'object' && Object.keys(extra).length === 0);
  if (isObject && !schema.properties && open) found.push(at);
  for (const [key, child] of Object.entries(schema.properties ?? {})) found.push(...untyped(doc, child, `${at}.${key}`, seen));
  if (typeof extra === 'object') found.push(...untyped(doc, extra, `${at}.*`, seen));
  if (schema.items) found.push(...untyped(doc, schema.items, `${at}[]`, seen));
  for (const list of [schema.anyOf, schema.oneOf, schema.allOf]) for (const child of list ?? []) found.push(...untyped(doc, child, at, seen));
  return found;
}

describe('OpenAPI document', () => {
  let ctx: TestContext;
  let doc: Doc;

  before(async () => {
    ctx = await createTestContext();
    doc = (await (await createApp(ctx.deps).request('/api/openapi.json')).json()) as Doc;
  });
  after(() => ctx.cleanup());

  it('gives every operation an operationId, and no two the same', () => {
    const all = operations(doc);
    assert.ok(all.length > 30);
    const missing = all.filter(({ operation }) => !operation.operationId).map(({ method, path }) => `${method} ${path}`);
    assert.deepEqual(missing, []);
    const ids = all.map(({ operation }) => operation.operationId!);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(duplicates, []);
  });

  it('derives the operationId of a route added later, without the route naming one', async () => {
    const app = createApp(ctx.deps);
    app.openapi(
      createRoute({ method: 'delete', path: '/api/v1/widgets/{widgetId}', responses: { 204: { description: 'gone' } } }),
      (c) => c.body(null, 204),
    );
    const later = (await (await app.request('/api/openapi.json')).json()) as Doc;
    assert.equal(later.paths['/api/v1/widgets/{widgetId}']!.delete!.operationId, 'deleteWidgetsByWidgetId');
  });

  it('derives readable, version-aware ids from the method and path', () => {
    assert.equal(deriveOperationId('post', '/api/v1/campaigns/{id}/pause'), 'postCampaignsByIdPause');
    assert.equal(deriveOperationId('get', '/api/phase7/ops/metrics'), 'getPhase7OpsMetrics');
    assert.equal(deriveOperationId('get', '/api/v1/beta/sprint-report'), 'getBetaSprintReport');
    assert.equal(deriveOperationId('get', '/healthz'), 'getHealthz');
  });

  it('names its server and requires the bearer token everywhere but the public routes, as the app does', async () => {
    assert.equal(doc.servers?.length, 1);
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    const publicOps = operations(doc).filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0);
    assert.deepEqual(publicOps.map(({ method, path }) => `${method} ${path}`).sort(), [
      'get /beta/invitations/{token}/{answer}',
      'get /healthz',
      'get /readyz',
      'post /beta/invitations/{token}/{answer}',
    ]);
    const app = createApp(ctx.deps);
    assert.equal((await app.request('/healthz')).status, 200);
    assert.notEqual((await app.request('/readyz')).status, 401);
    for (const { method, path, operation } of operations(doc)) {
      if (operation.security || method !== 'get' || path.includes('{')) continue;
      assert.equal((await app.request(path)).status, 401, `${path} is documented as needing the bearer token`);
    }
  });

  it('documents /metrics as Prometheus text for viewers', async () => {
    const metrics = doc.paths['/metrics']?.get;
    assert.ok(metrics);
    assert.ok(metrics.responses['200']!.content!['text/plain; version=0.0.4']);
    const res = await createApp(ctx.deps).request('/metrics', { headers: bearer(TOKENS.viewer) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  });

  it('types the responses of approvals, campaigns and ops: no object without its fields', () => {
    const found: string[] = [];
    for (const { method, path, operation } of operations(doc)) {
      if (!operation.tags?.some((tag) => ['approvals', 'campaigns', 'ops'].includes(tag))) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema) found.push(...untyped(doc, schema, `${method} ${path} ${status}`));
      }
    }
    assert.deepEqual(found, []);
  });

  it('documents /mcp as a JSON-RPC POST behind the bearer token, naming the tools the server really lists', async () => {
    const mcp = doc.paths['/mcp']?.post as (Operation & { description?: string; requestBody?: { content: Record<string, { schema: Schema }> } }) | undefined;
    assert.ok(mcp, 'POST /mcp is in the document');
    assert.equal(mcp.operationId, 'postMcp');
    assert.equal(mcp.security, undefined, 'not public: the document-wide bearer token applies');
    assert.equal(mcp.requestBody?.content['application/json']?.schema.$ref, '#/components/schemas/JsonRpcRequest');
    assert.equal(mcp.responses['200']!.content!['application/json']!.schema.$ref, '#/components/schemas/JsonRpcResponse');
    assert.ok(mcp.responses['200']!.content!['text/event-stream']);
    assert.ok(mcp.responses['401'] && mcp.responses['403']);

    const app = createApp(ctx.deps);
    const post = (body: unknown, headers: Record<string, string>) =>
      app.request('/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
    assert.equal((await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, {})).status, 401);
    assert.equal((await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, bearer(TOKENS.approver))).status, 403, 'an approver is not an agent');
    const res = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, bearer(TOKENS.operator));
    assert.equal(res.status, 200);
    const text = await res.text();
    // The stateless transport answers a request as JSON or as one server-sent event carrying it.
    const message = JSON.parse(res.headers.get('content-type')?.startsWith('text/event-stream') ? text.split('\n').find((line) => line.startsWith('data: '))!.slice(6) : text) as {
      jsonrpc: string;
      id: number;
      result: { tools: { name: string }[] };
    };
    assert.equal(message.jsonrpc, '2.0');
    assert.equal(message.id, 1);
    const listed = message.result.tools.map((t) => t.name).sort();
    assert.deepEqual(listed, ['get_approval', 'list_my_requests', 'request_approval']);
    for (const name of listed) assert.ok(mcp.description?.includes(`\`${name}\``), `the description names ${name}`);
  });
});
