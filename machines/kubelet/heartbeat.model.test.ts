import { describe, expect, it } from "vitest";
import { heartbeatMachine, type HeartbeatEvent } from "./heartbeat.machine.js";
import { lifecycleOf, type LifecycleStep } from "../common/lifecycle.js";
import { lifecycleModelFor, serializeBy, transitionPaths } from "../../test/support/model.js";

// Kubernetes' numbers: the node lease controller renews the Lease every 10 s (leaseRenewInterval,
// a quarter of the 40 s lease duration), the first time at start, whatever the node status does;
// syncNodeStatus runs every 10 s (nodeStatusUpdateFrequency, wait.JitterUntil sliding: counted
// from the end of the last sync) and tryUpdateNodeStatus patches when the status changed or
// nodeStatusReportFrequency (5 min) passed since the last report (kubelet_node_status.go).

const lc = lifecycleOf(heartbeatMachine);
const sec = 1000;

/** What the kubelet answers a sync: whether the status changed, given the time of the last report. */
type Answer = (now: number, lastReportMs: number) => HeartbeatEvent;

/**
 * Runs the heartbeat's timers for `ms`, answering each SyncNodeStatus with `answer` and each
 * PatchNodeStatus after `patchMs`, and returns when each output came, in seconds.
 */
function beats(ms: number, answer: Answer, patchMs = 0): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const pending = new Map<string, { at: number; event: HeartbeatEvent }>();
  let lastReport = -Infinity;
  let s = lc.start(undefined);
  const take = (st: LifecycleStep<typeof heartbeatMachine>, now: number) => {
    s = st;
    for (const id of st.cancels) pending.delete(id);
    for (const t of st.timers) pending.set(t.id, { at: now + t.delayMs, event: t.event as HeartbeatEvent });
    for (const o of st.outputs) {
      out.push([now / sec, o.type]);
      if (o.type === "SyncNodeStatus") take(lc.step(s.snapshot, answer(now, lastReport)), now);
      if (o.type === "PatchNodeStatus") {
        lastReport = now + patchMs;
        pending.set("patch", { at: now + patchMs, event: { type: "NodeStatusPatched" } });
      }
    }
  };
  take(s, 0);
  for (;;) {
    const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
    if (!next || next[1].at > ms) break;
    pending.delete(next[0]);
    take(lc.step(s.snapshot, next[1].event as never), next[1].at);
  }
  // Two beats due at the same instant may come in either order.
  return out.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
}

const unchanged: Answer = (now, last) => ({ type: "NodeStatusComputed", changed: false, sinceReportMs: now - last });
const at = (list: Array<[number, string]>, type: string) => list.filter(([, t]) => t === type).map(([s]) => s);

describe("the node's heartbeats", () => {
  it("renew the Lease at once and then every 10 s, and sync the node status every 10 s", () => {
    const b = beats(30 * sec, unchanged);
    expect(at(b, "RenewLease")).toEqual([0, 10, 20, 30]);
    expect(at(b, "SyncNodeStatus")).toEqual([10, 20, 30]);
  });

  it("an unchanged status is patched only when nodeStatusReportFrequency (5 min) passed since the last report", () => {
    // Never reported: the first sync patches; then nothing until 300 s after it.
    const b = beats(620 * sec, unchanged);
    expect(at(b, "PatchNodeStatus")).toEqual([10, 310, 610]);
    expect(at(b, "SyncNodeStatus")).toHaveLength(62);
  });

  it("a changed status (Ready=Unknown written by the node lifecycle controller) is patched at the first sync that sees it", () => {
    // The controller's write lands at 73 s: the sync at 80 s sees it.
    const answer: Answer = (now, last) => ({ type: "NodeStatusComputed", changed: now >= 73 * sec && last < 73 * sec, sinceReportMs: last === -Infinity ? 0 : now - last });
    expect(at(beats(120 * sec, answer), "PatchNodeStatus")).toEqual([80]);
  });

  it("a sync waits for its patch: the next one comes 10 s after the patch was answered, and the Lease goes on meanwhile", () => {
    const changed: Answer = () => ({ type: "NodeStatusComputed", changed: true, sinceReportMs: 0 });
    const b = beats(60 * sec, changed, 25 * sec);
    expect(at(b, "SyncNodeStatus")).toEqual([10, 45]);
    expect(at(b, "RenewLease")).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });

  it("a sync that cannot read the Node writes nothing and tries again 10 s later", () => {
    const b = beats(30 * sec, () => ({ type: "NodeGetFailed" }));
    expect(at(b, "SyncNodeStatus")).toEqual([10, 20, 30]);
    expect(at(b, "PatchNodeStatus")).toEqual([]);
  });

  it("every transition of the chart is on some path of the test model", () => {
    const timer = (delay: string, path: string) => ({ type: `xstate.after.${delay}.nodeHeartbeat.heartbeating.${path}` });
    const events: any[] = [
      timer("immediately", "lease.starting"), timer("leaseRenewInterval", "lease.renewing"), timer("nodeStatusUpdateFrequency", "nodeStatus.waiting"),
      { type: "NodeStatusComputed", changed: true, sinceReportMs: 0 },
      { type: "NodeStatusComputed", changed: false, sinceReportMs: 300 * sec },
      { type: "NodeStatusComputed", changed: false, sinceReportMs: 299 * sec },
      { type: "NodeGetFailed" }, { type: "NodeStatusPatched" },
    ];
    const serialize = serializeBy(() => null);
    const model = lifecycleModelFor(heartbeatMachine, events, () => null);
    const edge = (from: any, ev: any, to: any) => `${from.value.heartbeating.nodeStatus} ${JSON.stringify(ev)} -> ${to.value.heartbeating.nodeStatus}`;
    // Every step on the paths where the chart handles the event (an unhandled one leaves it as it is).
    const edges = new Set(transitionPaths(model, serialize).flatMap((p) => p.steps.slice(1).map((st, i) => [p.steps[i]!.state, st.event, st.state] as const))
      .filter(([from, ev]) => from.can(ev) && !/leaseRenewInterval|immediately/.test(ev.type))
      .map(([from, ev, to]) => edge(from, ev, to)));
    expect([...edges].sort()).toEqual([
      `waiting ${JSON.stringify(events[2])} -> syncing`,
      `syncing ${JSON.stringify(events[3])} -> patching`,
      `syncing ${JSON.stringify(events[4])} -> patching`,
      `syncing ${JSON.stringify(events[5])} -> waiting`,
      `syncing ${JSON.stringify(events[6])} -> waiting`,
      `patching ${JSON.stringify(events[7])} -> waiting`,
    ].sort());
    // The Lease's renewals are taken in every node status state.
    const lease = transitionPaths(model, serialize).map((p) => p.steps[p.steps.length - 1]!.event.type).filter((t) => /lease/.test(t));
    expect(new Set(lease)).toEqual(new Set([events[0].type, events[1].type]));
  });
});
