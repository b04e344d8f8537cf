import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface ListedTool {
  name: string;
  [key: string]: unknown;
}

/** JSON with sorted keys, so a snapshot diff shows only real changes. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/**
 * Compares every listed tool definition with its snapshot in `dir/<tool>.json` (as
 * github/github-mcp-server keeps `__toolsnaps__`), so any change to a tool's schema, description
 * or annotations is a visible diff in review. `UPDATE_TOOLSNAPS=1` rewrites them. A missing
 * snapshot is an error too (write it with UPDATE_TOOLSNAPS=1 and review it); a snapshot with no
 * tool behind it is always an error.
 */
export function checkToolSnapshots(tools: readonly ListedTool[], dir: string): void {
  const update = process.env.UPDATE_TOOLSNAPS === '1' || process.env.UPDATE_TOOLSNAPS === 'true';
  mkdirSync(dir, { recursive: true });
  const problems: string[] = [];
  for (const tool of tools) {
    const file = path.join(dir, `${tool.name}.json`);
    const actual = canonical(tool);
    let expected: string | undefined;
    try {
      expected = readFileSync(file, 'utf8');
    } catch {
      expected = undefined;
    }
    if (expected === actual) continue;
    if (update) {
      writeFileSync(file, actual);
      continue;
    }
    problems.push(
      expected === undefined
        ? `${tool.name}: no snapshot (run the tests with UPDATE_TOOLSNAPS=1 and review the new file)`
        : `${tool.name}: the listed definition differs from ${path.basename(dir)}/${tool.name}.json (review, then UPDATE_TOOLSNAPS=1)\n--- snapshot\n${expected}+++ listed\n${actual}`,
    );
  }
  const names = new Set(tools.map((t) => `${t.name}.json`));
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.json') && !names.has(file)) {
      problems.push(`${file}: a snapshot with no tool behind it (delete it if the tool was removed)`);
    }
  }
  if (problems.length) throw new Error(`Tool snapshots:\n${problems.join('\n')}`);
}
