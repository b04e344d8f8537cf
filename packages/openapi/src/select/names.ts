import { createHash } from 'node:crypto';
import type { Operation } from '../operations/types.js';

/** Hosts reject tool names over 64 characters, and several reject dots. */
export const MAX_NAME_LENGTH = 64;
const HASH_LENGTH = 6;

/** `getPetById` -> `get_pet_by_id`; `repos/get-content` -> `repos_get_content`. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** A short hash of the operation's method and path: stable when the spec is reordered. */
export function operationHash(op: Pick<Operation, 'key'>): string {
  return createHash('sha256').update(op.key).digest('hex').slice(0, HASH_LENGTH);
}

function fit(name: string, op: Operation): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  // Cut names keep a hash so two long names that share a prefix stay apart.
  return `${name.slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1).replace(/_+$/, '')}_${operationHash(op)}`;
}

/** An operation's name on its own: `x-mcp-name`, else its operationId in snake_case, else method_path. */
export function baseName(op: Operation): { name: string; explicit: boolean } {
  if (op.mcpName) {
    const cleaned = op.mcpName.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
    if (cleaned) return { name: fit(cleaned, op), explicit: true };
  }
  const fromId = op.operationId ? snakeCase(op.operationId) : '';
  if (fromId) return { name: fit(fromId, op), explicit: false };
  const path = op.path.split('#')[0]!;
  const fromPath = snakeCase(`${op.method}_${path.replace(/[{}]/g, '')}`);
  return { name: fit(fromPath || op.method, op), explicit: false };
}

/**
 * Names for a set of operations. Names that collide get `_<hash>` from their method and path, all of
 * them, so which operation keeps which name never depends on the spec's order; an explicit `x-mcp-name`
 * keeps its name when it collides with a derived one.
 */
export function assignNames(operations: Operation[]): Map<Operation, string> {
  const bases = operations.map((op) => ({ op, ...baseName(op) }));
  const groups = new Map<string, typeof bases>();
  for (const entry of bases) {
    const group = groups.get(entry.name) ?? [];
    group.push(entry);
    groups.set(entry.name, group);
  }
  const names = new Map<Operation, string>();
  const taken = new Set<string>();
  for (const [name, group] of groups) {
    if (group.length === 1) {
      names.set(group[0]!.op, name);
      taken.add(name);
    }
  }
  for (const [name, group] of groups) {
    if (group.length === 1) continue;
    const explicit = group.filter((e) => e.explicit);
    const keeper = explicit.length === 1 ? explicit[0] : undefined;
    for (const entry of group) {
      if (entry === keeper && !taken.has(name)) {
        names.set(entry.op, name);
        taken.add(name);
        continue;
      }
      const suffix = `_${operationHash(entry.op)}`;
      let candidate = `${name.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
      // Two operations cannot share method and path, so this only guards against a derived name equal to
      // another's suffixed one.
      while (taken.has(candidate)) candidate = `${candidate.slice(0, MAX_NAME_LENGTH - 2)}_x`;
      names.set(entry.op, candidate);
      taken.add(candidate);
    }
  }
  return names;
}
