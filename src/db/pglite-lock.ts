import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

export interface FolderLock {
  /** Removes the lock file; idempotent. */
  release(): void;
}

const LOCK_FILE = 'flywheel.pid';

/**
 * One writer per PGlite folder: PGlite itself does not lock, and two processes
 * writing one data folder corrupt it. The lock is a file holding the owner's
 * pid, created exclusively; a lock whose process is gone is taken over.
 */
export function lockFolder(dir: string, pid = process.pid): FolderLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (readFileSync(path, 'utf8').trim() === String(pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== pid && isAlive(owner)) {
      throw new DatabaseLockedError(
        `the embedded database ${dir} is in use by another Flywheel (pid ${owner}); PGlite allows one process per folder. ` +
          'Stop that one, or give this one its own folder (database.pgliteDir) or a Postgres (DATABASE_URL)',
      );
    }
    if (owner === pid) throw new DatabaseLockedError(`the embedded database ${dir} is already open in this process`);
    unlinkSync(path); // left by a process that is gone
  }
  throw new DatabaseLockedError(`the embedded database ${dir} was locked by another process while starting`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
