// Shared scoring helpers (pkg/scheduler/framework/plugins/helper).
import type { NodeScore } from "../framework.js";

/** helper.DefaultNormalizeScore: scale to 0..maxPriority by the highest score, optionally reversed. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  const plain = scores.map((s) => s.score);
  defaultNormalizeScores(maxPriority, reverse, plain);
  for (let i = 0; i < scores.length; i++) scores[i]!.score = plain[i]!;
}

/** defaultNormalizeScore over plain scores, in place. */
export function defaultNormalizeScores(maxPriority: number, reverse: boolean, scores: number[]): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    // Integer arithmetic, as Go's int64 division truncates.
    let v = Math.trunc((maxPriority * scores[i]!) / max);
    if (reverse) v = maxPriority - v;
    scores[i] = v;
  }
}
