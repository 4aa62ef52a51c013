import type { ApprovalView } from '../approvals/view.js';
import { REFUSAL_MESSAGES, type RefusalReason } from '../approvals/decide.js';

/** "14m left", "3h 20m left", "2d 4h left"; "expired" once the deadline has passed. */
export function timeLeft(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.ceil(ms / 1000)}s left`;
  if (minutes < 60) return `${minutes}m left`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m left`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h left`;
}

/** "2025-03-04 10:15 UTC": one zone for everyone reading the same page. */
export function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
}

export const channelSummary = (channels: ApprovalView['channels']) =>
  Object.entries(channels).map(([channel, state]) => ({ channel, state }));

const titleCase = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The flash line after a decision, from the redirect's query. Only known keys
 * are turned into fixed text, so the query cannot put words on the page.
 */
export function flashMessage(query: { result?: string; decision?: string; refusal?: string }, request: ApprovalView): { text: string; ok: boolean } | null {
  const verb = query.decision === 'reject' ? 'Rejected' : 'Approved';
  switch (query.result) {
    case 'recorded': {
      const waiting = Object.entries(request.channels).filter(([, state]) => state === 'waiting').map(([channel]) => titleCase(channel));
      return { text: waiting.length ? `${verb} — waiting for ${waiting.join(' and ')}` : verb, ok: true };
    }
    case 'decided':
      return { text: `${verb} — the request is ${request.status}`, ok: true };
    case 'already_decided':
      return { text: 'Already decided — nothing changed', ok: false };
    case 'duplicate':
      return { text: 'This channel has already decided — nothing changed', ok: false };
    case 'expired':
      return { text: 'The request has expired — nothing changed', ok: false };
    case 'refused': {
      const reason = query.refusal && Object.hasOwn(REFUSAL_MESSAGES, query.refusal) ? REFUSAL_MESSAGES[query.refusal as RefusalReason] : 'the decision was not accepted';
      return { text: `Refused: ${reason}`, ok: false };
    }
    default:
      return null;
  }
}

/** "45 s", "2 min 56 s", "3 h 20 min": a span in seconds for a person. */
export function duration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '–';
  const s = Math.round(sec);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A duration in milliseconds: "120 ms", "3.4 s", then as `duration`. */
export const durationMs = (ms: number | null) => (ms === null ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : duration(ms / 1000));

/** A link to the trace view of one trace id. */
export const traceHref = (traceId: string) => `/dashboard/traces/${encodeURIComponent(traceId)}`;
