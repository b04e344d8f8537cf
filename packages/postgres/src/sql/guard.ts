import { ToolError } from '@mcpkit/core';
import { type CatalogFunctions, refusedFunction } from './functions.js';
import { type AstNode, nameParts, type ParsedStatement, parseStatements, walk } from './parse.js';

/** A statement the read-only guard let through, ready to run. */
export interface ReadStatement {
  /** `select` runs through a cursor; `explain` returns its plan lines. */
  kind: 'select' | 'explain';
  /** The statement's own text, without a trailing semicolon. */
  text: string;
  /** Functions it calls that the catalog did not know when read (created since?). */
  unknownFunctions: string[];
  /** True when it calls a function that is not Postgres's own (user-defined code). */
  callsUserCode: boolean;
  /** The names of the functions it calls, when it calls any: checked again when it runs. */
  functions?: string[];
}

const READ_HINT =
  'The query tool runs one read-only statement: SELECT, WITH ... SELECT, VALUES, TABLE or EXPLAIN.';

function refuse(reason: string): never {
  throw new ToolError(`Refused: ${reason}. ${READ_HINT}`);
}

/** Exactly one statement, or a clear error. */
export function singleStatement(sql: string): ParsedStatement {
  // The parser and the server would both stop reading at a NUL: refuse it rather than guess.
  if (sql.includes('\0')) throw new ToolError('Refused: the SQL contains a NUL character (\\0); remove it.');
  const statements = parseStatements(sql);
  if (statements.length === 0) throw new ToolError('No SQL statement given.');
  if (statements.length > 1) {
    throw new ToolError(
      `Refused: ${statements.length} statements given; send exactly one statement per call (no ";" between statements).`,
    );
  }
  return statements[0]!;
}

function explainAnalyzes(node: AstNode): boolean {
  const options = (node.options as { DefElem?: { defname?: string; arg?: unknown } }[] | undefined) ?? [];
  return options.some((o) => {
    if (o.DefElem?.defname !== 'analyze') return false;
    const arg = o.DefElem.arg as { String?: { sval?: string }; Boolean?: { boolval?: boolean } } | undefined;
    const value = arg?.String?.sval ?? (arg?.Boolean ? String(arg.Boolean.boolval ?? false) : undefined);
    return value === undefined || !['false', 'off', '0', 'no'].includes(value.toLowerCase());
  });
}

/**
 * The parse layer of the read-only model. It parses with the real PostgreSQL parser and allows
 * exactly one SELECT / VALUES / TABLE / WITH ... SELECT (or an EXPLAIN of one), then walks the
 * whole tree and refuses:
 * - data-modifying statements anywhere (writable CTEs: WITH d AS (DELETE ...) SELECT ...);
 * - SELECT ... INTO (creates a table) and FOR UPDATE / SHARE (takes row locks);
 * - calls of denied or VOLATILE functions, as `f(x)` and as attribute notation `row.f`;
 * - operators implemented by VOLATILE functions.
 * Everything else (COPY, DO, CALL, LOCK, SET, transaction control, PREPARE, LISTEN, ...) is not
 * a read statement and is refused by the first rule.
 */
export function checkReadOnly(sql: string, catalog?: CatalogFunctions): ReadStatement {
  const statement = singleStatement(sql);
  let kind: ReadStatement['kind'];
  let query: AstNode;
  if (statement.type === 'SelectStmt') {
    kind = 'select';
    query = { SelectStmt: statement.node };
  } else if (statement.type === 'ExplainStmt') {
    kind = 'explain';
    query = (statement.node.query as AstNode | undefined) ?? {};
    if (!('SelectStmt' in query)) {
      const inner = Object.keys(query)[0] ?? 'statement';
      refuse(
        `EXPLAIN of ${describeType(inner)} is not a read${explainAnalyzes(statement.node) ? '' : ' (use explain_query to see the plan of a write without running it)'}`,
      );
    }
  } else {
    refuse(`${describeType(statement.type)} is not a read statement`);
  }
  const { unknown, user, called } = checkTree(query, catalog);
  return {
    kind,
    text: statement.text,
    unknownFunctions: unknown,
    callsUserCode: user,
    ...(called.length ? { functions: called } : {}),
  };
}

/**
 * Checks a parse subtree (a SELECT, possibly nested) for anything a read may not do; returns
 * the names of the functions it calls, those the catalog does not know, and whether any called
 * function may be user-defined.
 */
