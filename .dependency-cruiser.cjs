/**
 * Import rules (npm run lint:imports, run by .ci/run). See ARCHITECTURE.md,
 * "Flow (one way)" and "Ownership".
 */
const DOMAINS = '^src/(actions|approvals|audit|beta|campaign-runtime|campaigns|downstream|events|growth|jobs|metrics|ops|policy|status|telegram|vocabulary)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Imports flow one way: a cycle means two modules are one idea, or a shared piece belongs in a leaf (src/vocabulary, the Deps type).',
      from: {},
      // A cycle of type-only imports is erased at compile time (Deps holds the action registry, whose handlers take Deps).
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'workers-imported-by-nothing',
      severity: 'error',
      comment: 'workers/ are thin processors started by the entry points (src/entry/) only; nothing else calls them.',
      from: { path: '^(src|queues|migrations|scripts)/', pathNot: '^src/entry/' },
      to: { path: '^workers/' },
    },
    {
      name: 'api-free-of-sql',
      severity: 'error',
      comment: "src/api calls the domains and queues, never SQL: a domain's store.ts holds its queries (scripts/lint-api-sql.ts checks for query builders too).",
      from: { path: '^src/api/' },
      to: { path: ['^node_modules/(kysely|pg|@electric-sql/pglite)/', '^src/db/(connect|migrate)\\.ts$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domains-free-of-api-and-web',
      severity: 'error',
      comment: 'Domains know nothing of HTTP or pages: src/api and src/web call them, not the other way round.',
      from: { path: DOMAINS },
      to: { path: '^src/(api|web)/' },
    },
    {
      name: 'campaign-runtime-imports-no-domain',
      severity: 'error',
      comment: "A running campaign's runtime (limits, leases, samples, circuit breaker, control state) is used by campaigns and ops and imports neither (issue #16).",
      from: { path: '^src/campaign-runtime/' },
      to: { path: '^src/(campaigns|ops)/' },
    },
    {
      name: 'campaign-runtime-built-once',
      severity: 'error',
      comment: 'Only the CampaignRuntime (built once in Deps) builds and drives the fleet limiter, lease pools and their scripts; everyone else goes through it.',
      from: { pathNot: '^src/campaign-runtime/' },
      to: { path: '^src/campaign-runtime/(fleet-limiter|lease-pool|limiter-scripts|downstream-scripts|run-script)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'queues-free-of-routes-and-workers',
      severity: 'error',
      comment: 'queues/ declare payloads and enqueue helpers; they import no route, page or worker.',
      from: { path: '^queues/' },
      to: { path: '^(src/api|src/web|workers)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
