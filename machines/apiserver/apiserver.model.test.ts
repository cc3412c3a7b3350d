import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { apiServerMachine } from "./apiserver.machine.js";
import type { ApiServerContext } from "./apiserver.logic.js";
import { mutate } from "./admission/index.js";
import { validateCreate } from "./validation/index.js";
import { resourceFor } from "./resources.js";
import * as S from "./status.js";
import { rfc3339 } from "../common/time.js";
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from "./auth/bootstrap.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The clients' side: requests stamped as the runtime delivers them, under the token file's identities.
const NOW = 1_700_000_000_000;
const tokens = new Map([
  ["admin-token", { name: "admin", groups: ["system:masters", "system:authenticated"] }],
  ["scheduler-token", { name: "system:kube-scheduler", groups: ["system:authenticated"] }],
  ["proxy-token", { name: "system:kube-proxy", groups: ["system:authenticated"] }],
]);
const input = { tokens, seed: 7 };
const podsR = resourceFor("", "pods")!;
const podBody = (name: string, containers: object[]) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers } });
const pods = { group: "", resource: "pods", namespace: "default" };
const req = (from: string, id: number, token: string, rest: object) => ({ type: "ApiRequest", id, token, ...pods, ...rest, from, now: NOW });
const requests = {
  create: req("kubectl", 11, "admin-token", { verb: "create", body: podBody("web", [{ name: "c", image: "nginx:1.27" }]) }),
  createInvalid: req("kubectl", 12, "admin-token", { verb: "create", body: podBody("broken", []) }),
  get: req("kubectl", 13, "admin-token", { verb: "get", name: "web" }),
  stolen: req("kubectl", 14, "stolen-token", { verb: "get", name: "web" }),
  forbidden: req("kube-proxy/node-1", 15, "proxy-token", { verb: "delete", name: "web" }),
  bind: req("scheduler", 16, "scheduler-token", { verb: "create", name: "web", subresource: "binding", body: { apiVersion: "v1", kind: "Binding", metadata: { name: "web", namespace: "default" }, target: { apiVersion: "v1", kind: "Node", name: "node-1" } } }),
  delete: req("kubectl", 17, "admin-token", { verb: "delete", name: "web" }),
};
const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "default", uid: "ns-uid", creationTimestamp: rfc3339(NOW) }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } };
// The namespace's default ServiceAccount, as its controller keeps it (else admission waits for it).
const defaultAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: "default", uid: "sa-uid", creationTimestamp: rfc3339(NOW) } };
const startupList = {
  type: "RangeResponse", id: 1, revision: 1, from: "etcd", now: NOW,
  kvs: [
    { key: "/registry/namespaces/default", value: namespace, createRevision: 1, modRevision: 1, version: 1 },
    { key: "/registry/serviceaccounts/default/default", value: defaultAccount, createRevision: 1, modRevision: 1, version: 1 },
    // the bootstrap RBAC policy, as the rbac/bootstrap-roles post-start hook stored it
    ...[...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()].map((o) => ({
      key: `/registry/${o.kind === "ClusterRole" ? "clusterroles" : "clusterrolebindings"}/${o.metadata.name}`,
      value: { ...o, metadata: { ...o.metadata, uid: `${o.metadata.name}-uid`, creationTimestamp: rfc3339(NOW) } }, createRevision: 1, modRevision: 1, version: 1,
    })),
  ],
};
const etcd = (e: object) => ({ ...e, from: "etcd", now: NOW });
// Bounds the graph: create/delete cycles would otherwise raise the revision for ever.
const MAX_REVISION = 5;

/** Whether the write in flight is already in the watch cache (etcd committed it and its watch delivered it). */
function committed(ctx: ApiServerContext): boolean {
  const cur = ctx.current!;
  const cached = ctx.cache.objects.get(cur.key!);
  if (cur.op === "delete") return cached === undefined;
  return cached !== undefined && cached.metadata.resourceVersion !== cur.old?.metadata.resourceVersion;
}