export function checkTree(
  tree: unknown,
  catalog?: CatalogFunctions,
): { unknown: string[]; user: boolean; called: string[] } {
  const unknown: string[] = [];
  const called = new Set<string>();
  let user = false;
  walk(tree, (type, fields) => {
    switch (type) {
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'MergeStmt':
        refuse(`the query contains ${describeType(type)} (a data-modifying WITH clause is a write)`);
        break;
      case 'SelectStmt':
        if (fields.intoClause) refuse('SELECT ... INTO creates a table');
        if (Array.isArray(fields.lockingClause) && fields.lockingClause.length > 0) {
          refuse('FOR UPDATE / FOR SHARE takes row locks');
        }
        break;
      case 'FuncCall': {
        const name = nameParts(fields.funcname).at(-1) ?? '';
        const why = refusedFunction(name, catalog);
        if (why) refuse(`the query ${why}`);
        called.add(name);
        if (catalog && !catalog.known.has(name)) unknown.push(name);
        if (!catalog?.builtin.has(name) || catalog.user.has(name)) user = true;
        break;
      }
      case 'ColumnRef': {
        // `row.fn` is Postgres's attribute notation for fn(row).
        const parts = nameParts(fields.fields);
        const last = parts.at(-1);
        if (parts.length >= 2 && last) {
          const why = refusedFunction(last, undefined);
          if (why || catalog?.attributeCallable.has(last)) {
            refuse(`the query ${why ?? `calls ${last}() through attribute notation, a VOLATILE function`}`);
          }
        }
        break;
      }
      case 'A_Expr': {
        const op = nameParts(fields.name).at(-1);
        if (op && catalog?.volatileOperators.has(op)) {
          refuse(`the operator ${op} runs a VOLATILE function`);
        }
        break;
      }
    }
  });
  return { unknown, user, called: [...called] };
}

/**
 * The parse layer for `execute`: one statement, not one that would break out of the
 * transaction the tool runs it in or reach outside the database.
 */
export function checkWrite(sql: string): ParsedStatement {
  const statement = singleStatement(sql);
  const type = statement.type;
  const refuseWrite = (reason: string): never => {
    throw new ToolError(`Refused: ${reason}. execute runs one statement in its own transaction.`);
  };
  if (type === 'TransactionStmt') refuseWrite('transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT)');
  if (type === 'CopyStmt') {
    const node = statement.node;
    if (node.is_program) refuseWrite('COPY ... PROGRAM runs a shell command on the database server');
    if (node.filename) refuseWrite('COPY to or from a server file reads or writes files on the server');
    refuseWrite('COPY FROM STDIN / TO STDOUT needs a streaming client; use INSERT or SELECT');
  }
  const session: Record<string, string> = {
    PrepareStmt: 'PREPARE',
    ExecuteStmt: 'EXECUTE',
    DeallocateStmt: 'DEALLOCATE',
    DeclareCursorStmt: 'DECLARE CURSOR',
    FetchStmt: 'FETCH / MOVE',
    ClosePortalStmt: 'CLOSE',
    ListenStmt: 'LISTEN',
    UnlistenStmt: 'UNLISTEN',
    NotifyStmt: 'NOTIFY',
    VariableSetStmt: 'SET',
    DiscardStmt: 'DISCARD',
    LoadStmt: 'LOAD',
    AlterSystemStmt: 'ALTER SYSTEM',
  };
  if (session[type]) refuseWrite(`${session[type]} changes session state that must not outlive the call`);
  return statement;
}

/** `SelectStmt` -> `SELECT`, `CreateTableAsStmt` -> `CREATE TABLE AS`, for messages. */
export function describeType(type: string): string {
  const known: Record<string, string> = {
    SelectStmt: 'SELECT',
    InsertStmt: 'INSERT',
    UpdateStmt: 'UPDATE',
    DeleteStmt: 'DELETE',
    MergeStmt: 'MERGE',
    CopyStmt: 'COPY',
    DoStmt: 'DO',
    CallStmt: 'CALL',
    LockStmt: 'LOCK',
    TransactionStmt: 'transaction control (BEGIN/COMMIT/ROLLBACK/SET TRANSACTION)',
    VariableSetStmt: 'SET',
    VariableShowStmt: "SHOW (use SELECT current_setting('name'))",
    CreateTableAsStmt: 'CREATE TABLE AS',
    ExplainStmt: 'EXPLAIN',
  };
  return (
    known[type] ??
    type
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}
