// flowcontrol.Backoff as the kubelet uses it: container restarts (CrashLoopBackOff) and image pulls.

import { backOffInitialMs } from "./types.js";

/** The restart back-off after the previous one (flowcontrol.Backoff.Next): start at 10 s, double to the cap, reset when idle for 2 x cap. */
export function nextBackoff(entry: { ms: number; lastUpdate: number } | undefined, now: number, maxMs: number): { ms: number; lastUpdate: number } {
  if (!entry || now - entry.lastUpdate > 2 * maxMs) return { ms: backOffInitialMs, lastUpdate: now };
  return { ms: Math.min(entry.ms * 2, maxMs), lastUpdate: now };
}

/** IsInBackOffSince: still waiting out the back-off counted from eventTime. */
export function inBackoffSince(entry: { ms: number; lastUpdate: number } | undefined, eventTime: number, now: number, maxMs: number): boolean {
  if (!entry) return false;
  if (eventTime - entry.lastUpdate > 2 * maxMs) return false;
  return now - eventTime < entry.ms;
}