/** The watch event etcd sends for the Txn in flight, at the next revision. */
function watchOfTxn(ctx: ApiServerContext): object {
  const cur = ctx.current!;
  const rev = ctx.cache.revision + 1;
  const { resourceVersion: _, ...meta } = cur.obj.metadata;
  const kv = { key: cur.key!, value: { ...cur.obj, metadata: meta }, createRevision: cur.old ? Number(cur.old.metadata.resourceVersion) : rev, modRevision: rev, version: 1 };
  return etcd({ type: "WatchResponse", watchId: 1, events: [cur.op === "delete" ? { type: "DELETE", kv: { ...kv, value: undefined } } : { type: "PUT", kv }] });
}

/** What etcd and the clients could send next. */
function nextEvents(value: string, ctx: ApiServerContext): any[] {
  if (value === "starting") return [startupList];
  const clients = ctx.cache.revision < MAX_REVISION ? Object.values(requests) : [];
  if (value === "idle") return clients;
  if (value !== "persisting") return [];
  const id = ctx.current!.txnId!;
  const out: any[] = ctx.backlog.size === 0 && ctx.cache.revision < MAX_REVISION ? [requests.get] : [];
  if (committed(ctx)) out.push(etcd({ type: "TxnResponse", id, succeeded: true, revision: ctx.cache.revision }));
  else out.push(watchOfTxn(ctx), etcd({ type: "TxnResponse", id, succeeded: false, revision: ctx.cache.revision }));
  return out;
}

const abstract = (ctx: ApiServerContext) => ({
  objects: [...ctx.cache.objects].filter(([k]) => k.startsWith("/registry/pods/")).map(([k, o]) => [k, o.metadata.resourceVersion, o.spec?.nodeName ?? null, o.metadata.deletionTimestamp ?? null]),
  current: ctx.current ? [ctx.current.req.id, ctx.current.op ?? null] : null,
  backlog: ctx.backlog.toArray().map((r) => r.id),
});

