import { boot, onShutdown } from './boot.js';
import { listen } from './serve.js';

const { deps } = await boot({ process: 'web', singleProcess: false });
const http = await listen(deps);
onShutdown(deps.logger, (deps.config.workers.shutdownTimeoutSec + 5) * 1000, async () => {
  await http.close();
  await deps.close();
});
// Ready only once a SIGTERM would be a graceful shutdown: a supervisor may stop it the moment it reads this.
deps.logger.info({ port: http.port }, 'web listening');
