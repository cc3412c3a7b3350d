// The control plane's Leases as a kind cluster shows them (`kubectl get leases -n kube-system`, the
// docs' concepts/architecture/leases page): kube-apiserver's identity Lease named from its host
// (genericapiserver NewConfig: sha256 over the length-prefixed hostname and "kube-apiserver", base32),
// labelled as labelAPIServerHeartbeatFunc labels it and renewed every 10 s; kube-controller-manager's
// and kube-scheduler's leader-election Leases (client-go tools/leaderelection: LeaseDuration 15 s,
// renewed every RetryPeriod of 2 s, taken over only once another holder's record has gone
// unchanged for a lease duration, leaseTransitions counting the take-overs).

import { execSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, until, type Served } from "../../test/serve-helpers.js";

let s: Served;
const bin = findKubectl();
const leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
const get = async (name: string) => JSON.parse((await raw(s, "GET", `${leases}/${name}`, { token: s.cluster.adminToken })).body);
// the identity computed apart from podflow: the cryptobyte fields through openssl and coreutils' base32
const identityOf = (host: string) =>
  `apiserver-${execSync(`printf '\\000\\${host.length.toString(8).padStart(3, "0")}${host}\\000\\016kube-apiserver' | openssl dgst -sha256 -binary | head -c 16 | base32 | tr -d '=' | tr 'A-Z' 'a-z'`, { encoding: "utf8" }).trim()}`;

beforeAll(async () => {
  s = await serve({ nodes: 1, leases: true });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

describe("the control plane's Leases in kube-system", () => {
  it("kubectl lists kube-apiserver's identity Lease and the two leader-election Leases, each held by its component on the control-plane node", async () => {
    if (!bin) throw new Error("kubectl is not on PATH");
    const id = identityOf("node-1");
    const r = await until(async () => {
      const out = await kubectl(bin, s.kubeconfigPath, ["get", "leases", "-n", "kube-system", "-o", "custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity", "--no-headers"]);
      return out.out.split("\n").filter(Boolean).length === 3 ? out.out : undefined;
    }, 20_000);
    const rows = (r ?? "").trim().split("\n").map((l) => l.trim().split(/\s+/));
    expect(rows.map((x) => x[0])).toEqual([id, "kube-controller-manager", "kube-scheduler"]);
    const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    expect(rows[0]![1]).toMatch(new RegExp(`^${id}_${uuid}$`));
    expect(rows[1]![1]).toMatch(new RegExp(`^node-1_${uuid}$`));
    expect(rows[2]![1]).toMatch(new RegExp(`^node-1_${uuid}$`));
    const identity = await kubectl(bin, s.kubeconfigPath, ["get", "lease", "-n", "kube-system", "-l", "apiserver.kubernetes.io/identity=kube-apiserver", "-o", "jsonpath={.items[*].metadata.name} {.items[*].metadata.labels.kubernetes\\.io/hostname}"]);
    expect(identity.out).toBe(`${id} node-1`);
  }, 40_000);

  it("the identity Lease lasts an hour and carries no acquire time; a leader's record has every field, renewed every 2 s", async () => {
    const apiserver = await get(identityOf("node-1"));
    expect(Object.keys(apiserver.spec).sort()).toEqual(["holderIdentity", "leaseDurationSeconds", "renewTime"]);
    expect(apiserver.spec.leaseDurationSeconds).toBe(3600);
    const kcm = await get("kube-controller-manager");
    expect(kcm.spec).toMatchObject({ leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(kcm.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(kcm.spec.acquireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const later = await until(async () => {
      const l = await get("kube-controller-manager");
      return Date.parse(l.spec.renewTime) - Date.parse(kcm.spec.renewTime) >= 4_000 ? l : undefined;
    }, 10_000);
    // renewed by the fast path: the same holder and acquire time, a later renewTime
    expect(later).toMatchObject({ spec: { holderIdentity: kcm.spec.holderIdentity, acquireTime: kcm.spec.acquireTime, leaseTransitions: 0 } });
    expect(later.metadata.managedFields.map((f: any) => f.manager)).toEqual(["kube-controller-manager"]);
  }, 30_000);

  it("a Lease another holder took is left alone until that record has gone unchanged for its duration, then taken back, leaseTransitions counting the take-over", async () => {
    // the scheduler renews every 2 s: a PUT made between its renewals is a 409, and is made again
    const put = await until(async () => {
      const mine = await get("kube-scheduler");
      const other = { ...mine, spec: { ...mine.spec, holderIdentity: "other-host_1", leaseTransitions: 5 } };
      const r = await raw(s, "PUT", `${leases}/kube-scheduler`, { token: s.cluster.adminToken, body: JSON.stringify(other) });
      return r.code === 200 ? { r, mine } : undefined;
    }, 10_000);
    expect(put).toBeDefined();
    const mine = put!.mine;
    const takenAt = Date.parse(JSON.parse(put!.r.body).spec.renewTime);
    // within the 15 s lease duration the scheduler does not write it (only the taker's record stands)
    await new Promise((r) => setTimeout(r, 800));
    expect((await get("kube-scheduler")).spec.holderIdentity).toBe("other-host_1");
    const back = await until(async () => {
      const l = await get("kube-scheduler");
      return l.spec.holderIdentity === mine.spec.holderIdentity ? l : undefined;
    }, 15_000);
    expect(back?.spec.leaseTransitions).toBe(6);
    expect(Date.parse(back.spec.acquireTime) - takenAt).toBeGreaterThanOrEqual(15_000);
  }, 40_000);
});
