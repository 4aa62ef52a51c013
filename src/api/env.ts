import type { Role } from '../vocabulary/roles.js';
import type { Logger } from '../logger.js';

export interface Principal {
  name: string;
  roles: readonly Role[];
  via: 'bearer' | 'session';
}

export interface AppEnv {
  Variables: {
    traceId: string;
    logger: Logger;
    principal: Principal;
  };
}
