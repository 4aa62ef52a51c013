import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation.js';

/** Every migration, in order. Append only: never edit or reorder a landed one. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};
