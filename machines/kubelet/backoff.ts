// flowcontrol.Backoff as the kubelet uses it: container restarts (CrashLoopBackOff) and image pulls.

import { mutant } from "../common/mutation.js";

/** Container restart back-off (kubelet backOffPeriod and MaxContainerBackOff). */
export const backOffInitialMs = 10_000;
export const backOffMaxMs = 300_000;
/** Pull back-off uses the same bounds (MaxImageBackOff). */
export const imageBackOffMaxMs = 300_000;

/** The restart back-off after the previous one (flowcontrol.Backoff.Next): start at 10 s, double to the cap, reset when idle for 2 x cap. */
export function nextBackoff(entry: { ms: number; lastUpdate: number } | undefined, now: number, maxMs: number): { ms: number; lastUpdate: number } {
  // (the max is inert when correct: an entry's ms is never below the initial back-off)
  // the mutant resets the back-off after one cap of quiet, not two
  if (!entry || now - entry.lastUpdate > (mutant("kubelet.backoff-resets-after-max") ? 1 : 2) * maxMs) return { ms: mutant("kubelet.backoff-off-by-one") ? 0 : backOffInitialMs, lastUpdate: now };
  // the mutant forgets the cap: the back-off doubles past MaxContainerBackOff's 5 minutes
  const doubled = Math.max(entry.ms * 2, backOffInitialMs);
  return { ms: mutant("kubelet.backoff-ignores-cap") ? doubled : Math.min(doubled, maxMs), lastUpdate: now };
}

/** IsInBackOffSince: still waiting out the back-off counted from eventTime. */
export function inBackoffSince(entry: { ms: number; lastUpdate: number } | undefined, eventTime: number, now: number, maxMs: number): boolean {
  if (!entry) return false;
  if (eventTime - entry.lastUpdate > 2 * maxMs) return false;
  return now - eventTime < entry.ms;
}
