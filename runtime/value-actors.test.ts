// A machine runs without an XState actor (its snapshot stepped by XState's transition in an inert
// scope, or the fast path) and a fork shares its snapshot. Seen from outside it behaves as an actor
// would: its replies, states and caught faults, and a crashed process's restart.

import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import { Runtime } from "./runtime.js";
import { draftStepOf } from "../machines/common/step.js";

interface Ctx {
  n: number;
  log: string[];
}

const step = draftStepOf<Ctx>();

// A worker: it greets "client" when it starts; each Work is acknowledged by one action and done by
// the next, in one transition, so a throw in the second comes after the first decided its reply.
const worker = setup({
  actions: {
    hello: step((_c, _e, fx) => fx.send("client", { type: "Hello" })),
    ack: step((c, e, fx) => {
      c.n++;
      fx.send(e.from, { type: "Ack", id: e.id, n: c.n });
    }),
    work: step((c, e, fx) => {
      if (e.boom) throw new Error(`boom ${e.id}`);
      c.log.push(e.id);
      fx.send(e.from, { type: "Done", id: e.id });
      fx.after("tick", 1_000, { type: "Tick" });
    }),
    tick: step((c, _e, fx) => {
      c.log.push("tick");
      fx.send("client", { type: "Ticked" });
    }),
    noticed: step((c, e, fx) => {
      if (e.during === "Work" && e.message === "boom twice") throw new Error("the notice failed too");
      c.log.push(`noticed ${e.message}`);
      fx.send("client", { type: "Noticed", message: e.message });
    }),
  },
}).createMachine({
  context: { n: 0, log: [] },
  initial: "idle",
  entry: "hello",
  on: { InternalError: { actions: "noticed" }, Tick: { actions: "tick" } },
  states: {
    idle: { on: { Work: { target: "busy", actions: ["ack", "work"] } } },
    busy: { on: { Work: { target: "idle", actions: ["ack", "work"] } } },
  },
});

function run(freezeSnapshots: boolean = false) {
  const rt = new Runtime({ seed: 3, freezeSnapshots });
  const got: any[] = [];
  rt.external("client", (msg) => got.push({ type: msg.type, id: msg.id, n: msg.n, message: msg.message }));
  rt.spawn("worker", worker);
  for (const [id, boom] of [["a", false], ["b", true], ["c", false], ["twice", true], ["d", false]] as const) {
    rt.send("client", "worker", { type: "Work", id, boom });
    rt.settle();
  }
  return { rt, got, trace: rt.traceJsonl(), snapshot: rt.snapshot("worker") };
}

describe("a value machine runs as its actor would", () => {
  const value = run();

  it("isolates a throwing step: the state stays, the steps before it keep their effect on the context and their reply goes out, the notice is handled", () => {
    // a: acked and done (idle to busy). b: acked (the step before the throw completed: its count and
    // its reply stand) but not done, and the notice is handled in busy, the state before b, as a
    // context changed in place would have kept what the steps before the throw did.
    expect(value.got.slice(0, 9)).toEqual([
      { type: "Hello" },
      { type: "Ack", id: "a", n: 1 },
      { type: "Done", id: "a" },
      { type: "Ticked" },
      { type: "Ack", id: "b", n: 2 },
      { type: "Noticed", message: "boom b" },
      // b's ack counted: c is the third
      { type: "Ack", id: "c", n: 3 },
      { type: "Done", id: "c" },
      { type: "Ticked" },
    ]);
    expect(value.rt.internalErrors.map((f) => `${f.actor} ${f.event}: ${f.message}`)).toEqual([
      "worker Work: boom b",
      "worker Work: boom twice",
      "worker InternalError: the notice failed too",
    ]);
  });

  it("restarts an actor whose fault notice faults too, as a crashed process: from its initial state and context", () => {
    // "twice" throws, its notice throws: the worker starts afresh (Hello again), then d is its first
    // work. Its reply to "twice" was still queued: a crashed process's connections close, so it is lost.
    expect(value.got.slice(9)).toEqual([
      { type: "Hello" },
      { type: "Ack", id: "d", n: 1 },
      { type: "Done", id: "d" },
      { type: "Ticked" },
    ]);
    expect(value.snapshot.value).toBe("busy");
    expect(value.snapshot.context).toEqual({ n: 1, log: ["d", "tick"] });
  });
});

describe("freezing the value machines' snapshots before each step", () => {
  it("changes nothing for a machine whose steps return the next context", () => {
    const frozen = run(true);
    expect(frozen.trace).toBe(run().trace);
  });

  it("catches a step that changes its context in place, as an internal error", () => {
    const inPlace = worker.provide({ actions: { tick: ({ context }: { context: Ctx }) => void context.log.push("tick") } as never });
    const rt = new Runtime({ seed: 3, freezeSnapshots: true });
    rt.external("client", () => {});
    rt.spawn("worker", inPlace);
    rt.send("client", "worker", { type: "Work", id: "a", boom: false });
    rt.settle();
    expect(rt.internalErrors.map((f) => `${f.actor} ${f.event}`)).toEqual(["worker Tick"]);
    // the write was refused: the context is as before the Tick, then the notice is handled
    expect(rt.snapshot("worker").context.log).toEqual(["a", expect.stringMatching(/^noticed .*not extensible/)]);
  });
});

describe("a fork of a value machine", () => {
  it("shares its snapshot as it is, and a step in the fork leaves the origin's snapshot untouched", () => {
    const rt = new Runtime({ seed: 3 });
    rt.external("client", () => {});
    rt.spawn("worker", worker);
    rt.settle();
    const before = rt.snapshot("worker");
    const f = rt.fork();
    expect(f.snapshot("worker")).toBe(before);
    f.send("client", "worker", { type: "Work", id: "x", boom: false });
    f.settle();
    expect(f.snapshot("worker").context.log).toEqual(["x", "tick"]);
    expect(rt.snapshot("worker")).toBe(before);
    expect(before.context).toEqual({ n: 0, log: [] });
    expect(before.value).toBe("idle");
  });

  it("shares the messages queued between actors", () => {
    const rt = new Runtime({ seed: 3 });
    rt.spawn("worker", worker);
    rt.spawn("peer", worker);
    rt.external("client", () => {});
    const m1 = { type: "Work", id: "p", boom: false, payload: { big: [1, 2, 3] } };
    rt.post("peer", "worker", m1);
    const f = rt.fork();
    const queued = (r: Runtime, key: string) => r.queuedChannels().find((c) => c.key === key)!.messages[0];
    expect(queued(f, "peer>worker")).toBe(m1);
  });

  it("an external endpoint a fork shares answers on the fork that asked, not on the runtime that registered it", () => {
    const rt = new Runtime({ seed: 3 });
    rt.spawn("worker", worker);
    rt.external("client", () => {});
    rt.external("echo", (msg, from, on) => {
      if (msg.type === "Ping") on.send("echo", from, { type: "Work", id: `echo-${msg.id}`, boom: false });
    });
    rt.settle();
    const before = rt.snapshot("worker");
    const f = rt.fork();
    f.send("worker", "echo", { type: "Ping", id: "p" });
    f.settle();
    expect(f.snapshot("worker").context.log).toContain("echo-p");
    expect(rt.readyKeys()).toEqual([]);
    expect(rt.snapshot("worker")).toBe(before);
  });

});
