// The fifteenth hostile round, each answer checked against kube-apiserver 1.35's source: exec,
// attach and portforward authorized twice, as the authorization filter authorizes the verb of the
// method (a WebSocket's GET is get, SPDY's POST create) and the pod Connecters then check create
// themselves (ensureAuthorizedForVerb behind AuthorizePodWebsocketUpgradeCreatePermission, beta and
// on by default since 1.35), so neither get alone nor create alone opens a stream over a WebSocket;
// an exec or attach asking for no stream refused by the kubelet's NewOptions; a subresource create
// whose body names another namespace (createHandler), or an Eviction naming another pod, refused.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import WebSocket from "ws";
import { raw, serve, until, type Served } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: { ...(text !== undefined ? { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) } : {}), ...headers } });
};
const status = (r: { body: string }) => JSON.parse(r.body);
const subresources = ["pods/exec", "pods/attach", "pods/portforward"];

beforeAll(async () => {
  s = await serve({ nodes: 1 });
  const pod = { metadata: { name: "box" }, spec: { containers: [{ name: "box", image: "busybox", command: ["sleep", "3600"] }] } };
  expect((await admin("POST", `${ns}/pods`, pod)).code).toBe(201);
  for (const [role, verb] of [["exec-get", "get"], ["exec-create", "create"]] as const) {
    expect((await admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", { metadata: { name: role }, rules: [{ apiGroups: [""], resources: subresources, verbs: [verb] }] })).code).toBe(201);
  }
  const bind = async (name: string, role: string, user: string) =>
    expect((await admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", { metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role }, subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }] })).code).toBe(201);
  await bind("getter", "exec-get", "getter");
  await bind("creator", "exec-create", "creator");
  await bind("both-get", "exec-get", "both");
  await bind("both-create", "exec-create", "both");
  const up = await until(async () => s.cluster.get("Pod", "box", "default")?.status?.containerStatuses?.[0]?.state?.running, 20_000);
  expect(up, "box should be running").toBeTruthy();
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

/**
 * Opens a WebSocket as the admin acting as `user` (the admin may impersonate anyone). ws's client
 * takes only RFC 7230 tokens as subprotocols: port-forward's, which has a "/", is sent as a header.
 */
function open(path: string, protocols: string[], user: string): WebSocket {
  const url = s.server.url.replace(/^https/, "wss") + path;
  const tokens = protocols.every((p) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p));
  return new WebSocket(url, tokens ? protocols : [], { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}`, "Impersonate-User": user, ...(tokens ? {} : { "Sec-WebSocket-Protocol": protocols.join(", ") }) } });
}

/** A WebSocket's outcome: the refused handshake's status and body, or the frames per channel and the close code. */
function outcome(ws: WebSocket): Promise<{ unexpected?: number; body?: string; channels: Map<number, Buffer[]>; code?: number }> {
  return new Promise((resolve) => {
    const channels = new Map<number, Buffer[]>();
    ws.on("message", (d: Buffer) => channels.set(d[0]!, [...(channels.get(d[0]!) ?? []), d.subarray(1)]));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", () => resolve({ unexpected: res.statusCode ?? 0, body, channels }));
    });
    ws.on("error", () => undefined);
    ws.on("close", (code) => resolve({ channels, code }));
  });
}

const paths: Array<[string, string, string[]]> = [
  ["exec", `${ns}/pods/box/exec?command=echo&command=hi&stdout=true`, ["v5.channel.k8s.io"]],
  ["attach", `${ns}/pods/box/attach?stdout=true`, ["v5.channel.k8s.io"]],
  ["portforward", `${ns}/pods/box/portforward?ports=80`, ["SPDY/3.1+portforward.k8s.io"]],
];

// pkg/registry/core/pod/rest/subresources.go (ExecREST, AttachREST, PortForwardREST Connect) and
// authorize.go (ensureAuthorizedForVerb; authorize_test.go: `pods "my-pod" is forbidden: no reason`)
describe("exec, attach and portforward over a WebSocket need get and create", () => {
  it("get alone passes the filter; Connect's own create check is NewForbidden with the authorizer's reason, empty under RBAC", async () => {
    for (const [sub, path, protocols] of paths) {
      const r = await outcome(open(path, protocols, "getter"));
      expect([sub, r.unexpected], sub).toEqual([sub, 403]);
      // NewForbidden(requestInfo's group and resource, name, errors.New(reason)): RBAC's no-opinion reason is ""
      expect(JSON.parse(r.body!), sub).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'pods "box" is forbidden: ', reason: "Forbidden", details: { name: "box", kind: "pods" }, code: 403 });
    }
  });

  it("the create check comes before the pod is looked up: a missing pod is the same 403, not a 404", async () => {
    const r = await outcome(open(`${ns}/pods/nope/exec?command=ls&stdout=true`, ["v5.channel.k8s.io"], "getter"));
    expect([r.unexpected, JSON.parse(r.body!).message]).toEqual([403, 'pods "nope" is forbidden: ']);
  });

  it("ConnectResource refuses dryRun before Connect runs: get alone is told 400", async () => {
    const r = await outcome(open(`${ns}/pods/box/exec?command=ls&stdout=true&dryRun=All`, ["v5.channel.k8s.io"], "getter"));
    expect([r.unexpected, JSON.parse(r.body!).message]).toEqual([400, "dryRun is not supported"]);
  });

  it("create alone does not pass the filter, which authorizes a GET as get: RBAC's words, and nothing runs", async () => {
    for (const [sub, path, protocols] of paths) {
      const r = await outcome(open(path, protocols, "creator"));
      expect([sub, r.unexpected], sub).toEqual([sub, 403]);
      expect(JSON.parse(r.body!).message, sub).toBe(`pods "box" is forbidden: User "creator" cannot get resource "pods/${sub}" in API group "" in the namespace "default"`);
      expect(r.channels.size).toBe(0);
    }
  });

  it("a POST (SPDY's upgrade) is create already: create alone passes both checks and reaches the upgrade", async () => {
    const r = await admin("POST", `${ns}/pods/box/exec?command=ls&stdout=true`, undefined, { "Impersonate-User": "creator" });
    expect([r.code, status(r).message]).toEqual([400, "Upgrade request required"]);
    const g = await admin("POST", `${ns}/pods/box/exec?command=ls&stdout=true`, undefined, { "Impersonate-User": "getter" });
    expect([g.code, status(g).message]).toEqual([403, 'pods "box" is forbidden: User "getter" cannot create resource "pods/exec" in API group "" in the namespace "default"']);
  });

  it("get and create together run the command", async () => {
    const r = await outcome(open(paths[0]![1], ["v5.channel.k8s.io"], "both"));
    expect(r.code).toBe(1000);
    expect(Buffer.concat(r.channels.get(1) ?? []).toString()).toBe("hi\n");
    expect(JSON.parse(Buffer.concat(r.channels.get(3) ?? []).toString())).toEqual({ metadata: {}, status: "Success" });
  });
});

// pkg/kubelet/server/server.go (getExec, getAttach: remotecommandserver.NewOptions before
// GetPodByName, its error written by WriteError with 400); the API server's stream translator
// (v5) reports the kubelet's refusal of the SPDY upgrade as an InternalError on the error channel,
// an older protocol is proxied and gets the kubelet's answer as it is
describe("an exec or attach that asks for no stream is refused by the kubelet (remotecommand NewOptions)", () => {
  const refusal = "you must specify at least 1 of stdin, stdout, stderr";
  const asAdmin = (path: string, protocols: string[]) => new WebSocket(s.server.url.replace(/^https/, "wss") + path, protocols, { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}` } });

  it("v5: the upgrade is made, the ready frame goes on the error channel, then the InternalError; nothing runs", async () => {
    for (const path of [`${ns}/pods/box/exec?command=touch&command=/ran`, `${ns}/pods/box/attach`]) {
      const r = await outcome(asAdmin(path, ["v5.channel.k8s.io"]));
      const frames = r.channels.get(3) ?? [];
      expect([path, frames[0]?.length], path).toEqual([path, 0]);
      expect(JSON.parse(Buffer.concat(frames.slice(1)).toString()), path).toEqual({
        metadata: {}, status: "Failure", message: `Internal error occurred: unable to upgrade connection: ${refusal}`,
        reason: "InternalError", details: { causes: [{ message: `unable to upgrade connection: ${refusal}` }] }, code: 500,
      });
    }
    // the command never ran: /ran is not there
    const check = await outcome(asAdmin(`${ns}/pods/box/exec?command=ls&command=/ran&stderr=true`, ["v5.channel.k8s.io"]));
    expect(JSON.parse(Buffer.concat(check.channels.get(3) ?? []).toString()).reason).toBe("NonZeroExitCode");
  });

  it("v4: the kubelet's 400 and its text are the handshake's answer; a terminal's stderr is dropped first, so it alone is no stream", async () => {
    for (const path of [`${ns}/pods/box/exec?command=ls`, `${ns}/pods/box/exec?command=ls&tty=true&stderr=true`]) {
      const r = await outcome(asAdmin(path, ["v4.channel.k8s.io"]));
      expect([path, r.unexpected, r.body]).toEqual([path, 400, refusal]);
    }
  });
});

// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go (createHandler runs
// EnsureObjectNamespaceMatchesRequestNamespace on every create, a subresource's included, before
// the storage's Create) and pkg/registry/core/pod/storage/eviction.go (EvictionREST.Create: the
// Eviction must name the pod of the URL, before the pod is read)
describe("a subresource create's body naming another object or namespace", () => {
  const evict = (pod: string, metadata: unknown, query = "") => admin("POST", `${ns}/pods/${pod}/eviction${query}`, { apiVersion: "policy/v1", kind: "Eviction", metadata });
  const notMatching = "the namespace of the provided object does not match the namespace sent on the request";
  const boxAlive = async () => {
    const pod = status(await admin("GET", `${ns}/pods/box`));
    return pod.metadata.deletionTimestamp === undefined;
  };

  it("an Eviction of another pod, or of none, is 400 and evicts nothing, dry run or not", async () => {
    for (const [metadata, query] of [[{ name: "other" }, ""], [{}, ""], [{ name: "other" }, "?dryRun=All"], [{ name: "Box" }, ""]] as const) {
      const r = await evict("box", metadata, query);
      expect([JSON.stringify(metadata), r.code, status(r).reason, status(r).message]).toEqual([JSON.stringify(metadata), 400, "BadRequest", "name in URL does not match name in Eviction object"]);
    }
    // the name is checked before the pod is read: a missing pod is the same 400
    const missing = await evict("nope", { name: "other" });
    expect([missing.code, status(missing).message]).toEqual([400, "name in URL does not match name in Eviction object"]);
    expect(await boxAlive()).toBe(true);
  });

  it("an Eviction, a Binding or a TokenRequest naming another namespace is createHandler's 400", async () => {
    const eviction = await evict("box", { name: "box", namespace: "kube-system" });
    expect([eviction.code, status(eviction).message]).toEqual([400, notMatching]);
    expect(await boxAlive()).toBe(true);
    const binding = await admin("POST", `${ns}/pods/box/binding`, { apiVersion: "v1", kind: "Binding", metadata: { name: "box", namespace: "kube-system" }, target: { kind: "Node", name: "node-1" } });
    expect([binding.code, status(binding).message]).toEqual([400, notMatching]);
    const token = await admin("POST", `${ns}/serviceaccounts/default/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata: { namespace: "kube-system" }, spec: {} });
    expect([token.code, status(token).reason, status(token).message]).toEqual([400, "BadRequest", notMatching]);
  });

  // createHandler decodes the body into the REST's New() (a policy.Eviction, a core.Binding, an
  // authentication.TokenRequest): another kind fails to convert, an unknown one is not registered,
  // both transformDecodeError's 400 before the pod is read
  it("a body of another kind sent to pods/eviction or pods/binding is a decode 400 and evicts nothing", async () => {
    const cases: [string, unknown, string][] = [
      ["eviction", { apiVersion: "v1", kind: "Pod", metadata: { name: "box" } }, `Pod in version "v1" cannot be handled as a Eviction: converting (v1.Pod) to (policy.Eviction): unknown conversion`],
      ["eviction", { apiVersion: "policy/v1", kind: "DeleteOptions", metadata: { name: "box" } }, `DeleteOptions in version "v1" cannot be handled as a Eviction: converting (v1.DeleteOptions) to (policy.Eviction): unknown conversion`],
      ["eviction", { apiVersion: "v1", kind: "Eviction", metadata: { name: "box" } }, `Eviction in version "v1" cannot be handled as a Eviction: no kind "Eviction" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"`],
      ["eviction", { apiVersion: "apps/v1", kind: "Eviction", metadata: { name: "box" } }, `Eviction in version "v1" cannot be handled as a Eviction: no kind "Eviction" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"`],
      ["binding", { apiVersion: "v1", kind: "Pod", metadata: { name: "box" }, target: { kind: "Node", name: "node-1" } }, `Pod in version "v1" cannot be handled as a Binding: converting (v1.Pod) to (core.Binding): unknown conversion`],
    ];
    for (const [sub, body, message] of cases) {
      const r = await admin("POST", `${ns}/pods/box/${sub}`, body);
      expect([sub, r.code, status(r).reason, status(r).message]).toEqual([sub, 400, "BadRequest", message]);
    }
    const token = await admin("POST", `${ns}/serviceaccounts/default/token`, { apiVersion: "v1", kind: "Secret", metadata: {} });
    expect([token.code, status(token).message]).toEqual([400, `Secret in version "v1" cannot be handled as a TokenRequest: converting (v1.Secret) to (authentication.TokenRequest): unknown conversion`]);
    expect(await boxAlive()).toBe(true);
    // EvictionREST.AcceptsGroupVersion takes policy/v1beta1 as well as policy/v1 (a dry run: nothing evicted)
    const beta = await admin("POST", `${ns}/pods/box/eviction?dryRun=All`, { apiVersion: "policy/v1beta1", kind: "Eviction", metadata: { name: "box" } });
    expect([beta.code, status(beta).status]).toEqual([201, "Success"]);
    expect(await boxAlive()).toBe(true);
  });

  it("the same Eviction with the pod's own name and namespace is taken (a dry run: 201 Success)", async () => {
    const r = await evict("box", { name: "box", namespace: "default" }, "?dryRun=All");
    expect([r.code, status(r).status]).toEqual([201, "Success"]);
    expect(await boxAlive()).toBe(true);
  });
});
