import { ToolError } from '@mcpkit/core';

/**
 * Owner, repository, path and ref values come from a model; each is checked and then encoded
 * segment by segment, so `..`, `#`, `?`, spaces or slashes in them can never change which
 * endpoint is called (the archived reference server interpolated them raw).
 */

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

export function checkOwner(owner: string): string {
  if (!OWNER.test(owner)) {
    throw new ToolError(
      `Invalid owner "${clipValue(owner)}": ` +
        'a GitHub user or organization name (letters, digits and "-", up to 39)',
    );
  }
  return owner;
}

export function checkRepo(repo: string): string {
  if (!REPO.test(repo) || repo === '.' || repo === '..') {
    throw new ToolError(
      `Invalid repo "${clipValue(repo)}": ` +
        'a repository name (letters, digits, ".", "-", "_"), without the owner',
    );
  }
  return repo;
}

/** A file or folder path inside a repository: relative, "/"-separated, no "." or ".." parts. */
export function checkPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const parts = trimmed.split('/');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') {
      throw new ToolError(
        `Invalid path "${clipValue(path)}": ` +
          'use a path inside the repository like "src/index.ts" (no ".", ".." or "//")',
      );
    }
  }
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new ToolError(`Invalid path "${clipValue(path)}": control characters are not allowed`);
  }
  return trimmed;
}

/** A branch, tag or commit sha as git allows it (see git check-ref-format). */
export function checkRef(ref: string, what = 'ref'): string {
  const bad =
    ref === '' ||
    ref.length > 255 ||
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(ref) ||
    ref.includes('..') ||
    ref.includes('@{') ||
    ref.includes('//') ||
    ref.startsWith('/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.endsWith('.lock') ||
    ref.split('/').some((p) => p.startsWith('.'));
  if (bad) {
    throw new ToolError(
      `Invalid ${what} "${clipValue(ref)}": ` +
        'a branch, tag or commit sha (no spaces, "..", "~", "^", ":", "?", "*", "[" or "\\")',
    );
  }
  return ref;
}

/** A GitHub login for a filter or a permission check. */
export function checkLogin(login: string, what = 'username'): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?$/.test(login)) {
    throw new ToolError(`Invalid ${what} "${clipValue(login)}": a GitHub login (letters, digits and "-")`);
  }
  return login;
}

/** One path segment, encoded; a value that is only dots never reaches here (checked above). */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}

/** A repository path, each part encoded on its own, so its slashes stay separators. */
export function pathSegs(path: string): string {
  return path.split('/').map(seg).join('/');
}

/** `/repos/{owner}/{repo}` with both checked and encoded. */
export function repoPath(owner: string, repo: string): string {
  return `/repos/${seg(checkOwner(owner))}/${seg(checkRepo(repo))}`;
}

function clipValue(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return shown.replace(/[\u0000-\u001f\u007f]/g, '?');
}
