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

  /** Waits (generously) for a URI to be notified; the updates are kept. */
  const notified = (sub: { updates: string[] }, uri: string) =>
    expect.poll(() => sub.updates.includes(uri), { timeout: 20_000, interval: 10 }).toBe(true);

  /**
   * Makes a change, again and again, until it is notified: a watcher starts in the background,
   * so the first change may come before it is ready. Waits for the notification, never for a time.
   */
  async function changeUntilNotified(
    sub: { updates: string[] },
    uri: string,
    change: () => unknown,
    retryMs = 500, // longer than the watch's fold, or each retry would restart it
  ): Promise<void> {
    const end = Date.now() + 20_000;
    while (!sub.updates.includes(uri)) {
      if (Date.now() > end) throw new Error(`no notification for ${uri}`);
      await change();
      const retry = Date.now() + retryMs;
      while (!sub.updates.includes(uri) && Date.now() < retry) await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('a change to a subscribed file or folder is notified; others are not', async () => {
    client = await clientFor(world, { era });
    const file = uriOf(path.join(world.root, 'watched.txt'));
    const folder = uriOf(path.join(world.root, 'folder'));
    const sub = await subscribe([file, folder]);

    // An atomic replace, as write_file does it: the watch must survive the new inode.
    await changeUntilNotified(sub, file, async () => {
      const written = await call(client!, 'write_file', { path: 'watched.txt', content: 'two\n' });
      expect(written.isError).toBe(false);
    });

    sub.updates.length = 0;
    let n = 0;
    await changeUntilNotified(sub, folder, () =>
      fs.writeFileSync(path.join(world.root, 'folder', `new${n++}.txt`), 'new\n'),
    );

    // The file's watch is ready and survived the replace: one append is enough now.
    sub.updates.length = 0;
    fs.appendFileSync(path.join(world.root, 'watched.txt'), 'three\n');
    await notified(sub, file);

    // An unsubscribed change, then a subscribed one: once the second is notified, the first
    // (folded no later than it) would have been too.
    sub.updates.length = 0;
    fs.writeFileSync(path.join(world.root, 'quiet.txt'), 'changed\n');
    fs.writeFileSync(path.join(world.root, 'folder', 'sentinel.txt'), 'x\n');
    await notified(sub, folder);
    expect(sub.updates).toEqual([folder]);

    await sub.close();
    // After closing, a change to the file; then a fresh subscription's change as the sentinel.
    sub.updates.length = 0;
    fs.writeFileSync(path.join(world.root, 'watched.txt'), 'after\n');
    const again = await subscribe([folder]);
    await changeUntilNotified(again, folder, () =>
      fs.writeFileSync(path.join(world.root, 'folder', `later${n++}.txt`), 'new\n'),
    );
    expect(again.updates).not.toContain(file);
    await again.close();
  });

  it('a burst of writes is one notification (debounced)', async () => {
    // A long fold (2 s) against writes 25 ms apart: only a stall of seconds could split the burst,
    // while without folding each write is its own event.
    client = await clientFor(world, { era, watchDebounceMs: 2000 });
    const file = uriOf(path.join(world.root, 'watched.txt'));
    const folder = uriOf(path.join(world.root, 'folder'));
    const sub = await subscribe([file, folder]);
    // Both watches ready first: each has notified once.
    const append = () => fs.appendFileSync(path.join(world.root, 'watched.txt'), '-\n');
    await changeUntilNotified(sub, file, append, 3000);
    let n = 0;
    const add = () => fs.writeFileSync(path.join(world.root, 'folder', `ready${n++}.txt`), 'x\n');
    await changeUntilNotified(sub, folder, add, 3000);
    sub.updates.length = 0;
    for (let i = 0; i < 12; i++) {
      fs.appendFileSync(path.join(world.root, 'watched.txt'), `${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await notified(sub, file);
    // A later change elsewhere as the sentinel: once it is notified, the burst has been folded.
    fs.writeFileSync(path.join(world.root, 'folder', 'sentinel.txt'), 'x\n');
    await notified(sub, folder);
    expect(sub.updates.filter((u) => u === file).length).toBeLessThanOrEqual(2);
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
      // The SDK acknowledges every URI of a listen as given, so the refusal shows as no watch:
      // changes to the refused paths, then one to an accepted sentinel; once the sentinel is
      // notified, a change to a refused path would have been too.
      const sentinel = uriOf(path.join(world.root, 'folder'));
      const subscription = await client.listen({ resourceSubscriptions: [...outside, sentinel] });
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', async (n) => {
        updates.push(n.params.uri);
      });
      let n = 0;
      await changeUntilNotified({ updates }, sentinel, () => {
        fs.writeFileSync(world.secretFile, `changed outside ${n}\n`);
        fs.writeFileSync(path.join(world.root, 'nope'), `created later ${n}\n`);
        fs.writeFileSync(path.join(world.root, 'folder', `s${n++}.txt`), 'x\n');
      });
      expect(updates.filter((u) => u !== sentinel)).toEqual([]);
      await subscription.close();
    }
  });
});
