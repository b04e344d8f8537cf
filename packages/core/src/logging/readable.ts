import { formatWithOptions } from 'node:util';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every line has, or that say nothing to a person reading a terminal. */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v', 'audit']);

/**
 * One pino JSON line as a person reads it on a terminal:
 * `09:12:03 INFO  serving catalog on stdio  tools=2 resources=2`. Errors keep their message
 * (and their stack only at debug level and below, where pino records it anyway).
 */
export function readableLine(json: string, colors = false): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now());
  const clock = time.toTimeString().slice(0, 8);
  const level = LEVEL_NAMES[record.level as number] ?? String(record.level);
  const paint = (code: number, text: string) => (colors ? `\u001b[${code}m${text}\u001b[39m` : text);
  const tint =
    level === 'ERROR' || level === 'FATAL' ? 31 : level === 'WARN' ? 33 : level === 'INFO' ? 32 : 90;
  const fields = Object.entries(record)
    // `name` is the logger's own (mcpkit) except in audit records, where it is the tool's.
    .filter(([key, value]) => !HIDDEN.has(key) && !(key === 'name' && value === 'mcpkit'))
    .map(([key, value]) => `${key}=${fieldText(key, value)}`);
  const prefix = record.audit ? 'audit ' : '';
  return `${paint(90, clock)} ${paint(tint, level.padEnd(5))} ${prefix}${String(record.msg ?? '')}${
    fields.length ? `  ${paint(90, fields.join(' '))}` : ''
  }\n`;
}

function fieldText(key: string, value: unknown): string {
  if (key === 'err' && value && typeof value === 'object') {
    const err = value as { message?: string; type?: string };
    return JSON.stringify(err.message ?? err.type ?? 'error');
  }
  if (typeof value === 'string') return /^[\w./:@,+-]+$/.test(value) ? value : JSON.stringify(value);
  return formatWithOptions({ breakLength: Number.POSITIVE_INFINITY, depth: 3 }, '%j', value);
}
