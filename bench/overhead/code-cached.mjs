// Runs a CommonJS bundle that exports main(argv) through the CLI's own code-cache loader
// (packages/cli/src/code-cache.ts, built): the bare SDK server started the way `mcpkit` starts
// on Node 20, for the cold-start comparison in run.mjs.
//   node code-cached.mjs <bundle.cjs> [args...]
import path from 'node:path';
import { loadWithCodeCache } from '../../packages/cli/dist/code-cache.js';

const [file, ...args] = process.argv.slice(2);
const main = loadWithCodeCache(path.resolve(file));
if (!main) throw new Error(`could not load ${file}`);
await main(args);
