import { describe, it, expect } from "vitest";
import { Fx } from "../common/effects.js";
import { handleCni, initialCni } from "./cni.logic.js";

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
