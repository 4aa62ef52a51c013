import { renderSprintMarkdown, type SprintPlan } from './sprint.js';

export interface StoredReport {
  generatedAt: string;
  window: { from: string; to: string; days: number };
  feedbackCount: number;
  themes: { id: string; label: string; count: number; distinctCount: number; tenantCount: number; dominantCategory: string; meanScore: number }[];
  unthemed: string[];
  plan: SprintPlan;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The sprint plan's Markdown (see renderSprintMarkdown), then where it came from: the themes found. */
export function renderReportMarkdown(report: StoredReport): string {
  const lines = [
    renderSprintMarkdown(report.plan).trimEnd(),
    '',
    '## Themes',
    '',
    `From ${report.feedbackCount} feedback items between ${report.window.from.slice(0, 10)} and ${report.window.to.slice(0, 10)}; ${report.unthemed.length} left unthemed. Generated ${report.generatedAt}.`,
    '',
  ];
  if (report.themes.length > 0) {
    lines.push('| Theme | Feedback | Distinct | Tenants | Category | Mean sentiment |', '|---|---:|---:|---:|---|---:|');
    for (const t of report.themes) {
      lines.push(`| ${cell(t.label)} | ${t.count} | ${t.distinctCount} | ${t.tenantCount} | ${t.dominantCategory} | ${t.meanScore} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
