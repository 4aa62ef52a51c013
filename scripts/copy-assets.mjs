// tsc emits only what it compiles: data files that src/ reads at run time through
// `new URL('./x.json', import.meta.url)` (the sentiment model) are copied beside the build.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function copyJson(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyJson(path);
    else if (name.endsWith('.json')) cpSync(path, join('dist', path));
  }
}

copyJson('src');
