import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalCard, cardText, messagePreview, sendPlanText } from '../../src/approvals/card.js';
import { duration, percent, points, roundForPeople } from '../../src/approvals/people-format.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const plan = (over: Record<string, unknown> = {}) => ({
  capacity: { capacityPerSec: 29.4, source: 'snapshot', measuredAt: '2026-12-01T11:57:00Z', ageSec: 5 },
  campaignShare: 0.5,
  plan: {
    batchSize: 100,
    batchIntervalMs: 7000,
    waves: [{ index: 0, size: 1700, startAt: '2026-12-01T12:00:00Z', durationSec: 121 }],
    sendRatePerSec: 14,
    etaSec: 121.4,
    split: false,
    reason: 'fits',
    ...over,
  },
});

describe('approval cards: what a person reads, per kind', () => {
  it('says the send plan in words, with the capacity and how old its measurement is now', () => {
    assert.equal(sendPlanText(plan(), NOW), '1 wave, 14/s, about 2 min; capacity 29.4/s measured 3 min ago');
    const fallback = { ...plan(), capacity: { capacityPerSec: 50, source: 'config', measuredAt: null } };
    assert.equal(sendPlanText(fallback, NOW), '1 wave, 14/s, about 2 min; capacity 50/s configured, not measured');
    const split = plan({ waves: [1, 2, 3].map((i) => ({ index: i, size: 10, startAt: '', durationSec: 600 })), etaSec: 3 * 3600 });
    assert.match(sendPlanText(split, NOW), /^3 waves, 14\/s, about 3 h;/);
    assert.match(sendPlanText(plan({ sendRatePerSec: 0, etaSec: null, delayedUntil: '2026-12-01T12:15:00Z' }), NOW), /^delayed until 12:15 UTC/);
  });

  it('shows a launch with its audience, rewards, budget, send plan and the message as sent', () => {
    const card = approvalCard(
      {
        kind: 'campaign.launch',
        source: 'internal',
        summary: 'Launch "Winter" to 12,000 users',
        payload: {
          campaignId: 'c1',
          name: 'Winter',
          audienceSize: 12_000,
          budget: 120_000,
          reward: { mechanism: 'points', amount: 10 },
          template: 'Hi {{user.name}}, {{reward.amount}} {{reward.mechanism}} in {{campaign.name}}',
          contentHash: 'x',
          plan: plan(),
        },
      },
      NOW,
    );
    const facts = Object.fromEntries(card.facts.map((f) => [f.key, f.value]));
    assert.deepEqual(facts, {
      audience: '12,000 users',
      reward: 'points 10 per recipient',
      budget: 'up to 120,000 in rewards',
      plan: '1 wave, 14/s, about 2 min; capacity 29.4/s measured 3 min ago',
    });
    assert.equal(card.preview, 'Hi ‹user.name›, 10 points in Winter');
    assert.match(cardText(card), /^Audience: 12,000 users\n.*\nMessage preview:\n│ Hi ‹user\.name›/s);
  });

  it('shows an experiment launch arm by arm with shares of traffic', () => {
    const arms = [
      { name: 'control', mechanism: 'none', amount: 0, weight: 0.5 },
      { name: 'streak', mechanism: 'streak', amount: 3, weight: 0.5 },
    ];
    const card = approvalCard(
      {
        kind: 'campaign.launch',
        source: 'internal',
        summary: '',
        payload: { name: 'A/B', audienceSize: 10, budget: 30, reward: { mechanism: 'none', amount: 0 }, experiment: { key: 'exp-1', arms } },
      },
      NOW,
    );
    assert.equal(card.facts.find((f) => f.key === 'arms')?.value, 'control: no reward, 50% of traffic; streak: streak 3, 50% of traffic (experiment exp-1)');
  });

  it('shows a reward change as old → new with its evidence, numbers rounded for people', () => {
    const payload = {
      experimentKey: 'welcome-bonus',
      arm: 'B',
      mechanism: 'points',
      from: 10,
      to: 12,
      percentChange: 20.000000000000004,
      budgetDelta: 123.456789,
      evidence: {
        effect: 0.012345678912345,
        interval: [0.0031234567891, 0.021987654321],
        probability: 0.873456789123,
        pValue: 0.0123456789,
        cost: 2.3456789123,
      },
      reason: 'B beats control',
    };
    const card = approvalCard({ kind: 'reward.adjust', source: 'internal', summary: '', payload }, NOW);
    const facts = Object.fromEntries(card.facts.map((f) => [f.key, f.value]));
    assert.equal(facts.change, 'points of arm B: 10 → 12 (+20%)');
    assert.equal(facts.effect, '+1.2 pts conversion vs control');
    assert.equal(facts.interval, '+0.3 pts to +2.2 pts (always-valid)');
    assert.equal(facts.chance, '87%');
    assert.equal(facts.cost, '2.35 per extra conversion');
    assert.equal(facts.budget, '+123.46');
    assert.doesNotMatch(cardText(card), /\d\.\d{4,}/, 'no long floats');
  });

  it("shows an external request's Markdown summary and its payload fields; unknown shapes fall back to every field", () => {
    const external = approvalCard({ kind: 'meta.strategy.apply', source: 'external', summary: '**Why:** it works', payload: { share: 0.0512345678 } }, NOW);
    assert.equal(external.markdown, '**Why:** it works');
    assert.deepEqual(
      external.facts.map((f) => `${f.label}: ${f.value}`),
      ['Share: 0.051'],
    );
    const odd = approvalCard({ kind: 'campaign.launch', source: 'internal', summary: '', payload: { audienceSize: 'many' } }, NOW);
    assert.deepEqual(
      odd.facts.map((f) => `${f.label}: ${f.value}`),
      ['Audience: many'],
    );
  });

  it('rounds for people', () => {
    assert.equal(roundForPeople(1234567.891), '1,234,568');
    assert.equal(roundForPeople(14.285714), '14.29');
    assert.equal(roundForPeople(0.000123456), '0.00012');
    assert.equal(percent(0.05), '5%');
    assert.equal(percent(0.0512), '5.1%');
    assert.equal(points(-0.0042), '−0.4 pts');
    assert.equal(duration(45), '45 s');
    assert.equal(duration(121), '2 min');
    assert.equal(messagePreview('{{invite.link}}', { name: 'x', reward: { mechanism: 'none', amount: 0 } }), '‹invite.link›');
  });
});
