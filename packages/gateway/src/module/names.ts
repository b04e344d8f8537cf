import { createHash } from 'node:crypto';

/** The longest name a client sees: the namespace, "_", and the upstream's own name. */
export const MAX_SERVED_NAME = 64;

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/**
 * A namespace compose() accepts (1-16 lowercase letters and digits, a letter first) made from a
 * config key such as "my-python-server" -> "mypythonserver".
 */
export function namespaceFor(key: string): string {
  let ns = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!/^[a-z]/.test(ns)) ns = `s${ns}`;
  if (ns.length > 16) ns = `${ns.slice(0, 11)}${short(key).slice(0, 5)}`;
  return ns;
}

/**
 * Maps an upstream's names to names the toolkit accepts: letters, digits, "_", "-", "."; at most
 * `budget` characters so that, under its namespace, the served name stays within 64. A name that
 * had to change ends in a short hash of the original, so two long names that share a start stay
 * apart. The same upstream name always maps to the same served name.
 */
export function servedName(upstream: string, budget: number): string {
  const clean = upstream.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (clean === upstream && clean.length > 0 && clean.length <= budget) return clean;
  const tail = `_${short(upstream)}`;
  return `${clean.slice(0, Math.max(1, budget - tail.length))}${tail}`;
}

/** A name budget for items served under `namespace` (0 or '' for unprefixed). */
export function nameBudget(namespace: string): number {
  return namespace ? MAX_SERVED_NAME - namespace.length - 1 : MAX_SERVED_NAME;
}
