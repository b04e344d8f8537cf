/**
 * Run in a child process (bundled by esbuild): loads a spec the way a server starts, then prints timing
 * and memory as one JSON line. Kept apart from the test process so its memory is the server's alone.
 */
import { describeOperationResult, listOperations, OpenApiCatalog } from '../../src/index.js';

const started = performance.now();
const catalog = await OpenApiCatalog.load({ spec: process.argv[2]!, env: {} });
const loadedMs = performance.now() - started;
const page = listOperations(catalog, { query: 'issues' });
const described = describeOperationResult(catalog, 'issues/list-for-repo');
const readyMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    loadedMs,
    readyMs,
    mode: catalog.mode,
    served: catalog.entries.length,
    listed: page.structuredContent?.total,
    describedBytes: Buffer.byteLength(JSON.stringify(described.structuredContent)),
    rss: process.memoryUsage().rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
