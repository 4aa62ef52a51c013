// `npm run demo [-- --yes] [--keep-running]`: the whole loop on embedded defaults; see src/demo/.
import { runDemo } from '../src/demo/run-demo.js';

process.exit(await runDemo(process.argv.slice(2)));
