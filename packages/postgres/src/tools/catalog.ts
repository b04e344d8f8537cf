import { defineTool, formatCount, isToolError, structured } from '@mcpkit/core';
import * as z from 'zod';
import { describeTable, listSchemas, listTables, renderTable } from '../catalog.js';
import type { PgContext } from '../context.js';
import { plural } from '../format.js';
import { orNull } from './portable.js';

const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;

/** What list_tables says of each table, and describe_table starts with. */
const TableShape = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.string(),
  rowEstimate: orNull(z.number()).describe('Planner estimate; null when never analyzed or a view'),
  bytes: orNull(z.number()),
  size: orNull(z.string()),
  comment: orNull(z.string()),
});

export function listSchemasTool(pg: PgContext) {
  return defineTool({
    name: 'list_schemas',
    title: 'List schemas',
    description:
      "Lists the database's schemas with their owner, number of tables and views, whether this role may use them, and comments. Postgres's own schemas are left out unless includeSystem is true.",
    input: z.object({
      includeSystem: z.boolean().optional().describe('Include pg_catalog, information_schema and the like'),
    }),
    output: z.object({
      schemas: z.array(
        z.object({
          name: z.string(),
          owner: z.string(),
          tables: z.number().int(),
          usable: z.boolean(),
          comment: orNull(z.string()),
        }),
      ),
    }),
    annotations: READ,
    async handler({ includeSystem }, ctx) {
      const schemas = await listSchemas(await pg.database(), includeSystem ?? false, ctx.signal);
      const text = schemas
        .map(
          (s) =>
            `${s.name} (owner ${s.owner}, ${plural(s.tables, 'table')}${s.usable ? '' : ', no USAGE'})${s.comment ? ` -- ${s.comment}` : ''}`,
        )
        .join('\n');
      return structured({ schemas }, text || '(no schemas)');
    },
  });
}

export function listTablesTool(pg: PgContext) {
  return defineTool({
    name: 'list_tables',
    title: 'List tables',
    description:
      "Lists tables, views, materialized views and foreign tables (all schemas but Postgres's own, or one schema) with the planner's row estimate, size on disk and comment. Pages of up to 500: pass offset to see more.",
    input: z.object({
      schema: z.string().min(1).max(200).optional().describe('Only this schema (exact name)'),
      limit: z.number().int().min(1).max(500).optional().describe('Most tables to return (default 100)'),
      offset: z.number().int().min(0).optional().describe('Tables to skip (for the next page)'),
    }),
    output: z.object({
      tables: z.array(TableShape),
      total: z.number().int(),
      nextOffset: z.number().int().optional(),
    }),
    annotations: READ,
    async handler({ schema, limit, offset }, ctx) {
      const page = { limit: limit ?? 100, offset: offset ?? 0 };
      const { tables, total } = await listTables(await pg.database(), {
        schema,
        ...page,
        signal: ctx.signal,
      });
      const next = page.offset + tables.length < total ? page.offset + tables.length : undefined;
      const lines = tables.map((t) => {
        const rows = t.rowEstimate === null ? '' : `, ~${formatCount(Math.round(t.rowEstimate))} rows`;
        return `${t.schema}.${t.name} (${t.kind}${rows}${t.size ? `, ${t.size}` : ''})${t.comment ? ` -- ${t.comment}` : ''}`;
      });
      const footer =
        next !== undefined
          ? `(${tables.length} of ${total} shown; pass offset: ${next} for more)`
          : `(${plural(total, 'table')})`;
      return structured(
        { tables, total, ...(next !== undefined ? { nextOffset: next } : {}) },
        [...lines, footer].join('\n'),
      );
    },
  });
}

const ConstraintShape = z.object({
  name: z.string(),
  type: z.string(),
  columns: z.array(z.string()),
  definition: z.string(),
  references: orNull(z.string()).optional(),
});

export function describeTableTool(pg: PgContext) {
  return defineTool({
    name: 'describe_table',
    title: 'Describe a table',
    description:
      'Describes one table or view: columns with types, nullability, defaults and comments; primary key; foreign keys both ways; indexes; check and unique constraints; row estimate and size; a view\'s definition. Name it as SQL would ("orders", "sales.orders", "\\"Mixed Case\\"").',
    input: z.object({
      table: z.string().min(1).max(300).describe('Table name, optionally schema-qualified'),
    }),
    output: TableShape.extend({
      columns: z.array(
        z.object({
          name: z.string(),
          type: z.string(),
          nullable: z.boolean(),
          default: orNull(z.string()),
          identity: orNull(z.string()),
          generated: orNull(z.string()),
          comment: orNull(z.string()),
        }),
      ),
      primaryKey: orNull(z.array(z.string())),
      foreignKeys: z.array(ConstraintShape),
      referencedBy: z.array(z.object({ table: z.string(), name: z.string(), definition: z.string() })),
      indexes: z.array(
        z.object({ name: z.string(), definition: z.string(), unique: z.boolean(), primary: z.boolean() }),
      ),
      constraints: z.array(ConstraintShape),
      viewDefinition: orNull(z.string()),
    }),
    annotations: READ,
    async handler({ table }, ctx) {
      const description = await describeTable(await pg.database(), table, ctx.signal).catch((error) => {
        // "Use list_tables …": the tool as served (db_list_tables when mounted as db).
        if (isToolError(error))
          error.message = error.message.replace('list_tables', ctx.servedName('list_tables'));
        throw error;
      });
      return structured({ ...description }, renderTable(description));
    },
  });
}
