import type pg from 'pg';

/** What one statement of a batch returned. */
export interface StepResult {
  /** The command tag's first word, as node-postgres reports it: `SELECT`, `FETCH`, `INSERT`, `CREATE`. */
  command: string;
  /** The tag's row count (rows fetched, moved, inserted, …). */
  rowCount: number;
  /** Columns, when the step asked for them. */
  fields: pg.FieldDef[];
  /** Values as Postgres's text (null for NULL). */
  rows: (string | null)[][];
}

export interface BatchOutcome {
  /** One result per statement that completed, in order. */
  results: StepResult[];
  /** The statement that failed (its index) and why; the server skipped every later one. */
  failed?: { step: number; error: unknown };
}

/** A step that asked for no columns (never written to). */
const NO_FIELDS: pg.FieldDef[] = [];

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Where a run of digits that starts at `from` ends. */
function digitsEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length && isDigit(text.charCodeAt(at))) at++;
  return at;
}

/**
 * A command tag read as `^([A-Za-z]+)(?: (\d+))?(?: (\d+))?` would: the leading word, and the
 * last of up to two numbers after it (`INSERT 0 5` is 5 rows, `FETCH 101` is 101). By hand,
 * without the match arrays: every step of every call has a tag.
 */
export function commandTag(text: string): { command: string; rowCount: number } {
  let at = 0;
  for (; at < text.length; at++) {
    const c = text.charCodeAt(at) | 0x20; // A-Z as a-z
    if (c < 97 || c > 122) break;
  }
  if (at === 0) return { command: text, rowCount: 0 };
  const command = text.slice(0, at);
  let count: string | undefined;
  for (let numbers = 0; numbers < 2 && text.charCodeAt(at) === 32; numbers++) {
    const end = digitsEnd(text, at + 1);
    if (end === at + 1) break;
    count = text.slice(at + 1, end);
    at = end;
  }
  return { command, rowCount: count === undefined ? 0 : Number(count) };
}

/** The part of node-postgres's connection a batch writes to. */
interface Connection {
  stream: { write(chunk: Buffer): boolean };
}

/**
 * Every statement of one call as ONE write and ONE round trip: the extended-protocol messages
 * of all steps, then a single Sync. A node-postgres "submittable" (the interface pg-cursor uses):
 * the client hands it each message of the answer until ReadyForQuery. After an error the server
 * skips to the Sync, so a batch stops at its first failing statement, and nothing after it
 * (ROLLBACK, the reset) ran: the caller must recover the session (see Database.session).
 */
export class Batch {
  readonly outcome: Promise<BatchOutcome>;
  private settle!: (outcome: BatchOutcome) => void;
  private readonly results: StepResult[] = [];
  private fields: pg.FieldDef[] = NO_FIELDS;
  private rows: (string | null)[][] = [];
  private done = false;

  /** `bytes`: every step's messages and the closing Sync, as one buffer. */
  constructor(private readonly bytes: Buffer) {
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  submit(connection: Connection): null {
    connection.stream.write(this.bytes);
    return null;
  }

  handleRowDescription(message: { fields: pg.FieldDef[] }): void {
    this.fields = message.fields;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.rows.push(message.fields);
  }

  handleCommandComplete(message: { text: string }): void {
    const { command, rowCount } = commandTag(message.text);
    this.results.push({ command, rowCount, fields: this.fields, rows: this.rows });
    this.fields = NO_FIELDS;
    this.rows = [];
  }

  handleEmptyQuery(): void {
    this.results.push({ command: '', rowCount: 0, fields: [], rows: [] });
  }

  handleError(error: unknown): void {
    this.finish({ results: this.results, failed: { step: this.results.length, error } });
  }

  handleReadyForQuery(): void {
    this.finish({ results: this.results });
  }

  // Nothing a batch sends asks for these; answer COPY FROM STDIN (from user code) by failing it.
  handlePortalSuspended(): void {}
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('COPY FROM STDIN is not supported');
  }
  handleCopyData(): void {}

  private finish(outcome: BatchOutcome) {
    if (this.done) return;
    this.done = true;
    this.settle(outcome);
  }
}
