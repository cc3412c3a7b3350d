// The sixteenth hostile round, each answer checked against kube-apiserver 1.35's source: what a
// node's own credentials may still do past the Node authorizer, as NodeRestriction
// (plugin/pkg/admission/noderestriction/admission.go) refuses it: relabel its Node into the
// node-restriction.kubernetes.io namespace or with kubernetes.io labels no kubelet sets, mint a
// service account token bound to no pod or to another node's pod, ask a kubelet signer for another
// node's certificate, evict another node's pod (refused as an eviction, not as the delete behind
// it), change a pod's resource claim statuses; a watch's bookmarks (never below an event sent) and
// sendInitialEvents=false (no state first); and the ServiceAccount plugin's mountable secrets
// (plugin/pkg/admission/serviceaccount/admission.go, CVE-2023-2728 and CVE-2024-3177): an account
// annotated kubernetes.io/enforce-mountable-secrets limits its pods, their envFrom and their
// ephemeral containers to its own secrets, and a mirror pod references none.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const nodeOne = { "Impersonate-User": "system:node:node-1", "Impersonate-Group": "system:nodes" };
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, contentType = "application/json") => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: { ...(text !== undefined ? { "Content-Type": contentType } : {}), ...headers } });
};
const asNode = (method: string, path: string, body?: unknown, contentType?: string) => send(method, path, body, nodeOne, contentType);
const status = (r: { body: string }) => JSON.parse(r.body);
const forbidden = (message: string, name: string, kind: string, group?: string) => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Forbidden",
  details: { name, ...(group ? { group } : {}), kind }, code: 403,
});

