import v8 from "node:v8";

// Containers' programs run in podflow's own process: a pod's grep, sed or [[ =~ ]] pattern that
// backtracks catastrophically would stall every component and the API server. V8 switches such a
// match to its linear-time engine (same results; back-references keep the backtracking one).
let guarded = false;

export function guardRegexBacktracking(): void {
  if (guarded) return;
  guarded = true;
  v8.setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
}
