import * as z from 'zod';

/** A flag from the command line (`true`, "true", "false") or a config file (boolean). */
const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/** A whole number from the command line (a string) or a config file (a number). */
const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const PostgresOptionsSchema = z
  .object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
      .optional()
      .describe('Server to connect to; without one, the embedded database is used'),
    dataDir: z.string().min(1).optional().describe('Embedded database folder (default ./.mcpkit/pgdata)'),
    allowWrites: flag.default(false).describe('Adds the execute tool (writes, DDL)'),
    maxRows: whole(1, 10_000).default(100).describe('Rows a query returns unless it asks for another number'),
    maxRowsLimit: whole(1, 10_000).default(2_000).describe('Most rows one query call may ask for'),
    maxResultBytes: whole(1_024, 8_000_000)
      .default(96 * 1024)
      .describe('Most bytes of rows in one result'),
    statementTimeout: whole(100, 3_600_000).default(30_000).describe('Statement timeout, ms'),
    poolSize: whole(1, 200).default(25).describe('Server connections (the embedded database has one)'),
    queueSize: whole(0, 10_000).default(64).describe('Calls that may wait for a connection'),
    queueWait: whole(0, 600_000).default(10_000).describe('How long a call waits for a connection, ms'),
    demo: flag.default(true).describe('Load the demo tables into a new embedded database'),
  })
  .strict();

export type PostgresOptionsInput = z.input<typeof PostgresOptionsSchema>;
export type PostgresOptions = z.output<typeof PostgresOptionsSchema>;

export const DEFAULT_DATA_DIR = '.mcpkit/pgdata';
