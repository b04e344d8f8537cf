import { formatCount, ToolError } from '@mcpkit/core';
import type { Database } from './db/database.js';

/** Schemas the tools leave out unless asked: Postgres's own. */
export const SYSTEM_SCHEMA_SQL = `(n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname LIKE 'pg\\_toast%' OR n.nspname LIKE 'pg\\_temp\\_%')`;

const KIND_SQL = `CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
  WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END`;

export const RELATION_KINDS = `('r', 'p', 'v', 'm', 'f')`;

export interface SchemaInfo {
  name: string;
  owner: string;
  tables: number;
  usable: boolean;
  comment: string | null;
}

export async function listSchemas(
  db: Database,
  includeSystem: boolean,
  signal?: AbortSignal,
): Promise<SchemaInfo[]> {
  return db.catalog<SchemaInfo>(
    `SELECT n.nspname AS name, pg_catalog.pg_get_userbyid(n.nspowner) AS owner,
            (SELECT count(*)::int FROM pg_catalog.pg_class c
              WHERE c.relnamespace = n.oid AND c.relkind IN ${RELATION_KINDS}) AS tables,
            pg_catalog.has_schema_privilege(n.oid, 'USAGE') AS usable,
            pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment
       FROM pg_catalog.pg_namespace n
      WHERE $1::boolean OR NOT ${SYSTEM_SCHEMA_SQL}
      ORDER BY n.nspname`,
    [includeSystem],
    { signal },
  );
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: string;
  rowEstimate: number | null;
  bytes: number | null;
  size: string | null;
  comment: string | null;
}

/** Tables, views and the like, with the planner's row estimate and the size on disk. */
export async function listTables(
  db: Database,
  options: { schema?: string; limit: number; offset: number; signal?: AbortSignal },
): Promise<{ tables: TableInfo[]; total: number }> {
  const rows = await db.catalog<TableInfo & { total: number }>(
    `SELECT n.nspname AS schema, c.relname AS name, ${KIND_SQL} AS kind,
            CASE WHEN c.relkind IN ('v', 'f') OR c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS "rowEstimate",
            CASE WHEN c.relkind IN ('v', 'f') THEN NULL ELSE pg_catalog.pg_total_relation_size(c.oid)::float8 END AS bytes,
            CASE WHEN c.relkind IN ('v', 'f') THEN NULL ELSE pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(c.oid)) END AS size,
            pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
            count(*) OVER ()::int AS total
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ${RELATION_KINDS} AND NOT c.relispartition
        AND (CASE WHEN $1::text IS NULL THEN NOT ${SYSTEM_SCHEMA_SQL} ELSE n.nspname = $1::text END)
      ORDER BY n.nspname, c.relname
      LIMIT $2 OFFSET $3`,
    [options.schema ?? null, options.limit, options.offset],
    { signal: options.signal },
  );
  let total = rows[0]?.total ?? 0;
  if (!rows.length && options.offset > 0) {
    const [count] = await db.catalog<{ total: number }>(
      `SELECT count(*)::int AS total FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ${RELATION_KINDS} AND NOT c.relispartition
          AND (CASE WHEN $1::text IS NULL THEN NOT ${SYSTEM_SCHEMA_SQL} ELSE n.nspname = $1::text END)`,
      [options.schema ?? null],
      { signal: options.signal },
    );
    total = count?.total ?? 0;
  }
  return { tables: rows.map(({ total: _, ...table }) => table), total };
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  identity: string | null;
  generated: string | null;
  comment: string | null;
}

export interface ConstraintInfo {
  name: string;
  type: 'primary key' | 'foreign key' | 'unique' | 'check' | 'exclusion' | 'not null' | 'trigger';
  columns: string[];
  definition: string;
  references?: string | null;
}

export interface TableDescription extends TableInfo {
  columns: ColumnInfo[];
  primaryKey: string[] | null;
  foreignKeys: ConstraintInfo[];
  referencedBy: { table: string; name: string; definition: string }[];
  indexes: { name: string; definition: string; unique: boolean; primary: boolean }[];
  constraints: ConstraintInfo[];
  viewDefinition: string | null;
}

const DESCRIBE_SQL = `
SELECT n.nspname AS schema, c.relname AS name, ${KIND_SQL} AS kind,
       CASE WHEN c.relkind IN ('v', 'f') OR c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS "rowEstimate",
       CASE WHEN c.relkind IN ('v', 'f') THEN NULL ELSE pg_catalog.pg_total_relation_size(c.oid)::float8 END AS bytes,
       CASE WHEN c.relkind IN ('v', 'f') THEN NULL ELSE pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(c.oid)) END AS size,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
       COALESCE((SELECT json_agg(json_build_object(
                   'name', a.attname,
                   'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                   'nullable', NOT a.attnotnull,
                   'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid),
                   'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
                   'generated', CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' END,
                   'comment', pg_catalog.col_description(c.oid, a.attnum)) ORDER BY a.attnum)
                   FROM pg_catalog.pg_attribute a
                   LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns,
       COALESCE((SELECT json_agg(json_build_object(
                   'name', con.conname,
                   'type', CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
                           WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 'n' THEN 'not null' ELSE 'trigger' END,
                   'columns', (SELECT COALESCE(json_agg(a.attname ORDER BY k.ord), '[]')
                                 FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                                 JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
                   'definition', pg_catalog.pg_get_constraintdef(con.oid, true),
                   'references', CASE WHEN con.contype = 'f' THEN con.confrelid::regclass::text END)
                   ORDER BY con.contype, con.conname)
                   FROM pg_catalog.pg_constraint con WHERE con.conrelid = c.oid), '[]') AS constraints,
       COALESCE((SELECT json_agg(json_build_object(
                   'table', con.conrelid::regclass::text, 'name', con.conname,
                   'definition', pg_catalog.pg_get_constraintdef(con.oid, true)) ORDER BY con.conrelid::regclass::text, con.conname)
                   FROM pg_catalog.pg_constraint con WHERE con.confrelid = c.oid AND con.contype = 'f'), '[]') AS "referencedBy",
       COALESCE((SELECT json_agg(json_build_object(
                   'name', i.relname, 'definition', pg_catalog.pg_get_indexdef(x.indexrelid),
                   'unique', x.indisunique, 'primary', x.indisprimary) ORDER BY i.relname)
                   FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                  WHERE x.indrelid = c.oid), '[]') AS indexes,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END AS "viewDefinition"
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = $1::oid`;

