import type { FeedbackCategory } from './classify-category.js';
import type { Theme, ThemeMember } from './themes.js';

export interface UserStory {
  /** "story-theme-3" */
  id: string;
  themeId: string;
  title: string;
  role: string;
  goal: string;
  benefit: string;
  /** "As a <role>, I want <goal>, so that <benefit>." */
  text: string;
  category: FeedbackCategory;
  acceptanceCriteria: string[];
  /** Ids of the feedback the story is built from. */
  evidence: string[];
  tenantIds: string[];
  priority: number;
  priorityFactors: { frequency: number; negativity: number; tenantValue: number };
  /** Fibonacci story points, see {@link estimatePoints}. */
  points: number;
  pointsRationale: string;
}

export interface StoryOptions {
  /** Value weight per tenant id (e.g. ARR band); tenants not listed weigh 1. @defaultValue {} */
  tenantValue?: Readonly<Record<string, number>>;
  /** Role used when no role noun recurs in the feedback. @defaultValue 'user' */
  defaultRole?: string;
  /** Theme categories that produce stories; praise has nothing to build. @defaultValue all but 'praise' */
  categories?: readonly FeedbackCategory[];
  /** Acceptance criteria quoted from feedback, before the closing criterion. @defaultValue 4 */
  maxCriteria?: number;
}

export const FIBONACCI_POINTS = [1, 2, 3, 5, 8, 13] as const;

const BASE_POINTS: Record<FeedbackCategory, number> = {
  question: 1, // a help article or answer
  praise: 1,
  bug_report: 3,
  complaint: 3,
  feature_request: 5,
};

/** Topics that usually cross a system boundary (identity provider, device, third-party API). */
const CROSS_SYSTEM = /^(sso|saml|scim|okta|azure|integration|api|webhooks?|sync|offline|mobile|android|ios|import|migration|permissions?|billing)$/;

/** Role nouns, checked in this order; the one found in most member texts (at least 2) wins. */
const ROLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(admins?|administrators?|it team|security team)\b/i, 'workspace admin'],
  [/\b(finance|accountants?)\b/i, 'finance user'],
  [/\b(analysts?|bi tool)\b/i, 'analyst'],
  [/\bsales (team|reps?)\b/i, 'sales rep'],
  [/\b(field team|technicians?|on the road)\b/i, 'field worker'],
  [/\b(execs?|managers?)\b/i, 'manager'],
  [/\b(developers?|engineers?)\b/i, 'developer'],
];

const END = String.raw`(?=\s+(?:so|because|before|since|when)\b|[.?!,;]|$)`;
const GOAL_PATTERNS: ReadonlyArray<readonly [RegExp, (g: string) => string]> = [
  [new RegExp(String.raw`\b(?:be able to|ability to|option to|a way to)\s+([^.?!,;]+?)${END}`, 'i'), (g) => `to be able to ${g}`],
  [new RegExp(String.raw`\b(?:add|support|allow|build|provide|include|offer)\s+([^.?!,;]+?)${END}`, 'i'), (g) => g],
  [new RegExp(String.raw`\b(?:we need|i need|would love|would like|we want|i want)\s+([^.?!,;]+?)${END}`, 'i'), (g) => g],
];
const BENEFIT_PATTERNS: ReadonlyArray<readonly [RegExp, (m: RegExpMatchArray) => string]> = [
  [/\bso (?:that )?((?:we|i|they|finance|admins?|users?|our \w+)\s[^.?!,;]+)/i, (m) => m[1] ?? ''],
  [/\bwould let (us|me|them) ([^.?!,;]+)/i, (m) => `${pronoun(m[1])} can ${m[2]}`],
  [/\bwould save (us|me) ([^.?!,;]+)/i, (m) => `${pronoun(m[1])} save ${m[2]}`],
];
/** Complaint aspects recognised in a theme's top terms; the first other top term is the subject. */
const COMPLAINT_ASPECTS: ReadonlyArray<readonly [RegExp, (subject: string) => string]> = [
  [/^(slow\w*|load\w*|lag\w*|laggy|sluggish|performance|takes|forever|wait\w*)$/i, (s) => `the ${s} to load quickly`],
  [/^(confus\w*|hard|clunky|difficult|tedious|cluttered)$/i, (s) => `the ${s} to be easier to use`],
];
const FALLBACK_BENEFIT: Record<FeedbackCategory, string> = {
  bug_report: 'I can rely on the product in my daily work',
  feature_request: 'I can get my work done without workarounds',
  complaint: 'using the product stops getting in my way',
  question: 'I can find the answer myself instead of contacting support',
  praise: 'the things I value keep working',
};
const CRITERION_PREFIX: Record<FeedbackCategory, string> = {
  bug_report: 'No longer happens',
  feature_request: 'Covers the request',
  complaint: 'Addresses',
  question: 'Help content answers',
  praise: 'Keeps working',
};

function pronoun(object: string | undefined): string {
  return object?.toLowerCase() === 'me' ? 'I' : object?.toLowerCase() === 'them' ? 'they' : 'we';
}

function quote(text: string, max = 140): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

