import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';

/**
 * When no login token is configured outside production, a single-process start
 * makes one admin token for this run (as Jupyter does), so the dashboard can be
 * used at once. It is printed, never logged, and lasts as long as the process.
 */
export function withRunToken(
  config: Readonly<Config>,
  nodeEnv: string | undefined,
  generate: () => string = () => randomBytes(24).toString('base64url'),
): { config: Readonly<Config>; generated: string | null } {
  if (hasLoginToken(config) || nodeEnv === 'production') return { config, generated: null };
  const generated = generate();
  return { config: Object.freeze({ ...config, auth: Object.freeze({ ...config.auth, adminToken: generated }) }), generated };
}

export function hasLoginToken(config: Readonly<Config>): boolean {
  return Boolean(config.auth.adminToken) || config.auth.tokens.length > 0;
}

/** What `npm start` prints once it listens: where to log in, and with which token. */
export function loginBanner(config: Readonly<Config>, port: number, generated: string | null): string[] {
  const base = (config.server.publicUrl || `http://localhost:${port}`).replace(/\/+$/, '');
  const lines = [`Flywheel is running. Dashboard login: ${base}/login`];
  if (generated) {
    lines.push('No login token is configured (FLYWHEEL_ADMIN_TOKEN or auth.tokens); this run generated an admin token:');
    lines.push(`login token: ${generated}`);
  } else if (hasLoginToken(config)) {
    const named = [config.auth.adminToken ? 'FLYWHEEL_ADMIN_TOKEN' : '', config.auth.tokens.length ? `${config.auth.tokens.length} in auth.tokens` : ''];
    lines.push(`Login tokens are configured: ${named.filter(Boolean).join(' and ')}.`);
  } else {
    lines.push('No login token is configured: set FLYWHEEL_ADMIN_TOKEN (16+ characters) or auth.tokens to log in.');
  }
  return lines;
}
