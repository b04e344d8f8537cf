import fs from 'node:fs';
import path from 'node:path';
import type { TestClient } from '@mcpkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientFor, makeWorld, type World, writeTree } from './support/world.js';

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');

describe('read tools', () => {
  let world: World;
  let client: TestClient;

  beforeEach(async () => {
    world = makeWorld();
    writeTree(world.root, {
      'hundred.txt': numbered(1, 100),
      'no-newline.txt': 'a\nb\nc',
      'empty.txt': '',
      'crlf.txt': 'one\r\ntwo\r\nthree\r\n',
      'bom.txt': '\ufeffwith bom\nsecond\n',
      'utf16.txt': Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('héllo\nwörld\nthird\n', 'utf16le'),
      ]),
      'binary.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
      'image.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      'sound.mp3': Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0]),
      'data.bin': Buffer.from([1, 2, 3, 0, 4]),
      'long-line.txt': `${'x'.repeat(5000)}\nshort\n`,
      'unicode.txt': `${'é'.repeat(3000)}\nnext\n`,
    });
    client = await clientFor(world, { maxReadBytes: 1024, maxReadLines: 10, maxTotalReadBytes: 2048 });
  });

  afterEach(async () => {
    await client.close();
    world.cleanup();
  });

  const read = (args: Record<string, unknown>) => call(client, 'read_text_file', args);

  it('reads a small file whole, with no note', async () => {
    const outcome = await read({ path: 'no-newline.txt' });
    expect(outcome.raw.content).toEqual([{ type: 'text', text: 'a\nb\nc' }]);
  });

  it('stops at the default line limit and says how to continue', async () => {
    const first = await read({ path: 'hundred.txt' });
    expect(first.raw.content![0]).toEqual({ type: 'text', text: numbered(1, 10) });
    expect(first.text).toContain('Showing lines 1-10');
    expect(first.text).toContain('offset=11');
    const next = await read({ path: 'hundred.txt', offset: 11 });
    expect((next.raw.content![0] as { text: string }).text).toBe(numbered(11, 20));
    const last = await read({ path: 'hundred.txt', offset: 95 });
    expect(last.raw.content).toEqual([{ type: 'text', text: numbered(95, 100) }]);
  });

  it('head, tail, offset with limit', async () => {
    expect((await read({ path: 'hundred.txt', head: 3 })).raw.content![0]).toEqual({
      type: 'text',
      text: numbered(1, 3),
    });
    const tail = await read({ path: 'hundred.txt', tail: 3 });
    expect(tail.raw.content![0]).toEqual({ type: 'text', text: numbered(98, 100) });
    expect(tail.text).toContain('last 3 lines');
    expect((await read({ path: 'no-newline.txt', tail: 2 })).raw.content![0]).toEqual({
      type: 'text',
      text: 'b\nc',
    });
    expect((await read({ path: 'hundred.txt', offset: 50, limit: 2 })).raw.content![0]).toEqual({
      type: 'text',
      text: numbered(50, 51),
    });
  });

  it('refuses contradictory or impossible arguments clearly', async () => {
    expect((await read({ path: 'hundred.txt', head: 1, tail: 1 })).text).toMatch(/head or tail/);
    expect((await read({ path: 'hundred.txt', tail: 1, offset: 2 })).text).toMatch(/cannot be combined/);
    const past = await read({ path: 'hundred.txt', offset: 101 });
    expect(past.isError).toBe(true);
    expect(past.text).toBe('hundred.txt: offset 101 is past the end: the file has 100 lines');
    expect((await read({ path: 'hundred.txt', offset: 0 })).isError).toBe(true);
  });

  it('caps bytes; a line longer than the cap is cut on a character boundary', async () => {
    const long = await read({ path: 'long-line.txt' });
    const body = (long.raw.content![0] as { text: string }).text;
    expect(body).toBe('x'.repeat(1024));
    expect(long.text).toContain('longer than the 1,024-byte limit');
    expect(long.text).toContain('offset=2');
    expect((await read({ path: 'long-line.txt', offset: 2 })).text).toBe('short\n');
    const unicode = await read({ path: 'unicode.txt' });
    const text = (unicode.raw.content![0] as { text: string }).text;
    expect(text).toBe('é'.repeat(512));
    expect(text).not.toContain('\ufffd');
  });

  it('keeps CRLF, drops a UTF-8 BOM, decodes UTF-16, handles empty files', async () => {
    expect((await read({ path: 'crlf.txt' })).text).toBe('one\r\ntwo\r\nthree\r\n');
    expect((await read({ path: 'bom.txt' })).text).toBe('with bom\nsecond\n');
    expect((await read({ path: 'utf16.txt' })).text).toBe('héllo\nwörld\nthird\n');
    expect((await read({ path: 'utf16.txt', tail: 1 })).raw.content![0]).toEqual({
      type: 'text',
      text: 'third\n',
    });
    expect((await read({ path: 'empty.txt' })).raw.content).toEqual([{ type: 'text', text: '' }]);
  });

  it('refuses binary files and folders with a pointer to the right tool', async () => {
    expect((await read({ path: 'binary.bin' })).text).toMatch(/binary.*read_media_file/);
    expect((await read({ path: '.' })).text).toMatch(/is a directory/);
    expect((await read({ path: 'missing.txt' })).text).toBe('missing.txt: no such file or directory');
  });

  it('read_file is the same as read_text_file', async () => {
    expect((await call(client, 'read_file', { path: 'hundred.txt', head: 2 })).text).toBe(
      (await read({ path: 'hundred.txt', head: 2 })).text,
    );
  });

  it('a deep offset into a large file reads on from a checkpoint', async () => {
    const lines = 200_000;
    const file = path.join(world.root, 'big.txt');
    fs.writeFileSync(file, numbered(1, lines));
    const deep = await read({ path: 'big.txt', offset: 150_000, limit: 2 });
    expect(deep.raw.content![0]).toEqual({ type: 'text', text: numbered(150_000, 150_001) });
    const onward = await read({ path: 'big.txt', offset: 150_002, limit: 1 });
    expect(onward.raw.content![0]).toEqual({ type: 'text', text: 'line 150002\n' });
    // A changed file invalidates the checkpoints.
    fs.writeFileSync(file, `inserted\n${numbered(1, lines)}`);
    const shifted = await read({ path: 'big.txt', offset: 150_002, limit: 1 });
    expect(shifted.raw.content![0]).toEqual({ type: 'text', text: 'line 150001\n' });
    expect((await read({ path: 'big.txt', tail: 1 })).raw.content![0]).toEqual({
      type: 'text',
      text: `line ${lines}\n`,
    });
  });

  it('long heads and tails read in growing steps and return exactly the lines asked for', async () => {
    await client.close();
    client = await clientFor(world);
    fs.writeFileSync(path.join(world.root, 'big.txt'), numbered(1, 50_000));
    expect((await read({ path: 'big.txt', head: 5000 })).raw.content![0]).toEqual({
      type: 'text',
      text: numbered(1, 5000),
    });
    expect((await read({ path: 'big.txt', tail: 5000 })).raw.content![0]).toEqual({
      type: 'text',
      text: numbered(45_001, 50_000),
    });
    // More than the byte budget: whole lines only, and the note says where the next begins.
    const capped = await read({ path: 'big.txt', offset: 10, limit: 40_000 });
    const body = (capped.raw.content![0] as { text: string }).text;
    const shown = body.split('\n').length - 1;
    expect(body).toBe(numbered(10, 10 + shown - 1));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(128 * 1024);
    expect(capped.text).toContain(`offset=${10 + shown}`);
  });

  describe('read_media_file', () => {
    it('returns images and audio as their content types, other files as a blob resource', async () => {
      const image = await call(client, 'read_media_file', { path: 'image.png' });
      expect(image.raw.content![0]).toMatchObject({ type: 'image', mimeType: 'image/png' });
      expect(Buffer.from((image.raw.content![0] as { data: string }).data, 'base64')).toEqual(
        fs.readFileSync(path.join(world.root, 'image.png')),
      );
      const sound = await call(client, 'read_media_file', { path: 'sound.mp3' });
      expect(sound.raw.content![0]).toMatchObject({ type: 'audio', mimeType: 'audio/mpeg' });
      const blob = await call(client, 'read_media_file', { path: 'data.bin' });
      expect(blob.raw.content![0]).toMatchObject({
        type: 'resource',
        resource: {
          uri: `file://${path.join(world.root, 'data.bin')}`,
          mimeType: 'application/octet-stream',
        },
      });
    });

    it('refuses files over the media limit', async () => {
      await client.close();
      client = await clientFor(world, { maxMediaBytes: 4 });
      const outcome = await call(client, 'read_media_file', { path: 'image.png' });
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toMatch(/over the 4 B media limit.*--max-media-bytes/);
    });
  });

  describe('read_multiple_files', () => {
    it('reads each file, with errors inline in order', async () => {
      const outcome = await call(client, 'read_multiple_files', {
        paths: ['no-newline.txt', 'missing.txt', 'binary.bin', 'crlf.txt'],
      });
      expect(outcome.isError).toBe(false);
      const parts = outcome.text.split('\n---\n');
      expect(parts[0]).toBe('no-newline.txt:\na\nb\nc\n');
      expect(parts[1]).toBe('Error: missing.txt: no such file or directory');
      expect(parts[2]).toMatch(/^Error: binary.bin: a binary file/);
      expect(parts[3]).toBe('crlf.txt:\none\r\ntwo\r\nthree\r\n\n');
    });

    it('shares the total cap fairly and says where to continue', async () => {
      writeTree(world.root, { 'a.txt': numbered(1, 400), 'b.txt': numbered(1, 400), 'tiny.txt': 'tiny\n' });
      const outcome = await call(client, 'read_multiple_files', { paths: ['a.txt', 'tiny.txt', 'b.txt'] });
      expect(outcome.text).toContain('tiny.txt:\ntiny\n');
      expect(Buffer.byteLength(outcome.text)).toBeLessThan(2048 + 600);
      const note = /read the rest with read_text_file offset=(\d+)/.exec(outcome.text);
      expect(note).not.toBeNull();
      const shownLines = outcome.text
        .split('\n---\n')[0]!
        .split('\n')
        .filter((l) => l.startsWith('line ')).length;
      expect(Number(note![1])).toBe(shownLines + 1);
      expect(outcome.text.match(/Cut at/g)).toHaveLength(2);
    });

    it('refuses more paths than the limit', async () => {
      await client.close();
      client = await clientFor(world, { maxFiles: 2 });
      const outcome = await call(client, 'read_multiple_files', { paths: ['a', 'b', 'c'] });
      expect(outcome.isError).toBe(true);
    });
  });
});
