import type { Command } from '../command.js';
import { table } from '../format.js';

/** GET /api/v1/beta/candidates (src/api/routes/beta.ts). */
interface CandidatesView {
  screening: { id: number; screenedAt: string; threshold: number; tenantsScreened: number; traceId: string } | null;
  candidates: { tenantId: string; name: string; plan: string; seats: number; score: number; breakdown: Record<string, number>; status: string }[];
  program: {
    invited: number;
    accepted: number;
    declined: number;
    active: number;
    optedOut: number;
    feedback: { total: number; bySentiment: Record<string, number>; byCategory: Record<string, number> };
  };
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

const BASE_COLUMNS = ['tenant', 'name', 'plan', 'seats', 'score', 'status'];

/**
 * The candidates table: the tenant's own fields, then one column per score
 * component. A component named like a field (`seats`, the seat count's share of
 * the score) is headed `<name> score`, so it never overwrites the field.
 */
export function candidateTable(candidates: CandidatesView['candidates']): string {
  const components = [...new Set(candidates.flatMap((c) => Object.keys(c.breakdown)))];
  const column = (component: string) => (BASE_COLUMNS.includes(component) ? `${component} score` : component);
  const rows = candidates.map((c) => ({
    tenant: c.tenantId,
    name: c.name,
    plan: c.plan,
    seats: c.seats,
    score: c.score.toFixed(3),
    status: c.status,
    ...Object.fromEntries(components.map((k) => [column(k), c.breakdown[k]?.toFixed(2) ?? ''])),
  }));
  return table(rows, [...BASE_COLUMNS, ...components.map(column)]);
}

export const betaCommands: Record<string, Command> = {
  'beta candidates': {
    usage: 'beta candidates',
    summary: "the latest screening's candidates with their score breakdown, and the programme's counts",
    async run({ client }) {
      const view = await client.request<CandidatesView>('GET', '/api/v1/beta/candidates');
      const { program: p, screening: s } = view;
      const text = [
        s ? `screened ${s.screenedAt}: ${s.tenantsScreened} tenants, score above ${s.threshold} (trace ${s.traceId})` : 'not screened yet (flywheel jobs run beta-screening)',
        '',
        candidateTable(view.candidates),
        '',
        `programme: invited ${p.invited}, accepted ${p.accepted}, declined ${p.declined}, active ${p.active}, opted out ${p.optedOut}`,
        `feedback: ${p.feedback.total} (${counts(p.feedback.bySentiment)}; ${counts(p.feedback.byCategory)})`,
      ].join('\n');
      return { json: view, text };
    },
  },
  'report sprint': {
    usage: 'report sprint',
    summary: 'the latest sprint planning report: Markdown, or its JSON with --json',
    async run({ client, json }) {
      if (json) return { json: await client.request<unknown>('GET', '/api/v1/beta/sprint-report'), text: '' };
      // The server renders the Markdown, so the CLI and the dashboard show the same report.
      return { json: null, text: (await client.text('/api/v1/beta/sprint-report?format=markdown')).trimEnd() };
    },
  },
};
