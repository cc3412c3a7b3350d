import { describe, expect, it } from "vitest";
import { createTestModel } from "@xstate/graph";
import { heartbeatMachine } from "./heartbeat.machine.js";
import { lifecycleOf, type LifecycleStep } from "../common/lifecycle.js";
import { isolated, serializeBy, transitionPaths } from "../../test/support/model.js";

// Kubernetes' numbers: the node lease controller renews the Lease every 10 s (leaseRenewInterval,
// a quarter of the 40 s lease duration), the first time at start; the kubelet looks at its node
// status every 10 s (nodeStatusUpdateFrequency).

const lc = lifecycleOf(heartbeatMachine);

/** Runs the heartbeat's own timers for `ms` and returns when each output came, in seconds. */
function beats(ms: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let pending = new Map<string, { at: number; event: { type: string } }>();
  const take = (s: LifecycleStep<typeof heartbeatMachine>, now: number) => {
    for (const id of s.cancels) pending.delete(id);
    for (const t of s.timers) pending.set(t.id, { at: now + t.delayMs, event: t.event });
    for (const o of s.outputs) out.push([now / 1000, o.type]);
  };
  let s = lc.start(undefined);
  take(s, 0);
  for (;;) {
    const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
    if (!next || next[1].at > ms) break;
    pending.delete(next[0]);
    s = lc.step(s.snapshot, next[1].event as never);
    take(s, next[1].at);
  }
  pending = new Map();
  // Two beats due at the same instant may come in either order.
  return out.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
}

describe("the node's heartbeats", () => {
  it("renew the Lease at once and then every 10 s, and look at the node status every 10 s", () => {
    expect(beats(30_000)).toEqual([[0, "RenewLease"], [10, "CheckNodeStatus"], [10, "RenewLease"], [20, "CheckNodeStatus"], [20, "RenewLease"], [30, "CheckNodeStatus"], [30, "RenewLease"]]);
  });

  it("every transition of the chart is on some path of the test model", () => {
    const m = Object.create(isolated(heartbeatMachine));
    // createTestModel refuses charts with `after`; here the delayed events are sent as ordinary events.
    Object.defineProperty(m, "root", { value: { invoke: [], after: [], entry: [], exit: [], transitions: new Map(), states: {} } });
    const model = createTestModel(m, { serializeState: serializeBy(() => null) } as any);
    const events = ["xstate.after.immediately.nodeHeartbeat.heartbeating.lease.starting", "xstate.after.leaseRenewInterval.nodeHeartbeat.heartbeating.lease.renewing", "xstate.after.nodeStatusUpdateFrequency.nodeHeartbeat.heartbeating.nodeStatus.reporting"].map((type) => ({ type }));
    (model as any).options.events = (s: any) => events.filter((e) => s.can(e));
    const taken = new Set(transitionPaths(model, serializeBy(() => null)).flatMap((p) => p.steps.slice(1).map((st) => st.event.type)));
    expect([...taken].sort()).toEqual(events.map((e) => e.type).sort());
  });
});
