import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect, ERAS, type TestClient } from '@mcpkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilesystemServer } from '../src/index.js';
import { call, clientFor, makeWorld, type World, writeTree } from './support/world.js';

const uriOf = (file: string) => pathToFileURL(file).href;

describe('file resources', () => {
  let world: World;
  let client: TestClient | undefined;

  beforeEach(() => {
    world = makeWorld();
    writeTree(world.root, {
      'a.txt': 'alpha\n',
      'b/c.txt': 'gamma\n',
      'b/d.bin': Buffer.from([0, 1, 2, 3]),
      'e.md': `${'x'.repeat(100)}\n${'y'.repeat(100)}\n`,
    });
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    world.cleanup();
  });

  it('lists every file under every root, paginated', async () => {
    const second = path.join(world.base, 'second');
    writeTree(second, { 'z.txt': 'z\n' });
    const module = await createFilesystemServer({ roots: [world.root, second], maxResourcePage: 2 });
    client = await connect(module);
    // Raw pages, as a client that does not aggregate sees them.
    const uris: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.request({ method: 'resources/list', params: cursor ? { cursor } : {} });
      expect(page.resources.length).toBeLessThanOrEqual(2);
      uris.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    const expected = ['a.txt', 'b/c.txt', 'b/d.bin', 'e.md']
      .map((f) => uriOf(path.join(world.root, f)))
      .concat(uriOf(path.join(second, 'z.txt')));
    expect(uris).toEqual(expected);
    expect(pages).toBe(3);
    // The SDK's own listResources() follows the cursors to the same list.
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(expected);
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['file://{+path}']);
  });

  it('reads text (bounded), binary as a blob, a folder as a listing; refuses outside', async () => {
    client = await clientFor(world, { maxReadBytes: 50 });
    const text = await client.readResource({ uri: uriOf(path.join(world.root, 'a.txt')) });
    expect(text.contents[0]).toMatchObject({ text: 'alpha\n', mimeType: 'text/plain' });
    const cut = await client.readResource({ uri: uriOf(path.join(world.root, 'e.md')) });
    expect((cut.contents[0] as { text: string }).text).toMatch(/^x{50}\n\[The last line shown is longer/);
    const blob = await client.readResource({ uri: uriOf(path.join(world.root, 'b/d.bin')) });
    expect(blob.contents[0]).toMatchObject({ blob: Buffer.from([0, 1, 2, 3]).toString('base64') });
    const folder = await client.readResource({ uri: uriOf(path.join(world.root, 'b')) });
    expect(folder.contents[0]).toMatchObject({ mimeType: 'text/directory', text: 'c.txt\nd.bin' });
    await expect(client.readResource({ uri: uriOf(world.secretFile) })).rejects.toThrow(
      /outside the allowed/,
    );
  });
});

describe.each(ERAS)('subscriptions (%s era)', (era) => {
  let world: World;
  let client: TestClient | undefined;

  beforeEach(() => {
    world = makeWorld();
    writeTree(world.root, { 'watched.txt': 'one\n', 'folder/existing.txt': 'x\n', 'quiet.txt': 'q\n' });
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    world.cleanup();
  });

  async function subscribe(uris: string[]): Promise<{ updates: string[]; close: () => Promise<void> }> {
    const updates: string[] = [];
    client!.setNotificationHandler('notifications/resources/updated', async (n) => {
      updates.push(n.params.uri);
    });
    if (era === 'legacy') {
      for (const uri of uris) await client!.subscribeResource({ uri });
      return {
        updates,
        close: async () => {
          for (const uri of uris) await client!.unsubscribeResource({ uri });
        },
      };
    }
    const subscription = await client!.listen({ resourceSubscriptions: uris });
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual(uris);
    return { updates, close: () => subscription.close() };
  }

  const waitFor = async (check: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end && !check()) await new Promise((resolve) => setTimeout(resolve, 10));
    return check();
  };

  it('a change to a subscribed file or folder is notified within a second; others are not', async () => {
    client = await clientFor(world, { era });
    const file = uriOf(path.join(world.root, 'watched.txt'));
    const folder = uriOf(path.join(world.root, 'folder'));
    const sub = await subscribe([file, folder]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // watchers settle

    let started = Date.now();
    // An atomic replace, as write_file does it: the watch must survive the new inode.
    const written = await call(client, 'write_file', { path: 'watched.txt', content: 'two\n' });
    expect(written.isError).toBe(false);
    expect(await waitFor(() => sub.updates.includes(file), 1000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);

    sub.updates.length = 0;
    started = Date.now();
    fs.writeFileSync(path.join(world.root, 'folder', 'new.txt'), 'new\n');
    expect(await waitFor(() => sub.updates.includes(folder), 1000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);

    sub.updates.length = 0;
    fs.appendFileSync(path.join(world.root, 'watched.txt'), 'three\n');
    expect(await waitFor(() => sub.updates.includes(file), 1000)).toBe(true);

    sub.updates.length = 0;
    fs.writeFileSync(path.join(world.root, 'quiet.txt'), 'changed\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sub.updates).toEqual([]);

    await sub.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    fs.writeFileSync(path.join(world.root, 'watched.txt'), 'after\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sub.updates).toEqual([]);
  });

  it('a burst of writes is one notification (debounced)', async () => {
    client = await clientFor(world, { era });
    const file = uriOf(path.join(world.root, 'watched.txt'));
    const sub = await subscribe([file]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 20; i++) fs.appendFileSync(path.join(world.root, 'watched.txt'), `${i}\n`);
    expect(await waitFor(() => sub.updates.length > 0, 1000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sub.updates.length).toBeLessThanOrEqual(2);
    await sub.close();
  });

  it('refuses to watch what is outside the roots or not there', async () => {
    fs.symlinkSync(world.outside, path.join(world.root, 'escape'));
    client = await clientFor(world, { era });
    const outside = [
      uriOf(world.secretFile),
      uriOf(path.join(world.root, 'escape')),
      uriOf(path.join(world.root, 'nope')),
    ];
    if (era === 'legacy') {
      for (const uri of outside)
        await expect(client.subscribeResource({ uri })).rejects.toThrow(/Cannot subscribe/);
    } else {
      const subscription = await client.listen({ resourceSubscriptions: outside });
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', async (n) => {
        updates.push(n.params.uri);
      });
      fs.writeFileSync(world.secretFile, 'changed outside\n');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(updates).toEqual([]);
      await subscription.close();
    }
  });
});
