// src/api calls the domains and queues, never SQL (ARCHITECTURE.md). The import
// rules (.dependency-cruiser.cjs) keep query libraries out; this catches a query
// built on deps.db inside a handler, which no import shows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom|replaceInto|mergeInto)\(|\bsql`|\.query\(\s*['"`]/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const found = files('src/api').flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => (QUERY.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
);
if (found.length > 0) {
  process.stderr.write(`SQL in src/api (move it to the domain's store.ts):\n${found.join('\n')}\n`);
  process.exit(1);
}
