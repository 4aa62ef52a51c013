import { campaignLaunchAction } from '../campaigns/launch-action.js';
import { campaignResumeAction } from '../campaigns/resume-action.js';
import { betaInviteAction } from '../beta/invite-action.js';
import { GROWTH_ACTIONS } from '../growth/reward-actions.js';
import type { ActionHandler } from './registry.js';

/** The action handlers of every domain; each domain appends its own here. */
export const DOMAIN_ACTIONS: readonly ActionHandler[] = [campaignLaunchAction, campaignResumeAction, betaInviteAction, ...GROWTH_ACTIONS];
