import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What an upstream listed, as last seen. */
export interface CatalogEntry {
  tools: unknown[];
  resources: unknown[];
  templates: unknown[];
  prompts: unknown[];
  savedAt: string;
}

/**
 * The last lists each upstream served, kept in a JSON file so that a lazy upstream can be listed
 * at the next start without being started: it is spawned on its first call, and re-listed then.
 * Pinning still applies to what comes from here.
 */
export class CatalogCache {
  readonly file: string;
  #data: Record<string, CatalogEntry> | undefined;

  constructor(stateDir: string, fileName = 'gateway-catalog.json') {
    this.file = join(stateDir, fileName);
  }

  get(server: string): CatalogEntry | undefined {
    return this.#load()[server];
  }

  set(server: string, entry: Omit<CatalogEntry, 'savedAt'>): void {
    const data = this.#load();
    const before = data[server];
    const same =
      before && JSON.stringify({ ...before, savedAt: '' }) === JSON.stringify({ ...entry, savedAt: '' });
    if (same) return;
    data[server] = { ...entry, savedAt: new Date().toISOString() };
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(data)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }

  #load(): Record<string, CatalogEntry> {
    if (this.#data) return this.#data;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      this.#data = parsed && typeof parsed === 'object' ? (parsed as Record<string, CatalogEntry>) : {};
    } catch {
      this.#data = {};
    }
    return this.#data;
  }
}
