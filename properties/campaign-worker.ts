// The body of one worker thread of `podflow check --workers K`: runs one part of the campaign and
// posts its progress and its result to the main thread (campaign-workers.ts).

import { parentPort, workerData } from "node:worker_threads";
import { setMutants } from "../machines/common/mutation.js";
import { setDefaultInterpreter, type Interpreter } from "../runtime/fastpath.js";
import { runPart, type Campaign, type Part } from "./campaign.js";
import { defaultMaxShrinkRuns } from "./check.js";
import type { WorkerMessage } from "./campaign-workers.js";

const data = workerData as { campaign: Campaign; part: Part; interpreter: Interpreter; timeBoxMs?: number; shrinkRuns?: number; mutants?: string[] };
setDefaultInterpreter(data.interpreter);
// Only the mutation tests pass mutants: the threads of a normal campaign run the correct machines.
setMutants(data.mutants ?? []);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const result = runPart(data.campaign, data.part, {
  ...(data.timeBoxMs !== undefined ? { timeBoxMs: data.timeBoxMs } : {}),
  ...(data.shrinkRuns !== undefined ? { shrinkRuns: data.shrinkRuns } : {}),
  progress: (p) => {
    if (p.runs % 10 === 0 || p.runs === p.planned) post({ type: "progress", ...p });
  },
  found: (v) => post({ type: "found", violation: v, budget: data.shrinkRuns ?? defaultMaxShrinkRuns }),
  shrunk: (s) => post({ type: "shrunk", ...s }),
});
post({ type: "result", result });
