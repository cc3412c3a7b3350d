// Shared scoring helpers (pkg/scheduler/framework/plugins/helper).
import type { NodeScore } from "../framework.js";

/** helper.DefaultNormalizeScore: scale to 0..maxPriority by the highest score, optionally reversed. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    // Integer arithmetic, as Go's int64 division truncates.
    let v = Math.trunc((maxPriority * s.score) / max);
    if (reverse) v = maxPriority - v;
    s.score = v;
  }
}
