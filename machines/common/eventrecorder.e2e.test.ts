// client-go's legacy recorder writing to the API server (tools/record/event.go, v1.35: recordToSink
// and recordEvent; events_cache.go's UpdateState). recordEvent retries only errors that are not a
// server's Status (transport errors, an unexpected object): TestWriteEventError's giveUp2 row, a
// StatusError, makes one attempt whatever its code, so a 500, 429 or 504 answer drops the event,
// and the next repeat is a patch of an event the server never stored: NotFound, then a create of
// the counted event (TestUpdateExpiredEvent).
import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { FaultInjector, defaultFaultSettings, type FaultEntry } from "../../runtime/faults.js";
import { eventAnswered, newClient, recordEvent, settleResponse, type ClientState } from "./client.js";
import { Fx } from "./effects.js";

const pod = { kind: "Pod", apiVersion: "v1", metadata: { name: "web", namespace: "default", uid: "u1" } };
const source = { component: "kubelet", host: "node-1" };
const status = (code: number, reason: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason, code, message: reason });

/** Records the BackOff event at `now`; returns the request it sent, if any. */
function record(c: ClientState, now: number): any {
  const fx = new Fx();
  recordEvent(c, fx, pod, "Warning", "BackOff", "Back-off restarting failed container", source, now);
  return fx.sends[0]?.msg;
}
/** The API server's answer to req; returns what the recorder sent next. */
function answer(c: ClientState, req: any, res: any): any[] {
  const fx = new Fx();
  const p = settleResponse(c, { type: "ApiResponse", id: req.id, ...res });
  eventAnswered(c, fx, p!, { type: "ApiResponse", id: req.id, ...res });
  return fx.sends.map((s) => s.msg);
}

describe("recordEvent's answer handling (TestWriteEventError, TestUpdateExpiredEvent)", () => {
  for (const [code, reason] of [[500, "InternalError"], [429, "TooManyRequests"], [504, "Timeout"], [409, "AlreadyExists"], [403, "Forbidden"]] as const) {
    it(`a create answered ${code} ${reason} (a StatusError) is one attempt: nothing is sent again`, () => {
      const c = newClient("t");
      const req = record(c, 1_000);
      expect(req.verb).toBe("create");
      expect(answer(c, req, { ok: false, code, status: status(code, reason) })).toEqual([]);
    });
  }

  it("a patch answered NotFound is a create of the counted event, its resourceVersion empty", () => {
    const c = newClient("t");
    const first = record(c, 1_000);
    answer(c, first, { ok: true, code: 201, object: { ...first.body, metadata: { ...first.body.metadata, resourceVersion: "7" } } });
    const patch = record(c, 2_000);
    expect(patch).toMatchObject({ verb: "patch", name: first.body.metadata.name, body: { count: 2 } });
    const [create] = answer(c, patch, { ok: false, code: 404, status: status(404, "NotFound") });
    expect(create).toMatchObject({ verb: "create", body: { metadata: { name: first.body.metadata.name }, count: 2, firstTimestamp: first.body.firstTimestamp } });
    expect(create.body.metadata.resourceVersion).toBeUndefined();
  });

  it("a write stored updates the correlator from the server's answer: the next repeat patches the stored count + 1", () => {
    const c = newClient("t");
    const first = record(c, 1_000);
    // the server holds the event counted further (as after another writer's patch under the same name)
    answer(c, first, { ok: true, code: 201, object: { ...first.body, count: 5 } });
    expect(record(c, 2_000)).toMatchObject({ verb: "patch", name: first.body.metadata.name, body: { count: 6 } });
  });

  it("an answer to an older write, with a later repeat already counted, leaves the count where the repeat took it", () => {
    const c = newClient("t");
    const first = record(c, 1_000);
    answer(c, first, { ok: true, code: 201, object: first.body });
    const second = record(c, 2_000);
    const third = record(c, 3_000);
    expect(third.body.count).toBe(3);
    // client-go had written the second before observing the third: its answer counts 2, the cache already 3
    answer(c, second, { ok: true, code: 200, object: { ...first.body, count: 2 } });
    expect(record(c, 4_000).body.count).toBe(4);
  });
});

describe("the kubelet's events through the API server failing, then recovering (createCluster)", () => {
  it("an event write answered 500 is not retried; its next repeat is created with the count, later ones patch it", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    // the kubelet's sixth event create is the first BackOff (after Pulling, Pulled, Created, Started, Pulled)
    const plan: FaultEntry[] = [{ at: "kubelet/node-1>apiserver ApiRequest create events#6", fault: "server-error", code: 500 }];
    const f = new FaultInjector(c.runtime, 5, ["server-error"], { ...defaultFaultSettings, serverErrorProbability: 0 }, { plan });
    f.install();
    const writes: string[] = [];
    const hook = c.runtime.sendHook!;
    c.runtime.sendHook = (from, to, msg: any) => {
      if (msg.type === "ApiRequest" && msg.resource === "events" && from === "kubelet/node-1" && (msg.body?.reason === "BackOff" || String(msg.body?.message).startsWith("Back-off"))) writes.push(`${msg.verb} ${msg.body.count}`);
      return hook(from, to, msg);
    };
    await c.apply([{ apiVersion: "v1", kind: "Pod", metadata: { name: "crash", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 1"] }] } }]);
    await c.settle();
    c.advance(120_000);
    await c.settle();
    expect(f.counts["server-error"]).toBe(1);
    // one attempt for the refused create; the repeat's patch finds nothing and creates count 2
    expect(writes).toEqual(["create 1", "patch 2", "create 2", "patch 3", "patch 4"]);
    const backOff = c.events().filter((e: any) => e.reason === "BackOff");
    expect(backOff.map((e: any) => [e.count, e.firstTimestamp, e.lastTimestamp])).toEqual([[4, "2026-01-01T00:00:00Z", "2026-01-01T00:01:10Z"]]);
    await c.stop();
  }, 120_000);
});
