import type { Redactor } from './redact.js';

/**
 * The last lines an upstream wrote to stderr, redacted and bounded (lines and characters per line),
 * for the status view. Partial lines are held until their newline or until they reach the cap.
 */
export class StderrRing {
  readonly #lines: string[] = [];
  #partial = '';
  #total = 0;

  constructor(
    private readonly redact: Redactor,
    private readonly maxLines = 200,
    private readonly maxLineChars = 1000,
    private readonly onLine?: (line: string) => void,
  ) {}

  /** Feeds a chunk of output; complete lines are stored. */
  write(chunk: string): void {
    const text = this.#partial + chunk;
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    if (this.#partial.length > this.maxLineChars) {
      parts.push(this.#partial);
      this.#partial = '';
    }
    for (const line of parts) this.push(line.replace(/\r$/, ''));
  }

  /** Stores one line as it is (after redaction); used for notes such as "exited with code 3". */
  push(line: string): void {
    if (line.length === 0) return;
    const cut = line.length > this.maxLineChars ? `${line.slice(0, this.maxLineChars)}… [line cut]` : line;
    const clean = this.redact(cut);
    this.#total++;
    this.#lines.push(clean);
    if (this.#lines.length > this.maxLines) this.#lines.splice(0, this.#lines.length - this.maxLines);
    this.onLine?.(clean);
  }

  /** Ends a stream: a trailing partial line is kept. */
  flush(): void {
    if (this.#partial) this.push(this.#partial);
    this.#partial = '';
  }

  /** The last `n` lines, oldest first. */
  tail(n = this.maxLines): string[] {
    return this.#lines.slice(-n);
  }

  /** Lines written since the start, including those no longer held. */
  get total(): number {
    return this.#total;
  }
}
