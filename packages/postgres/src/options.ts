import os from 'node:os';
import path from 'node:path';
import { option } from '@mcpkit/core';
import * as z from 'zod';

const flag = option.flag;
const whole = option.whole;

export const PostgresOptionsSchema = z
  .object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
      .optional()
      .describe('Server to connect to; without one, the embedded database is used'),
    dataDir: z
      .string()
      .min(1)
      .optional()
      .describe('Embedded database folder (default: mcpkit/pgdata in the per-user data folder)'),
    maxRows: whole(1, 10_000).default(100).describe('Rows a query returns unless it asks for another number'),
    maxRowsLimit: whole(1, 10_000).default(2_000).describe('Most rows one query call may ask for'),
    maxResultBytes: whole(1_024, 8_000_000)
      .default(96 * 1024)
      .describe('Most bytes of rows in one result'),
    statementTimeout: whole(100, 3_600_000).default(30_000).describe('Statement timeout, ms'),
    poolSize: whole(1, 200).default(25).describe('Server connections (the embedded database has one)'),
    queueSize: whole(0, 10_000).default(64).describe('Calls that may wait for a connection'),
    queueWait: whole(0, 600_000).default(10_000).describe('How long a call waits for a connection, ms'),
    demo: flag().default(true).describe('Load the demo tables into a new embedded database'),
  })
  .strict();

/** The module's own options: the server's, plus whether the execute tool is served. */
export const PostgresModuleOptionsSchema = PostgresOptionsSchema.extend({
  allowWrites: option.flag().default(false).describe('Adds the execute tool (writes, DDL)'),
});

export type PostgresOptionsInput = z.input<typeof PostgresModuleOptionsSchema>;
export type PostgresOptions = z.output<typeof PostgresModuleOptionsSchema>;

/** The embedded database's folder inside the per-user data folder (see defaultDataDir). */
export const DEFAULT_DATA_DIR = 'mcpkit/pgdata';

/**
 * Where the embedded database lives when no dataDir is given: one per-user folder, whatever
 * folder the command runs in (Claude Desktop starts servers in a folder of its own choosing).
 * Linux and others: $XDG_DATA_HOME or ~/.local/share; macOS: ~/Library/Application Support;
 * Windows: %LOCALAPPDATA%. Then mcpkit/pgdata.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  let base: string;
  if (platform === 'win32') base = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
  else if (platform === 'darwin') base = join(home, 'Library', 'Application Support');
  else {
    // The XDG spec ignores a relative XDG_DATA_HOME.
    const xdg = env.XDG_DATA_HOME;
    base = xdg && path.posix.isAbsolute(xdg) ? xdg : join(home, '.local', 'share');
  }
  return join(base, 'mcpkit', 'pgdata');
}
