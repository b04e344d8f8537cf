// The status page in a real headless Chromium (Debian's `chromium`, installed by .ci/run), driven
// over the DevTools protocol on a pipe (--remote-debugging-pipe: no WebSocket, no npm browser).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, startServer } from './fixture.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  existsSync,
);

/** A minimal DevTools protocol client over Chromium's pipe (NUL-separated JSON messages). */
class Cdp {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly events: { method: string; params: any; sessionId?: string }[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf('\0');
      while (end !== -1) {
        const message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        end = this.buffer.indexOf('\0');
        if (message.id !== undefined) {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiting?.reject(new Error(message.error.message));
          else waiting?.resolve(message.result);
        } else {
          this.events.push(message);
          for (const wake of this.waiters.splice(0)) wake();
        }
      }
    });
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** Waits for an event (by method) to have arrived. */
  async event(method: string, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.method === method);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${method} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

describe.skipIf(!CHROMIUM && !process.env.CI)('status page in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: ChildProcess;
  let profile: string;
  let cdp: Cdp;

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium; .ci/run does)');
    server = await startServer();
    const client = await connectHttp(server.handle.url, 'modern');
    await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    await client.callTool({ name: 'echo', arguments: { text: 'again' } });
    await client.close();

    profile = mkdtempSync(path.join(tmpdir(), 'mcpkit-chromium-'));
    browser = spawn(
      CHROMIUM,
      [
        '--headless',
        '--remote-debugging-pipe',
        '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    browser.stderr?.resume();
    cdp = new Cdp(browser.stdio[3] as Writable, browser.stdio[4] as Readable);
  }, 60_000);

  afterAll(async () => {
    if (browser && browser.exitCode === null) {
      const exited = new Promise((resolve) => browser.once('exit', resolve));
      await cdp.send('Browser.close').catch(() => browser.kill());
      await exited;
    }
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
  });

  it('renders the served servers and their tool counts, with no console errors', async () => {
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    await cdp.send('Runtime.enable', {}, sessionId);
    await cdp.send('Log.enable', {}, sessionId);
    await cdp.send('Page.enable', {}, sessionId);
    await cdp.send('Page.navigate', { url: new URL('/', server.handle.url).href }, sessionId);
    await cdp.event('Page.loadEventFired');

    const evaluate = async (expression: string) =>
      (await cdp.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result.value;
    const servers = await evaluate(
      `[...document.querySelectorAll('#servers tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent))`,
    );
    expect(servers).toEqual([['http-test', '4', '3', '1']]);
    expect(await evaluate('document.title')).toBe('http-test 1.0.0: mcpkit status');
    expect(await evaluate(`document.getElementById('summary').textContent`)).toMatch(
      /^4 tools, 1 resource, 0 prompts; /,
    );
    const totals = await evaluate(
      `[...document.querySelectorAll('#totals tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent))`,
    );
    expect(totals).toEqual([['echo', 'tool', '2', '0']]);
    expect(await evaluate(`document.querySelectorAll('#recent tbody tr').length`)).toBe(2);
    expect(await evaluate(`document.getElementById('connect').textContent`)).toContain(
      server.handle.url.href,
    );

    const problems = cdp.events.filter(
      (e) =>
        e.method === 'Runtime.exceptionThrown' ||
        (e.method === 'Runtime.consoleAPICalled' && ['error', 'assert'].includes(e.params.type)) ||
        (e.method === 'Log.entryAdded' && e.params.entry.level === 'error'),
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
