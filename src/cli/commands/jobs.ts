import { setTimeout as delay } from 'node:timers/promises';
import { CliError } from '../client.js';
import { type Command, enc, intOption, need } from '../command.js';
import { ProgressLine, progressFraction } from '../progress.js';

interface JobView {
  id: string;
  queue: string;
  name: string;
  state: string;
  progress: unknown;
  attemptsMade: number;
  result: unknown;
  failedReason: string | null;
  traceId: string | null;
}

/** States after which a job changes no more (BullMQ keeps a job that will retry in `delayed`, not `failed`). */
const FINISHED = new Set(['completed', 'failed']);

export const jobCommands: Record<string, Command> = {
  'jobs run': {
    usage: 'jobs run <queue> [--data JSON] [--detach] [--timeout SEC]',
    summary: 'run an agent now and wait for its result (--detach: only enqueue)',
    async run({ client, args, options, progress }) {
      const queue = need(args[0], 'queue');
      let data: unknown;
      try {
        data = options.data ? JSON.parse(options.data) : undefined;
      } catch {
        throw new CliError('--data must be JSON', 2);
      }
      const timeoutSec = intOption(options.timeout, '--timeout', 600);
      const job = await client.request<{ id: string; queue: string; traceId: string }>('POST', `/api/v1/jobs/${enc(queue)}`, data === undefined ? {} : { data });
      if (options.detach) return { json: job, text: `enqueued ${queue} job ${job.id} (trace ${job.traceId})` };

      const deadline = Date.now() + timeoutSec * 1000;
      const line = new ProgressLine(progress);
      let pollMs = 100;
      try {
        for (;;) {
          const state = await client.request<JobView>('GET', `/api/v1/jobs/${enc(queue)}/${enc(job.id)}`);
          if (FINISHED.has(state.state)) {
            line.done();
            const outcome = state.state === 'completed' ? JSON.stringify(state.result) : state.failedReason;
            return {
              json: { ...job, ...state },
              text: `${queue} job ${job.id} ${state.state} after ${state.attemptsMade} attempt(s): ${outcome}\ntrace: ${state.traceId ?? job.traceId}`,
              exitCode: state.state === 'completed' ? 0 : 1,
            };
          }
          if (Date.now() > deadline) {
            line.done();
            throw new CliError(`${queue} job ${job.id} is still ${state.state} after ${timeoutSec} s (is a worker taking "${queue}"?); follow it with: flywheel jobs show ${queue} ${job.id}`);
          }
          line.update(progressFraction(state.progress), `${queue} ${state.state}`);
          await delay(pollMs);
          pollMs = Math.min(1000, pollMs * 2);
        }
      } finally {
        line.done();
      }
    },
  },
  'jobs show': {
    usage: 'jobs show <queue> <id>',
    summary: "a job's state, progress and result",
    async run({ client, args }) {
      const job = await client.request<Record<string, unknown>>('GET', `/api/v1/jobs/${enc(need(args[0], 'queue'))}/${enc(need(args[1], 'job id'))}`);
      return { json: job, text: Object.entries(job).map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join('\n') };
    },
  },
};