/**
 * Finds a table by the name a caller gave: `schema.table` or `table` as SQL would read it
 * (search_path, quoting), else an exact case-sensitive name in any schema.
 */
export async function resolveTable(db: Database, table: string, signal?: AbortSignal): Promise<number> {
  const rows = await db
    .catalog<{ oid: number; qualified: string }>(
      `SELECT c.oid::int AS oid, pg_catalog.format('%I.%I', n.nspname, c.relname) AS qualified
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ${RELATION_KINDS}
        AND (c.oid = pg_catalog.to_regclass($1)
             OR (pg_catalog.to_regclass($1) IS NULL AND c.relname = $1)
             OR (pg_catalog.to_regclass($1) IS NULL AND n.nspname || '.' || c.relname = $1))
      ORDER BY (c.oid = pg_catalog.to_regclass($1)) DESC NULLS LAST, n.nspname`,
      [table],
      { signal },
    )
    .catch((error) => {
      // to_regclass raises on malformed names such as 'a.b.c.d'
      if (error instanceof ToolError && /improper|cross-database|syntax/i.test(error.message)) return [];
      throw error;
    });
  if (rows.length === 1) return rows[0]!.oid;
  if (rows.length > 1) {
    throw new ToolError(
      `"${table}" names several tables: ${rows.map((r) => r.qualified).join(', ')}. Give the schema, e.g. "${rows[0]!.qualified}".`,
    );
  }
  const similar = await db.catalog<{ qualified: string }>(
    `SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS qualified
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ${RELATION_KINDS} AND NOT ${SYSTEM_SCHEMA_SQL}
        AND c.relname ILIKE '%' || pg_catalog.regexp_replace(split_part($1, '.', -1), '[%_\\\\"]', '', 'g') || '%'
      ORDER BY length(c.relname) LIMIT 5`,
    [table],
    { signal },
  );
  const hint = similar.length
    ? ` Similar: ${similar.map((r) => r.qualified).join(', ')}.`
    : ' Use list_tables to see what exists.';
  throw new ToolError(`No table or view named "${table}".${hint}`);
}

export async function describeTable(
  db: Database,
  table: string,
  signal?: AbortSignal,
): Promise<TableDescription> {
  const oid = await resolveTable(db, table, signal);
  const [row] = await db.catalog<any>(DESCRIBE_SQL, [oid], { signal });
  if (!row) throw new ToolError(`The table "${table}" is gone.`);
  const constraints = row.constraints as ConstraintInfo[];
  const primary = constraints.find((c) => c.type === 'primary key');
  return {
    schema: row.schema,
    name: row.name,
    kind: row.kind,
    rowEstimate: row.rowEstimate,
    bytes: row.bytes,
    size: row.size,
    comment: row.comment,
    columns: row.columns,
    primaryKey: primary ? primary.columns : null,
    foreignKeys: constraints.filter((c) => c.type === 'foreign key'),
    referencedBy: row.referencedBy,
    indexes: row.indexes,
    constraints: constraints
      .filter((c) => c.type !== 'primary key' && c.type !== 'foreign key' && c.type !== 'not null')
      .map(({ references: _, ...c }) => c),
    viewDefinition: row.viewDefinition,
  };
}

const quoteIdent = (name: string) =>
  /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;

/** A compact, DDL-like description for a model to read. */
export function renderTable(t: TableDescription): string {
  const facts = [
    t.kind,
    t.rowEstimate !== null ? `~${formatCount(Math.round(t.rowEstimate))} rows` : undefined,
    t.size ?? undefined,
  ].filter(Boolean);
  const lines = [
    `${quoteIdent(t.schema)}.${quoteIdent(t.name)} (${facts.join(', ')})${t.comment ? ` -- ${t.comment}` : ''}`,
  ];
  for (const c of t.columns) {
    const extra = [
      c.nullable ? '' : 'NOT NULL',
      c.default !== null ? `DEFAULT ${c.default}` : '',
      c.identity ? `GENERATED ${c.identity.toUpperCase()} AS IDENTITY` : '',
      c.generated ? `GENERATED (${c.generated})` : '',
    ]
      .filter(Boolean)
      .join(' ');
    lines.push(
      `  ${quoteIdent(c.name)} ${c.type}${extra ? ` ${extra}` : ''}${c.comment ? ` -- ${c.comment}` : ''}`,
    );
  }
  if (t.primaryKey) lines.push(`  PRIMARY KEY (${t.primaryKey.map(quoteIdent).join(', ')})`);
  for (const fk of t.foreignKeys) lines.push(`  CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition}`);
  for (const c of t.constraints) lines.push(`  CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
  for (const index of t.indexes) lines.push(`  INDEX: ${index.definition}`);
  for (const ref of t.referencedBy)
    lines.push(`  REFERENCED BY ${ref.table} (${ref.name}): ${ref.definition}`);
  if (t.viewDefinition) lines.push(`  AS ${t.viewDefinition.trim().replace(/\n/g, '\n     ')}`);
  return lines.join('\n');
}
