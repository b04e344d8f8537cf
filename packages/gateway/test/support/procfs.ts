import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  pid: number;
  ppid: number;
  state: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), state: fields[0]!, ppid: Number(fields[1]) });
    } catch {}
  }
  return out;
}

/** Whether `pid` is a live process (a zombie nobody reaps is not alive). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every live descendant of `root` (children, grandchildren, …). */
export function descendants(root: number): number[] {
  const all = processes().filter((p) => p.state !== 'Z');
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(p.ppid)).map((p) => p.pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** The command line of a process, for messages. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Polls `check` until it is true or `ms` passed; returns the last value. */
export async function waitFor(check: () => boolean, ms: number, every = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
