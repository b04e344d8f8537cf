import { packageVersion } from '@mcpkit/core';

/** The examples' version, from their package.json. */
export const VERSION = packageVersion(import.meta.url);