function wordCount(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

/** Most central phrase matching any pattern, members being sorted by centrality. */
function firstPhrase<T>(members: readonly ThemeMember[], find: (text: string) => T | undefined): T | undefined {
  for (const m of members) {
    const found = find(m.text);
    if (found !== undefined) return found;
  }
  return undefined;
}

function detectRole(members: readonly ThemeMember[], fallback: string): string {
  let best = fallback;
  let bestCount = 1;
  for (const [pattern, role] of ROLES) {
    const count = members.filter((m) => pattern.test(m.text)).length;
    if (count > bestCount) {
      best = role;
      bestCount = count;
    }
  }
  return best;
}

function goalFor(theme: Theme, category: FeedbackCategory): string {
  if (category === 'feature_request') {
    const goal = firstPhrase(theme.members, (text) => {
      for (const [pattern, shape] of GOAL_PATTERNS) {
        const g = text.match(pattern)?.[1]?.trim();
        if (g && wordCount(g) >= 2 && wordCount(g) <= 12) return shape(g);
      }
      return undefined;
    });
    if (goal) return goal;
  }
  if (category === 'bug_report') return `the "${theme.label}" problems fixed`;
  if (category === 'question') return `clear answers about "${theme.label}" in the help centre`;
  for (const [aspect, shape] of COMPLAINT_ASPECTS) {
    if (!theme.topTerms.some((t) => aspect.test(t))) continue;
    const subject = theme.topTerms.find((t) => !aspect.test(t));
    if (subject) return shape(subject);
  }
  return `"${theme.label}" improved`;
}

/**
 * Story points: a base per category (question 1, bug/complaint 3, feature 5),
 * one Fibonacci step up when the theme spans 5+ tenants (more setups to
 * verify) and one when a top term names a cross-system topic (SSO, API,
 * mobile, sync, …). Capped at 13.
 */
export function estimatePoints(theme: Theme, category: FeedbackCategory): { points: number; rationale: string } {
  const reasons = [`base ${BASE_POINTS[category]} for ${category}`];
  let step = FIBONACCI_POINTS.indexOf(BASE_POINTS[category] as (typeof FIBONACCI_POINTS)[number]);
  if (theme.tenantCount >= 5) {
    step += 1;
    reasons.push(`${theme.tenantCount} tenants`);
  }
  const crossSystem = theme.topTerms.find((t) => CROSS_SYSTEM.test(t.toLowerCase()));
  if (crossSystem) {
    step += 1;
    reasons.push(`cross-system topic "${crossSystem}"`);
  }
  const points = FIBONACCI_POINTS[Math.min(step, FIBONACCI_POINTS.length - 1)] as number;
  return { points, rationale: reasons.join(', ') };
}

/**
 * One user story per theme whose dominant category is in `categories`.
 *
 * Priority = frequency × negativity × tenant value, where frequency is the
 * number of feedback items (duplicates count: they are repeated demand),
 * negativity is 1 + the share of negative items (1..2) and tenant value is
 * the mean {@link StoryOptions.tenantValue} of the distinct tenants.
 * Goal and benefit are lifted from the most representative feedback when a
 * pattern matches ("ability to …", "so that …"), otherwise templated.
 * Stories are sorted by priority, highest first.
 */
export function buildStories(themes: readonly Theme[], options: StoryOptions = {}): UserStory[] {
  const {
    tenantValue = {},
    defaultRole = 'user',
    categories = ['bug_report', 'feature_request', 'complaint', 'question'],
    maxCriteria = 4,
  } = options;
  const stories = themes
    .filter((theme) => categories.includes(theme.dominantCategory) && theme.count > 0)
    .map((theme): UserStory => {
      const category = theme.dominantCategory;
      const role = detectRole(theme.members, defaultRole);
      const goal = goalFor(theme, category);
      const benefit =
        firstPhrase(theme.members, (text) => {
          for (const [pattern, shape] of BENEFIT_PATTERNS) {
            const m = text.match(pattern);
            if (m) return shape(m).trim();
          }
          return undefined;
        }) ?? FALLBACK_BENEFIT[category];
      const duplicateOf = new Set(theme.duplicateGroups.flatMap((g) => g.slice(1)));
      const candidates = theme.members.filter((m) => !duplicateOf.has(m.id) && m.sentiment !== 'positive');
      const quoted = [...candidates.filter((m) => m.category === category), ...candidates.filter((m) => m.category !== category)]
        .slice(0, maxCriteria)
        .map((m) => `${CRITERION_PREFIX[category]}: "${quote(m.text)}" (${m.id})`);
      const frequency = theme.count;
      const negativity = 1 + theme.sentimentMix.negative / theme.count;
      const value = theme.tenantIds.reduce((acc, t) => acc + (tenantValue[t] ?? 1), 0) / Math.max(1, theme.tenantIds.length);
      const { points, rationale } = estimatePoints(theme, category);
      const article = /^(?:[aeio]|u(?!s|ni))/i.test(role) ? 'an' : 'a';
      return {
        id: `story-${theme.id}`,
        themeId: theme.id,
        title: `${{ bug_report: 'Fix', feature_request: 'Add', complaint: 'Improve', question: 'Document', praise: 'Keep' }[category]}: ${theme.label}`,
        role,
        goal,
        benefit,
        text: `As ${article} ${role}, I want ${goal}, so that ${benefit}.`,
        category,
        acceptanceCriteria: [
          ...quoted,
          `All ${theme.count} linked feedback items (${theme.tenantCount} tenants) get a reply when this ships`,
        ],
        evidence: theme.feedbackIds,
        tenantIds: theme.tenantIds,
        priority: Math.round(frequency * negativity * value * 100) / 100,
        priorityFactors: { frequency, negativity: Math.round(negativity * 1000) / 1000, tenantValue: Math.round(value * 1000) / 1000 },
        points,
        pointsRationale: rationale,
      };
    });
  return stories.sort((a, b) => b.priority - a.priority || a.themeId.localeCompare(b.themeId, undefined, { numeric: true }));
}
