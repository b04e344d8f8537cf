import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The fixture upstream (SDK v2 server over stdio). */
export const FIXTURE_SERVER = join(here, '..', 'fixtures', 'server.mjs');

/** A package's file, found as Node finds it (the workspace hoists dev dependencies). */
function packageFile(name: string, file: string): string {
  return join(dirname(require.resolve(`${name}/package.json`)), file);
}

export const EVERYTHING_SERVER = packageFile('@modelcontextprotocol/server-everything', 'dist/index.js');
export const FILESYSTEM_SERVER = packageFile('@modelcontextprotocol/server-filesystem', 'dist/index.js');
