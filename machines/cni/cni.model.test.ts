import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { Fx } from "../common/effects.js";
import { addFailureMessage, handleCni, initialCni, type CniContext } from "./cni.logic.js";
import { allocate, cidrContains, ipFor } from "./ipam.js";
import { cniMachine } from "./cni.machine.js";
import { replay, serializeBy, covered, modelFor } from "../../test/support/model.js";

const input = { node: "node-1", podCIDR: "10.244.1.0/30" };
const stamp = { from: "kubelet/node-1", now: 0 };
const add = (id: number, sandboxId: string) => ({ type: "CniAdd", id, sandboxId, podName: `p-${sandboxId}`, podNamespace: "default", podUid: `u-${sandboxId}`, ...stamp });
const del = (id: number, sandboxId: string) => ({ type: "CniDel", id, sandboxId, ...stamp });
const events = [add(1, "s1"), add(2, "s2"), del(3, "s1"), del(4, "s2")];
const abstract = (ctx: CniContext) => ({ allocations: ctx.ipam.allocations, last: ctx.ipam.lastReservedIP ?? null });

describe("cni machine paths (model-based)", () => {
  const model = modelFor(cniMachine, input, events, abstract);

  it("every simple path of ADD and DEL replies as handleCni does on the same requests, and never hands one IP to two sandboxes", () => {
    const paths = model.getSimplePaths();
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) {
      const reference: CniContext = initialCni(input);
      replay(cniMachine, input, path, abstract, (ev, ctx: CniContext, emitted) => {
        if (ev.type === "xstate.init") return expect(emitted).toEqual([]);
        const before = reference.ipam;
        const fx = new Fx();
        handleCni(reference, ev, stamp.from, fx);
        expect(emitted).toEqual([fx.toEvent()]);
        expect(ctx.ipam).toEqual(reference.ipam);
        const reply = emitted[0].send[0];
        expect(reply.to).toBe(stamp.from);
        if (ev.type === "CniAdd") {
          const held = ipFor(before, ev.sandboxId);
          const fresh = allocate(before, ev.sandboxId);
          if (held) expect(reply.msg).toMatchObject({ ok: true, ip: held });
          else if (fresh.ok) expect(reply.msg).toMatchObject({ ok: true, ip: fresh.ip, cidr: fresh.cidr, gateway: "10.244.1.1" });
          else expect(reply.msg).toEqual({ type: "CniAddResult", id: ev.id, sandboxId: ev.sandboxId, ok: false, error: addFailureMessage(fresh.error) });
        } else {
          expect(reply.msg).toEqual({ type: "CniDelResult", id: ev.id, sandboxId: ev.sandboxId });
          expect(ipFor(ctx.ipam, ev.sandboxId)).toBeUndefined();
        }
        const ips = Object.keys(ctx.ipam.allocations);
        expect(new Set(Object.values(ctx.ipam.allocations)).size).toBe(ips.length);
        for (const ip of ips) expect(cidrContains(input.podCIDR, ip) && ip !== "10.244.1.1").toBe(true);
      });
    }
  });

  it("the shortest paths reach the exhausted range, whose ADD fails with host-local's words", () => {
    const paths = model.getShortestPaths();
    const exhausted = paths.filter((p) => Object.keys(p.state.context.ipam.allocations).length === 1);
    expect(exhausted.length).toBeGreaterThan(0);
    const actor = createActor(cniMachine, { input });
    const replies: any[] = [];
    actor.on("effects", (e: any) => void replies.push(...e.send.map((s: any) => s.msg)));
    actor.start();
    actor.send(add(1, "s1") as any);
    actor.send(add(2, "s2") as any);
    expect(replies[1]).toEqual({
      type: "CniAddResult", id: 2, sandboxId: "s2", ok: false,
      error: 'plugin type="bridge" name="podflow" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.2',
    });
  });

  it("the chart is host-local's range: a /30 has one address for pods, so one ADD exhausts it, a DEL frees it, and a node that boots on a full store starts exhausted", () => {
    const actor = createActor(cniMachine, { input }).start();
    expect(actor.getSnapshot().value).toBe("available");
    actor.send(add(1, "s1") as any);
    expect(actor.getSnapshot().value).toBe("exhausted");
    actor.send(add(2, "s1") as any); // the retried ADD of the holder is answered with its address
    expect(actor.getSnapshot().value).toBe("exhausted");
    actor.send(del(3, "s1") as any);
    expect(actor.getSnapshot().value).toBe("available");
    actor.send(add(4, "s2") as any);
    const store = actor.getSnapshot().context.ipam;
    const rebooted = createActor(cniMachine, { input: { ...input, store } }).start();
    expect(rebooted.getSnapshot().value).toBe("exhausted");
  });
});
