/**
 * The few PostgreSQL frontend messages a call sends, encoded by hand (protocol 3.0, "Message
 * Formats" in the PostgreSQL manual): Parse, Bind, Describe, Execute and Sync of the extended
 * protocol, all on the unnamed statement and portal. A call's messages go out as one buffer, and
 * the fixed parts (BEGIN, the reset) are encoded once.
 */

/** A statement of a batch: its text, its parameters, and whether its rows' columns are wanted. */
export interface Step {
  text: string;
  values?: readonly unknown[];
  /** Ask for the row description (statements that return rows). */
  describe?: boolean;
  /** This server's own text put before `text` (e.g. `DECLARE … FOR `). */
  prefix?: string;
}

function message(type: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = type;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

/** Bind of the unnamed portal: every parameter and every result column as text. */
function bind(values: readonly unknown[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0, 0, 0, 0, 0])]; // portal "", statement "", 0 formats (all text)
  parts[0]!.writeInt16BE(values.length, 4);
  for (const value of values) {
    const text = paramText(value);
    if (text === null) {
      const nil = Buffer.allocUnsafe(4);
      nil.writeInt32BE(-1, 0);
      parts.push(nil);
    } else {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.allocUnsafe(4);
      length.writeInt32BE(bytes.length, 0);
      parts.push(length, bytes);
    }
  }
  parts.push(Buffer.from([0, 0])); // 0 result formats: all text
  return message(0x42, Buffer.concat(parts));
}

const DESCRIBE_PORTAL = message(0x44, Buffer.from([0x50, 0])); // 'P', ""
const EXECUTE_ALL = message(0x45, Buffer.from([0, 0, 0, 0, 0])); // portal "", no row limit
const BIND_NO_PARAMS = bind([]);
export const SYNC = message(0x53, Buffer.alloc(0));

/**
 * The messages of one step: Parse (of the prefix and the text, unnamed statement, parameter
 * types left to the server), Bind, (Describe,) Execute. Written straight into one buffer: a
 * call's own statement is encoded on every call.
 */
export function encodeStep(step: Step): Buffer {
  const prefix = step.prefix ?? '';
  if (step.text.includes('\0') || prefix.includes('\0')) {
    throw new Error('A statement cannot contain a NUL character');
  }
  const bound = step.values?.length ? bind(step.values) : BIND_NO_PARAMS;
  const prefixBytes = Buffer.byteLength(prefix, 'utf8');
  const textBytes = Buffer.byteLength(step.text, 'utf8');
  // Parse: type, length, "" (statement), the text and its NUL, 0 parameter types.
  const parseSize = 1 + 4 + 1 + prefixBytes + textBytes + 1 + 2;
  const size = parseSize + bound.length + (step.describe ? DESCRIBE_PORTAL.length : 0) + EXECUTE_ALL.length;
  const out = Buffer.allocUnsafe(size);
  out[0] = 0x50;
  out.writeInt32BE(parseSize - 1, 1);
  out[5] = 0;
  let at = 6;
  if (prefixBytes) at += out.write(prefix, at, 'utf8');
  at += out.write(step.text, at, 'utf8');
  out[at++] = 0;
  out[at++] = 0;
  out[at++] = 0;
  at += bound.copy(out, at);
  if (step.describe) at += DESCRIBE_PORTAL.copy(out, at);
  EXECUTE_ALL.copy(out, at);
  return out;
}

/** Steps whose bytes never change, encoded once. */
export function encodeSteps(steps: readonly Step[]): Buffer {
  return Buffer.concat(steps.map(encodeStep));
}

/**
 * A parameter as PostgreSQL's text input: what node-postgres sends for the same value, for the
 * values a tool accepts (strings, numbers, booleans, null, arrays of them; other objects as JSON).
 */
export function paramText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    const text = typeof item === 'object' ? JSON.stringify(item) : String(item);
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}
