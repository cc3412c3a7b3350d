import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Fx } from "../common/effects.js";
import { runDraftStep } from "../common/step.js";
import { initialReplicaSetController, onResponse, onWatch, startInformers, syncReplicaSet } from "./replicaset.controller.js";

// A sync reads its counts from the count kept with the pod index when claiming changes no pod.
// Whatever the pods went through, what it sends must be what ClaimPods and calculateStatus over
// the namespace's pods (Kubernetes' syncReplicaSet) call for, counted here pod by pod.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const UID = "rs-uid";
const rs = (replicas: number, deleting: boolean, notDb: boolean) => ({
  apiVersion: "apps/v1", kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default", uid: UID, resourceVersion: "5", generation: 1, ...(deleting ? { deletionTimestamp: "2023-11-14T22:13:20Z" } : {}) },
  spec: { replicas, selector: { matchLabels: { app: "web" }, ...(notDb ? { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] } : {}) }, template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
});
const podArb = fc.record({
  name: fc.constantFrom("a", "b", "c", "d", "e"),
  ns: fc.constantFrom("default", "default", "other"),
  labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("web", "fe", "db"), { maxKeys: 2 }),
  owner: fc.constantFrom(undefined, UID, "other-uid"),
  phase: fc.constantFrom("Pending", "Running", "Running", "Failed"),
  ready: fc.boolean(),
  deleting: fc.boolean(),
  gone: fc.boolean(),
});
type PodSpec = typeof podArb extends fc.Arbitrary<infer T> ? T : never;
const podOf = (s: PodSpec, rv: number) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: {
    name: s.name, namespace: s.ns, uid: `uid-${s.ns}-${s.name}`, resourceVersion: String(rv), labels: s.labels,
    ...(s.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: s.owner, controller: true }] } : {}),
    ...(s.deleting ? { deletionTimestamp: "2023-11-14T22:13:20Z" } : {}),
  },
  spec: { containers: [{ name: "c" }] },
  status: { phase: s.phase, conditions: [{ type: "Ready", status: s.ready ? "True" : "False" }] },
});

describe("syncReplicaSet from kept counts", () => {
  it("sends the claims, pod changes and status that claiming the namespace's pods calls for", () => {
    fc.assert(fc.property(fc.array(podArb, { maxLength: 25 }), fc.integer({ min: 0, max: 4 }), fc.boolean(), fc.boolean(), (events, replicas, deleting, notDb) => {
      // each call is a step on a value context, as the controller's machine runs it
      let ctx = initialReplicaSetController({ token: "t" });
      const step = (fn: (c: typeof ctx, fx: Fx) => void, fx = new Fx()) => {
        ctx = runDraftStep(ctx, undefined, (c, _e, f) => fn(c, f), fx);
      };
      step(startInformers);
      const list = (id: number, kind: string, items: object[]) => step((c, fx) => onResponse(c, { type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...stamp } as any, fx));
      list(1, "ReplicaSetList", [rs(replicas, deleting, notDb)]);
      list(2, "PodList", []);
      const live = new Map<string, PodSpec>();
      let rv = 20;
      for (const e of events) {
        const key = `${e.ns}/${e.name}`;
        const had = live.has(key);
        if (e.gone && !had) continue;
        const type = e.gone ? "DELETED" : had ? "MODIFIED" : "ADDED";
        if (e.gone) live.delete(key);
        else live.set(key, e);
        const object = podOf(e, rv++);
        step((c, fx) => onWatch(c, { type: "WatchEvent", watchId: 2, eventType: type, object, ...stamp } as any, fx));
        // a sync after every event, as the queue would run them; the previous sync's expectations
        // and create batches are dropped, so each sync is judged on the pods alone
        ctx = { ...ctx, expectations: ctx.expectations.clear(), creating: new Map() };
        const fx = new Fx();
        step((c, f) => syncReplicaSet(c, "default/web", NOW, f), fx);
        const sent = fx.sends.map((s) => s.msg);
        // what Kubernetes' sync calls for, pod by pod (its lister lists the ReplicaSet's namespace)
        let claimed = 0, fully = 0, ready = 0;
        const adopt: string[] = [], release: string[] = [];
        for (const [k, s] of live) {
          if (s.ns !== "default" || s.phase === "Failed" || s.deleting) continue;
          const match = s.labels.app === "web" && !(notDb && s.labels.tier === "db");
          if (s.owner === UID) {
            if (match) claimed++;
            else if (!deleting) release.push(k);
            else continue;
            if (!match) continue;
          } else if (s.owner === undefined && match && !deleting) {
            adopt.push(k);
            claimed++;
          } else continue;
          if (s.labels.tier === "fe") fully++;
          if (s.ready) ready++;
        }
        // releases are patched at once; adoptions wait for canAdopt, one live GET of the ReplicaSet
        // (RecheckDeletionTimestamp) sent before the first of them
        const patched = sent.filter((m) => m.verb === "patch").map((m) => `${m.namespace}/${m.name}`);
        expect(patched.sort()).toEqual([...release].sort());
        const gets = sent.filter((m) => m.verb === "get").map((m) => `${m.resource} ${m.namespace}/${m.name}`);
        expect(gets).toEqual(adopt.length > 0 ? ["replicasets default/web"] : []);
        // ClaimPods waits for its patches, and a failed one fails the sync: a sync that adopts or
        // releases sends only those; the pods' watch events bring the sync that manages them
        if (adopt.length + release.length > 0) {
          expect(sent.filter((m) => m.verb !== "patch" && m.verb !== "get")).toEqual([]);
          continue;
        }
        const creates = sent.filter((m) => m.verb === "create" && m.resource === "pods").length;
        const deletes = sent.filter((m) => m.verb === "delete").length;
        expect(creates > 0 ? 1 : 0).toBe(!deleting && claimed < replicas ? 1 : 0);
        expect(deletes).toBe(deleting ? 0 : Math.max(0, claimed - replicas));
        const status = sent.find((m) => m.subresource === "status")?.body.status;
        // replicas is always written, the other counts only when not zero (omitempty)
        const { replicas: r, fullyLabeledReplicas: f, readyReplicas: rd, availableReplicas: a } = status;
        expect({ r, f, rd, a }).toEqual({ r: claimed, f: fully || undefined, rd: ready || undefined, a: ready || undefined });
      }
    }), { numRuns: 150 });
  });
});
