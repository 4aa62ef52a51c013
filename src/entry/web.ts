import { boot, onShutdown } from './boot.js';
import { listen } from './serve.js';

const { deps } = await boot({ process: 'web', singleProcess: false });
const http = await listen(deps);
deps.logger.info({ port: http.port }, 'web listening');
onShutdown(deps.logger, (deps.config.workers.shutdownTimeoutSec + 5) * 1000, async () => {
  await http.close();
  await deps.close();
});
