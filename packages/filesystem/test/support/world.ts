import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Era, Middleware } from '@mcpkit/core';
import { connect, resultText, type TestClient } from '@mcpkit/core/testing';
import { createFilesystemServer, type FilesystemServerOptions } from '../../src/index.js';

/** The text of the secret outside the root: no response may ever contain it. */
export const SECRET = 'TOP-SECRET-7c1e9d';

/**
 * A temporary world: `root` (the allowed directory) and, beside it, `outside` holding a secret,
 * plus a sibling whose name starts with the root's (`root-evil`) holding one too.
 */
export interface World {
  base: string;
  root: string;
  outside: string;
  sibling: string;
  secretFile: string;
  cleanup(): void;
}

export function makeWorld(): World {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mcpkit-fs-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  const sibling = path.join(base, 'root-evil');
  for (const dir of [root, outside, sibling]) fs.mkdirSync(dir);
  const secretFile = path.join(outside, 'secret.txt');
  fs.writeFileSync(secretFile, `${SECRET}\n`);
  fs.writeFileSync(path.join(sibling, 'secret.txt'), `${SECRET}\n`);
  return {
    base,
    root,
    outside,
    sibling,
    secretFile,
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}

/** Every entry outside the root, with its type, content hash and mtime: compare before and after. */
export function outsideState(world: World): string {
  const lines: string[] = [];
  const visit = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (full === world.root) continue;
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) {
        lines.push(`d ${full} ${stat.mode}`);
        visit(full);
      } else if (stat.isSymbolicLink()) lines.push(`l ${full} -> ${fs.readlinkSync(full)}`);
      else
        lines.push(`f ${full} ${stat.mode} ${stat.size} ${stat.mtimeMs} ${fs.readFileSync(full, 'base64')}`);
    }
  };
  visit(world.base);
  return lines.join('\n');
}

export async function clientFor(
  world: World,
  options: Partial<FilesystemServerOptions> & { era?: Era } = {},
): Promise<TestClient> {
  const { era, ...rest } = options;
  const module = await createFilesystemServer({ roots: [world.root], ...rest });
  return connect(module, { era: era ?? 'legacy' });
}

export interface CallOutcome {
  isError: boolean;
  text: string;
  structured?: Record<string, unknown>;
  raw: Awaited<ReturnType<TestClient['callTool']>>;
}

export async function call(
  client: TestClient,
  name: string,
  args: Record<string, unknown>,
): Promise<CallOutcome> {
  const raw = await client.callTool({ name, arguments: args });
  return {
    isError: raw.isError === true,
    text: resultText(raw),
    structured: raw.structuredContent as Record<string, unknown> | undefined,
    raw,
  };
}

/** Writes files under `dir` from a map of relative path -> content. */
export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

/** How one tool's calls ended, seen from a middleware nearest the handler (see watchCalls). */
export interface CallEnding {
  aborted: boolean;
  ended?: 'result' | 'error';
  text?: string;
}

/**
 * A middleware recording how calls of `tool` end (a result and its text, or an error) and
 * whether their signal was aborted: cancellation tests look from inside the server with it.
 */
export function watchCalls(tool: string): { middleware: Middleware; seen: CallEnding } {
  const seen: CallEnding = { aborted: false };
  const middleware: Middleware = async (call, next) => {
    if (call.name !== tool) return next();
    call.signal.addEventListener('abort', () => {
      seen.aborted = true;
    });
    try {
      const outcome = await next();
      seen.ended = 'result';
      seen.text = resultText(outcome as { content?: unknown });
      return outcome;
    } catch (error) {
      seen.ended = 'error';
      throw error;
    }
  };
  return { middleware, seen };
}
