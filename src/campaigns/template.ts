/** Variables a message template may use: `{{user.name}}`, `{{reward.amount}}`, … */
export const TEMPLATE_VARIABLES = [
  'user.id',
  'user.name',
  'user.email',
  'tenant.id',
  'tenant.name',
  'campaign.name',
  'reward.mechanism',
  'reward.amount',
  'invite.link',
  'invite.declineLink',
] as const;

export const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g;

/** The variables a template refers to, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Variables the template uses that Flywheel cannot fill. */
export function unknownVariables(template: string): string[] {
  return templateVariables(template).filter((v) => !(TEMPLATE_VARIABLES as readonly string[]).includes(v));
}

/** Fills the placeholders; a missing value renders as an empty string. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
}
