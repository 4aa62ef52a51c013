import { assignArm, initialAllocation } from '../growth/assignment.js';
import { mulberry32, type Rng } from '../growth/mulberry32.js';
import { FEEDBACK_THEMES } from './feedback-texts.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** How a synthetic tenant uses the product, per day, over the 56 days the Beta score looks at. */
interface ActivityProfile {
  activeUsers: number;
  /** Sessions per day in the recent 28 days and in the 28 before. */
  sessionsPerDay: { recent: number; previous: number };
  eventsPerSession: number;
  sessionMinutes: number;
  features: number;
  /** Days since the last activity. */
  idleDays: number;
}

const PROFILES: Record<'power' | 'steady' | 'fading' | 'dormant', ActivityProfile> = {
  power: { activeUsers: 12, sessionsPerDay: { recent: 12, previous: 10 }, eventsPerSession: 6, sessionMinutes: 25, features: 10, idleDays: 0 },
  steady: { activeUsers: 6, sessionsPerDay: { recent: 4, previous: 4 }, eventsPerSession: 4, sessionMinutes: 8, features: 5, idleDays: 0 },
  fading: { activeUsers: 4, sessionsPerDay: { recent: 1, previous: 6 }, eventsPerSession: 4, sessionMinutes: 6, features: 4, idleDays: 3 },
  dormant: { activeUsers: 2, sessionsPerDay: { recent: 0.3, previous: 1 }, eventsPerSession: 3, sessionMinutes: 3, features: 2, idleDays: 18 },
};

const TENANTS: { id: string; name: string; plan: string; seats: number; profile: keyof typeof PROFILES }[] = [
  { id: 'acme', name: 'Acme Corp', plan: 'enterprise', seats: 120, profile: 'power' },
  { id: 'globex', name: 'Globex', plan: 'pro', seats: 45, profile: 'power' },
  { id: 'initech', name: 'Initech', plan: 'pro', seats: 30, profile: 'steady' },
  { id: 'umbrella', name: 'Umbrella', plan: 'enterprise', seats: 200, profile: 'power' },
  { id: 'hooli', name: 'Hooli', plan: 'starter', seats: 12, profile: 'steady' },
  { id: 'stark', name: 'Stark Industries', plan: 'enterprise', seats: 150, profile: 'power' },
  { id: 'wayne', name: 'Wayne Enterprises', plan: 'pro', seats: 60, profile: 'steady' },
  { id: 'soylent', name: 'Soylent', plan: 'starter', seats: 8, profile: 'fading' },
  { id: 'tyrell', name: 'Tyrell', plan: 'pro', seats: 25, profile: 'steady' },
  { id: 'cyberdyne', name: 'Cyberdyne', plan: 'starter', seats: 10, profile: 'fading' },
  { id: 'wonka', name: 'Wonka', plan: 'starter', seats: 6, profile: 'dormant' },
  { id: 'vandelay', name: 'Vandelay Industries', plan: 'starter', seats: 5, profile: 'dormant' },
];

const FEATURES = ['projects', 'tasks', 'calendar', 'reports', 'automations', 'integrations', 'comments', 'files', 'dashboards', 'billing', 'sso', 'api'];
const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Dev', 'Eva', 'Finn', 'Gita', 'Hugo', 'Iris', 'Jon', 'Kai', 'Lena', 'Milo', 'Nora', 'Omar', 'Pia', 'Quinn', 'Rosa', 'Sam', 'Tara'];

export interface Tenant {
  id: string;
  name: string;
  plan: string;
  seats: number;
}
export interface User {
  id: string;
  tenantId: string;
  name: string;
  email: string;
}
export interface ActivityEvent {
  id: string;
  tenantId: string;
  userId: string;
  type: string;
  time: string;
  properties: Record<string, unknown>;
}
export interface FeedbackItem {
  id: string;
  tenantId: string;
  userId: string;
  source: string;
  text: string;
  time: string;
}

export interface DemoData {
  tenants: Tenant[];
  users: User[];
  events: ActivityEvent[];
  feedback: FeedbackItem[];
}

/**
 * The synthetic company: tenants with distinct activity profiles (a few clear
 * Beta candidates, some steady, some fading or dormant), their users, 56 days
 * of product events ending at `now`, and feedback on recurring themes. The
 * same seed and `now` give the same data.
 */
