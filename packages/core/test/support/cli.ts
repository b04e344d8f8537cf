import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI entry; `npm test` builds before running, so it always exists there. */
export const CLI = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does) first`);
}