beforeAll(async () => {
  s = await serve({ nodes: 2 });
  for (const [name, node] of [["here", "node-1"], ["there", "node-2"]]) {
    expect((await send("POST", `${ns}/pods`, { metadata: { name }, spec: { nodeName: node, containers: [{ name: "c", image: "nginx" }] } })).code).toBe(201);
  }
  expect((await send("POST", `${ns}/serviceaccounts`, { metadata: { name: "strict", annotations: { "kubernetes.io/enforce-mountable-secrets": "true" } }, secrets: [{ name: "allowed" }], imagePullSecrets: [{ name: "registry" }] })).code).toBe(201);
  for (const name of ["allowed", "other"]) expect((await send("POST", `${ns}/secrets`, { metadata: { name }, stringData: { k: "v" } })).code).toBe(201);
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

// admitNode on update: getModifiedLabels, then getForbiddenLabels (k8s.io/api/core/v1 KubeletLabels and KubeletLabelNamespaces)
describe("a node relabelling its own Node, as NodeRestriction's admitNode judges an update", () => {
  it("a node-restriction.kubernetes.io label, or a kubernetes.io one no kubelet sets, is Forbidden, listed sorted; nothing changes", async () => {
    const before = status(await send("GET", "/api/v1/nodes/node-1"));
    const labels = { "node-restriction.kubernetes.io/dedicated": "db", "node-role.kubernetes.io/control-plane": "", "example.k8s.io/x": "1", "topology.kubernetes.io/zone": "a" };
    const r = await asNode("PATCH", "/api/v1/nodes/node-1", { metadata: { labels } }, "application/merge-patch+json");
    expect([r.code, status(r)]).toEqual([403, forbidden('nodes "node-1" is forbidden: is not allowed to modify labels: example.k8s.io/x, node-restriction.kubernetes.io/dedicated, node-role.kubernetes.io/control-plane', "node-1", "nodes")]);
    const after = status(await send("GET", "/api/v1/nodes/node-1"));
    expect(after.metadata.labels).toEqual(before.metadata.labels);
  });

  it("removing a kubernetes.io label the kubelet does not own is a modification too", async () => {
    const set = await send("PATCH", "/api/v1/nodes/node-1", { metadata: { labels: { "node-role.kubernetes.io/worker": "" } } }, {}, "application/merge-patch+json");
    expect(set.code).toBe(200);
    const r = await asNode("PATCH", "/api/v1/nodes/node-1", { metadata: { labels: { "node-role.kubernetes.io/worker": null } } }, "application/merge-patch+json");
    expect([r.code, status(r).message]).toEqual([403, 'nodes "node-1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker']);
    expect(status(await send("GET", "/api/v1/nodes/node-1")).metadata.labels).toHaveProperty(["node-role.kubernetes.io/worker"], "");
  });

  it("the kubelet's own labels and namespaces, and labels outside kubernetes.io and k8s.io, are the node's to set", async () => {
    const labels = { "topology.kubernetes.io/zone": "a", "node.kubernetes.io/instance-type": "m5", "team.kubelet.kubernetes.io/x": "1", "example.com/gpu": "true" };
    const r = await asNode("PATCH", "/api/v1/nodes/node-1", { metadata: { labels } }, "application/merge-patch+json");
    expect(r.code).toBe(200);
    expect(status(r).metadata.labels).toMatchObject(labels);
  });
});

// admitPodStatus: resourceClaimStatusesEqual ("statues" is the plugin's own spelling)
describe("a node's pod status write that changes resourceClaimStatuses", () => {
  it("is Forbidden for its own pod, before validation looks at the claims, and nothing changes", async () => {
    const r = await asNode("PATCH", `${ns}/pods/here/status`, { status: { resourceClaimStatuses: [{ name: "gpu", resourceClaimName: "stolen" }] } }, "application/merge-patch+json");
    expect([r.code, status(r)]).toEqual([403, forbidden('pods "here" is forbidden: node "node-1" cannot update resource claim statues', "here", "pods")]);
    expect(status(await send("GET", `${ns}/pods/here`)).status.resourceClaimStatuses).toBeUndefined();
  });
});

// admitServiceAccount: a node's TokenRequest is bound to a pod, by uid, scheduled on that node
describe("a node's TokenRequest, as NodeRestriction's admitServiceAccount judges it", () => {
  const token = (boundObjectRef?: unknown) => asNode("POST", `${ns}/serviceaccounts/default/token`, { spec: { audiences: ["https://kubernetes.default.svc.cluster.local"], ...(boundObjectRef ? { boundObjectRef } : {}) } });
  const uidOf = async (pod: string) => status(await send("GET", `${ns}/pods/${pod}`)).metadata.uid as string;

  it("a token bound to nothing, or to a Secret, is Forbidden: node requested token not bound to a pod", async () => {
    for (const ref of [undefined, { apiVersion: "v1", kind: "Secret", name: "allowed" }, { apiVersion: "v1", kind: "Pod", name: "" }]) {
      const r = await token(ref);
      expect([r.code, status(r)], JSON.stringify(ref)).toEqual([403, forbidden('serviceaccounts "default" is forbidden: node requested token not bound to a pod', "default", "serviceaccounts")]);
    }
  });

  it("a pod binding without a uid is Forbidden, even for the node's own pod", async () => {
    const r = await token({ apiVersion: "v1", kind: "Pod", name: "here" });
    expect([r.code, status(r).message]).toEqual([403, 'serviceaccounts "default" is forbidden: node requested token with a pod binding without a uid']);
  });

  it("another node's pod is Forbidden; a wrong uid is admission's 403 (it runs before TokenREST's 409)", async () => {
    const other = await token({ apiVersion: "v1", kind: "Pod", name: "there", uid: await uidOf("there") });
    expect([other.code, status(other).message]).toEqual([403, 'serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node']);
    const stale = await token({ apiVersion: "v1", kind: "Pod", name: "here", uid: "0000" });
    expect([stale.code, status(stale).message]).toEqual([403, 'serviceaccounts "default" is forbidden: the UID in the bound object reference (0000) does not match the UID in record. The object might have been deleted and then recreated']);
  });

  it("the node's own pod by name and uid gets its token", async () => {
    const r = await token({ apiVersion: "v1", kind: "Pod", name: "here", uid: await uidOf("here") });
    expect(r.code).toBe(201);
    expect(status(r).status.token).toMatch(/^ey/);
  });
});

// admitCSR (AllowInsecureKubeletCertificateSigningRequests: deprecated, false since 1.31)
describe("a node's CertificateSigningRequest to a kubelet signer, as NodeRestriction's admitCSR judges it", () => {
  const dir = mkdtempSync(join(tmpdir(), "podflow-h16-"));
  const csrFor = (cn: string) => {
    const key = join(dir, `${cn.replace(/\W/g, "_")}.key`);
    const out = `${key}.csr`;
    execFileSync("openssl", ["ecparam", "-genkey", "-name", "prime256v1", "-out", key], { stdio: "ignore" });
    execFileSync("openssl", ["req", "-new", "-key", key, "-out", out, "-subj", `/O=system:nodes/CN=${cn}`], { stdio: "ignore" });
    return readFileSync(out).toString("base64");
  };
  const csr = (name: string, signerName: string, request: string) => asNode("POST", "/apis/certificates.k8s.io/v1/certificatesigningrequests", { metadata: { name }, spec: { signerName, request, usages: ["digital signature", "client auth"] } });

  it("another node's CN is Forbidden for both kubelet signers, and no request is stored", async () => {
    const request = csrFor("system:node:node-2");
    for (const [name, signer] of [["as-two", "kubernetes.io/kube-apiserver-client-kubelet"], ["as-two-serving", "kubernetes.io/kubelet-serving"]]) {
      const r = await csr(name, signer, request);
      expect([r.code, status(r)], signer).toEqual([403, forbidden(`certificatesigningrequests.certificates.k8s.io "${name}" is forbidden: can only create a node CSR with CN=system:node:node-1`, name, "certificatesigningrequests", "certificates.k8s.io")]);
      expect((await send("GET", `/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}`)).code).toBe(404);
    }
  });

  it("a request that is no PEM is refused by admission, before validation's 422", async () => {
    const r = await csr("junk", "kubernetes.io/kube-apiserver-client-kubelet", Buffer.from("not a csr").toString("base64"));
    expect([r.code, status(r).message]).toEqual([403, 'certificatesigningrequests.certificates.k8s.io "junk" is forbidden: unable to parse csr: PEM block type must be CERTIFICATE REQUEST']);
  });

  it("the node's own CN is created", async () => {
    expect((await csr("mine", "kubernetes.io/kube-apiserver-client-kubelet", csrFor("system:node:node-1"))).code).toBe(201);
  });
});

// limitSecretReferences, limitEphemeralContainerSecretReferences, the mirror pod checks of Validate
describe("an account that enforces mountable secrets (ServiceAccount admission's Validate)", () => {
  const pod = (name: string, spec: Record<string, unknown>) => send("POST", `${ns}/pods`, { metadata: { name }, spec: { serviceAccountName: "strict", ...spec } });
  const c = (extra: Record<string, unknown> = {}) => ({ name: "app", image: "nginx", ...extra });
  const refusedPods: Array<[string, Record<string, unknown>, string]> = [
    ["env-from", { containers: [c({ envFrom: [{ secretRef: { name: "other" } }] })] }, 'container app with envFrom referencing secret.secretName="other" is not allowed because service account strict does not reference that secret'],
    ["env-var", { containers: [c({ env: [{ name: "K", valueFrom: { secretKeyRef: { name: "other", key: "k" } } }] })] }, 'container app with envVar K referencing secret.secretName="other" is not allowed because service account strict does not reference that secret'],
    ["init-from", { initContainers: [{ name: "init", image: "busybox", envFrom: [{ secretRef: { name: "other" } }] }], containers: [c()] }, 'init container init with envFrom referencing secret.secretName="other" is not allowed because service account strict does not reference that secret'],
    ["volume", { volumes: [{ name: "v", secret: { secretName: "other" } }], containers: [c()] }, 'volume with secret.secretName="other" is not allowed because service account strict does not reference that secret'],
    ["pull", { imagePullSecrets: [{ name: "registry" }, { name: "elsewhere" }], containers: [c()] }, 'imagePullSecrets[1].name="elsewhere" is not allowed because service account strict does not reference that imagePullSecret'],
  ];

  it("a pod naming a secret the account does not list, by envFrom (CVE-2024-3177), env, an init container, a volume or a pull secret, is Forbidden and not stored", async () => {
    for (const [name, spec, message] of refusedPods) {
      const r = await pod(name, spec);
      expect([r.code, status(r)], name).toEqual([403, forbidden(`pods "${name}" is forbidden: ${message}`, name, "pods")]);
      expect((await send("GET", `${ns}/pods/${name}`)).code, name).toBe(404);
    }
  });

  it("Admit ends in Validate: an invalid pod naming another secret is the plugin's 403, not validation's 422", async () => {
    const r = await pod("Invalid_Name", { containers: [c({ envFrom: [{ secretRef: { name: "other" } }] })] });
    expect([r.code, status(r).message]).toEqual([403, 'pods "Invalid_Name" is forbidden: container app with envFrom referencing secret.secretName="other" is not allowed because service account strict does not reference that secret']);
    // the same pod naming the account's secret is validation's to refuse
    expect((await pod("Invalid_Name", { containers: [c({ envFrom: [{ secretRef: { name: "allowed" } }] })] })).code).toBe(422);
  });

  it("the account's own secrets are allowed", async () => {
    const r = await pod("listed", { volumes: [{ name: "v", secret: { secretName: "allowed" } }], containers: [c({ envFrom: [{ secretRef: { name: "allowed" } }] })] });
    expect(r.code).toBe(201);
  });

  it("an ephemeral container naming another secret (CVE-2023-2728): the plugin's plain error, a 500 without a reason, and the pod keeps none", async () => {
    const r = await send("PATCH", `${ns}/pods/listed/ephemeralcontainers`, { spec: { ephemeralContainers: [{ name: "debug", image: "busybox", envFrom: [{ secretRef: { name: "other" } }] }] } }, {}, "application/strategic-merge-patch+json");
    expect([r.code, status(r)]).toEqual([500, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'ephemeral container debug with envFrom referencing secret.secretName="other" is not allowed because service account strict does not reference that secret', code: 500 }]);
    expect(status(await send("GET", `${ns}/pods/listed`)).spec.ephemeralContainers).toBeUndefined();
  });

  it("a mirror pod may reference no account, secret or token projection: Admit validates it at once, before the pod's own validation", async () => {
    const mirror = (name: string, spec: Record<string, unknown>) => send("POST", `${ns}/pods`, { metadata: { name, annotations: { "kubernetes.io/config.mirror": "x" } }, spec: { nodeName: "node-1", ...spec } });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["mirror-account", { serviceAccountName: "default", containers: [c()] }, "a mirror pod may not reference service accounts"],
      ["mirror-secret", { containers: [c({ envFrom: [{ secretRef: { name: "allowed" } }] })] }, "a mirror pod may not reference secrets"],
      ["mirror-pull", { imagePullSecrets: [{ name: "registry" }], containers: [c()] }, "a mirror pod may not reference secrets"],
      // validation would refuse this projection without an account (422); admission speaks first
      ["mirror-token", { volumes: [{ name: "t", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }], containers: [c()] }, "a mirror pod may not use ServiceAccountToken volume projections"],
    ];
    for (const [name, spec, message] of cases) {
      const r = await mirror(name, spec);
      expect([r.code, status(r)], name).toEqual([403, forbidden(`pods "${name}" is forbidden: ${message}`, name, "pods")]);
      expect((await send("GET", `${ns}/pods/${name}`)).code, name).toBe(404);
    }
  });

  it("a node's mirror pod naming a secret is the ServiceAccount plugin's refusal, which runs before NodeRestriction's owner checks", async () => {
    const body = { metadata: { name: "static-web", annotations: { "kubernetes.io/config.mirror": "x" } }, spec: { nodeName: "node-1", containers: [c({ envFrom: [{ secretRef: { name: "allowed" } }] })] } };
    const r = await asNode("POST", `${ns}/pods`, body);
    expect([r.code, status(r)]).toEqual([403, forbidden('pods "static-web" is forbidden: a mirror pod may not reference secrets', "static-web", "pods")]);
    const clean = await asNode("POST", `${ns}/pods`, { ...body, spec: { nodeName: "node-1", containers: [c()] } });
    expect([clean.code, status(clean).message]).toEqual([403, 'pods "static-web" is forbidden: node "node-1" can only create pods with an owner reference set to itself']);
  });

  it("setting the annotation warns that it is deprecated (serviceaccount strategy), on create and when an update adds it", async () => {
    const warning = '299 - "metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets"';
    const created = await send("POST", `${ns}/serviceaccounts`, { metadata: { name: "annotated", annotations: { "kubernetes.io/enforce-mountable-secrets": "false" } } });
    expect([created.code, created.headers.warning]).toEqual([201, warning]);
    const kept = await send("PATCH", `${ns}/serviceaccounts/annotated`, { metadata: { labels: { a: "b" } } }, {}, "application/merge-patch+json");
    expect([kept.code, kept.headers.warning]).toEqual([200, undefined]);
    expect((await send("POST", `${ns}/serviceaccounts`, { metadata: { name: "plain" } })).code).toBe(201);
    const added = await send("PATCH", `${ns}/serviceaccounts/plain`, { metadata: { annotations: { "kubernetes.io/enforce-mountable-secrets": "true" } } }, {}, "application/merge-patch+json");
    expect([added.code, added.headers.warning]).toEqual([200, warning]);
  });
});

