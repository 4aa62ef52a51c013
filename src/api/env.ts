import type { Role } from '../vocabulary/roles.js';
import type { Logger } from '../logger.js';

export interface Principal {
  name: string;
  /** The token's id (owner of the external requests it files). */
  tokenId: string;
  /** The person behind the token: four eyes compares people, not names. */
  person: string;
  roles: readonly Role[];
  via: 'bearer' | 'session';
  /** The dashboard session's id (the cookie's value), when `via` is `session`. */
  sessionId?: string;
}

export interface AppEnv {
  Variables: {
    traceId: string;
    logger: Logger;
    principal: Principal;
  };
}
