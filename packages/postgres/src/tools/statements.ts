import { defineTool, formatBytes, formatCount, structured, ToolError } from '@mcpkit/core';
import * as z from 'zod';
import { type PgContext, readVerdict, verdictNow } from '../context.js';
import type { Column } from '../db/database.js';
import { jsonValue } from '../db/types.js';
import {
  type Cell,
  clipCells,
  FIELD_CUT_BYTES,
  MAX_CELL_CHARS,
  plural,
  rowsWithin,
  toCsv,
  toTable,
} from '../format.js';
import { checkWrite, describeType, singleStatement } from '../sql/guard.js';
import { JsonValue } from './portable.js';

// Each branch described, so the schema lists single types (anyOf), not a `type` array.
const scalars = [
  z.string().describe('text (Postgres casts it to the column type)'),
  z.number(),
  z.boolean(),
  z.null().describe('SQL NULL'),
] as const;
const Params = z
  .array(z.union([...scalars, z.array(z.union(scalars)).describe('an array, for = ANY($n)')]))
  .max(100)
  .optional()
  .describe(
    'Values for $1, $2, … in the SQL, in order (arrays for = ANY($1)); never paste values into the SQL',
  );

const ColumnShape = z.object({ name: z.string(), type: z.string() });

const RowsOutput = {
  columns: z.array(ColumnShape).describe('Column names and Postgres types, in order'),
  rows: z
    .array(z.array(JsonValue))
    .describe(
      'Rows as arrays in column order; numbers, booleans and JSON typed, other values as Postgres text',
    ),
  rowCount: z.number().int().describe('Rows returned here'),
  truncated: z.boolean().describe('True when the result had more rows than returned'),
  moreRows: z
    .object({ count: z.number().int(), exact: z.boolean() })
    .optional()
    .describe('Rows left out: exact, or a lower bound when exact is false'),
};

interface Shaped {
  columns: Column[];
  cells: Cell[][];
  hasMore: boolean;
  remaining?: { count: number; exact: boolean };
  notes: string[];
}

/** Applies the byte budget and the cell cap; says what was cut. */
function shape(
  columns: Column[],
  rows: Cell[][],
  hasMore: boolean,
  remaining: Shaped['remaining'],
  maxBytes: number,
): Shaped {
  const notes: string[] = [];
  const clipped = clipCells(rows, MAX_CELL_CHARS, FIELD_CUT_BYTES);
  if (clipped.clipped)
    notes.push(`${plural(clipped.clipped, 'value')} longer than ${MAX_CELL_CHARS} characters shortened.`);
  const fit = rowsWithin(clipped.rows, maxBytes);
  if (fit < clipped.rows.length) {
    const dropped = clipped.rows.length - fit;
    return {
      columns,
      cells: clipped.rows.slice(0, fit),
      hasMore: true,
      remaining: remaining
        ? { count: remaining.count + dropped, exact: remaining.exact }
        : hasMore
          ? { count: dropped + 1, exact: false }
          : { count: dropped, exact: true },
      notes: [...notes, `Cut to ${plural(fit, 'row')} to stay within ${Math.round(maxBytes / 1024)} KiB.`],
    };
  }
  return { columns, cells: clipped.rows, hasMore, remaining, notes };
}

function rowsResult(result: Shaped, format: 'csv' | 'table', maxRowsLimit: number, extra = '') {
  const header = result.columns.map((c) => c.name);
  const body = result.columns.length ? (format === 'table' ? toTable : toCsv)(header, result.cells) : '';
  const count = result.cells.length;
  let footer: string;
  if (result.hasMore) {
    const left = result.remaining
      ? `${result.remaining.exact ? '' : 'at least '}${formatCount(result.remaining.count)} more not shown`
      : 'more rows exist';
    footer = `(${plural(count, 'row')} shown; ${left}. Rows were cut: add WHERE or LIMIT/OFFSET, or raise maxRows (up to ${maxRowsLimit}).)`;
  } else footer = `(${plural(count, 'row')})`;
  let text = extra;
  for (const part of [body, footer]) if (part) text = text ? `${text}\n${part}` : part;
  for (const note of result.notes) if (note) text = text ? `${text}\n${note}` : note;
  return structured(
    {
      columns: result.columns.map(({ name, type }) => ({ name, type })),
      rows: result.cells.map((row) => row.map((value, i) => jsonValue(value, result.columns[i]!.oid))),
      rowCount: count,
      truncated: result.hasMore,
      ...(result.remaining && result.hasMore ? { moreRows: result.remaining } : {}),
    },
    text,
  );
}

