import { describe, expect, it } from "vitest";
import { namespaceControllerMachine } from "./namespace.machine.js";
import { namespacedResources, type NamespaceControllerContext } from "./namespace.logic.js";
import { replay, serializeBy, covered, modelFor } from "../../test/support/model.js";

// The API server's side: the namespaces list (the informer's first request, id 1), a watch event
// marking team-a for deletion, and answers to the controller's "what is left" lists and finalize.
const stamp = { from: "apiserver", now: 5_000 };
const ns = (terminating: boolean, rv: string) => ({
  apiVersion: "v1", kind: "Namespace",
  metadata: { name: "team-a", resourceVersion: rv, ...(terminating ? { deletionTimestamp: "2026-01-01T00:00:05Z" } : {}) },
  spec: { finalizers: ["kubernetes"] },
  status: { phase: terminating ? "Terminating" : "Active" },
});
const listed = { type: "ApiResponse", id: 1, ok: true, code: 200, object: { kind: "NamespaceList", apiVersion: "v1", metadata: { resourceVersion: "10" }, items: [ns(false, "5")] }, ...stamp };
const marked = { type: "WatchEvent", watchId: 1, eventType: "MODIFIED", object: ns(true, "20"), ...stamp };

/** The next answer the API server would send, given what the controller has asked. */
function events(s: any): any[] {
  const c = s.context as NamespaceControllerContext;
  if (!c.client.informers.get(1)?.synced) return [listed];
  const inf = c.client.informers.get(1)!;
  if (!inf.store.get("team-a")?.metadata.deletionTimestamp) return [marked];
  // the lists of what is left, and the controller's discovery of custom resources (a CRD list: none here)
  const waiting = [...c.client.pending.entries()].filter(([, p]) => p.purpose === "remaining" || p.purpose === "discovery");
  if (waiting.length > 0) {
    const [id] = waiting[0]!;
    return [{ type: "ApiResponse", id, ok: true, code: 200, object: { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "21" }, items: [] }, ...stamp }];
  }
  return [];
}

const abstract = (ctx: NamespaceControllerContext) => ({
  synced: ctx.client.informers.get(1)?.synced ?? false,
  cleanup: ctx.cleanups.get("team-a") ?? null,
  asked: [...ctx.client.pending.values()].map((p) => p.purpose).sort().join(","),
});

describe("namespace controller paths (model-based)", () => {
  const model = modelFor(namespaceControllerMachine, { token: "t" }, events, abstract);

  it("empties a terminating namespace kind by kind and finalizes it only once every list came back empty", () => {
    const paths = model.getShortestPaths();
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    let finalized = 0;
    for (const path of paths) {
      replay(namespaceControllerMachine, { token: "t" }, path, abstract, (ev, ctx: NamespaceControllerContext, emitted) => {
        const sent = emitted.flatMap((e: any) => e.send ?? []).map((o: any) => o.msg);
        if (ev.type === "WatchEvent") {
          // one round: a deletecollection and a list for every namespaced kind, and the CRDs listed for the custom ones
          expect(sent.filter((m: any) => m.verb === "deletecollection").map((m: any) => m.resource).sort()).toEqual(namespacedResources.map((r) => r.resource).sort());
          expect(sent.filter((m: any) => m.verb === "list").length).toBe(namespacedResources.length + 1);
          expect(sent.filter((m: any) => m.verb === "list" && m.resource === "customresourcedefinitions")).toHaveLength(1);
        }
        const finalize = sent.find((m: any) => m.subresource === "finalize");
        if (finalize) {
          finalized++;
          expect(finalize).toMatchObject({ verb: "update", resource: "namespaces", name: "team-a" });
          expect(finalize.body.spec.finalizers).toEqual([]);
          expect(ctx.cleanups.has("team-a")).toBe(false);
        } else if (ctx.cleanups.get("team-a")) {
          expect(ctx.cleanups.get("team-a")!.outstanding).toBeGreaterThan(0);
        }
      });
    }
    expect(finalized).toBe(1);
  });
});
