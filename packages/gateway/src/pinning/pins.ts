import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What the model reads of a tool, and what read-only policy trusts: the parts that are pinned. */
export interface PinnableTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export interface Pin {
  hash: string;
  description: string;
  firstSeen: string;
  /** A different version seen later, waiting for approval; the tool is hidden meanwhile. */
  pending?: { hash: string; description: string; seen: string };
}

export type PinVerdict =
  | { status: 'new' }
  | { status: 'pinned' }
  | { status: 'changed'; pinned: string; seen: string; since: string };

interface PinFile {
  version: 1;
  servers: Record<string, Record<string, Pin>>;
}

/** A stable JSON text (keys sorted) so that a reordered schema is not a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function toolFingerprint(tool: PinnableTool): string {
  const { title, description, inputSchema, outputSchema, annotations } = tool;
  return createHash('sha256')
    .update(canonical({ title, description, inputSchema, outputSchema, annotations }))
    .digest('hex');
}

/**
 * First-seen fingerprints of upstream tools (description, schemas, annotations), kept in a JSON
 * file. A tool whose fingerprint later differs is "changed" until approved: a compromised or
 * updated upstream cannot silently rewrite what the model reads (a "rug pull"). The file is re-read
 * when another process (the CLI's approve command) has written it.
 */
export class PinStore {
  readonly file: string;
  #data: PinFile = { version: 1, servers: {} };
  #mtime = -1;

  constructor(stateDir: string, fileName = 'gateway-pins.json') {
    this.file = join(stateDir, fileName);
    this.#load();
  }

  /** Checks a tool against its pin; a new tool is pinned, a changed one recorded as pending. */
  check(server: string, tool: PinnableTool): PinVerdict {
    this.#load();
    const hash = toolFingerprint(tool);
    this.#data.servers[server] ??= {};
    const tools = this.#data.servers[server];
    const pin = tools[tool.name];
    const now = new Date().toISOString();
    const description = (tool.description ?? '').slice(0, 2000);
    if (!pin) {
      tools[tool.name] = { hash, description, firstSeen: now };
      this.#save();
      return { status: 'new' };
    }
    if (pin.hash === hash) {
      if (pin.pending) {
        delete pin.pending; // back to the approved version
        this.#save();
      }
      return { status: 'pinned' };
    }
    if (pin.pending?.hash !== hash) {
      pin.pending = { hash, description, seen: now };
      this.#save();
    }
    return { status: 'changed', pinned: pin.description, seen: description, since: pin.pending.seen };
  }

  /** Approves the pending version of one tool, or of every changed tool of `server`; returns names. */
  approve(server: string, tool?: string): string[] {
    this.#load();
    const tools = this.#data.servers[server] ?? {};
    const approved: string[] = [];
    for (const [name, pin] of Object.entries(tools)) {
      if ((tool === undefined || tool === name) && pin.pending) {
        tools[name] = {
          hash: pin.pending.hash,
          description: pin.pending.description,
          firstSeen: pin.pending.seen,
        };
        approved.push(name);
      }
    }
    if (approved.length) this.#save();
    return approved;
  }

  /** Tools waiting for approval, per server. */
  pending(): Array<{ server: string; tool: string; pinned: string; seen: string; since: string }> {
    this.#load();
    const out = [];
    for (const [server, tools] of Object.entries(this.#data.servers)) {
      for (const [tool, pin] of Object.entries(tools)) {
        if (pin.pending) {
          out.push({
            server,
            tool,
            pinned: pin.description,
            seen: pin.pending.description,
            since: pin.pending.seen,
          });
        }
      }
    }
    return out;
  }

  #load(): void {
    let mtime: number;
    try {
      mtime = statSync(this.file).mtimeMs;
    } catch {
      return; // no file yet
    }
    if (mtime === this.#mtime) return;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as PinFile;
      if (parsed && parsed.version === 1 && parsed.servers && typeof parsed.servers === 'object') {
        this.#data = parsed;
      }
    } catch {
      // A damaged file keeps the pins we hold; the next save rewrites it.
    }
    this.#mtime = mtime;
  }

  #save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.#data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    this.#mtime = statSync(this.file).mtimeMs;
  }
}
