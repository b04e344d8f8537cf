import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations (tests are not type-checked by tsc -b)
import { describeType, firstSentence, renderToolTable } from '../../scripts/readme-tools.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = path.join(repoRoot, 'scripts/readme-tools.mjs');

const runScript = (...args: string[]) => {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

// One snapshot as checkToolSnapshots writes it (sorted keys), using what the renderer must read:
// required and optional inputs, a default, an enum, bounds, anyOf, a $ref into $defs (recursive
// too), an array of objects, markup characters in descriptions.
const fixture = {
  annotations: { destructiveHint: true, readOnlyHint: false },
  description: 'Move items to a folder, e.g. the archive. Replaces nothing unless asked; *.tmp files skip.',
  inputSchema: {
    $defs: {
      node: {
        properties: { children: { items: { $ref: '#/$defs/node' }, type: 'array' }, id: { type: 'string' } },
        required: ['id'],
        title: 'Node',
        type: 'object',
      },
    },
    properties: {
      ids: {
        description: 'Items to move. At most 50.',
        items: { type: 'string' },
        maxItems: 50,
        type: 'array',
      },
      limit: { default: 10, description: 'Most to move', maximum: 100, minimum: 1, type: 'integer' },
      mode: { description: 'copy | move', enum: ['copy', 'move'], type: 'string' },
      target: { $ref: '#/$defs/node', description: 'Where to put them' },
      when: { anyOf: [{ format: 'date-time', type: 'string' }, { type: 'null' }] },
    },
    required: ['target', 'ids'],
    type: 'object',
  },
  name: 'move_items',
};

const readOnlyTool = {
  annotations: { readOnlyHint: true },
  description: 'List items (cost $1 per call). Paged.',
  inputSchema: { properties: {}, type: 'object' },
  name: 'list_items',
};

describe('readme-tools renderer', () => {
  it('renders a snapshot as a table row: effect, typed inputs, first sentences', () => {
    expect(renderToolTable([fixture, readOnlyTool])).toBe(
      [
        '| Tool | Effect | Inputs | What it does |',
        '| --- | --- | --- | --- |',
        '| `list_items` | read-only | — | List items (cost \\$1 per call). |',
        '| `move_items` | destructive | ' +
          '`target` ({id, children?}, required): Where to put them<br>' +
          '`ids` (array of string, ≤ 50 items, required): Items to move.<br>' +
          '`limit` (integer 1–100, default `10`): Most to move<br>' +
          '`mode` (`copy` \\| `move`): copy \\| move<br>' +
          '`when` (string (date-time) \\| null) ' +
          '| Move items to a folder, e.g. the archive. |',
      ].join('\n'),
    );
  });

  it('follows $ref, stops at recursion, and keeps bounds readable', () => {
    const root = fixture.inputSchema;
    expect(describeType({ items: { $ref: '#/$defs/node' }, type: 'array' }, root, 2)).toBe('array of object');
    expect(describeType(root.$defs.node.properties.children, root, 0, new Set(['#/$defs/node']))).toBe(
      'array of Node (recursive)',
    );
    expect(describeType({ maximum: 9007199254740991, minimum: 0, type: 'integer' })).toBe('integer ≥ 0');
    expect(describeType({ maxLength: 100000, minLength: 1, type: 'string' })).toBe('string 1–100,000 chars');
    expect(describeType({ type: ['string', 'null'] })).toBe('string | null');
    expect(describeType({ additionalProperties: { type: 'number' }, type: 'object' })).toBe('map of number');
  });

  it('cuts a description at its first sentence, not at an abbreviation or inside parentheses', () => {
    expect(firstSentence('Reads a file (see e.g. read_file. Or not). Then more.')).toBe(
      'Reads a file (see e.g. read_file. Or not).',
    );
    expect(firstSentence('Version 1.2 is used.  Next')).toBe('Version 1.2 is used.');
    expect(firstSentence('No full stop')).toBe('No full stop');
  });
});

describe('readme-tools script', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'readme-tools-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds a stale table with --check, rewrites it, then passes', () => {
    const snaps = 'pkg/test/__toolsnaps__/sub';
    mkdirSync(path.join(root, snaps), { recursive: true });
    writeFileSync(path.join(root, snaps, 'move_items.json'), JSON.stringify(fixture));
    mkdirSync(path.join(root, 'pkg/node_modules/x'), { recursive: true });
    const marked = `# pkg\n\nIntro.\n\n<!-- tools:${snaps} -->\nold table\n<!-- /tools:${snaps} -->\n\nAfter.\n`;
    writeFileSync(path.join(root, 'pkg/README.md'), marked);
    // READMEs under node_modules are not ours to rewrite.
    writeFileSync(path.join(root, 'pkg/node_modules/x/README.md'), marked);

    const stale = runScript('--check', '--root', root);
    expect(stale.status).toBe(1);
    expect(stale.output).toContain('pkg/README.md');
    expect(stale.output).toContain('node scripts/readme-tools.mjs');
    expect(readFileSync(path.join(root, 'pkg/README.md'), 'utf8')).toBe(marked);

    expect(runScript('--root', root).status).toBe(0);
    const written = readFileSync(path.join(root, 'pkg/README.md'), 'utf8');
    expect(written.startsWith('# pkg\n\nIntro.\n\n')).toBe(true);
    expect(written.endsWith(`<!-- /tools:${snaps} -->\n\nAfter.\n`)).toBe(true);
    expect(written).toContain(renderToolTable([fixture]));
    expect(written).not.toContain('old table');
    expect(readFileSync(path.join(root, 'pkg/node_modules/x/README.md'), 'utf8')).toBe(marked);
    expect(runScript('--check', '--root', root)).toEqual({ status: 0, output: '' });
  });

  it('notes a snapshot folder no README shows, and fails on it with --strict', () => {
    mkdirSync(path.join(root, 'pkg/test/__toolsnaps__/other'), { recursive: true });
    writeFileSync(
      path.join(root, 'pkg/test/__toolsnaps__/other/list_items.json'),
      JSON.stringify(readOnlyTool),
    );
    const note = 'no README shows the tools snapshotted in pkg/test/__toolsnaps__/other';
    const lenient = runScript('--check', '--root', root);
    expect(lenient.status).toBe(0);
    expect(lenient.output).toContain(`note: ${note}`);
    const strict = runScript('--check', '--strict', '--root', root);
    expect(strict.status).toBe(2);
    expect(strict.output).toContain(note);
  });

  it('names a marker whose folder has no snapshots, and one left unclosed', () => {
    writeFileSync(
      path.join(root, 'README.md'),
      '<!-- tools:nowhere -->\n<!-- /tools:nowhere -->\n\n<!-- tools:pkg/test/__toolsnaps__/sub -->\n',
    );
    const result = runScript('--check', '--root', root);
    expect(result.status).toBe(2);
    expect(result.output).toContain('README.md: nowhere: no such folder');
    expect(result.output).toContain('has no closing "<!-- /tools:pkg/test/__toolsnaps__/sub -->"');
    expect(result.output).not.toContain(root);
  });
});

describe("this repository's READMEs", () => {
  it('have tool tables in sync with the __toolsnaps__ snapshots', () => {
    const { status, output } = runScript('--check');
    // The script's own message names each stale README and the command that fixes it.
    if (status !== 0) expect.fail(output);
  });
});