export function queryTool(pg: PgContext) {
  const { maxRows, maxRowsLimit, maxResultBytes, statementTimeout } = pg.options;
  return defineTool({
    name: 'query',
    title: 'Run a read-only SQL query',
    description: [
      'Runs exactly one read-only SQL statement (SELECT, WITH … SELECT, VALUES, TABLE, or EXPLAIN of a SELECT) and returns the rows as CSV plus typed structured output.',
      `Returns at most maxRows rows (default ${maxRows}, up to ${maxRowsLimit}) and about ${Math.round(maxResultBytes / 1024)} KiB; it says when rows were cut and how many were left out. Stops after ${statementTimeout} ms.`,
      'Refused: writes of any kind (INSERT/UPDATE/DELETE, data-modifying WITH, SELECT INTO, DDL), FOR UPDATE/SHARE, several statements, and volatile or unsafe functions (pg_sleep, set_config, pg_read_file, lo_*, dblink, advisory locks, …).',
      'Pass values as params ($1, $2, …). Use list_tables and describe_table to learn the schema first.',
    ].join(' '),
    input: z.object({
      sql: z.string().min(1).max(100_000).describe('One read-only SQL statement'),
      params: Params,
      maxRows: z
        .number()
        .int()
        .min(1)
        .max(maxRowsLimit)
        .optional()
        .describe(`Most rows to return (default ${maxRows})`),
      format: z.enum(['csv', 'table']).optional().describe('Text rendering of the rows (default csv)'),
    }),
    output: z.object(RowsOutput),
    // Big queries can take long: 2026-07-28 clients with task support get a task.
    taskSupport: 'optional',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    cache: false,
    timeoutMs: statementTimeout + pg.options.queueWait + 5_000,
    async handler({ sql, params, maxRows: asked, format }, ctx) {
      const db = await pg.database();
      // Judged at once when the catalog suffices (no extra await on the common path).
      const statement = verdictNow(pg, db, sql) ?? (await readVerdict(pg, db, sql, ctx.signal));
      if (statement.kind === 'explain') {
        const lines = await db.explain(statement.text, params ?? [], {
          prefix: '',
          signal: ctx.signal,
          verify: statement.callsUserCode,
          functions: statement.functions,
        });
        const columns = [{ name: 'QUERY PLAN', type: 'text', oid: 25 }];
        return rowsResult(
          shape(
            columns,
            lines.map((line) => [line]),
            false,
            undefined,
            maxResultBytes,
          ),
          'table',
          maxRowsLimit,
        );
      }
      const limit = asked ?? maxRows;
      const result = await db.read(statement.text, params ?? [], {
        maxRows: limit,
        // The context, not ctx.signal: the signal is made only if the call waits or runs long.
        signal: ctx,
        verify: statement.callsUserCode,
        functions: statement.functions,
      });
      const shaped = shape(result.columns, result.rows, result.hasMore, result.remaining, maxResultBytes);
      if (result.oversized) {
        shaped.notes.push(
          `${plural(result.oversized, 'row')} left out unread: the rows are too large to hold (over ${formatBytes(db.settings.wire.rowBytes)} in all). Select fewer or narrower columns (e.g. left(column, 200)) or fewer rows.`,
        );
      }
      return rowsResult(shaped, format ?? 'csv', maxRowsLimit);
    },
  });
}

function explainResult(lines: string[]) {
  return structured({ plan: lines.join('\n') }, lines.join('\n'));
}

