import type { Command } from './command.js';
import { approvalCommands } from './commands/approvals.js';
import { betaCommands } from './commands/beta.js';
import { campaignCommands } from './commands/campaigns.js';
import { jobCommands } from './commands/jobs.js';
import { statusCommand } from './commands/status.js';

/** Every command, by its words ("campaigns show"); the usage text lists them in this order. */
export const commands: Record<string, Command> = {
  status: statusCommand,
  ...campaignCommands,
  ...approvalCommands,
  ...jobCommands,
  ...betaCommands,
};
