import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { about, errorCode, PathError } from '../sandbox/errors.js';
import { O_NOFOLLOW, O_NOFOLLOW_ANY } from '../sandbox/platform.js';
import { CHANGED, type Resolved, type Sandbox } from '../sandbox/sandbox.js';

const WRITE_CHUNK = 1024 * 1024;

/** Temporary files this server leaves behind only if it is killed mid-write. */
export const TEMP_SUFFIX = '.mcpkit-tmp';

export interface WriteOutcome {
  created: boolean;
  bytes: number;
}

/**
 * Replaces (or creates) a file so that any reader, or a crash at any moment, sees either the
 * old content or the new, never a mix: the bytes go to a new file in the same folder, are
 * flushed to disk, then renamed over the target. An existing file keeps its permission bits
 * (and owner, where allowed). The folder is reached through its checked descriptor and the
 * temporary file is created exclusively, never through a link, so neither can lead outside.
 */
export async function atomicWrite(sandbox: Sandbox, target: Resolved, data: Buffer): Promise<WriteOutcome> {
  const { input } = target;
  if (target.missing.length > 1)
    throw new PathError(input, 'the folder to write into does not exist (create it with create_directory)');
  const { dir, name } = await sandbox.openParent(target);
  try {
    const destination = dir.child(name);
    let previous: fs.Stats | undefined;
    try {
      previous = fs.lstatSync(destination);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    if (previous) {
      // Links were resolved when the path was checked: a link here now means a swap.
      if (previous.isSymbolicLink()) throw new PathError(input, CHANGED);
      if (previous.isDirectory()) throw new PathError(input, 'is a directory');
      if (!previous.isFile()) throw new PathError(input, 'not a regular file');
      sandbox.refuseLinked(input, previous);
    }
    const mode = previous ? previous.mode & 0o7777 : 0o666;
    const temp = `.${name.slice(0, 80)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    const tempPath = dir.child(temp);
    const handle = await about(input, () =>
      fsp.open(
        tempPath,
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW | O_NOFOLLOW_ANY,
        mode,
      ),
    );
    let renamed = false;
    try {
      for (let at = 0; at < data.length; at += WRITE_CHUNK) {
        await handle.write(data, at, Math.min(WRITE_CHUNK, data.length - at));
      }
      if (previous) {
        await handle.chmod(mode).catch(() => {});
        await handle.chown(previous.uid, previous.gid).catch(() => {}); // only root may give files away
      }
      await handle.sync();
      await handle.close();
      dir.verify();
      await about(input, () => fsp.rename(tempPath, destination));
      renamed = true;
      dir.syncSelf();
    } finally {
      if (!renamed) {
        await handle.close().catch(() => {});
        await fsp.unlink(tempPath).catch(() => {});
      }
    }
    return { created: !previous, bytes: data.length };
  } finally {
    dir.close();
  }
}