export function explainTool(pg: PgContext) {
  return defineTool({
    name: 'explain_query',
    title: 'Show a query plan',
    description: [
      "Shows PostgreSQL's plan for one statement (EXPLAIN, text format) without running it.",
      'With analyze: true the statement is also run (EXPLAIN ANALYZE, BUFFERS) to report real times and row counts; that is allowed only for read-only statements, inside a read-only transaction with the statement timeout.',
      'Without analyze, INSERT/UPDATE/DELETE/MERGE may be explained too: they are planned, never run.',
    ].join(' '),
    input: z.object({
      sql: z.string().min(1).max(100_000).describe('One statement, without EXPLAIN in front'),
      params: Params,
      analyze: z.boolean().optional().describe('Run it and report actual times (read-only statements only)'),
    }),
    output: z.object({ plan: z.string().describe('The plan as EXPLAIN prints it') }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    cache: false,
    // EXPLAIN ANALYZE runs the statement: 2026-07-28 clients with task support get a task.
    taskSupport: 'optional',
    timeoutMs: pg.options.statementTimeout + pg.options.queueWait + 5_000,
    async handler({ sql, params, analyze }, ctx) {
      const db = await pg.database();
      const first = singleStatement(sql);
      if (first.type === 'ExplainStmt')
        throw new ToolError('Give the statement without EXPLAIN; this tool adds it.');
      let text: string;
      let verify = true;
      let functions: string[] | undefined;
      if (analyze) {
        const statement = await readVerdict(pg, db, sql, ctx.signal);
        text = statement.text;
        verify = statement.callsUserCode;
        functions = statement.functions;
      } else {
        if (!['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'].includes(first.type)) {
          throw new ToolError(
            `Refused: EXPLAIN shows plans of SELECT, INSERT, UPDATE, DELETE and MERGE, not ${describeType(first.type)}.`,
          );
        }
        text = first.text;
      }
      const prefix = analyze ? 'EXPLAIN (ANALYZE, BUFFERS) ' : 'EXPLAIN ';
      const lines = await db.explain(text, params ?? [], { prefix, signal: ctx.signal, verify, functions });
      return explainResult(lines);
    },
  });
}

export function executeTool(pg: PgContext) {
  const { maxRows, maxResultBytes, maxRowsLimit, statementTimeout } = pg.options;
  return defineTool({
    name: 'execute',
    title: 'Run one writing SQL statement',
    description: [
      'Runs exactly one SQL statement that may change data or schema (INSERT, UPDATE, DELETE, MERGE, CREATE, ALTER, DROP, …) in its own transaction, committed when it succeeds and rolled back when it fails.',
      `Returns the command and rows affected, plus up to ${maxRows} RETURNING rows. Stops after ${statementTimeout} ms.`,
      'Refused: several statements, transaction control, COPY, SET/PREPARE/LISTEN and other session state. Pass values as params ($1, $2, …).',
    ].join(' '),
    input: z.object({
      sql: z.string().min(1).max(100_000).describe('One SQL statement'),
      params: Params,
    }),
    output: z.object({
      command: z.string().describe('The command tag, e.g. UPDATE'),
      rowsAffected: z.number().int(),
      ...RowsOutput,
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    timeoutMs: statementTimeout + pg.options.queueWait + 5_000,
    async handler({ sql, params }, ctx) {
      const db = await pg.database();
      const statement = checkWrite(sql);
      const result = await db.write(statement.text, params ?? [], { maxRows, signal: ctx.signal });
      const summary = `${result.command} ${formatCount(result.rowCount)} (${plural(result.rowCount, 'row')} affected)`;
      if (!result.columns.length) {
        return structured(
          {
            command: result.command,
            rowsAffected: result.rowCount,
            columns: [],
            rows: [],
            rowCount: 0,
            truncated: false,
          },
          summary,
        );
      }
      const shown = rowsResult(
        shape(result.columns, result.rows, result.rowCount > result.rows.length, undefined, maxResultBytes),
        'csv',
        maxRowsLimit,
        summary,
      );
      shown.structuredContent = {
        command: result.command,
        rowsAffected: result.rowCount,
        ...(shown.structuredContent as Record<string, unknown>),
      };
      return shown;
    },
  });
}
