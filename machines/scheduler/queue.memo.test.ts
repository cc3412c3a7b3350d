// The queue remembers each lifecycle step it took (queue.ts, stepLifecycle) and hands the same
// result to every pod taking the same step from the same kept state, or, once a node is recorded,
// from a kept state equal but for its node (the node put back): random operations on a few
// pods must leave each pod's lifecycle and pending `after`s exactly where XState's own transition,
// stepped here for each pod on its own, puts them.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Pod } from "kubernetes-types/core/v1";
import { keep, lifecycleOf, type KeptLifecycle, stateName, stepKept } from "../common/lifecycle.js";
import { podQueueMachine, type PodQueueEvent } from "./queue.machine.js";
import * as Q from "./queue.js";

type Kept = KeptLifecycle<typeof podQueueMachine>;
interface Ref { kept: Kept; timers: Array<{ id: string; at: number }> }

const opArb = fc.oneof(
  fc.record({ op: fc.constant("add" as const), pod: fc.nat(3) }),
  fc.record({ op: fc.constant("pop" as const) }),
  fc.record({ op: fc.constant("assume" as const), pod: fc.nat(3), node: fc.constantFrom("n1", "n2", "n3", "n4", "n5") }),
  fc.record({ op: fc.constant("bound" as const), pod: fc.nat(3) }),
  fc.record({ op: fc.constant("unschedulable" as const), pod: fc.nat(3) }),
  fc.record({ op: fc.constant("bindFailed" as const), pod: fc.nat(3) }),
  fc.record({ op: fc.constant("move" as const) }),
  fc.record({ op: fc.constant("remove" as const), pod: fc.nat(3) }),
);

describe("remembered lifecycle steps give what XState's transition gives", () => {
  it("every pod, after every operation", () => {
    const lc = lifecycleOf(podQueueMachine);
    fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
      const q = Q.newQueue();
      const refs = new Map<string, Ref>();
      let now = 0;
      // p3 waits behind a scheduling gate
      const pods = [0, 1, 2, 3].map((i): Pod => ({ metadata: { name: `p${i}`, namespace: "default" }, spec: { containers: [], schedulingGates: i === 3 ? [{ name: "g" }] : undefined } }));
      const stepRef = (key: string, ev: PodQueueEvent) => {
        const r = refs.get(key);
        if (r === undefined) return;
        const s = stepKept(lc, r.kept, ev);
        let timers = r.timers.filter((t) => !s.cancels.includes(t.id));
        for (const t of s.timers) timers = [...timers.filter((x) => x.id !== t.id), { id: t.id, at: now + t.delayMs }];
        if (stateName(s.snapshot.value) === "forgotten") refs.delete(key);
        else refs.set(key, { kept: keep(s.snapshot), timers });
      };
      for (const o of ops) {
        now += 700;
        if (o.op === "pop") {
          const qp = Q.popNext(q);
          if (qp) stepRef(qp.key, { type: "Pop" });
        } else if (o.op === "move") {
          const keys = [...q.unschedulable];
          Q.moveAllToActiveOrBackoff(q, now, ["NodeAdd"]);
          for (const k of keys) stepRef(k, { type: "MoveRequest", now });
        } else {
          const key = `default/p${o.pod}`;
          const known = q.known.get(key);
          if (o.op === "add") {
            Q.add(q, key, pods[o.pod]!, now);
            if (known === undefined) {
              refs.set(key, { kept: keep(lc.start(undefined).snapshot), timers: [] });
              stepRef(key, { type: "Add", gated: o.pod === 3 });
            }
          } else if (known !== undefined) {
            const qp = known;
            if (o.op === "assume") {
              Q.markAssumed(q, qp, o.node);
              stepRef(key, { type: "Assume", node: o.node });
            } else if (o.op === "bound") {
              Q.markBound(q, key);
              stepRef(key, { type: "BindSucceeded" });
            } else if (o.op === "unschedulable") {
              Q.markUnschedulable(q, qp, now, []);
              stepRef(key, { type: "Unschedulable", now });
            } else if (o.op === "bindFailed") {
              Q.markBindFailed(q, key, pods[o.pod]!, now);
              stepRef(key, { type: "BindFailed", now });
            } else {
              Q.remove(q, key);
              stepRef(key, { type: "Forget" });
            }
          }
        }
        expect([...q.known.keys()].sort()).toEqual([...refs.keys()].sort());
        for (const [key, r] of refs) {
          const qp = q.known.get(key)!;
          expect(qp.lifecycle.value).toEqual(r.kept.value);
          expect(qp.lifecycle.context).toEqual(r.kept.context);
          // the same fields in the same order (a context is hashed and printed as it is)
          expect(Object.keys(qp.lifecycle.context)).toEqual(Object.keys(r.kept.context));
          expect(qp.timers.map((t) => ({ id: t.id, at: t.at }))).toEqual(r.timers);
        }
      }
    }), { numRuns: 300 });
  });
});
