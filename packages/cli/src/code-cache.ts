import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import nodeModule from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { debuglog } from 'node:util';
import vm from 'node:vm';

// Node 20 has no compile cache (Node 22.1+ has one, which bin.ts turns on), and compiling the
// bundle is the largest share of a start that is not Node's own (bench/RESULTS.md, cold start).
// So the build also writes the CLI as one CommonJS file (dist/main.cjs), and on Node 20 it is
// compiled here with V8's code cache, kept in the user's cache folder: the first start writes
// it, later starts skip most of the parsing and compiling.

const debug = debuglog('mcpkit');

/** How long a server runs before its compiled code is saved: start-up and a first call or two. */
const SAVE_AFTER_MS = 2_000;

/** Most caches one build writes, and most the folder keeps (each is about the bundle's size). */
const MAX_CACHES = 16;
const MAX_FILES = 32;

type Main = (argv: readonly string[]) => Promise<number | undefined>;

/**
 * The CLI's `main` from `file` (dist/main.cjs) with the code cache, or undefined when the file
 * is not there (running from the TypeScript sources) or caching is turned off.
 */
export function loadWithCodeCache(file: string): Main | undefined {
  if (process.env.MCPKIT_CODE_CACHE === '0' || process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  let source: string;
  let stamp: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const stat = fstatSync(fd);
      // The cache belongs to this file as it is now, this Node and these flags: V8 checks its own
      // version and flags but of the source only its length, so a rebuilt file of the same
      // length must not find the old cache.
      const key = [file, stat.size, stat.mtimeMs, stat.ino, process.version, process.arch];
      stamp = hash([...key, ...process.execArgv].join('\0'));
      source = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const dir = cacheDir();
  // One cache per command and server: each holds the code its own start compiled.
  const cacheFile = dir && path.join(dir, `main-${stamp}-${commandName()}.v8`);
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache yet (or unreadable): this start writes one.
    }
  }
  // The bundle has no import() (the build turns it into require()): code from a cache would lose
  // vm.Script's import() hook on Node 20.
  const script = new vm.Script(nodeModule.wrap(source), { filename: file, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  debug(
    'code cache %s: %s',
    cacheFile ?? '(no cache folder)',
    accepted ? 'used' : cachedData ? 'rejected' : 'none',
  );
  const module = { exports: {} as { main?: Main } };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(
    module.exports,
    module.exports,
    nodeModule.createRequire(file),
    module,
    file,
    path.dirname(file),
  );
  if (cacheFile && !accepted) {
    // A server saves once it has run a while; a command that ends sooner saves as it exits.
    const saveOnce = () => {
      clearTimeout(timer);
      process.off('exit', saveOnce);
      save(script, dir, cacheFile, stamp);
    };
    const timer = setTimeout(saveOnce, SAVE_AFTER_MS).unref();
    process.on('exit', saveOnce);
  }
  return module.exports.main;
}

/** Writes the cache whole or not at all (a rename), and keeps the folder bounded. */
function save(script: vm.Script, dir: string, cacheFile: string, stamp: string): void {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    // Commands name their own caches: a few dozen at most, never one per odd argument.
    const own = readdirSync(dir).filter((name) => name.startsWith(`main-${stamp}-`) && name.endsWith('.v8'));
    if (own.length >= MAX_CACHES && !own.includes(path.basename(cacheFile))) return;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cacheFile);
    debug('code cache written: %s', cacheFile);
    // Caches of other builds (an update, a second install) go oldest first beyond a bound; not
    // all at once, or two installs used in turn would each drop the other's on every start.
    // (Another process may drop a file meanwhile: `throwIfNoEntry` and `force` let it.)
    const all = readdirSync(dir)
      .filter((name) => name.startsWith('main-') && name.endsWith('.v8'))
      .map((name) => ({ name, at: statSync(path.join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => a.at - b.at);
    for (const { name } of all.slice(0, Math.max(0, all.length - MAX_FILES))) {
      rmSync(path.join(dir, name), { force: true });
    }
  } catch (error) {
    // A read-only or full home folder: the next start compiles again, nothing else changes.
    debug('code cache not written: %s', (error as Error).message);
    try {
      unlinkSync(temp);
    } catch {}
  }
}

/**
 * $MCPKIT_CACHE_DIR, else $XDG_CACHE_HOME/mcpkit, else ~/.cache/mcpkit; created private to the
 * user. Undefined when there is none to be had, or when the folder is not the user's alone
 * (compiled code from there would run as this process): then nothing is cached.
 */
function cacheDir(): string | undefined {
  const base =
    process.env.MCPKIT_CACHE_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'mcpkit');
  try {
    makeFolder(base, 3);
    const stat = statSync(base);
    if (process.getuid && (stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0)) {
      debug('code cache folder %s is not private to this user: not used', base);
      return undefined;
    }
    return base;
  } catch {
    return undefined;
  }
}

/**
 * mkdir of `dir` and of up to `depth - 1` missing parents (~/.cache may not exist yet), one level
 * at a time: Node 20's recursive mkdirSync never returns on some paths (under /proc, say).
 */
function makeFolder(dir: string, depth: number): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || depth <= 1 || path.dirname(dir) === dir) throw error;
    makeFolder(path.dirname(dir), depth - 1);
    mkdirSync(dir, { mode: 0o700 });
  }
}

/**
 * `serve-filesystem`, `tools-catalog`, `call`: the command and the server it names, when the word
 * after the command has a server name's shape (a URL or a command of `call`, `tools`, `serve --`
 * would make a new cache per port or path).
 */
function commandName(): string {
  const [command = 'help', server] = process.argv.slice(2);
  const named = server !== undefined && /^[a-z][a-z0-9-]{0,39}$/.test(server);
  return (named ? `${command}-${server}` : command).replace(/[^a-z0-9-]/gi, '_').slice(0, 40);
}

/** A short, file-name-safe digest (FNV-1a, 32 bits twice): node:crypto costs more to load. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x811c9dc5) ^ (b >>> 15);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}
