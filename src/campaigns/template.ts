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

type Part = string | { name: string };
const compiled = new Map<string, Part[]>();

/**
 * `renderTemplate` with the template parsed once, its values looked up by name: a campaign
 * renders one template for every recipient. Parsed templates are kept by their text (at most 256).
 */
export function templateRenderer(template: string): (value: (name: string) => string | undefined) => string {
  let parts = compiled.get(template);
  if (!parts) {
    parts = [];
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      parts.push(template.slice(last, match.index), { name: match[1]! });
      last = match.index + match[0].length;
    }
    parts.push(template.slice(last));
    if (compiled.size >= 256) compiled.delete(compiled.keys().next().value!);
    compiled.set(template, parts);
  }
  const fixed = parts;
  return (value) => {
    let out = '';
    for (const part of fixed) out += typeof part === 'string' ? part : (value(part.name) ?? '');
    return out;
  };
}
