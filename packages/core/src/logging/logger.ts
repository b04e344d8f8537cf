import { type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where to write. Defaults to stderr: stdout belongs to the stdio protocol channel. */
  destination?: number | string;
  name?: string;
}

/**
 * The process logger: pino writing JSON lines to stderr (fd 2), never stdout. The level comes
 * from the option, then `MCPKIT_LOG_LEVEL`, then `info`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env.MCPKIT_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  // Writes to a descriptor (stderr) are asynchronous and gathered (up to 4 KiB, or 250 ms), so
  // a busy server does not pay a system call per audit line; pino flushes them on exit. A file
  // path opens asynchronously, so it stays synchronous.
  const dest = options.destination ?? 2;
  const sync = typeof dest === 'string';
  const destination = pino.destination({ dest, sync, ...(sync ? {} : { minLength: 4096 }) });
  if (!sync) {
    setInterval(() => {
      try {
        destination.flush();
      } catch {
        // closed or not yet open: nothing to flush
      }
    }, 250).unref();
  }
  return pino({ name: options.name ?? 'mcpkit', level, base: { pid: process.pid } }, destination);
}

/** A logger that drops everything; the default inside tests and unit-called handlers. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
