import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lower the calling thread's scheduling priority to `nice` (Linux schedules
 * each thread by its own nice value; raising it needs no privilege). Elsewhere,
 * or where /proc is not there, nothing changes. Returns whether it did.
 */
export function lowerThreadPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // /proc/thread-self is /proc/<pid>/task/<tid>: the thread's id, which setPriority takes as a pid.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
