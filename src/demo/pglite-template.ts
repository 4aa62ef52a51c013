import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** Where the empty clusters are kept: beside tsx's own compile cache, one folder per user. */
export const DEFAULT_TEMPLATE_ROOT = join(tmpdir(), `flywheel-pglite-templates-${userInfo().uid}`);

/**
 * Gives `target` an initialised, empty PGlite cluster by copying one made once
 * per PGlite version. A new PGlite folder costs an initdb (2.5–5 s of CPU on a
 * small machine, the largest part of the demo's start-up); a copy takes
 * milliseconds. The copy holds no table: Flywheel still applies every migration
 * itself when it starts (graphile-worker's tests clone a template database the
 * same way). Resolves with whether the template had to be made first, or `target` exists already.
 */
export async function clonePgliteTemplate(target: string, root = DEFAULT_TEMPLATE_ROOT): Promise<'cloned' | 'created' | 'kept'> {
  // A work folder kept from an earlier run (--work-dir) keeps its data.
  if (await isDirectory(target)) return 'kept';
  const template = join(root, `pglite-${await pgliteVersion()}`);
  let made: 'cloned' | 'created' = 'cloned';
  if (!(await isDirectory(template))) {
    await mkdir(root, { recursive: true, mode: 0o700 });
    // Made aside and renamed into place, so a demo started meanwhile never copies half a cluster.
    const building = await mkdtemp(join(root, 'building-'));
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const pglite = new PGlite(building);
      await pglite.waitReady;
      await pglite.close();
      await rename(building, template).catch(async (error: NodeJS.ErrnoException) => {
        // Another demo made it first: theirs is as good.
        if (!(await isDirectory(template))) throw error;
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
    made = 'created';
  }
  await cp(template, target, { recursive: true, errorOnExist: true, force: false });
  return made;
}

async function pgliteVersion(): Promise<string> {
  // The package's exports hide package.json; its main entry sits in dist/ under the package root.
  const main = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(await readFile(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

const isDirectory = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
