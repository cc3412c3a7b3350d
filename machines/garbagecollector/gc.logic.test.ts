import { describe, it, expect } from "vitest";
import type { KObject } from "./gc.logic.js";
import { attemptToDeleteItem, dependentsToDelete, finalizersOnDelete } from "./gc.logic.js";

const DEL = "2025-01-01T00:00:00Z";
function obj(name: string, owners: Array<{ uid: string; block?: boolean }> = [], extra: { finalizers?: string[]; deleting?: boolean } = {}): KObject {
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: {
      name, namespace: "default", uid: `${name}-uid`,
      ownerReferences: owners.length ? owners.map((o) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name: o.uid, uid: o.uid, controller: true, blockOwnerDeletion: o.block })) : undefined,
      finalizers: extra.finalizers, deletionTimestamp: extra.deleting ? DEL : undefined,
    },
  };
}
const target = (name: string) => ({ apiVersion: "v1", kind: "Pod", namespace: "default", name, uid: `${name}-uid` });

describe("finalizers the API server adds on DELETE", () => {
  it.each([
    ["Foreground adds foregroundDeletion and keeps the object", "Foreground" as const, [], { finalizers: ["foregroundDeletion"], deleteNow: false }],
    ["Orphan adds orphan and keeps the object", "Orphan" as const, [], { finalizers: ["orphan"], deleteNow: false }],
    ["Background deletes at once when no finalizer is left", "Background" as const, [], { finalizers: [], deleteNow: true }],
    ["Background strips a stale orphan finalizer but keeps others", "Background" as const, ["orphan", "example.com/x"], { finalizers: ["example.com/x"], deleteNow: false }],
  ])("%s", (_n, policy, fin, want) => {
    expect(finalizersOnDelete(obj("o", [], { finalizers: fin }), policy)).toEqual(want);
  });
});

describe("dependentsToDelete", () => {
  const owner = obj("rs", [], { finalizers: ["foregroundDeletion"], deleting: true });

  it("Background: once the owner is gone every dependent is deleted in the background", () => {
    const all = [obj("a", [{ uid: "rs-uid", block: true }]), obj("b", [{ uid: "rs-uid" }]), obj("other")];
    expect(dependentsToDelete(obj("rs"), all, "Background")).toEqual([
      { type: "delete", target: target("a"), propagationPolicy: "Background" },
      { type: "delete", target: target("b"), propagationPolicy: "Background" },
    ]);
  });

  it("Foreground: dependents are deleted while the owner keeps its finalizer", () => {
    const all = [owner, obj("a", [{ uid: "rs-uid", block: true }])];
    expect(dependentsToDelete(owner, all, "Foreground")).toEqual([{ type: "delete", target: target("a"), propagationPolicy: "Background" }]);
  });

  it("Foreground: a blocking dependent still terminating keeps the owner and is not deleted twice", () => {
    const all = [owner, obj("a", [{ uid: "rs-uid", block: true }], { deleting: true })];
    expect(dependentsToDelete(owner, all, "Foreground")).toEqual([]);
  });

  it("Foreground: with only non-blocking dependents left the foregroundDeletion finalizer is removed", () => {
    const all = [owner, obj("a", [{ uid: "rs-uid", block: false }])];
    expect(dependentsToDelete(owner, all, "Foreground")).toEqual([
      { type: "removeFinalizer", target: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "rs", uid: "rs-uid" }, finalizer: "foregroundDeletion" },
    ]);
  });

  it("Foreground: a dependent with dependents of its own is deleted in the foreground too", () => {
    const all = [owner, obj("a", [{ uid: "rs-uid", block: true }]), obj("grandchild", [{ uid: "a-uid", block: true }])];
    expect(dependentsToDelete(owner, all, "Foreground")).toEqual([{ type: "delete", target: target("a"), propagationPolicy: "Foreground" }]);
  });

  it("Orphan: dependents lose their reference to the owner, then the orphan finalizer goes", () => {
    const o = obj("rs", [], { finalizers: ["orphan"], deleting: true });
    expect(dependentsToDelete(o, [o, obj("a", [{ uid: "rs-uid" }])], "Orphan")).toEqual([
      { type: "removeOwnerReferences", target: target("a"), ownerUids: ["rs-uid"] },
      { type: "removeFinalizer", target: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "rs", uid: "rs-uid" }, finalizer: "orphan" },
    ]);
  });
});

describe("attemptToDeleteItem", () => {
  it.each([
    ["an object with a live owner is left alone", [obj("live")], [{ uid: "live-uid" }], []],
    ["an object with a live owner and a dangling one only loses the dangling reference", [obj("live")], [{ uid: "live-uid" }, { uid: "gone-uid" }],
      [{ type: "removeOwnerReferences", target: target("x"), ownerUids: ["gone-uid"] }]],
    ["an object whose only owner is gone is deleted", [], [{ uid: "gone-uid" }], [{ type: "delete", target: target("x"), propagationPolicy: "Background" }]],
    ["an object without owners is never collected", [], [], []],
  ])("%s", (_n, others, owners, want) => {
    const item = obj("x", owners);
    expect(attemptToDeleteItem(item, [...others, item])).toEqual(want);
  });
});

describe("an owner is its uid, not its name", () => {
  // garbagecollector.go isDangling: an owner found by name whose uid differs is absent ("UID mismatch")
  it("a dependent of a deleted ReplicaSet is collected although a ReplicaSet of the same name was made again", () => {
    const namesake: KObject = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web", namespace: "default", uid: "new-uid" } };
    const pod: KObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "x", namespace: "default", uid: "x-uid", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "old-uid", controller: true }] } };
    expect(attemptToDeleteItem(pod, [namesake, pod])).toEqual([{ type: "delete", target: target("x"), propagationPolicy: "Background" }]);
  });
});
