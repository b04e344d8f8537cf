import { definePrompt, defineResourceTemplate, ToolError, textContents, userMessage } from '@mcpkit/core';
import * as z from 'zod';
import { describeTable, listTables, renderTable } from './catalog.js';
import type { PgContext } from './context.js';

const PAGE = 100;

/** `postgres://tables/{schema}/{table}`: one table's schema as JSON. */
export function tableSchemaResource(pg: PgContext) {
  return defineResourceTemplate({
    name: 'table_schema',
    title: 'Table schema',
    uriTemplate: 'postgres://tables/{schema}/{table}',
    description:
      'The schema of one table or view (columns, keys, indexes, constraints, comments) as JSON, for every table in every non-system schema.',
    mimeType: 'application/json',
    async list(ctx, cursor) {
      const offset = cursor === undefined ? 0 : Number(cursor);
      if (!Number.isInteger(offset) || offset < 0)
        throw new ToolError('Invalid cursor: pass back a nextCursor unchanged');
      const { tables, total } = await listTables(await pg.database(), {
        limit: PAGE,
        offset,
        signal: ctx.signal,
      });
      return {
        resources: tables.map((t) => ({
          uri: `postgres://tables/${encodeURIComponent(t.schema)}/${encodeURIComponent(t.name)}`,
          name: `${t.schema}.${t.name}`,
          title: `${t.schema}.${t.name} (${t.kind})`,
          ...(t.comment ? { description: t.comment } : {}),
        })),
        ...(offset + tables.length < total ? { nextCursor: String(offset + tables.length) } : {}),
      };
    },
    async read(uri, variables, ctx) {
      const part = (value: string | string[] | undefined) =>
        decodeURIComponent([value ?? ''].flat()[0] ?? '');
      const schema = part(variables.schema);
      const table = part(variables.table);
      const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
      const description = await describeTable(
        await pg.database(),
        `${quoted(schema)}.${quoted(table)}`,
        ctx.signal,
      );
      return textContents(uri, JSON.stringify(description, null, 2), 'application/json');
    },
  });
}

/** Most of the schema a prompt embeds; past this it lists the remaining tables' names only. */
const PROMPT_SCHEMA_BYTES = 48 * 1024;

export function questionToSqlPrompt(pg: PgContext) {
  return definePrompt({
    name: 'question_to_sql',
    title: 'Answer a question with SQL',
    description:
      "Turns a question about the data into one read-only SQL query, with the database's schema (tables, columns, keys, comments) embedded so the model can write it correctly.",
    args: z.object({
      question: z.string().describe('What you want to know, in plain words'),
      schema: z.string().optional().describe('Only tables of this schema (default: all non-system schemas)'),
    }),
    async get({ question, schema }, ctx) {
      const db = await pg.database();
      const { tables, total } = await listTables(db, { schema, limit: 200, offset: 0, signal: ctx.signal });
      const described: string[] = [];
      let size = 0;
      let omitted: string[] = [];
      for (const [index, t] of tables.entries()) {
        const name = `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`;
        const text = renderTable(await describeTable(db, name, ctx.signal));
        if (size + text.length > PROMPT_SCHEMA_BYTES) {
          omitted = tables.slice(index).map((x) => `${x.schema}.${x.name}`);
          break;
        }
        described.push(text);
        size += text.length;
      }
      const more = total - tables.length;
      const info = db.serverInfo;
      const lines = [
        `You are answering a question with a PostgreSQL${info ? ` ${info.versionNum >= 100000 ? Math.floor(info.versionNum / 10000) : ''}` : ''} database.`,
        '',
        'Schema:',
        described.join('\n\n') || '(no tables)',
        omitted.length || more > 0
          ? `\nNot shown above (use ${ctx.servedName('describe_table')}): ${[...omitted, ...(more > 0 ? [`${more} more tables`] : [])].join(', ')}`
          : '',
        '',
        `Question: ${question}`,
        '',
        'Write one read-only SELECT that answers it: only tables and columns shown above, explicit JOINs on the keys, $1-style parameters for values, a LIMIT when the answer could be long.',
        `Then run it with the ${ctx.servedName('query')} tool, check the result makes sense, and answer the question in words, citing the numbers.`,
      ];
      return userMessage(lines.filter((l) => l !== undefined).join('\n'));
    },
  });
}
