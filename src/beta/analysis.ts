import type { Deps } from '../deps.js';
import { feedbackBetween, saveReport, tenantPlans } from './feedback-store.js';
import { planSprint } from './sprint.js';
import { buildStories } from './stories.js';
import { clusterThemes } from './themes.js';

export interface AnalysisSummary {
  reportId: number;
  feedback: number;
  themes: number;
  stories: number;
  committed: number;
  committedPoints: number;
  capacity: number;
}

/**
 * The daily feedback analysis: feedback of the configured window clustered
 * into themes, themes turned into user stories (priority weighted by the
 * tenants' plan value), stories fitted to the team's capacity. The report is
 * stored whole, so the API serves exactly what this run produced.
 */
export async function runAnalysis(deps: Deps, traceId: string): Promise<AnalysisSummary> {
  const { beta } = deps.config;
  const now = deps.clock.now();
  const since = new Date(now.getTime() - beta.analysisWindowDays * 86_400_000);
  const rows = await feedbackBetween(deps.db, since, now);
  const themeReport = clusterThemes(rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, text: r.text })));
  const plans = await tenantPlans(deps.db, [...new Set(rows.map((r) => r.tenant_id))]);
  const tenantValue = Object.fromEntries([...plans].map(([tenant, plan]) => [tenant, beta.planValue[plan] ?? 1]));
  const stories = buildStories(themeReport.themes, { tenantValue });
  const plan = planSprint(stories, { capacity: beta.teamCapacityPoints, name: `Beta feedback sprint (${now.toISOString().slice(0, 10)})`, startDate: now.toISOString().slice(0, 10) });
  const report = {
    generatedAt: now.toISOString(),
    traceId,
    window: { from: since.toISOString(), to: now.toISOString(), days: beta.analysisWindowDays },
    feedbackCount: rows.length,
    // Members are left out (their ids stay, as evidence): the texts are in beta_feedback.
    themes: themeReport.themes.map(({ members, ...theme }) => theme),
    unthemed: themeReport.unthemed,
    stories,
    plan,
  };
  const reportId = await saveReport(deps.db, { traceId, at: now, feedbackCount: rows.length, capacity: beta.teamCapacityPoints, report });
  deps.logger.info({ traceId, reportId, feedback: rows.length, themes: themeReport.themes.length, stories: stories.length }, 'beta analysis done');
  return {
    reportId,
    feedback: rows.length,
    themes: themeReport.themes.length,
    stories: stories.length,
    committed: plan.committed.length,
    committedPoints: plan.committedPoints,
    capacity: plan.capacity,
  };
}
