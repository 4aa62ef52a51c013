import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type Bot, webhookCallback } from 'grammy';
import { createBot } from '../telegram/bot.js';
import type { Deps } from '../deps.js';
import { approvalPages } from '../web/approvals-pages.js';
import { dashboardRoutes } from '../web/dashboard/dashboard-routes.js';
import { loginRoutes } from '../web/login.js';
import { authenticate, requireRole, sameOriginWrites } from './auth.js';
import { BOARD_PATH, bullBoards } from './board.js';
import type { AppEnv } from './env.js';
import { errorBody, handleError, validationError } from './errors.js';
import { apiDocument } from './openapi-document.js';
import { newRouter } from './router.js';
import { approvalListRoutes, approvalRoutes } from './routes/approvals.js';
import { auditRoutes } from './routes/audit.js';
import { betaCandidateRoutes, betaInvitationRoutes, betaRoutes } from './routes/beta.js';
import { campaignRoutes } from './routes/campaigns.js';
import { ingestionRoutes } from './routes/events.js';
import { experimentRoutes } from './routes/experiments.js';
import { feedbackRoutes } from './routes/feedback.js';
import { growthMetricsRoutes, growthPlanRoutes } from './routes/growth.js';
import { healthRoutes } from './routes/health.js';
import { hirefireRoutes } from './routes/hirefire.js';
import { jobRoutes } from './routes/jobs.js';
import { mountMcp } from './routes/mcp.js';
import { metricsRoutes } from './routes/metrics.js';
import { opsRoutes } from './routes/ops.js';
import { sessionRoutes } from './routes/sessions.js';
import { statusRoutes } from './routes/status.js';
import { inputGuard } from './input-guard.js';
import { unmatchedHandler } from './method-not-allowed.js';
import { hasRole, tokenTable } from './tokens.js';
import { traceMiddleware } from './trace.js';

export interface AppOptions {
  /** The Telegram bot answering webhooks; default: built from config when Telegram is on. */
  telegramBot?: Bot;
}

/** Builds the HTTP app; it opens no port (tests call `app.request`). */
export function createApp(deps: Deps, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const tokens = tokenTable(deps.config.auth);
  const auth = { tokens, db: deps.db, clock: deps.clock };
  const writes = sameOriginWrites(deps.config.server.publicUrl);
  const app = newRouter();

  app.use(traceMiddleware(deps.logger));
  app.use(async (c, next) => {
    const stop = deps.metrics.httpDuration.startTimer({ method: c.req.method });
    await next();
    stop({ route: c.req.routePath, status: String(c.res.status) });
  });
  app.use(
    bodyLimit({
      maxSize: deps.config.server.bodyLimitBytes,
      onError: (c) => c.json(errorBody('payload_too_large', `request body exceeds ${deps.config.server.bodyLimitBytes} bytes (server.bodyLimitBytes)`), 413),
    }),
  );
  app.use(inputGuard({ jsonMaxDepth: deps.config.server.jsonMaxDepth }));
  app.onError(handleError);
  app.notFound(unmatchedHandler(app));

  app.route('/', healthRoutes(deps));
  if (deps.config.ops.scaling.hirefireToken) app.route('/', hirefireRoutes(deps));
  mountTelegramWebhook(app, deps, options.telegramBot);
  app.route('/', loginRoutes({ ...auth, secureCookies: deps.config.server.publicUrl.startsWith('https:') }));
  // The console is for people: an agent token (an outside system) reads only its own requests, through the API.
  app.use('/dashboard/*', authenticate({ ...auth, onMissing: 'redirect' }), requireRole('viewer'));
  app.route('/', approvalPages(deps, auth));
  app.route('/', dashboardRoutes(deps, auth));
  // Public: an invitation link's signed token is its credential.
  app.route('/', betaInvitationRoutes(deps));

  mountMcp(app, auth, deps.config.server.publicUrl);

  app.use('/metrics', authenticate(auth));
  app.route('/', metricsRoutes(deps));

  const betaCandidates = betaCandidateRoutes(deps);
  const growthMetrics = growthMetricsRoutes(deps);
  const v1 = newRouter()
    .route('/', statusRoutes(deps))
    .route('/', jobRoutes(deps))
    .route('/', approvalRoutes(deps))
    .route('/', auditRoutes(deps))
    .route('/', campaignRoutes(deps))
    .route('/', experimentRoutes(deps))
    .route('/', growthPlanRoutes(deps))
    .route('/', growthMetrics)
    .route('/', ingestionRoutes(deps))
    .route('/', feedbackRoutes(deps))
    .route('/', betaRoutes(deps))
    .route('/', betaCandidates)
    .route('/', opsRoutes(deps))
    .route('/', sessionRoutes(deps));
  const phase7 = newRouter().route('/', statusRoutes(deps)).route('/', approvalListRoutes(deps)).route('/', opsRoutes(deps));
  phase7.route('/', betaCandidates);
  phase7.route('/', growthMetrics);
  app.use('/api/v1/*', authenticate(auth), writes);
  app.use('/api/phase7/*', authenticate(auth), writes);
  app.route('/api/v1', v1);
  app.route('/api/phase7', phase7);

  const boards = bullBoards(deps.queues);
  app.use(BOARD_PATH, authenticate({ ...auth, onMissing: 'redirect' }), requireRole('viewer'), writes);
  app.use(`${BOARD_PATH}/*`, authenticate({ ...auth, onMissing: 'redirect' }), requireRole('viewer'), writes);
  const board = (c: Context<AppEnv>) =>
    (hasRole(c.var.principal.roles, ['operator']) ? boards.full : boards.readOnly).fetch(c.req.raw);
  app.all(BOARD_PATH, board);
  app.all(`${BOARD_PATH}/*`, board);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  // Relative to where the document is served unless a public URL is configured.
  const serverUrl = deps.config.server.publicUrl || '/';
  app.get('/api/openapi.json', (c) => c.json(apiDocument(app, { serverUrl })));
  app.get('/', (c) => c.redirect('/dashboard/approvals', 302));
  return app;
}

/** The least a webhook body must be for grammY to handle it: an object with a numeric update id. */
const TelegramUpdate = z.looseObject({ update_id: z.number().int().nonnegative() });

/**
 * Telegram webhook updates, verified by the secret token Telegram echoes in
 * X-Telegram-Bot-Api-Secret-Token. Without a secret anyone could post updates,
 * so the route is only mounted when one is configured.
 */
function mountTelegramWebhook(app: OpenAPIHono<AppEnv>, deps: Deps, given?: Bot) {
  const { telegram } = deps.config;
  if (!telegram.enabled) return;
  if (!telegram.webhookSecret) {
    deps.logger.warn('Telegram webhook not mounted: set TELEGRAM_WEBHOOK_SECRET (or run the bot process for polling)');
    return;
  }
  const bot = given ?? createBot(deps);
  const handle = webhookCallback(bot, 'hono', { secretToken: telegram.webhookSecret });
  const secret = Buffer.from(telegram.webhookSecret);
  app.post('/telegram/webhook', async (c) => {
    const given = Buffer.from(c.req.header('x-telegram-bot-api-secret-token') ?? '');
    if (given.length !== secret.length || !timingSafeEqual(given, secret)) return c.json(errorBody('unauthorized', 'wrong webhook secret'), 401);
    // grammY trusts the body is an Update; anything else would throw inside it (a 500).
    const update = TelegramUpdate.safeParse(await c.req.json().catch(() => undefined));
    if (!update.success) return c.json(validationError(update.error, 'json'), 400);
    return handle(c);
  });
}
