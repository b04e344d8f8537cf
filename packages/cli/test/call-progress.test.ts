// `mcpkit call` shows a long call's progress on stderr; `mcpkit tools` says what each tool may
// change. Both against a small stdio server (fixtures/progress-server.mjs) through the built CLI.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { annotationHints, formatProgress } from '../src/format.js';

const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const SERVER = fileURLToPath(new URL('./fixtures/progress-server.mjs', import.meta.url));
const run = promisify(execFile);
const mcpkit = (...args: string[]) =>
  run(process.execPath, [CLI, ...args, '--', process.execPath, SERVER], { timeout: 30_000 });

describe('progress and annotations in the CLI', () => {
  it('mcpkit call prints each progress notification on stderr, the result on stdout', async () => {
    const { stdout, stderr } = await mcpkit('call', 'count', 'n=4');
    expect(stdout.trim()).toBe('counted to 4');
    const lines = stderr.split('\n').filter((line) => line.startsWith('progress '));
    expect(lines).toEqual([
      'progress 1/4 (25%) step 1',
      'progress 2/4 (50%) step 2',
      'progress 3/4 (75%) step 3',
      'progress 4/4 (100%) step 4',
    ]);
  });

  it('mcpkit tools marks read-only, writing and destructive tools (MCP defaults included)', async () => {
    const { stdout } = await mcpkit('tools');
    expect(stdout).toMatch(/^count {2}\[read-only\]$/m);
    expect(stdout).toMatch(/^append_note {2}\[writes\]$/m);
    expect(stdout).toMatch(/^wipe {2}\[destructive, open world\]$/m);
  });

  it('formats progress with and without a total', () => {
    expect(formatProgress({ progress: 5 })).toBe('progress 5');
    expect(formatProgress({ progress: 1, total: 3, message: 'a' })).toBe('progress 1/3 (33%) a');
    expect(annotationHints({})).toEqual(['destructive']);
    expect(annotationHints({ annotations: { readOnlyHint: true, openWorldHint: true } })).toEqual([
      'read-only',
      'open world',
    ]);
  });
});
