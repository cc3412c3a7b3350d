import { describe, it, expect } from "vitest";
import { Fx } from "../common/effects.js";
import { createActor } from "xstate";
import { handleCni, initialCni } from "./cni.logic.js";
import { cniMachine } from "./cni.machine.js";

describe("CNI ADD and DEL over host-local", () => {
  it("ADD gives the sandbox the first free address after the gateway", () => {
    const ctx = initialCni({ node: "node-1", podCIDR: "10.244.1.0/24" });
    const fx = new Fx();
    handleCni(ctx, { type: "CniAdd", id: 1, sandboxId: "s1", podName: "p", podNamespace: "default", podUid: "u" }, "kubelet/node-1", fx);
    expect(fx.sends[0]!.msg).toMatchObject({ type: "CniAddResult", ok: true, ip: "10.244.1.2", gateway: "10.244.1.1" });
  });
  it("a repeated ADD for the same sandbox returns the same address", () => {
    const ctx = initialCni({ node: "node-1", podCIDR: "10.244.1.0/24" });
    const add = { type: "CniAdd" as const, id: 1, sandboxId: "s1", podName: "p", podNamespace: "default", podUid: "u" };
    handleCni(ctx, add, "k", new Fx());
    const fx = new Fx();
    handleCni(ctx, { ...add, id: 2 }, "k", fx);
    expect(fx.sends[0]!.msg.ip).toBe("10.244.1.2");
    expect(Object.keys(ctx.ipam.allocations)).toEqual(["10.244.1.2"]);
  });
  it("DEL releases the sandbox's address and nothing else", () => {
    const ctx = initialCni({ node: "node-1", podCIDR: "10.244.1.0/24" });
    handleCni(ctx, { type: "CniAdd", id: 1, sandboxId: "s1", podName: "a", podNamespace: "default", podUid: "u1" }, "k", new Fx());
    handleCni(ctx, { type: "CniAdd", id: 2, sandboxId: "s2", podName: "b", podNamespace: "default", podUid: "u2" }, "k", new Fx());
    handleCni(ctx, { type: "CniDel", id: 3, sandboxId: "s1" }, "k", new Fx());
    expect(ctx.ipam.allocations).toEqual({ "10.244.1.3": "s2" });
  });
});

// kindnet writes the CNI config from the node's podCIDR: a node given none has no config, and
// go-cni refuses every ADD with ErrCNINotInitialized.
describe("a CNI without a podCIDR (no config written)", () => {
  it("refuses ADD with \"cni plugin not initialized\" and hands out no address", () => {
    const ctx = initialCni({ node: "node-257" });
    const fx = new Fx();
    handleCni(ctx, { type: "CniAdd", id: 1, sandboxId: "s1", podName: "p", podNamespace: "default", podUid: "u" }, "kubelet/node-257", fx);
    expect(fx.sends[0]!.msg).toEqual({ type: "CniAddResult", id: 1, sandboxId: "s1", ok: false, error: "cni plugin not initialized" });
  });
  it("answers DEL: nothing was handed out, nothing to free", () => {
    const ctx = initialCni({ node: "node-257" });
    const fx = new Fx();
    handleCni(ctx, { type: "CniDel", id: 2, sandboxId: "s1" }, "kubelet/node-257", fx);
    expect(fx.sends[0]!.msg).toEqual({ type: "CniDelResult", id: 2, sandboxId: "s1" });
  });
  it("its chart starts, and stays, notInitialized", () => {
    const actor = createActor(cniMachine, { input: { node: "node-257" } }).start();
    expect(actor.getSnapshot().value).toBe("notInitialized");
    actor.send({ type: "CniAdd", id: 1, sandboxId: "s1", podName: "p", podNamespace: "default", podUid: "u" });
    expect(actor.getSnapshot().value).toBe("notInitialized");
    actor.stop();
  });
});
