// The machines whose context is a value: each step returns a new context and never changes the
// snapshot it started from. Their snapshots can be shared between forks as they are and are
// deep-frozen in freezeSnapshots: "values" runs. A component joins when its steps are draft or
// value steps (machines/common/step.ts) and test/values.test.ts passes with it frozen.

import type { AnyStateMachine } from "xstate";
import { cniMachine } from "../machines/cni/cni.machine.js";
import { jobControllerMachine } from "../machines/job/job.machine.js";
import { ttlAfterFinishedMachine } from "../machines/ttlafterfinished/ttl.machine.js";

export const valueMachines: ReadonlySet<AnyStateMachine> = new Set<AnyStateMachine>([cniMachine, jobControllerMachine, ttlAfterFinishedMachine]);

/** True when a machine keeps its context as a value. */
export function isValueMachine(machine: AnyStateMachine): boolean {
  return valueMachines.has(machine);
}
