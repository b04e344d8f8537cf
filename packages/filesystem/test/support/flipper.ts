import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { World } from './world.js';

/** A process that keeps swapping a folder for a link to the outside (see startFlipper). */
export interface Flipper {
  /** Swaps completed since the first one (a live count: one byte per swap on its stdout). */
  swaps(): number;
  /** Tells it to stop; resolves with the number of swaps it made in all. */
  stop(): Promise<number>;
  /** Kills it if still running (for `finally`). */
  kill(): Promise<void>;
}

/**
 * Starts a separate process that flips `folder` (inside the root) between the real folder and a
 * symbolic link to `world.outside`, again and again until stopped, and resolves once the first
 * full swap is done. `holdMs` keeps each state up to that long, so slower operations meet both.
 * Tests race their calls against it; `swaps()` lets them go on until the race really happened.
 */
export async function startFlipper(world: World, folder: string, holdMs = 0): Promise<Flipper> {
  const parked = path.join(world.base, 'parked');
  fs.mkdirSync(parked, { recursive: true });
  const stopFile = path.join(world.base, `stop-flipping-${path.basename(folder)}`);
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const fs=require('fs');const [d,p,o,stop,h]=process.argv.slice(1);const holdMs=Number(h);let n=0;
       const hold=()=>{const t=Date.now();while(Date.now()-t<holdMs);};
       const swap=()=>{try{fs.renameSync(d,p);fs.symlinkSync(o,d);hold();fs.unlinkSync(d);fs.renameSync(p,d);n++;hold();return true;}catch{return false;}};
       while(n===0)swap();fs.writeSync(1,'ready\\n');
       while(!fs.existsSync(stop))if(swap())fs.writeSync(1,'.');
       fs.writeSync(1,'\\nswaps '+n+'\\n');`,
      folder,
      path.join(parked, path.basename(folder)),
      world.outside,
      stopFile,
      String(holdMs),
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let output = '';
  let dots = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk.replaceAll('.', '');
    for (const c of chunk) if (c === '.') dots++;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await expect.poll(() => output, { timeout: 60_000, interval: 20 }).toContain('ready');
  return {
    swaps: () => dots,
    async stop() {
      fs.writeFileSync(stopFile, '');
      await exited;
      return Number(/swaps (\d+)/.exec(output)?.[1] ?? 0);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
