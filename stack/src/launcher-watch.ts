// `npm start` runs as npm -> sh -> tsx -> node (the script). Killing npm outright (kill -9 of the
// launcher's pid) ends none of the processes below it: each is re-parented and goes on, and the
// script keeps its services, its port and its data folder. The kernel's parent-death signal only
// watches a process's own parent, so the script watches the rest of its launch chain itself: the
// ancestors that share its process group (the shell puts a command line, npm and all it starts, in
// one group of its own). When any of them is gone, the script stops as on Ctrl-C.
import { readFileSync } from 'node:fs';

const POLL_MS = 500;

interface ProcStat {
  ppid: number;
  pgrp: number;
}

/** Parent and process group of `pid` from /proc, or undefined once it is gone (or a zombie). */
function statOf(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may itself hold spaces and parentheses.
    const [state, ppid, pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return state === 'Z' ? undefined : { ppid: Number(ppid), pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}

/** The ancestors of this process in its own process group, nearest first. */
export function launchChain(): number[] {
  const own = statOf(process.pid);
  if (!own) return [];
  const chain: number[] = [];
  let pid = own.ppid;
  while (pid > 1) {
    const stat = statOf(pid);
    if (!stat || stat.pgrp !== own.pgrp) break;
    chain.push(pid);
    pid = stat.ppid;
  }
  return chain;
}

/**
 * Calls `onGone` once when a process of this one's launch chain ends (Linux; elsewhere there is
 * no /proc to read, and nothing is watched). The timer does not keep the process alive.
 */
export function whenLauncherGoes(onGone: () => void): void {
  const chain = launchChain();
  if (chain.length === 0) return;
  const timer = setInterval(() => {
    if (chain.some((pid) => statOf(pid) === undefined)) {
      clearInterval(timer);
      onGone();
    }
  }, POLL_MS);
  timer.unref();
}
