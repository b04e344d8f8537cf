import { ToolError } from '@mcpkit/core';
import type { CatalogFunctions } from './functions.js';
import { checkReadOnly, type ReadStatement } from './guard.js';

/** A verdict of the parse layer: the statement to run, or why it is refused. */
type Verdict = { statement: ReadStatement } | { refusal: string };

const MAX_ENTRIES = 4096;
/** Characters of SQL kept as keys, at most (about 8 MB as UTF-16). */
const MAX_CHARS = 4_000_000;
/** Longer statements are checked every time: they are rare, and would crowd out the rest. */
const MAX_KEY_CHARS = 16_384;

/**
 * The parse layer's verdicts, remembered by the exact SQL text (most recently used kept). The
 * verdict of one text against one read of the catalog is always the same, so it is kept per
 * read: when the catalog is read again and says something else, the old verdicts are dropped
 * with it. The checks that do not rest on the text (the live volatility check of the functions
 * called, the READ ONLY transaction, the reset) still run on every call.
 */
export class VerdictCache {
  private catalog: CatalogFunctions | undefined;
  private readonly entries = new Map<string, Verdict>();
  private chars = 0;

  constructor(
    private readonly maxEntries = MAX_ENTRIES,
    private readonly maxChars = MAX_CHARS,
  ) {}

  get size() {
    return this.entries.size;
  }

  /** checkReadOnly(sql, catalog), from memory when the same text was checked against the same catalog. */
  check(sql: string, catalog: CatalogFunctions | undefined): ReadStatement {
    if (!catalog || sql.length > MAX_KEY_CHARS) return checkReadOnly(sql, catalog);
    if (catalog !== this.catalog) {
      this.entries.clear();
      this.chars = 0;
      this.catalog = catalog;
    }
    let verdict = this.entries.get(sql);
    if (verdict) {
      this.entries.delete(sql); // most recently used goes last
      this.entries.set(sql, verdict);
    } else {
      verdict = judge(sql, catalog);
      this.remember(sql, verdict);
    }
    if ('refusal' in verdict) throw new ToolError(verdict.refusal);
    return verdict.statement;
  }

  private remember(sql: string, verdict: Verdict) {
    this.entries.set(sql, verdict);
    this.chars += sql.length;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(key);
      this.chars -= key.length;
    }
  }
}

function judge(sql: string, catalog: CatalogFunctions): Verdict {
  try {
    return { statement: checkReadOnly(sql, catalog) };
  } catch (error) {
    // Only the guard's own refusals (plain ToolErrors) are remembered; anything else is thrown.
    if (error instanceof ToolError && error.data === undefined) return { refusal: error.message };
    throw error;
  }
}
