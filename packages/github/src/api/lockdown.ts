import type { CallOptions, GitHubApi } from './github.js';

const PUSH = new Set(['admin', 'maintain', 'write']);
const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 2000;

/**
 * Lockdown (as github-mcp-server has it): in a public repository anyone can write an issue or a
 * comment, so text by authors without push access is withheld from the model. Private
 * repositories are trusted (only people given access can write there). A permission that cannot
 * be checked counts as none: lockdown fails closed.
 */
export class Lockdown {
  private readonly cache = new Map<string, { push: boolean; at: number }>();

  constructor(
    private readonly api: GitHubApi,
    readonly enabled: boolean,
  ) {}

  /** Whether text by `author` in owner/repo may reach the model. */
  async trusted(
    owner: string,
    repo: string,
    author: string | null,
    opts: CallOptions = {},
  ): Promise<boolean> {
    if (!this.enabled) return true;
    if (!author) return false;
    if (author.toLowerCase() === owner.toLowerCase()) return true;
    if (await this.api.isPrivate(owner, repo, opts).catch(() => false)) return true;
    const key = `${owner}/${repo}/${author}`.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.push;
    const push = await this.api
      .permission(owner, repo, author, opts)
      .then((p) => PUSH.has(p))
      .catch(() => false);
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { push, at: Date.now() });
    return push;
  }

  /**
   * Replaces the `body` of every item whose author is not trusted with a note; returns how many
   * were withheld. Items keep their other fields (author, dates), so the model knows they exist.
   */
  async redact<T extends { author: string | null; body: string | null }>(
    owner: string,
    repo: string,
    items: T[],
    opts: CallOptions = {},
  ): Promise<{ items: T[]; withheld: number }> {
    if (!this.enabled) return { items, withheld: 0 };
    let withheld = 0;
    const out: T[] = [];
    for (const item of items) {
      if (await this.trusted(owner, repo, item.author, opts)) {
        out.push(item);
      } else {
        withheld++;
        out.push({ ...item, body: withheldNote(item.author), withheld: true });
      }
    }
    return { items: out, withheld };
  }
}

export function withheldNote(author: string | null): string {
  return `[withheld by lockdown: ${author ?? 'this author'} has no push access to this public repository]`;
}
