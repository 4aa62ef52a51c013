// A process appending audit entries as Flywheel's own code does (in transactions, several in
// flight, its own sealer), for the multi-process chain test. Args: <schema> <label> <count> <inFlight>.
import { closeSealer, startSealer } from '../../src/audit/seal.js';
import { appendAudit } from '../../src/audit/store.js';
import { openDatabase } from '../../src/db/connect.js';
import { TEST_DATABASE_URL } from './services.js';

const [schema, label, count, inFlight] = process.argv.slice(2) as [string, string, string, string];
const handle = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: Number(inFlight), schema });
startSealer(handle.db);
let next = 0;
await Promise.all(
  Array.from({ length: Number(inFlight) }, async () => {
    while (next < Number(count)) {
      const i = next++;
      await handle.db.transaction().execute(async (trx) => {
        const entry = (action: string) => ({
          traceId: `${label}-${i}`,
          actor: label,
          channel: 'test',
          action,
          subjectType: 'test',
          subjectId: `${label}-${i}`,
          data: { i },
          at: new Date(),
        });
        await appendAudit(trx, [entry('test.first'), entry('test.second')]);
      });
    }
  }),
);
await closeSealer(handle.db);
await handle.close();
