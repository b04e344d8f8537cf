import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { readableLine } from './readable.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where to write. Defaults to stderr: stdout belongs to the stdio protocol channel. */
  destination?: number | string;
  name?: string;
  /**
   * `text`: one readable line per record (what a person at a terminal wants); `json`: JSON lines
   * (what a log collector wants). Default: text when writing to stderr and stderr is a terminal,
   * else json; `MCPKIT_LOG_FORMAT=json|text` overrides.
   */
  format?: 'json' | 'text';
}

type Destination = ReturnType<typeof pino.destination>;

/** Every gathering destination, flushed together every 250 ms and at exit. */
const gathered = new Set<WeakRef<Destination>>();

function flushGathered(): void {
  for (const ref of gathered) {
    const destination = ref.deref();
    if (!destination) {
      gathered.delete(ref);
      continue;
    }
    try {
      destination.flushSync();
    } catch {
      gathered.delete(ref); // closed: nothing more to flush
    }
  }
}

/** The format a logger writes in when none is asked for: see LoggerOptions.format. */
export function defaultLogFormat(destination: number | string = 2): 'json' | 'text' {
  const asked = process.env.MCPKIT_LOG_FORMAT;
  if (asked === 'json' || asked === 'text') return asked;
  return destination === 2 && process.stderr.isTTY ? 'text' : 'json';
}

/**
 * The process logger: pino writing to stderr (fd 2), never stdout: JSON lines, or readable text
 * on a terminal. The level comes from the option, then `MCPKIT_LOG_LEVEL`, then `info`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env.MCPKIT_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  const format = options.format ?? defaultLogFormat(options.destination);
  if (format === 'text') {
    // A terminal: few lines, written at once so they interleave with other output in order.
    const colors = options.destination === undefined && process.stderr.hasColors?.() === true;
    const target = options.destination ?? 2;
    const sink = pino.destination({ dest: target, sync: true });
    const stream: DestinationStream = { write: (line: string) => sink.write(readableLine(line, colors)) };
    return pino({ name: options.name ?? 'mcpkit', level, base: { pid: process.pid } }, stream);
  }
  // Lines are gathered (up to 4 KiB, or 250 ms) and written synchronously, as Node writes to
  // stderr anyway: a busy server pays one system call per few dozen audit lines, not one each,
  // and nothing waits in a queue to be lost. pino flushes the rest on exit.
  const destination = pino.destination({ dest: options.destination ?? 2, sync: true, minLength: 4096 });
  gathered.add(new WeakRef(destination));
  if (gathered.size === 1) {
    setInterval(flushGathered, 250).unref();
    process.once('exit', flushGathered);
  }

  return pino({ name: options.name ?? 'mcpkit', level, base: { pid: process.pid } }, destination);
}

/** A logger that drops everything; the default inside tests and unit-called handlers. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