export function generateDemoData(options: { seed: number; usersPerTenant: number; now: number }): DemoData {
  const rng = mulberry32(options.seed);
  const tenants = TENANTS.map(({ profile: _profile, ...t }) => t);
  const users: User[] = [];
  for (const t of TENANTS) {
    for (let i = 0; i < options.usersPerTenant; i += 1) {
      const first = FIRST_NAMES[(i + t.id.length) % FIRST_NAMES.length]!;
      const id = `${t.id}-u${String(i).padStart(4, '0')}`;
      users.push({ id, tenantId: t.id, name: `${first} ${t.name.split(' ')[0]}`, email: `${first.toLowerCase()}.${i}@${t.id}.example` });
    }
  }
  const events = TENANTS.flatMap((t) => activityEvents(t.id, PROFILES[t.profile], options.usersPerTenant, options.now, rng));
  const feedback = feedbackItems(rng, options.now, options.usersPerTenant);
  return { tenants, users, events, feedback };
}

function activityEvents(tenantId: string, p: ActivityProfile, usersPerTenant: number, now: number, rng: Rng): ActivityEvent[] {
  const out: ActivityEvent[] = [];
  const activeUsers = Math.min(p.activeUsers, usersPerTenant);
  for (let day = p.idleDays; day < 56; day += 1) {
    const rate = day < 28 ? p.sessionsPerDay.recent : p.sessionsPerDay.previous;
    // Whole sessions per day, the fraction as a chance of one more.
    const sessions = Math.floor(rate) + (rng() < rate % 1 ? 1 : 0);
    for (let s = 0; s < sessions; s += 1) {
      const user = `${tenantId}-u${String(Math.floor(rng() * activeUsers)).padStart(4, '0')}`;
      // Sessions start between 1 and 23 hours before the end of their day, so none lies in the future.
      const start = now - day * DAY - (60 + Math.floor(rng() * 22 * 60)) * MINUTE;
      const step = p.eventsPerSession > 1 ? (p.sessionMinutes * MINUTE) / (p.eventsPerSession - 1) : 0;
      for (let e = 0; e < p.eventsPerSession; e += 1) {
        const feature = FEATURES[Math.floor(rng() * p.features)]!;
        out.push({
          id: `act-${tenantId}-${day}-${s}-${e}`,
          tenantId,
          userId: user,
          type: e === 0 ? 'session_start' : 'feature_used',
          time: new Date(start + Math.round(e * step * (0.8 + 0.4 * rng()))).toISOString(),
          properties: { feature },
        });
      }
    }
  }
  return out;
}

function feedbackItems(rng: Rng, now: number, usersPerTenant: number): FeedbackItem[] {
  const sources = ['in_app', 'survey', 'email', 'support', 'interview'];
  const items: FeedbackItem[] = [];
  for (const [theme, texts] of Object.entries(FEEDBACK_THEMES)) {
    texts.forEach((text, i) => {
      const tenant = TENANTS[Math.floor(rng() * TENANTS.length)]!;
      items.push({
        id: `fb-${theme}-${i}`,
        tenantId: tenant.id,
        userId: `${tenant.id}-u${String(Math.floor(rng() * Math.min(usersPerTenant, 10))).padStart(4, '0')}`,
        source: sources[Math.floor(rng() * sources.length)]!,
        text,
        time: new Date(now - Math.floor(rng() * 30 * DAY) - MINUTE).toISOString(),
      });
    });
  }
  return items;
}

export interface ExperimentDesign {
  key: string;
  arms: { name: string; weight: number }[];
}

/**
 * Purchases after delivery with a true uplift: each delivered user converts
 * with its arm's rate. The arm is the one Flywheel assigned at launch (the same
 * documented hash of experiment key and user id), so no database access is needed.
 */
export function conversionEvents(options: { seed: number; userIds: readonly string[]; tenantOf: (userId: string) => string; experiment: ExperimentDesign; rates: Record<string, number>; at: number; revenue: number }) {
  const rng = mulberry32(options.seed);
  const allocation = initialAllocation(options.experiment.arms.map((a) => ({ arm: a.name, weight: a.weight })));
  const byArm: Record<string, { users: number; conversions: number }> = {};
  const events: ActivityEvent[] = [];
  for (const userId of options.userIds) {
    const arm = assignArm(options.experiment.key, userId, allocation);
    const tally = (byArm[arm] ??= { users: 0, conversions: 0 });
    tally.users += 1;
    if (rng() >= (options.rates[arm] ?? 0)) continue;
    tally.conversions += 1;
    events.push({ id: `purchase-${options.experiment.key}-${userId}`, tenantId: options.tenantOf(userId), userId, type: 'purchase', time: new Date(options.at).toISOString(), properties: { revenue: options.revenue } });
  }
  return { events, byArm };
}
