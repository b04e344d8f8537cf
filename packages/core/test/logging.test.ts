import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineServer, defineTool, ToolError } from '../src/index.js';
import { createLogger, defaultLogFormat } from '../src/logging/logger.js';
import { readableLine } from '../src/logging/readable.js';
import { connect, ERAS, resultText } from '../src/testing/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mcpkit-logging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('log format', () => {
  it('writes readable text lines when asked (a terminal), JSON lines otherwise', () => {
    const textFile = path.join(dir, 'text.log');
    const text = createLogger({ destination: textFile, format: 'text' });
    text.info({ tools: 2, label: 'two words' }, 'serving catalog on stdio');
    text.flush();
    const line = readFileSync(textFile, 'utf8');
    expect(line).toMatch(/^\d\d:\d\d:\d\d INFO {2}serving catalog on stdio {2}tools=2 label="two words"\n$/);

    const jsonFile = path.join(dir, 'json.log');
    const json = createLogger({ destination: jsonFile, format: 'json' });
    json.info({ tools: 2 }, 'serving catalog on stdio');
    json.flush();
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toMatchObject({
      msg: 'serving catalog on stdio',
      tools: 2,
    });
  });

  it('chooses JSON for a file and follows MCPKIT_LOG_FORMAT', () => {
    const saved = process.env.MCPKIT_LOG_FORMAT;
    try {
      delete process.env.MCPKIT_LOG_FORMAT;
      expect(defaultLogFormat(path.join(dir, 'x.log'))).toBe('json');
      process.env.MCPKIT_LOG_FORMAT = 'text';
      expect(defaultLogFormat(path.join(dir, 'x.log'))).toBe('text');
      process.env.MCPKIT_LOG_FORMAT = 'json';
      expect(defaultLogFormat(2)).toBe('json');
    } finally {
      if (saved === undefined) delete process.env.MCPKIT_LOG_FORMAT;
      else process.env.MCPKIT_LOG_FORMAT = saved;
    }
  });

  it('renders an error by its message and marks audit records', () => {
    const err = readableLine(
      JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { message: 'boom', stack: 's' } }),
    );
    expect(err).toMatch(/ERROR failed {2}err="boom"\n$/);
    const audit = readableLine(JSON.stringify({ level: 30, time: 0, msg: 'call', audit: true, name: 'add' }));
    expect(audit).toMatch(/INFO {2}audit call {2}name=add\n$/);
    expect(readableLine('not json')).toBe('not json\n');
  });
});

describe.each(ERAS)('the audit log never holds argument values (%s era)', (era) => {
  const secretPath = '/etc/passwd-of-someone';
  const module = defineServer({
    name: 'audited',
    version: '1.0.0',
    tools: [
      defineTool({
        name: 'read_file',
        description: 'reads',
        input: z.object({ path: z.string() }),
        annotations: { readOnlyHint: true },
        handler: ({ path: p }) => {
          throw new ToolError(`${p}: outside the allowed directories`);
        },
      }),
    ],
  });

  async function callWith(level: 'info' | 'debug') {
    const lines: string[] = [];
    const logger = pino({ level }, { write: (line: string) => lines.push(line) });
    const client = await connect(module, { era, logger });
    try {
      const result = await client.callTool({ name: 'read_file', arguments: { path: secretPath } });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain(secretPath); // the model still reads the whole message
    } finally {
      await client.close();
    }
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.audit);
  }

  it('records the error kind, not its text, at info level', async () => {
    const records = await callWith('info');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: 'read_file', args: 'path', outcome: 'error' });
    expect(JSON.stringify(records)).not.toContain('passwd');
  });

  it('adds the text at debug level, when asked', async () => {
    const records = await callWith('debug');
    expect(records.some((r) => String(r.detail).includes('passwd-of-someone'))).toBe(true);
  });
});
