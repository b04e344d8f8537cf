import { ToolError } from '@mcpkit/core';
import { loadLibpg, parseToJson } from './libpg.js';

/** One node of the JSON parse tree libpg_query returns: `{ NodeType: { ...fields } }`. */
export type AstNode = Record<string, unknown>;

export interface ParsedStatement {
  /** The node type of the statement, e.g. `SelectStmt`. */
  type: string;
  /** The statement's fields. */
  node: AstNode;
  /** The statement's own text, without a trailing semicolon or what follows it. */
  text: string;
}

/** Loads the WebAssembly parser once (about 15 ms); later calls resolve at once. */
export function loadParser(): Promise<void> {
  return loadLibpg();
}

/**
 * Parses with the real PostgreSQL parser (libpg_query) and returns the statements. A syntax
 * error becomes a ToolError that quotes where it happened, so the caller can fix the SQL.
 */
export function parseStatements(sql: string): ParsedStatement[] {
  if (!sql.trim()) return [];
  let tree: { stmts?: { stmt?: AstNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parseToJson(sql) as typeof tree;
  } catch (error) {
    throw new ToolError(`SQL syntax error: ${error instanceof Error ? error.message : String(error)}`);
  }
  // In ASCII text a byte offset is a character offset (the common case: no copy of the text).
  const ascii = Buffer.byteLength(sql, 'utf8') === sql.length;
  const offset = (bytes: number) =>
    ascii ? Math.min(Math.max(bytes, 0), sql.length) : utf8Offset(sql, bytes);
  return (tree.stmts ?? []).map((raw) => {
    const [type, node] = Object.entries(raw.stmt ?? {})[0] ?? ['Unknown', {}];
    const start = offset(raw.stmt_location ?? 0);
    const end = raw.stmt_len ? offset((raw.stmt_location ?? 0) + raw.stmt_len) : sql.length;
    return { type, node: node as AstNode, text: sql.slice(start, end).trim() };
  });
}

/** libpg_query reports byte offsets; JavaScript strings index UTF-16 code units. */
function utf8Offset(text: string, bytes: number): number {
  if (bytes <= 0) return 0;
  const buffer = Buffer.from(text, 'utf8');
  return buffer.subarray(0, Math.min(bytes, buffer.length)).toString('utf8').length;
}

/**
 * Visits every node of a parse tree, depth first. `visit(type, fields)` is called for each
 * `{ Type: fields }` node; lists and plain values are walked through.
 */
export function walk(value: unknown, visit: (type: string, fields: AstNode) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const key in value as AstNode) {
    const child = (value as AstNode)[key];
    if (!child || typeof child !== 'object') continue;
    // Node types are capitalised (SelectStmt, FuncCall, A_Const); field names are not.
    const first = key.charCodeAt(0);
    if (first >= 65 && first <= 90 && !Array.isArray(child)) visit(key, child as AstNode);
    walk(child, visit);
  }
}

/** The string parts of a name list such as `funcname`: `[{ String: { sval } }, ...]`. */
export function nameParts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => ((item as { String?: { sval?: string } }).String?.sval ?? '') as string);
}