/** The events of a watch that ends by its own timeoutSeconds, with a write made once it is open. */
async function watchEvents(path: string, during?: () => Promise<unknown>): Promise<Array<{ type: string; rv: string; name?: string }>> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.server.url), { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}` } }, (res) => {
      // the headers come once the watch is registered at its starting revision: the write follows it
      if (during) void during();
      let text = "";
      res.on("data", (d: Buffer) => (text += d));
      res.on("end", () => resolve(text.split("\n").filter(Boolean).map((l) => JSON.parse(l)).map((e) => ({ type: e.type, rv: e.object.metadata.resourceVersion, name: e.object.metadata.name }))));
    });
    req.on("error", reject);
    req.end();
  });
}

// staging/src/k8s.io/apiserver/pkg/storage/cacher: getWatchCacheResourceVersion, getAllEventsSinceLocked, and the bookmark's getListResourceVersion
describe("a watch's start and its bookmarks, as the watch cache serves them", () => {
  it("sendInitialEvents=false with no revision, or 0, starts at the current revision: no state first, only what is written after", async () => {
    for (const rv of ["", "&resourceVersion=0"]) {
      const name = `late${rv === "" ? "-a" : "-b"}`;
      const events = await watchEvents(`${ns}/configmaps?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&timeoutSeconds=2${rv}`, () => send("POST", `${ns}/configmaps`, { metadata: { name } }));
      expect(events.map((e) => `${e.type} ${e.name}`), rv).toEqual([`ADDED ${name}`]);
    }
  });

  it("a bookmark never carries a revision below an event the watch already sent (the legacy watch's state comes in key order)", async () => {
    // a ConfigMap sorted before kube-root-ca.crt, written after it: the state's last event is the older one
    expect((await send("POST", `${ns}/configmaps`, { metadata: { name: "aaa-newest" } })).code).toBe(201);
    const events = await watchEvents(`${ns}/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=2`);
    const highest = events.filter((e) => e.type === "ADDED").reduce((m, e) => (BigInt(e.rv) > m ? BigInt(e.rv) : m), 0n);
    const bookmarks = events.filter((e) => e.type === "BOOKMARK");
    expect(bookmarks.length).toBeGreaterThan(0);
    for (const b of bookmarks) expect(BigInt(b.rv) >= highest, `bookmark at ${b.rv}, an event at ${highest}`).toBe(true);
  });
});

// admitPodEviction judges the Eviction; EvictionREST's own status write and delete pass no admission
describe("a node evicting another node's pod", () => {
  it("is refused in admitPodEviction's words (unquoted node), dry run or not, and the pod stays", async () => {
    for (const dry of [false, true]) {
      const body = { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "there" }, ...(dry ? { deleteOptions: { dryRun: ["All"] } } : {}) };
      const r = await asNode("POST", `${ns}/pods/there/eviction`, body);
      expect([r.code, status(r)], `dry run ${dry}`).toEqual([403, forbidden('pods "there" is forbidden: node node-1 can only evict pods with spec.nodeName set to itself', "there", "pods")]);
    }
    const pod = status(await send("GET", `${ns}/pods/there`));
    expect([pod.metadata.deletionTimestamp, (pod.status.conditions ?? []).some((c: any) => c.type === "DisruptionTarget")]).toEqual([undefined, false]);
  });
});
