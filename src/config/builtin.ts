/**
 * The configuration used when no YAML file exists: it wires the documented
 * environment variables; every other key takes its schema default.
 * `flywheel.example.yaml` must agree with it (a test checks).
 */
export const BUILTIN_CONFIG_YAML = `
server:
  port: \${PORT:-3000}
database:
  url: \${DATABASE_URL:-}
redis:
  url: \${REDIS_URL:-redis://127.0.0.1:6379}
  cluster: \${REDIS_CLUSTER:-false}
  prefix: \${REDIS_PREFIX:-flywheel}
auth:
  adminToken: \${FLYWHEEL_ADMIN_TOKEN:-}
  sessionSecret: \${FLYWHEEL_SESSION_SECRET:-}
logging:
  level: \${LOG_LEVEL:-info}
workers:
  queues: \${WORKER_QUEUES:-}
ops:
  scaling:
    hirefireToken: \${HIREFIRE_TOKEN:-}
telegram:
  enabled: \${TELEGRAM_ENABLED:-false}
  botToken: \${TELEGRAM_BOT_TOKEN:-}
  webhookSecret: \${TELEGRAM_WEBHOOK_SECRET:-}
  apiRoot: \${TELEGRAM_API_ROOT:-https://api.telegram.org}
`;
