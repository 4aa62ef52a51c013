// Writes the OpenAPI document the web process serves (GET /api/openapi.json) to a file,
// so `npm run lint:openapi` can lint exactly what clients get. Needs the local Redis the
// app's queues point at; the database is an in-memory PGlite, nothing is written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createApp } from '../src/api/app.js';
import { loadConfig } from '../src/config/load.js';
import { buildDeps } from '../src/entry/compose.js';
import { createLogger } from '../src/logger.js';

const out = process.argv[2] ?? '.flywheel/openapi.json';
mkdirSync(dirname(out), { recursive: true });
const config = loadConfig({ ...process.env, DATABASE_URL: '' });
const deps = await buildDeps({
  config: { ...config, database: { ...config.database, url: '', pgliteDir: 'memory://' } },
  logger: createLogger(process.env.LOG_LEVEL ?? 'silent'),
  migrate: false,
});
try {
  const res = await createApp(deps).request('/api/openapi.json');
  if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  writeFileSync(out, `${JSON.stringify(await res.json(), null, 2)}\n`);
  process.stdout.write(`openapi: wrote ${out}\n`);
} finally {
  await deps.close();
}
