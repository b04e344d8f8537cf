import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every upstream process group the gateway started, so that none outlives it: on a signal the
 * groups get SIGTERM (and SIGKILL after a short grace when the gateway is the only listener), on
 * `exit` whatever is left gets SIGKILL. Groups, not pids: an `npx`/`uvx`/`sh -c` wrapper's
 * grandchildren are in the same group and die with it.
 */
const live = new Set<number>();
let installed = false;
const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Sends `signal` to every process of group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM: a member we may not signal (a setuid helper); the group still exists.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether any process of the group is alive. On Linux, zombies do not count: where PID 1 does not
 * reap (containers), a killed orphan stays listed as a zombie forever, yet it is gone.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  const members = linuxGroupMembers(pgid);
  return members === undefined || members.some((member) => member.state !== 'Z');
}

/** The processes of a group with their states, from /proc; undefined where there is no /proc. */
function linuxGroupMembers(pgid: number): { pid: number; state: string }[] | undefined {
  if (process.platform !== 'linux') return undefined;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const members: { pid: number; state: string }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) members.push({ pid: Number(entry), state: fields[0] ?? '?' });
  }
  return members;
}

export function trackGroup(pgid: number): void {
  install();
  live.add(pgid);
}

export function untrackGroup(pgid: number): void {
  live.delete(pgid);
}

/** The groups currently tracked (for tests and the status view). */
export function trackedGroups(): number[] {
  return [...live];
}

function killAll(signal: NodeJS.Signals): void {
  for (const pgid of live) signalGroup(pgid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const signal of SIGNALS) {
    const onSignal = () => {
      killAll('SIGTERM');
      // Someone else handles this signal (a CLI's graceful shutdown): they decide when to exit,
      // and the `exit` hook above cleans up what is left.
      if (process.listenerCount(signal) > 1) return;
      // Nobody else does: keep the default meaning (terminate), after a short grace for the groups.
      const deadline = Date.now() + 500;
      const wait = () => {
        if ([...live].some(groupAlive) && Date.now() < deadline) {
          setTimeout(wait, 25);
          return;
        }
        killAll('SIGKILL');
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      };
      wait();
    };
    process.on(signal, onSignal);
  }
}
