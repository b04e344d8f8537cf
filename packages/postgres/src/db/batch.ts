import type pg from 'pg';
import { SYNC } from './wire.js';

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
  private fields: pg.FieldDef[] = [];
  private rows: (string | null)[][] = [];
  private done = false;

  constructor(private readonly bytes: Buffer[]) {
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  submit(connection: Connection): null {
    connection.stream.write(Buffer.concat([...this.bytes, SYNC]));
    return null;
  }

  handleRowDescription(message: { fields: pg.FieldDef[] }): void {
    this.fields = message.fields;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.rows.push(message.fields);
  }

  handleCommandComplete(message: { text: string }): void {
    const tag = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/.exec(message.text);
    const count = tag?.[3] ?? tag?.[2];
    this.results.push({
      command: tag?.[1] ?? message.text,
      rowCount: count === undefined ? 0 : Number(count),
      fields: this.fields,
      rows: this.rows,
    });
    this.fields = [];
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
