// "Accessing the Kubernetes API from a Pod" (docs/tasks/run-application/access-api-from-pod) with the
// real kubectl against `podflow serve`: the ServiceAccount admission plugin's kube-api-access volume
// (plugin/pkg/admission/serviceaccount/admission.go) holds the kubelet's bound token (TokenRequest,
// pkg/volume/projected), the cluster CA and the namespace; curl reaches kubernetes.default.svc through
// the Service and kube-proxy, and the API server authenticates (pkg/serviceaccount/claims.go) and
// authorizes (RBAC) the pod's token as any other client's.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const SA = "/var/run/secrets/kubernetes.io/serviceaccount";
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));

// a long-running image with curl (Debian's), as the page's "kubectl run" pod
const pod = (name: string, extra = "") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${extra}  containers:
  - name: main
    image: curlimages/curl:8.14.1
    command: ["sleep", "3600"]
`;

describe("accessing the API from a pod against podflow serve", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input !== undefined ? { input } : {});
  const running = (name: string) => until(async () => (await k(["get", "pod", name, "-o", "jsonpath={.status.phase}"])).out === "Running", 60_000);
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    expect(bin, "kubectl is not on PATH").toBeDefined();
    expect((await k(["apply", "-f", "-"], pod("api-client"))).code).toBe(0);
    expect(await running("api-client")).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("the kube-api-access volume: namespace, ca.crt (serve's CA) and a bound token with Kubernetes' claims", async () => {
    expect((await k(["exec", "api-client", "--", "cat", `${SA}/namespace`])).out).toBe("default");
    expect((await k(["exec", "api-client", "--", "cat", `${SA}/ca.crt`])).out).toBe(s.server.caCert);
    const token = (await k(["exec", "api-client", "--", "cat", `${SA}/token`])).out;
    const p = JSON.parse((await k(["get", "pod", "api-client", "-o", "json"])).out);
    const node = JSON.parse((await k(["get", "node", p.spec.nodeName, "-o", "json"])).out);
    const sa = JSON.parse((await k(["get", "serviceaccount", "default", "-o", "json"])).out);
    const c = claimsOf(token);
    expect(c.aud).toEqual(["https://kubernetes.default.svc.cluster.local"]);
    expect(c.sub).toBe("system:serviceaccount:default:default");
    // claims.go: pod, node and service account refs; warnafter for the extended 3607 s token
    expect(c["kubernetes.io"]).toEqual({
      namespace: "default",
      node: { name: p.spec.nodeName, uid: node.metadata.uid },
      pod: { name: "api-client", uid: p.metadata.uid },
      serviceaccount: { name: "default", uid: sa.metadata.uid },
      warnafter: c.iat + 3607,
    });
    // token.go: a pod-bound token asked for 3607 s lives a year (ExpirationExtensionSeconds)
    expect(c.exp - c.iat).toBe(24 * 365 * 60 * 60);
    const vol = p.spec.volumes.find((v: any) => v.name.startsWith("kube-api-access-"));
    expect(vol.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(p.spec.containers[0].volumeMounts).toEqual([{ name: vol.name, readOnly: true, mountPath: SA }]);
  });

  it("curl with the token and the CA to kubernetes.default.svc/api answers APIVersions; forbidden requests get RBAC's 403 until a RoleBinding", async () => {
    const curl = (path: string) => k(["exec", "api-client", "--", "sh", "-c", `TOKEN=$(cat ${SA}/token); curl -s --cacert ${SA}/ca.crt --header "Authorization: Bearer $TOKEN" -X GET https://kubernetes.default.svc${path}`]);
    const api = JSON.parse((await curl("/api")).out);
    expect(api.kind).toBe("APIVersions");
    expect(api.versions).toEqual(["v1"]);
    expect(api.serverAddressByClientCIDRs[0].clientCIDR).toBe("0.0.0.0/0");
    const denied = JSON.parse((await curl("/api/v1/namespaces/default/pods")).out);
    expect(denied).toMatchObject({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403, details: { kind: "pods" } });
    expect(denied.message).toBe('pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"');
    expect((await k(["create", "role", "pod-reader", "--verb=get,list", "--resource=pods"])).code).toBe(0);
    expect((await k(["create", "rolebinding", "read-pods", "--role=pod-reader", "--serviceaccount=default:default"])).code).toBe(0);
    const list = await until(async () => {
      const r = JSON.parse((await curl("/api/v1/namespaces/default/pods")).out);
      return r.kind === "PodList" ? r : undefined;
    }, 20_000);
    expect(list.items.map((i: any) => i.metadata.name)).toContain("api-client");
  });

  it("without the CA curl refuses the server's certificate; without a token the request is anonymous", async () => {
    const noCA = await k(["exec", "api-client", "--", "curl", "-sS", "https://kubernetes.default.svc/api"]);
    expect(noCA.code).toBe(60);
    // the verifier's own words follow (podflow's server sends its CA in the chain: "self-signed certificate in certificate chain")
    expect(noCA.err).toMatch(/^curl: \(60\) SSL certificate problem: /);
    const anon = JSON.parse((await k(["exec", "api-client", "--", "curl", "-s", "--cacert", `${SA}/ca.crt`, "https://kubernetes.default.svc/api/v1/namespaces"])).out);
    expect(anon.message).toBe('namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope');
  });

  it("TokenReview names the pod and node; the token is refused once the pod is deleted", async () => {
    expect((await k(["apply", "-f", "-"], pod("short-lived"))).code).toBe(0);
    expect(await running("short-lived")).toBe(true);
    const token = (await k(["exec", "short-lived", "--", "cat", `${SA}/token`])).out;
    const p = JSON.parse((await k(["get", "pod", "short-lived", "-o", "json"])).out);
    const node = JSON.parse((await k(["get", "node", p.spec.nodeName, "-o", "json"])).out);
    const review = { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } };
    const r = JSON.parse((await k(["create", "-f", "-", "-o", "json"], JSON.stringify(review))).out);
    expect(r.status.authenticated).toBe(true);
    expect(r.status.user.username).toBe("system:serviceaccount:default:default");
    expect(r.status.user.extra["authentication.kubernetes.io/pod-name"]).toEqual(["short-lived"]);
    expect(r.status.user.extra["authentication.kubernetes.io/pod-uid"]).toEqual([p.metadata.uid]);
    expect(r.status.user.extra["authentication.kubernetes.io/node-name"]).toEqual([p.spec.nodeName]);
    expect(r.status.user.extra["authentication.kubernetes.io/node-uid"]).toEqual([node.metadata.uid]);
    expect((await raw(s, "GET", "/api", { token })).code).toBe(200);
    expect((await k(["delete", "pod", "short-lived", "--grace-period=0", "--force"])).code).toBe(0);
    // claims.go: a deleted bound pod invalidates the token (past go-jose's one-minute leeway on a deletion still pending; at once once it is gone)
    const after = await until(async () => {
      const again = JSON.parse((await k(["create", "-f", "-", "-o", "json"], JSON.stringify(review))).out);
      return again.status.authenticated ? undefined : again;
    }, 30_000);
    // the union authenticator's aggregate names the service account validator's refusal
    expect(after.status.error).toContain("service account token has been invalidated");
    expect((await raw(s, "GET", "/api", { token })).code).toBe(401);
  });

  it("automountServiceAccountToken: false on the pod, or on the account (the pod's own true wins), decides the volume", async () => {
    expect((await k(["apply", "-f", "-"], pod("no-token", "  automountServiceAccountToken: false\n"))).code).toBe(0);
    const plain = JSON.parse((await k(["get", "pod", "no-token", "-o", "json"])).out);
    expect(plain.spec.volumes ?? []).toEqual([]);
    expect(plain.spec.containers[0].volumeMounts).toBeUndefined();
    expect((await k(["apply", "-f", "-"], "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: quiet\nautomountServiceAccountToken: false\n")).code).toBe(0);
    expect((await k(["apply", "-f", "-"], pod("quiet-pod", "  serviceAccountName: quiet\n"))).code).toBe(0);
    expect(JSON.parse((await k(["get", "pod", "quiet-pod", "-o", "json"])).out).spec.volumes ?? []).toEqual([]);
    expect((await k(["apply", "-f", "-"], pod("loud-pod", "  serviceAccountName: quiet\n  automountServiceAccountToken: true\n"))).code).toBe(0);
    const loud = JSON.parse((await k(["get", "pod", "loud-pod", "-o", "json"])).out);
    expect(loud.spec.volumes.map((v: any) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-/)]);
    expect(await running("loud-pod")).toBe(true);
    const c = claimsOf((await k(["exec", "loud-pod", "--", "cat", `${SA}/token`])).out);
    expect(c.sub).toBe("system:serviceaccount:default:quiet");
  });
});
