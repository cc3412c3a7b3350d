// storage.k8s.io/v1 CSIDriver, VolumeAttachment, CSIStorageCapacity and VolumeAttributesClass (GA in
// v1.34) through the real kubectl against `podflow serve`: stored with every verb, defaulted and
// validated as kube-apiserver v1.35 does, printed with its columns.
//
// Expectations: pkg/apis/storage/v1/defaults.go SetDefaults_CSIDriver;
// pkg/apis/storage/validation/validation.go (ValidateCSIDriver(Update), ValidateVolumeAttachment(V1,
// Update), ValidateCSIStorageCapacity(Update), ValidateVolumeAttributesClass(Update));
// pkg/registry/storage/*/strategy.go (a VolumeAttachment's status cleared on create and kept by
// spec writes, a CSIDriver's generation bumped by a spec change); pkg/printers/internalversion/
// printers.go (printCSIDriver, printVolumeAttachment, printCSIStorageCapacity — no Age column —
// and printVolumeAttributesClass).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("the CSI storage kinds with the real kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const get = (path: string) => raw(s, "GET", path, { token: s.cluster.adminToken });
  const cells = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s+/));
  const json = async (args: string[]) => JSON.parse((await k([...args, "-o", "json"])).out);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("discovery: the four resources in storage.k8s.io/v1 with every verb, volumeattributesclasses as vac", async () => {
    const list = JSON.parse((await get("/apis/storage.k8s.io/v1")).body);
    const rw = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    for (const [name, kind, namespaced] of [["csidrivers", "CSIDriver", false], ["volumeattachments", "VolumeAttachment", false], ["csistoragecapacities", "CSIStorageCapacity", true], ["volumeattributesclasses", "VolumeAttributesClass", false]] as const) {
      const r = list.resources.find((x: any) => x.name === name);
      expect(r).toMatchObject({ name, kind, namespaced });
      expect([...r.verbs].sort()).toEqual(rw);
    }
    expect(list.resources.some((x: any) => x.name === "volumeattachments/status")).toBe(true);
    const out = (await k(["api-resources", "--api-group=storage.k8s.io"])).out;
    expect(out).toMatch(/^csidrivers\s+storage\.k8s\.io\/v1\s+false\s+CSIDriver$/m);
    expect(out).toMatch(/^csistoragecapacities\s+storage\.k8s\.io\/v1\s+true\s+CSIStorageCapacity$/m);
    expect(out).toMatch(/^volumeattachments\s+storage\.k8s\.io\/v1\s+false\s+VolumeAttachment$/m);
    expect(out).toMatch(/^volumeattributesclasses\s+vac\s+storage\.k8s\.io\/v1\s+false\s+VolumeAttributesClass$/m);
  });

  it("a CSIDriver is stored with SetDefaults_CSIDriver's defaults, printed by printCSIDriver, its spec changes bump the generation", async () => {
    const r = await k(["apply", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata:\n  name: hostpath.csi.k8s.io\nspec: {}\n");
    expect(r.code, r.err).toBe(0);
    const o = await json(["get", "csidriver", "hostpath.csi.k8s.io"]);
    expect(o.spec).toEqual({ attachRequired: true, podInfoOnMount: false, storageCapacity: false, fsGroupPolicy: "ReadWriteOnceWithFSType", volumeLifecycleModes: ["Persistent"], requiresRepublish: false, seLinuxMount: false });
    expect(o.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(o.metadata.creationTimestamp).toMatch(/Z$/);
    // the strategy sets no generation on create
    expect(o.metadata.generation).toBeUndefined();
    const rows = cells((await k(["get", "csidrivers"])).out);
    expect(rows[0]).toEqual(["NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY", "TOKENREQUESTS", "REQUIRESREPUBLISH", "MODES", "AGE"]);
    expect(rows[1]!.slice(0, 7)).toEqual(["hostpath.csi.k8s.io", "true", "false", "false", "<unset>", "false", "Persistent"]);
    // podInfoOnMount and the token requests are mutable
    const p = await k(["patch", "csidriver", "hostpath.csi.k8s.io", "--type=merge", "-p", '{"spec":{"podInfoOnMount":true,"tokenRequests":[{"audience":"a"},{"audience":"b","expirationSeconds":3600}]}}']);
    expect(p.code, p.err).toBe(0);
    const after = await json(["get", "csidriver", "hostpath.csi.k8s.io"]);
    expect(after.metadata.generation).toBe(1);
    expect(cells((await k(["get", "csidriver", "hostpath.csi.k8s.io", "--no-headers"])).out)[0]!.slice(0, 7)).toEqual(["hostpath.csi.k8s.io", "true", "true", "false", "a,b", "false", "Persistent"]);
  });

  it("a CSIDriver's bad values are refused by ValidateCSIDriver(Update) and nothing is stored", async () => {
    const bad = await k(["create", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata:\n  name: bad.csi.k8s.io\nspec:\n  fsGroupPolicy: Bogus\n  volumeLifecycleModes: [Persistent, Sometimes]\n  tokenRequests: [{audience: x, expirationSeconds: 60}, {audience: x}]\n  nodeAllocatableUpdatePeriodSeconds: 5\n");
    expect(bad.code).not.toBe(0);
    // kubectl lists an Invalid's causes one per line
    expect(bad.err).toContain('The CSIDriver "bad.csi.k8s.io" is invalid: \n* spec.fsGroupPolicy');
    expect(bad.err).toContain('spec.fsGroupPolicy: Unsupported value: "Bogus": supported values: "File", "None", "ReadWriteOnceWithFSType"');
    expect(bad.err).toContain("spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes");
    expect(bad.err).toContain('spec.tokenRequests[1].audience: Duplicate value: "x"');
    expect(bad.err).toContain('spec.volumeLifecycleModes: Unsupported value: "Sometimes": supported values: "Persistent", "Ephemeral"');
    expect(bad.err).toContain("spec.nodeAllocatableUpdatePeriodSeconds: Invalid value: 5: must be greater than or equal to 10 seconds");
    expect((await k(["get", "csidriver", "bad.csi.k8s.io"])).code).not.toBe(0);
    const imm = await k(["patch", "csidriver", "hostpath.csi.k8s.io", "--type=merge", "-p", '{"spec":{"attachRequired":false,"volumeLifecycleModes":["Ephemeral"]}}']);
    expect(imm.code).not.toBe(0);
    expect(imm.err).toContain("spec.attachedRequired: Invalid value: false: field is immutable");
    expect(imm.err).toContain('spec.volumeLifecycleModes: Invalid value: ["Ephemeral"]: field is immutable');
  });

  it("a VolumeAttachment's status is cleared on create, written through status, its spec read-only; printVolumeAttachment's columns", async () => {
    const va = "apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata:\n  name: csi-abc\nspec:\n  attacher: hostpath.csi.k8s.io\n  nodeName: kind-worker\n  source:\n    persistentVolumeName: pv-1\nstatus:\n  attached: true\n";
    const c = await k(["create", "-f", "-"], va);
    expect(c.code, c.err).toBe(0);
    const o = await json(["get", "volumeattachment", "csi-abc"]);
    expect(o.status).toEqual({ attached: false });
    let rows = cells((await k(["get", "volumeattachments"])).out);
    expect(rows[0]).toEqual(["NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"]);
    expect(rows[1]!.slice(0, 5)).toEqual(["csi-abc", "hostpath.csi.k8s.io", "pv-1", "kind-worker", "false"]);
    const st = await k(["patch", "volumeattachment", "csi-abc", "--subresource=status", "--type=merge", "-p", '{"status":{"attached":true,"attachmentMetadata":{"devicePath":"/dev/sdb"}}}']);
    expect(st.code, st.err).toBe(0);
    rows = cells((await k(["get", "volumeattachments", "--no-headers"])).out);
    expect(rows[0]!.slice(0, 5)).toEqual(["csi-abc", "hostpath.csi.k8s.io", "pv-1", "kind-worker", "true"]);
    // a main-resource write keeps the stored status
    const lab = await k(["label", "volumeattachment", "csi-abc", "team=storage"]);
    expect(lab.code, lab.err).toBe(0);
    expect((await json(["get", "volumeattachment", "csi-abc"])).status).toEqual({ attached: true, attachmentMetadata: { devicePath: "/dev/sdb" } });
    const imm = await k(["patch", "volumeattachment", "csi-abc", "--type=merge", "-p", '{"spec":{"nodeName":"other"}}']);
    expect(imm.code).not.toBe(0);
    // the internal spec type has no json tags: json.Marshal prints its Go field names
    expect(imm.err).toContain('spec: Invalid value: {"Attacher":"hostpath.csi.k8s.io","Source":{"PersistentVolumeName":"pv-1","InlineVolumeSpec":null},"NodeName":"other"}: field is immutable');
    const bad = await k(["create", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata:\n  name: csi-bad\nspec:\n  attacher: Not_A_Driver\n  nodeName: kind-worker\n  source: {}\n");
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName");
    expect(bad.err).toContain('spec.attacher: Invalid value: "Not_A_Driver": a lowercase RFC 1123 subdomain');
    const inline = await k(["create", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata:\n  name: csi-inline\nspec:\n  attacher: hostpath.csi.k8s.io\n  nodeName: kind-worker\n  source:\n    inlineVolumeSpec:\n      accessModes: [ReadWriteOnce]\n      capacity: {storage: 1Gi}\n      hostPath: {path: /tmp}\n");
    expect(inline.code).not.toBe(0);
    expect(inline.err).toContain("spec.source.inlineVolumeSpec.capacity: Forbidden: may not be specified in the context of inline volumes");
    expect(inline.err).toContain("spec.source.inlineVolumeSpec.csi: Required value: has to be specified in the context of inline volumes");
    expect((await k(["delete", "volumeattachment", "csi-abc"])).code).toBe(0);
    expect((await k(["get", "volumeattachment", "csi-abc"])).code).not.toBe(0);
  });

  it("a CSIStorageCapacity is namespaced, printed without an Age, its class and topology immutable, its capacity non-negative", async () => {
    const cap = "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata:\n  name: csisc-1\n  namespace: default\nstorageClassName: standard\nnodeTopology:\n  matchLabels: {topology.kubernetes.io/zone: z1}\ncapacity: 1024Mi\n";
    const c = await k(["apply", "-f", "-"], cap);
    expect(c.code, c.err).toBe(0);
    const rows = cells((await k(["get", "csistoragecapacities"])).out);
    expect(rows).toEqual([["NAME", "STORAGECLASSNAME", "CAPACITY"], ["csisc-1", "standard", "1Gi"]]);
    const none = await k(["create", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata:\n  name: csisc-2\n  namespace: default\nstorageClassName: standard\n");
    expect(none.code, none.err).toBe(0);
    expect(cells((await k(["get", "csistoragecapacity", "csisc-2", "--no-headers"])).out)).toEqual([["csisc-2", "standard", "<unset>"]]);
    const imm = await k(["patch", "csistoragecapacity", "csisc-1", "--type=merge", "-p", '{"storageClassName":"other","nodeTopology":{"matchLabels":{"topology.kubernetes.io/zone":"z2"}}}']);
    expect(imm.code).not.toBe(0);
    expect(imm.err).toContain('nodeTopology: Invalid value: {"matchLabels":{"topology.kubernetes.io/zone":"z2"}}: field is immutable');
    expect(imm.err).toContain('storageClassName: Invalid value: "other": field is immutable');
    // the capacity itself may change (a driver reports it)
    expect((await k(["patch", "csistoragecapacity", "csisc-1", "--type=merge", "-p", '{"capacity":"2Gi"}'])).code).toBe(0);
    const neg = await k(["create", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata:\n  name: csisc-3\n  namespace: default\nstorageClassName: standard\ncapacity: -1\n");
    expect(neg.code).not.toBe(0);
    expect(neg.err).toContain('The CSIStorageCapacity "csisc-3" is invalid: capacity: Invalid value: "-1": must be greater than or equal to 0');
    // the Status itself: the group-qualified kind, the aggregate message and one cause per error
    const body = JSON.stringify({ apiVersion: "storage.k8s.io/v1", kind: "CSIStorageCapacity", metadata: { name: "csisc-4" }, storageClassName: "Not_A_Class", capacity: "-2Gi" });
    const st = await raw(s, "POST", "/apis/storage.k8s.io/v1/namespaces/default/csistoragecapacities", { token: s.cluster.adminToken, body, headers: { "Content-Type": "application/json" } });
    expect(st.code).toBe(422);
    const status = JSON.parse(st.body);
    expect(status.reason).toBe("Invalid");
    expect(status.message).toMatch(/^CSIStorageCapacity\.storage\.k8s\.io "csisc-4" is invalid: \[storageClassName: Invalid value: "Not_A_Class": a lowercase RFC 1123 subdomain .*, capacity: Invalid value: "-2Gi": must be greater than or equal to 0\]$/);
    expect(status.details.causes.map((c: any) => [c.reason, c.field])).toEqual([["FieldValueInvalid", "storageClassName"], ["FieldValueInvalid", "capacity"]]);
  });

  it("a VolumeAttributesClass (kubectl get vac) needs a driver and a parameter, and neither changes", async () => {
    const v = await k(["apply", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: VolumeAttributesClass\nmetadata:\n  name: gold\ndriverName: pd.csi.storage.gke.io\nparameters:\n  iops: \"3000\"\n");
    expect(v.code, v.err).toBe(0);
    const rows = cells((await k(["get", "vac"])).out);
    expect(rows[0]).toEqual(["NAME", "DRIVERNAME", "AGE"]);
    expect(rows[1]!.slice(0, 2)).toEqual(["gold", "pd.csi.storage.gke.io"]);
    const empty = await k(["create", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: VolumeAttributesClass\nmetadata:\n  name: silver\ndriverName: \"\"\n");
    expect(empty.code).not.toBe(0);
    expect(empty.err).toContain('The VolumeAttributesClass "silver" is invalid: \n* driverName: Required value\n* parameters: Required value: must contain at least one key/value pair\n');
    const upd = await k(["patch", "vac", "gold", "--type=merge", "-p", '{"driverName":"other.csi.io","parameters":{"iops":"6000"}}']);
    expect(upd.code).not.toBe(0);
    expect(upd.err).toContain("* driverName: Forbidden: updates to driverName are forbidden.\n* parameters: Forbidden: updates to parameters are forbidden.\n");
    // labels may change
    expect((await k(["label", "vac", "gold", "tier=1"])).code).toBe(0);
    expect((await k(["delete", "vac", "gold"])).code).toBe(0);
  });

  it("every kind is watched: a watch from a list's resourceVersion sees a create and a delete", async () => {
    const list = JSON.parse((await get("/apis/storage.k8s.io/v1/csidrivers")).body);
    const rv = list.metadata.resourceVersion;
    expect((await k(["apply", "-f", "-"], "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata:\n  name: watched.csi.k8s.io\nspec: {attachRequired: false}\n")).code).toBe(0);
    expect((await k(["delete", "csidriver", "watched.csi.k8s.io"])).code).toBe(0);
    const w = await get(`/apis/storage.k8s.io/v1/csidrivers?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    const events = w.body.trim().split("\n").map((l) => JSON.parse(l)).filter((e) => e.object?.metadata?.name === "watched.csi.k8s.io");
    expect(events.map((e) => e.type)).toEqual(["ADDED", "DELETED"]);
    expect(events[0].object.spec.attachRequired).toBe(false);
  });
});
