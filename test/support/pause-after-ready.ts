// Preloaded (--import) into a process under test: right after it writes its ready line, it stops for
// PAUSE_AFTER_READY_MS, as a process descheduled at that moment on a loaded machine would. What is
// sent to it then (a SIGTERM from a supervisor that saw the line) finds it as it was when it wrote it.
import fs from 'node:fs';

const READY = /web listening|worker started|Dashboard login:/;
const pauseMs = Number(process.env.PAUSE_AFTER_READY_MS ?? 500);
const pause = (chunk: unknown) => {
  if (READY.test(String(chunk))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
};

// pino writes with fs.writeSync (sonic-boom, sync); the banner goes through process.stderr.write.
const writeSync = fs.writeSync;
fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
  const written = writeSync(...args);
  pause(args[1]);
  return written;
}) as typeof fs.writeSync;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const ok = write(chunk, ...rest);
    pause(chunk);
    return ok;
  }) as typeof stream.write;
}
