// Slack timestamps ("1700000000.000100") from what a model writes: a ts, Unix seconds, or an ISO time.

const TS = /^\d{1,10}(\.\d{1,6})?$/;

/** A Slack ts for `input`, or undefined when it is neither a ts nor a date. */
export function toSlackTs(input: string): string | undefined {
  const s = input.trim();
  if (TS.test(s)) {
    const [sec, frac = ''] = s.split('.');
    return `${sec}.${frac.padEnd(6, '0')}`;
  }
  // Only ISO-looking dates: Date.parse accepts much else that a model did not mean.
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const micros = BigInt(ms) * 1000n;
  return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
}

/** An ISO time for a Slack ts (UTC, seconds precision). */
export function tsToIso(ts: string): string {
  const sec = Number(ts.split('.')[0]);
  return Number.isFinite(sec) ? new Date(sec * 1000).toISOString().replace('.000Z', 'Z') : ts;
}
