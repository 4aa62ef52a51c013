// False-positive rate of hourly peeking on A/A experiments: always-valid mSPRT
// p-value vs a naive fixed-horizon z-test re-run every look; plus power on a
// real lift. Pure simulation, seeded, no services needed.
// Usage: npx tsx bench/sequential-fpr.ts [experiments=2000] [seed=1]
import { mulberry32 } from '../src/growth/mulberry32.js';
import { simulatePeeking } from '../src/growth/simulate-peeking.js';

const EXPERIMENTS = Number(process.argv[2] ?? 2000);
const SEED = Number(process.argv[3] ?? 1);

const scenarios = [
  { name: 'A/A 5%, 200/arm/h, 100 looks', controlRate: 0.05, variantRate: 0.05, usersPerArmPerLook: 200, looks: 100 },
  { name: 'A/A 2%, 500/arm/h, 100 looks', controlRate: 0.02, variantRate: 0.02, usersPerArmPerLook: 500, looks: 100 },
  { name: 'A/A 20%, 50/arm/h, 168 looks', controlRate: 0.2, variantRate: 0.2, usersPerArmPerLook: 50, looks: 168 },
  { name: '5% → 6% (power), 200/arm/h, 100 looks', controlRate: 0.05, variantRate: 0.06, usersPerArmPerLook: 200, looks: 100 },
];

console.log(`| scenario | mSPRT rejects | naive z-test rejects | (α = 0.05, ${EXPERIMENTS} experiments, seed ${SEED}) |`);
console.log('| --- | --- | --- | --- |');
for (const s of scenarios) {
  const started = performance.now();
  const r = simulatePeeking({ ...s, experiments: EXPERIMENTS, alpha: 0.05 }, mulberry32(SEED));
  const ms = Math.round(performance.now() - started);
  console.log(`| ${s.name} | ${r.sequential.toFixed(4)} | ${r.naive.toFixed(4)} | ${ms} ms |`);
}