/** The pod prepareCreate hands to admission, then what defaulting and admission make of it. */
// What kube-apiserver's field manager records for admin's create of that pod: every field the
// decoded, defaulted pod sets, for the requester (no fieldManager, no User-Agent: the identity).
const createdFields = {
  "f:spec": {
    "f:containers": {
      'k:{"name":"c"}': { ".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:resources": {}, "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {} },
    },
    "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {}, "f:terminationGracePeriodSeconds": {},
  },
};

function admitted(body: any, uid: string): any {
  const managedFields = body.spec.containers.length > 0 ? [{ manager: "admin", operation: "Update", apiVersion: "v1", time: rfc3339(NOW), fieldsType: "FieldsV1", fieldsV1: createdFields }] : undefined;
  const prepared = { ...body, metadata: { ...body.metadata, namespace: "default", uid, creationTimestamp: rfc3339(NOW), generation: 1, ...(managedFields ? { managedFields } : {}) } };
  return mutate(prepared, { now: rfc3339(NOW), operation: "CREATE", priorityClasses: new Map(), serviceAccounts: (ns, name) => (ns === "default" && name === "default" ? defaultAccount : undefined) });
}

const fail = (to: string, id: number, status: any) => ({ to, msg: { type: "ApiResponse", id, ok: false, code: status.code, status } });
const okReply = (to: string, id: number, code: number, object: any) => ({ to, msg: { type: "ApiResponse", id, ok: true, code, object } });
const stripRv = (o: any) => { const { resourceVersion: _, ...metadata } = o.metadata; return { ...o, metadata }; };

/** Which of the requests above this is (the context holds copies). */
const nameOf = (r: any) => Object.entries(requests).find(([, q]) => q.id === r.id)![0];

/**
 * What the pipeline sends for a request taken from idle, judged from the cache it saw: a reply, or
 * the one compare-and-swap Txn that persists the write. `sent` supplies the Txn's server-drawn uid.
 */
function expectedForRequest(r: any, prev: ApiServerContext, sent: any[]): any[] {
  const key = "/registry/pods/default/web";
  const old = prev.cache.objects.get(key);
  const txn = (compare: object[], success: object[]) => [{ to: "etcd", msg: { type: "Txn", id: prev.nextEtcdId, compare, success, failure: [] } }];
  const existing = [{ key, target: "mod", result: "=", value: Number(old?.metadata.resourceVersion) }];
  switch (nameOf(r)) {
    case "stolen": return [fail(r.from, r.id, S.unauthorized())];
    case "forbidden": return [fail(r.from, r.id, S.forbidden("system:kube-proxy", "delete", podsR, "default", "web"))];
    case "get": return old ? [okReply(r.from, r.id, 200, old)] : [fail(r.from, r.id, S.notFound(podsR, "web"))];
    case "createInvalid": {
      const errs = validateCreate(admitted(r.body, "any-uid"));
      expect(errs.length).toBeGreaterThan(0);
      return [fail(r.from, r.id, S.invalid(podsR, "broken", errs))];
    }
    case "create": {
      // a taken name is storage's to find (store.go Create): the Txn goes, and etcd refuses it
      const uid = sent[0]?.msg.success?.[0]?.value?.metadata?.uid;
      expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const value = admitted(r.body, uid);
      expect(validateCreate(value)).toEqual([]);
      return txn([{ key, target: "version", result: "=", value: 0 }], [{ type: "put", key, value }]);
    }
    case "bind": {
      if (!old) return [fail(r.from, r.id, S.notFound(podsR, "web"))];
      const bindingR = { ...podsR, resource: "pods/binding" };
      if (old.metadata.deletionTimestamp) return [fail(r.from, r.id, S.conflict(bindingR, "web", "pod web is being deleted, cannot be assigned to a host"))];
      if (old.spec.nodeName) return [fail(r.from, r.id, S.conflict(bindingR, "web", `pod web is already assigned to node "${old.spec.nodeName}"`))];
      const conditions = [...(old.status?.conditions ?? []).filter((c: any) => c.type !== "PodScheduled"), { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(NOW) }];
      return txn(existing, [{ type: "put", key, value: stripRv({ ...old, spec: { ...old.spec, nodeName: "node-1" }, status: { ...old.status, conditions } }) }]);
    }
    case "delete": {
      if (!old) return [fail(r.from, r.id, S.notFound(podsR, "web"))];
      // A terminating pod's second delete with the same grace changes nothing and is answered at once.
      if (old.metadata.deletionTimestamp) return [okReply(r.from, r.id, 200, old)];
      // An unscheduled pod has nothing to stop on a node: it goes at once; a bound one waits its 30 s grace.
      if (!old.spec.nodeName) return txn(existing, [{ type: "delete", key }]);
      const marked = { ...old, metadata: { ...old.metadata, deletionTimestamp: rfc3339(NOW + 30_000), deletionGracePeriodSeconds: 30 } };
      return txn(existing, [{ type: "put", key, value: stripRv(marked) }]);
    }
  }
  throw new Error(`no expectation for request ${r.id}`);
}

/** A create's AlreadyExists, "object is being deleted: " first when what holds the name is being deleted. */
function taken(prev: ApiServerContext): S.Status {
  const st = S.alreadyExists(podsR, "web");
  return prev.cache.objects.get("/registry/pods/default/web")?.metadata.deletionTimestamp ? { ...st, message: `object is being deleted: ${st.message}` } : st;
}

/** The reply to the write in flight once etcd answers its Txn. */
function expectedForTxn(ev: any, prev: ApiServerContext, ctx: ApiServerContext): any {
  const r = prev.current!.req as any;
  // etcd3's Create reports a taken key as KeyExists (AlreadyExists); an update's failed compare is a Conflict.
  if (!ev.succeeded) return fail(r.from, r.id, nameOf(r) === "create" ? taken(prev) : S.conflict(podsR, "web"));
  if (nameOf(r) === "create") return okReply(r.from, r.id, 201, ctx.cache.objects.get("/registry/pods/default/web"));
  if (nameOf(r) === "bind") return okReply(r.from, r.id, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
  return okReply(r.from, r.id, 200, prev.current!.op === "delete" ? prev.current!.obj : ctx.cache.objects.get("/registry/pods/default/web"));
}

describe("apiserver machine paths (model-based)", () => {
  const model = modelFor(apiServerMachine, input, (s: any) => nextEvents(s.value, s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition each reply and each etcd Txn is what validation, admission and the Status builders give for the cache the request saw", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(30);
    const kinds = new Set<string>();
    for (const path of paths) {
      let prev: ApiServerContext | undefined;
      replay(apiServerMachine, input, path, abstract, (ev, ctx: ApiServerContext, emitted) => {
        const sent = emitted.flatMap((e) => e.send);
        let expected: any[];
        if (ev.type === "xstate.init") expected = [{ to: "etcd", msg: { type: "Range", id: 1, key: "/registry/", prefix: true } }];
        else if (ev.type === "RangeResponse") expected = [{ to: "etcd", msg: { type: "Watch", watchId: 1, prefix: "/registry/", startRevision: 2 } }];
        // Nobody watches pods here, so applying etcd's watch fans out nothing.
        else if (ev.type === "WatchResponse") expected = [];
        else if (ev.type === "ApiRequest") expected = prev!.current ? [] : expectedForRequest(ev, prev!, sent);
        else {
          expected = [expectedForTxn(ev, prev!, ctx)];
          // A get queued behind the write is served from the cache as the write left it.
          if (prev!.backlog.size > 0) expected.push(...expectedForRequest(prev!.backlog.first(), ctx, []));
        }
        expect(sent).toEqual(expected);
        for (const s of sent) kinds.add(s.msg.type === "ApiResponse" ? `${s.msg.code}` : s.msg.type);
        // Between events only a write waiting on etcd stays in flight.
        if (ctx.current) expect(ctx.current.txnId).toBe(ctx.nextEtcdId - 1);
        // the context is a value: the next step leaves this one as it is
        prev = ctx;
      });
    }
    // Every outcome the requests can have was reached: OK, Created, the refusals and the Txn.
    expect([...kinds].sort()).toEqual(["200", "201", "401", "403", "404", "409", "422", "Range", "Txn", "Watch"]);
  });

  it("a write whose compare fails at etcd is refused word for word: an update with the optimistic-lock Conflict, a create with AlreadyExists", () => {
    const conflicted = paths.filter((p) => p.steps.some((s) => s.event.type === "TxnResponse" && !s.event.succeeded));
    expect(conflicted.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const path of conflicted) {
      const actor = createActor(apiServerMachine, { input });
      const replies: any[] = [];
      actor.on("effects", (e: any) => void replies.push(...e.send.map((x: any) => x.msg)));
      actor.start();
      for (const s of path.steps.slice(1)) {
        const failing = s.event.type === "TxnResponse" && !(s.event as any).succeeded;
        const req = failing ? actor.getSnapshot().context.current?.req : undefined;
        replies.length = 0;
        actor.send(s.event);
        if (!failing) continue;
        const create = nameOf(req) === "create";
        seen.add(create ? "create" : "update");
        const reply = replies.find((m) => m.type === "ApiResponse" && m.id === req.id);
        expect(reply).toMatchObject({ type: "ApiResponse", ok: false, code: 409 });
        expect(reply.status).toEqual(create
          ? { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "AlreadyExists", code: 409, message: 'pods "web" already exists', details: { name: "web", kind: "pods" } }
          : {
            kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Conflict", code: 409,
            message: 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
            details: { name: "web", kind: "pods" },
          });
      }
    }
    expect([...seen].sort()).toEqual(["create", "update"]);
  });
});
