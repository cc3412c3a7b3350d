// Row tables of pkg/printers/internalversion/printers_test.go (v1.35) ported case by case:
// TestPrintHPA, TestPrintService, TestPrintPodDisruptionBudget, TestPrintControllerRevision,
// TestPrintConfigMap, TestPrintNetworkPolicy, TestPrintRoleBinding, TestPrintClusterRoleBinding,
// TestPrintCertificateSigningRequest, TestPrintReplicationController, TestPrintReplicaSet,
// TestPrintStatefulSet, TestPrintPersistentVolume, TestPrintPersistentVolumeClaim,
// TestPrintComponentStatus, TestPrintCronJob, TestPrintStorageClass, TestPrintLease,
// TestPrintPriorityClass, TestPrintRuntimeClass, TestPrintEndpoint, TestPrintEndpointSlice.
// Each row is the Go test's object and the cells it expects. The Go tests put "now + 1.9 s" as the
// creation time (printed 0s) or "now - 300 s" (5m); a missing creation time prints <unknown>.

import { describe, expect, it } from "vitest";
import { tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const soon = new Date(now + 1900).toISOString();
const fiveMin = new Date(now - 300_000).toISOString();
const cells = (kind: string, o: object, wide = false) => tableFor(kind, [o], { now, wide }).rows[0]!.cells;

describe("TestPrintHPA", () => {
  const sel = { matchLabels: { label: "value" } };
  const hpa = (metrics: unknown[] | undefined, currentMetrics: unknown[] | undefined, minReplicas: number | null = 2) => ({
    metadata: { name: "some-hpa" },
    spec: { scaleTargetRef: { name: "some-rc", kind: "ReplicationController" }, minReplicas: minReplicas ?? undefined, maxReplicas: 10, metrics },
    status: { currentReplicas: 4, desiredReplicas: 5, currentMetrics },
  });
  const ext = (target: object, name = "some-external-metric") => ({ type: "External", external: { metric: { name, selector: sel }, target } });
  const extStatus = (current: object) => ({ type: "External", external: { metric: { name: "some-external-metric", selector: sel }, current } });
  const pods = (name: string, averageValue: string) => ({ type: "Pods", pods: { metric: { name }, target: { type: "AverageValue", averageValue } } });
  const podsStatus = (averageValue: string) => ({ type: "Pods", pods: { metric: { name: "some-pods-metric" }, current: { averageValue } } });
  const obj = { type: "Object", object: { describedObject: { name: "some-service", kind: "Service" }, metric: { name: "some-service-metric" }, target: { type: "Value", value: "100m" } } };
  const objStatus = { type: "Object", object: { describedObject: { name: "some-service", kind: "Service" }, metric: { name: "some-service-metric" }, current: { value: "50m" } } };
  const res = (target: object) => ({ type: "Resource", resource: { name: "cpu", target } });
  const resStatus = (current: object) => ({ type: "Resource", resource: { name: "cpu", current } });
  const cres = (target: object, container?: string) => ({ type: "ContainerResource", containerResource: { name: "cpu", container, target } });
  const cresStatus = (current: object) => ({ type: "ContainerResource", containerResource: { name: "cpu", container: "application", current } });
  const avg = { type: "AverageValue", averageValue: "100m" };
  const util = { type: "Utilization", averageUtilization: 80 };
  const rows: [string, object, string, string?][] = [
    ["minReplicas unset", hpa(undefined, undefined, null), "<none>", "<unset>"],
    ["external source type, target average value (no current)", hpa([ext(avg)], undefined), "<unknown>/100m (avg)"],
    ["external source type, target average value", hpa([ext(avg)], [extStatus({ averageValue: "50m" })]), "50m/100m (avg)"],
    ["external source type, target value (no current)", hpa([ext({ type: "Value", value: "100m" }, "some-service-metric")], undefined), "<unknown>/100m"],
    ["external source type, target value", hpa([ext({ type: "Value", value: "100m" })], [{ type: "External", external: { metric: { name: "some-external-metric" }, current: { value: "50m" } } }]), "50m/100m"],
    ["pods source type (no current)", hpa([pods("some-pods-metric", "100m")], undefined), "<unknown>/100m"],
    ["pods source type", hpa([pods("some-pods-metric", "100m")], [podsStatus("50m")]), "50m/100m"],
    ["object source type (no current)", hpa([obj], undefined), "<unknown>/100m"],
    ["object source type", hpa([obj], [objStatus]), "50m/100m"],
    ["resource source type, targetVal (no current)", hpa([res(avg)], undefined), "cpu: <unknown>/100m"],
    ["resource source type, targetVal", hpa([res(avg)], [resStatus({ averageValue: "50m" })]), "cpu: 50m/100m"],
    ["resource source type, targetUtil (no current)", hpa([res(util)], undefined), "cpu: <unknown>/80%"],
    ["resource source type, targetUtil", hpa([res(util)], [resStatus({ averageUtilization: 50, averageValue: "40m" })]), "cpu: 50%/80%"],
    ["container resource source type, targetVal (no current)", hpa([cres(avg, "application")], undefined), "cpu: <unknown>/100m"],
    ["container resource source type, targetVal", hpa([cres(avg)], [cresStatus({ averageValue: "50m" })]), "cpu: 50m/100m"],
    ["container resource source type, targetUtil (no current)", hpa([cres(util, "application")], undefined), "cpu: <unknown>/80%"],
    ["container resource source type, targetUtil", hpa([cres(util)], [cresStatus({ averageUtilization: 50, averageValue: "40m" })]), "cpu: 50%/80%"],
    ["multiple specs", hpa([pods("some-pods-metric", "100m"), res(util), pods("other-pods-metric", "400m")], [podsStatus("50m"), resStatus({ averageUtilization: 50, averageValue: "40m" })]),
      "50m/100m, cpu: 50%/80% + 1 more..."],
  ];
  it.each(rows)("%s", (_n, o, targets, min = "2") =>
    expect(cells("HorizontalPodAutoscaler", o)).toEqual(["some-hpa", "ReplicationController/some-rc", targets, min, 10, 4, "<unknown>"]));
});

describe("TestPrintService", () => {
  const svc = (name: string, spec: object, status: object = {}) => ({ metadata: { name }, spec, status });
  const lb = (externalIPs: string[] | undefined) =>
    ({ type: "LoadBalancer", ports: [{ protocol: "tcp", port: 8888 }], clusterIPs: ["10.9.8.7"], externalIPs });
  const rows: [string, object, boolean, unknown[]][] = [
    ["name, cluster ip, port with protocol; the selector is not printed", svc("test1", { type: "ClusterIP", ports: [{ protocol: "tcp", port: 2233 }], clusterIPs: ["10.9.8.7"], selector: { foo: "bar" } }), false,
      ["test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>"]],
    ["wide includes selectors", svc("test1", { type: "ClusterIP", ports: [{ protocol: "tcp", port: 2233 }], clusterIPs: ["10.9.8.7"], selector: { foo: "bar" } }), true,
      ["test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>", "foo=bar"]],
    ["NodePort service", svc("test2", { type: "NodePort", ports: [{ protocol: "tcp", port: 8888, nodePort: 9999 }], clusterIPs: ["10.9.8.7"] }), false,
      ["test2", "NodePort", "10.9.8.7", "<none>", "8888:9999/tcp", "<unknown>"]],
    ["LoadBalancer service", svc("test3", lb(undefined)), false, ["test3", "LoadBalancer", "10.9.8.7", "<pending>", "8888/tcp", "<unknown>"]],
    ["LoadBalancer with a single ExternalIP and no LoadBalancerStatus", svc("test4", lb(["80.11.12.10"])), false,
      ["test4", "LoadBalancer", "10.9.8.7", "80.11.12.10", "8888/tcp", "<unknown>"]],
    ["LoadBalancer with a single ExternalIP", svc("test5", lb(["80.11.12.10"]), { loadBalancer: { ingress: [{ ip: "3.4.5.6", hostname: "test.cluster.com" }] } }), false,
      ["test5", "LoadBalancer", "10.9.8.7", "3.4.5.6,80.11.12.10", "8888/tcp", "<unknown>"]],
    ["LoadBalancer with several ExternalIPs", svc("test6", lb(["80.11.12.10", "80.11.12.11"]),
      { loadBalancer: { ingress: [{ ip: "2.3.4.5", hostname: "test.cluster.local" }, { ip: "3.4.5.6", hostname: "test.cluster.com" }] } }), false,
      ["test6", "LoadBalancer", "10.9.8.7", "2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11", "8888/tcp", "<unknown>"]],
    ["ExternalName service", svc("test7", { type: "ExternalName", externalName: "my.database.example.com" }), false,
      ["test7", "ExternalName", "<none>", "my.database.example.com", "<none>", "<unknown>"]],
  ];
  it.each(rows)("%s", (_n, o, wide, want) => expect(cells("Service", o, wide)).toEqual(want));
});

describe("TestPrintPodDisruptionBudget", () => {
  it.each([
    ["minAvailable set, no maxUnavailable", { minAvailable: 22 }, ["pdb1", "22", "N/A", 5, "0s"]],
    ["maxUnavailable set, no minAvailable", { maxUnavailable: 11 }, ["pdb1", "N/A", "11", 5, "0s"]],
  ] as const)("%s", (_n, spec, want) =>
    expect(cells("PodDisruptionBudget", { metadata: { namespace: "ns1", name: "pdb1", creationTimestamp: soon }, spec, status: { disruptionsAllowed: 5 } })).toEqual(want));
});

describe("TestPrintControllerRevision", () => {
  const cr = (name: string, ownerReferences: unknown, revision: number) => ({ metadata: { name, creationTimestamp: soon, ownerReferences }, revision });
  it.each([
    ["a controller owner prints as kind.group/name", cr("test1", [{ controller: true, apiVersion: "apps/v1", kind: "DaemonSet", name: "foo" }], 1), ["test1", "daemonset.apps/foo", 1, "0s"]],
    ["an owner that is not the controller is not printed", cr("test2", [{ controller: false, kind: "ABC", name: "foo" }], 2), ["test2", "<none>", 2, "0s"]],
    ["no owners", cr("test3", [], 3), ["test3", "<none>", 3, "0s"]],
    ["nil owners", cr("test4", undefined, 4), ["test4", "<none>", 4, "0s"]],
  ] as const)("%s", (_n, o, want) => expect(cells("ControllerRevision", o)).toEqual(want));
});

describe("TestPrintConfigMap", () => {
  const cm = (name: string, data?: object, binaryData?: object) => ({ metadata: { name, creationTimestamp: soon }, data, binaryData });
  it.each([
    ["no data", cm("configmap1"), ["configmap1", 0, "0s"]],
    ["one data entry", cm("configmap2", { foo: "bar" }), ["configmap2", 1, "0s"]],
    ["one data and one binary data entry", cm("configmap3", { foo: "bar" }, { bin: "YmluYXJ5IGRhdGE=" }), ["configmap3", 2, "0s"]],
  ] as const)("%s", (_n, o, want) => expect(cells("ConfigMap", o)).toEqual(want));
});

describe("TestPrintNetworkPolicy", () => {
  it.each([
    ["an empty spec selects <none>", { metadata: { name: "policy1", creationTimestamp: soon }, spec: {} }, ["policy1", "<none>", "0s"]],
    ["a pod selector", { metadata: { name: "policy2", creationTimestamp: soon }, spec: { podSelector: { matchLabels: { foo: "bar" } } } }, ["policy2", "foo=bar", "0s"]],
  ] as const)("%s", (_n, o, want) => expect(cells("NetworkPolicy", o)).toEqual(want));
});

describe("TestPrintRoleBinding and TestPrintClusterRoleBinding", () => {
  const b = (name: string, subjects: object[], roleName: string) => ({ metadata: { name, creationTimestamp: soon }, subjects, roleRef: { kind: "Role", name: roleName } });
  const basic = b("binding1", [{ kind: "User", name: "system:kube-controller-manager" }], "extension-apiserver-authentication-reader");
  const wide = b("binding2", [{ kind: "User", name: "user-name" }, { kind: "Group", name: "group-name" }, { kind: "ServiceAccount", name: "service-account-name", namespace: "service-account-namespace" }], "role-name");
  it.each(["RoleBinding", "ClusterRoleBinding"])("%s: role, age; wide adds users, groups and service accounts", (kind) => {
    expect(cells(kind, basic)).toEqual(["binding1", "Role/extension-apiserver-authentication-reader", "0s"]);
    expect(cells(kind, wide, true)).toEqual(["binding2", "Role/role-name", "0s", "user-name", "group-name", "service-account-namespace/service-account-name"]);
  });
});

describe("TestPrintCertificateSigningRequest", () => {
  const csr = (name: string, spec: object, status: object) => ({ metadata: { name, creationTimestamp: soon }, spec, status });
  const approved = { conditions: [{ type: "Approved", status: "True" }] };
  it.each([
    ["no spec or status: Pending", csr("csr1", {}, {}), ["csr1", "0s", "<none>", "", "<none>", "Pending"]],
    ["Approved", csr("csr2", { username: "CSR Requestor" }, approved), ["csr2", "0s", "<none>", "CSR Requestor", "<none>", "Approved"]],
    ["signerName set", csr("csr2", { username: "CSR Requestor", signerName: "example.com/test-signer" }, approved), ["csr2", "0s", "example.com/test-signer", "CSR Requestor", "<none>", "Approved"]],
    ["expirationSeconds a little more than a week", csr("csr2", { username: "CSR Requestor", signerName: "example.com/test-signer", expirationSeconds: 7 * 86400 + 3600 }, approved),
      ["csr2", "0s", "example.com/test-signer", "CSR Requestor", "7d1h", "Approved"]],
    ["Approved with a certificate issued", csr("csr2", { username: "CSR Requestor" }, { ...approved, certificate: "Y2VydCBkYXRh" }), ["csr2", "0s", "<none>", "CSR Requestor", "<none>", "Approved,Issued"]],
    ["Denied", csr("csr3", { username: "CSR Requestor" }, { conditions: [{ type: "Denied", status: "True" }] }), ["csr3", "0s", "<none>", "CSR Requestor", "<none>", "Denied"]],
  ] as const)("%s", (_n, o, want) => expect(cells("CertificateSigningRequest", o)).toEqual(want));
});

describe("TestPrintReplicationController", () => {
  const template = { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "test", image: "test_image" }], restartPolicy: "Always" } };
  const rc = (replicas: number, status: object = {}) => ({ metadata: { name: "rc1", namespace: "test-namespace" }, spec: { replicas, selector: { a: "b" }, template }, status });
  it("basic, without replicas or status", () => expect(cells("ReplicationController", rc(0))).toEqual(["rc1", 0, 0, 0, "<unknown>"]));
  it("basic with replicas; no containers or labels", () => expect(cells("ReplicationController", rc(5, { replicas: 3, readyReplicas: 1 }))).toEqual(["rc1", 5, 3, 1, "<unknown>"]));
  it("wide: containers, images and selector", () =>
    expect(cells("ReplicationController", rc(5, { replicas: 3, readyReplicas: 1 }), true)).toEqual(["rc1", 5, 3, 1, "<unknown>", "test", "test_image", "a=b"]));
  it("a bookmark-like object with no name, selector or template prints empty cells", () =>
    expect(cells("ReplicationController", { metadata: { annotations: { "k8s.io/initial-events-end": "true" } }, spec: { replicas: 0 } }, true)).toEqual(["", 0, 0, 0, "<unknown>", "", "", "<none>"]));
});

describe("TestPrintReplicaSet and TestPrintStatefulSet", () => {
  const template = { spec: { containers: [{ name: "fake-container1", image: "fake-image1" }, { name: "fake-container2", image: "fake-image2" }] } };
  const rs = { metadata: { name: "test1", creationTimestamp: soon }, spec: { replicas: 5, template, selector: { matchLabels: { foo: "bar" } } }, status: { replicas: 5, readyReplicas: 2 } };
  it("ReplicaSet: desired, current, ready; wide adds containers, images, selector", () => {
    expect(cells("ReplicaSet", rs)).toEqual(["test1", 5, 5, 2, "0s"]);
    expect(cells("ReplicaSet", rs, true)).toEqual(["test1", 5, 5, 2, "0s", "fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"]);
  });
  const ss = { metadata: { name: "test1", creationTimestamp: soon }, spec: { replicas: 5, template }, status: { replicas: 5, readyReplicas: 2 } };
  it("StatefulSet: ready/replicas; wide adds containers and images", () => {
    expect(cells("StatefulSet", ss)).toEqual(["test1", "2/5", "0s"]);
    expect(cells("StatefulSet", ss, true)).toEqual(["test1", "2/5", "0s", "fake-container1,fake-container2", "fake-image1,fake-image2"]);
  });
});

describe("TestPrintPersistentVolume", () => {
  const claimRef = { name: "test", namespace: "default" };
  const pv = (name: string, mode: string, size: string, phase: string, extra: object = {}) =>
    ({ metadata: { name }, spec: { claimRef, accessModes: [mode], capacity: { storage: size }, ...extra }, status: { phase } });
  it.each([
    ["bound", pv("test1", "ReadOnlyMany", "4Gi", "Bound"), ["test1", "4Gi", "ROX", "", "Bound", "default/test", "", "<unset>", "", "<unknown>", "<unset>"]],
    ["failed", pv("test2", "ReadOnlyMany", "4Gi", "Failed"), ["test2", "4Gi", "ROX", "", "Failed", "default/test", "", "<unset>", "", "<unknown>", "<unset>"]],
    ["pending", pv("test3", "ReadWriteMany", "10Gi", "Pending"), ["test3", "10Gi", "RWX", "", "Pending", "default/test", "", "<unset>", "", "<unknown>", "<unset>"]],
    ["pending, storageClass", pv("test4", "ReadWriteOnce", "10Gi", "Pending", { storageClassName: "my-scn" }), ["test4", "10Gi", "RWO", "", "Pending", "default/test", "my-scn", "<unset>", "", "<unknown>", "<unset>"]],
    ["pending, storageClass, volumeAttributesClass", pv("test4", "ReadWriteOnce", "10Gi", "Pending", { storageClassName: "my-scn", volumeAttributesClassName: "my-vacn" }),
      ["test4", "10Gi", "RWO", "", "Pending", "default/test", "my-scn", "my-vacn", "", "<unknown>", "<unset>"]],
    ["available", pv("test5", "ReadWriteOnce", "10Gi", "Available", { storageClassName: "my-scn" }), ["test5", "10Gi", "RWO", "", "Available", "default/test", "my-scn", "<unset>", "", "<unknown>", "<unset>"]],
    ["released", pv("test6", "ReadWriteOnce", "10Gi", "Released", { storageClassName: "my-scn" }), ["test6", "10Gi", "RWO", "", "Released", "default/test", "my-scn", "<unset>", "", "<unknown>", "<unset>"]],
  ] as const)("%s", (_n, o, want) => expect(cells("PersistentVolume", o, true)).toEqual(want));
});

describe("TestPrintPersistentVolumeClaim", () => {
  const pvc = (name: string, spec: object, phase: string, mode: string, size: string) =>
    ({ metadata: { name }, spec, status: { phase, accessModes: [mode], capacity: { storage: size } } });
  it.each([
    ["bound", pvc("test1", { volumeName: "my-volume", volumeMode: "Filesystem" }, "Bound", "ReadOnlyMany", "4Gi"), ["test1", "Bound", "my-volume", "4Gi", "ROX", "", "<unset>", "<unknown>", "Filesystem"]],
    ["lost: no volume, so no capacity or access modes", pvc("test2", { volumeMode: "Filesystem" }, "Lost", "ReadOnlyMany", "4Gi"), ["test2", "Lost", "", "", "", "", "<unset>", "<unknown>", "Filesystem"]],
    ["pending with a volume name", pvc("test3", { volumeName: "my-volume", volumeMode: "Filesystem" }, "Pending", "ReadWriteMany", "10Gi"), ["test3", "Pending", "my-volume", "10Gi", "RWX", "", "<unset>", "<unknown>", "Filesystem"]],
    ["storage class", pvc("test4", { volumeName: "my-volume", storageClassName: "my-scn", volumeMode: "Filesystem" }, "Pending", "ReadWriteOnce", "10Gi"),
      ["test4", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "<unset>", "<unknown>", "Filesystem"]],
    ["no volume mode", pvc("test5", { volumeName: "my-volume", storageClassName: "my-scn" }, "Pending", "ReadWriteOnce", "10Gi"), ["test5", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "<unset>", "<unknown>", "<unset>"]],
    ["volume attributes class", pvc("test5", { volumeName: "my-volume", storageClassName: "my-scn", volumeAttributesClassName: "my-vacn" }, "Pending", "ReadWriteOnce", "10Gi"),
      ["test5", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "my-vacn", "<unknown>", "<unset>"]],
  ] as const)("%s", (_n, o, want) => expect(cells("PersistentVolumeClaim", o, true)).toEqual(want));
});

describe("TestPrintComponentStatus", () => {
  const cs = (name: string, conditions: object[]) => ({ metadata: { name }, conditions });
  it.each([
    ["no conditions", cs("cs1", []), ["cs1", "Unknown", "", ""]],
    ["Healthy True", cs("cs2", [{ type: "Healthy", status: "True", message: "test message", error: "test error" }]), ["cs2", "Healthy", "test message", "test error"]],
    ["Healthy False", cs("cs3", [{ type: "Healthy", status: "False", message: "test message", error: "test error" }]), ["cs3", "Unhealthy", "test message", "test error"]],
  ] as const)("%s", (_n, o, want) => expect(cells("ComponentStatus", o)).toEqual(want));
});

describe("TestPrintCronJob and TestPrintCronJobList", () => {
  const jobTemplate = { spec: { completions: 2, template: { spec: { containers: [{ name: "fake-job-container1", image: "fake-job-image1" }, { name: "fake-job-container2", image: "fake-job-image2" }] } }, selector: { matchLabels: { a: "b" } } } };
  const cj = (name: string, created: string, spec: object, lastScheduleTime?: string) =>
    ({ metadata: { name, creationTimestamp: created }, spec: { schedule: "0/5 * * * ?", suspend: false, ...spec }, status: { lastScheduleTime } });
  it.each([
    ["basic: no containers, images or labels", cj("cronjob1", soon, { jobTemplate }, soon), false, ["cronjob1", "0/5 * * * ?", "<none>", "False", 0, "0s", "0s"]],
    ["a time zone", cj("cronjob1", soon, { jobTemplate, timeZone: "LOCAL" }, soon), false, ["cronjob1", "0/5 * * * ?", "LOCAL", "False", 0, "0s", "0s"]],
    ["wide: containers, images and selector", cj("cronjob1", soon, { jobTemplate }, soon), true,
      ["cronjob1", "0/5 * * * ?", "<none>", "False", 0, "0s", "0s", "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "a=b"]],
    ["last schedule and age", cj("cronjob2", fiveMin, {}, new Date(now - 30_000).toISOString()), false, ["cronjob2", "0/5 * * * ?", "<none>", "False", 0, "30s", "5m"]],
    ["without last schedule", cj("cronjob3", fiveMin, {}), false, ["cronjob3", "0/5 * * * ?", "<none>", "False", 0, "<none>", "5m"]],
    ["list: last scheduled 20 minutes ago", cj("cronjob2", soon, { schedule: "4/5 1 1 1 ?", jobTemplate }, new Date(now - 20 * 60_000).toISOString()), false,
      ["cronjob2", "4/5 1 1 1 ?", "<none>", "False", 0, "20m", "0s"]],
  ] as const)("%s", (_n, o, wide, want) => expect(cells("CronJob", o, wide)).toEqual(want));
});

describe("TestPrintStorageClass", () => {
  const sc = (name: string, created: string, extra: object) => ({ metadata: { name, creationTimestamp: created }, ...extra });
  it.each([
    ["defaults: Delete, Immediate, no expansion", sc("sc1", soon, { provisioner: "kubernetes.io/glusterfs" }), ["sc1", "kubernetes.io/glusterfs", "Delete", "Immediate", false, "0s"]],
    ["five minutes old", sc("sc2", fiveMin, { provisioner: "kubernetes.io/nfs" }), ["sc2", "kubernetes.io/nfs", "Delete", "Immediate", false, "5m"]],
    ["reclaim Delete", sc("sc3", fiveMin, { provisioner: "kubernetes.io/nfs", reclaimPolicy: "Delete" }), ["sc3", "kubernetes.io/nfs", "Delete", "Immediate", false, "5m"]],
    ["reclaim Retain, Immediate", sc("sc4", fiveMin, { provisioner: "kubernetes.io/nfs", reclaimPolicy: "Retain", volumeBindingMode: "Immediate" }), ["sc4", "kubernetes.io/nfs", "Retain", "Immediate", false, "5m"]],
    ["WaitForFirstConsumer", sc("sc5", fiveMin, { provisioner: "kubernetes.io/nfs", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" }),
      ["sc5", "kubernetes.io/nfs", "Retain", "WaitForFirstConsumer", false, "5m"]],
    ["allowVolumeExpansion", sc("sc6", fiveMin, { provisioner: "kubernetes.io/nfs", reclaimPolicy: "Retain", allowVolumeExpansion: true, volumeBindingMode: "WaitForFirstConsumer" }),
      ["sc6", "kubernetes.io/nfs", "Retain", "WaitForFirstConsumer", true, "5m"]],
  ] as const)("%s", (_n, o, want) => expect(cells("StorageClass", o)).toEqual(want));
});

describe("TestPrintLease, TestPrintRuntimeClass and TestPrintPriorityClass", () => {
  it("Lease: holder and age", () => {
    expect(cells("Lease", { metadata: { name: "lease1", creationTimestamp: soon }, spec: { holderIdentity: "holder1" } })).toEqual(["lease1", "holder1", "0s"]);
    expect(cells("Lease", { metadata: { name: "lease2", creationTimestamp: fiveMin }, spec: { holderIdentity: "holder2" } })).toEqual(["lease2", "holder2", "5m"]);
  });
  it("RuntimeClass: handler and age", () => {
    expect(cells("RuntimeClass", { metadata: { name: "rc1", creationTimestamp: soon }, handler: "h1" })).toEqual(["rc1", "h1", "0s"]);
    expect(cells("RuntimeClass", { metadata: { name: "rc2", creationTimestamp: fiveMin }, handler: "h2" })).toEqual(["rc2", "h2", "5m"]);
  });
  const pc = (name: string, created: string, value: number, globalDefault: boolean, preemptionPolicy?: string) =>
    ({ metadata: { name, creationTimestamp: created }, value, globalDefault, preemptionPolicy });
  it.each([
    ["PreemptNever policy", pc("pc1", soon, 1, false, "Never"), false, ["pc1", 1, false, "0s"]],
    ["PreemptLowerPriority policy", pc("pc2", fiveMin, 1000000000, true, "PreemptLowerPriority"), false, ["pc2", 1000000000, true, "5m"]],
    ["PreemptLowerPriority policy and wide output", pc("pc2", fiveMin, 1000000000, true, "PreemptLowerPriority"), true, ["pc2", 1000000000, true, "5m", "PreemptLowerPriority"]],
    ["no preemption policy, wide", pc("pc2", fiveMin, 1000000000, true), true, ["pc2", 1000000000, true, "5m", ""]],
  ] as const)("PriorityClass: %s", (_n, o, wide, want) => expect(cells("PriorityClass", o, wide)).toEqual(want));
});

describe("TestPrintEndpoint", () => {
  const ep = (name: string, created: string, subsets?: object[]) => ({ metadata: { name, creationTimestamp: created }, subsets });
  it.each([
    ["no addresses", ep("endpoint1", soon), ["endpoint1", "<none>", "0s"]],
    ["no ports", ep("endpoint3", fiveMin, [{ addresses: [{ ip: "1.2.3.4" }, { ip: "5.6.7.8" }] }]), ["endpoint3", "1.2.3.4,5.6.7.8", "5m"]],
    ["two addresses and one port", ep("endpoint2", soon, [{ addresses: [{ ip: "1.2.3.4" }, { ip: "5.6.7.8" }], ports: [{ port: 8001, protocol: "tcp" }] }]), ["endpoint2", "1.2.3.4:8001,5.6.7.8:8001", "0s"]],
    ["more than three addresses", ep("endpoint2", soon, [{ addresses: [{ ip: "1.2.3.4" }, { ip: "5.6.7.8" }, { ip: "9.8.7.6" }, { ip: "6.6.6.6" }], ports: [{ port: 8001, protocol: "tcp" }] }]),
      ["endpoint2", "1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more...", "0s"]],
  ] as const)("%s", (_n, o, want) => expect(cells("Endpoints", o)).toEqual(want));
});

describe("TestPrintEndpointSlice", () => {
  const port = (name: string, p: number) => ({ name, port: p, protocol: "TCP" });
  const slice = (name: string, created: string, addressType: string, ports: object[], endpoints: string[][]) =>
    ({ metadata: { name, creationTimestamp: created }, addressType, ports, endpoints: endpoints.map((addresses) => ({ addresses })) });
  it.each([
    ["one port, one endpoint", slice("abcslice.123", soon, "IPv4", [port("http", 80)], [["10.1.2.3", "2001:db8::1234:5678"]]), ["abcslice.123", "IPv4", "80", "10.1.2.3,2001:db8::1234:5678", "0s"]],
    ["two endpoints: three addresses then more", slice("longerslicename.123", fiveMin, "IPv6", [port("http", 80), port("https", 443)], [["10.1.2.3", "2001:db8::1234:5678"], ["10.2.3.4", "2001:db8::2345:6789"]]),
      ["longerslicename.123", "IPv6", "80,443", "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...", "5m"]],
    ["four ports: three then more", slice("multiportslice.123", fiveMin, "IPv4", [port("http", 80), port("https", 443), port("extra1", 3000), port("extra2", 3001)],
      [["10.1.2.3", "2001:db8::1234:5678"], ["10.2.3.4", "2001:db8::2345:6789"]]),
      ["multiportslice.123", "IPv4", "80,443,3000 + 1 more...", "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...", "5m"]],
  ] as const)("%s", (_n, o, want) => expect(cells("EndpointSlice", o)).toEqual(want));
});

describe("TestPrintPodwide and TestPrintPod's statuses for containers the spec does not name", () => {
  const gates = ["condition1", "condition2", "condition3"].map((conditionType) => ({ conditionType }));
  const running = { name: "c1", image: "", imageID: "", ready: true, restartCount: 3, state: { running: {} } };
  const idle = { name: "c2", image: "", imageID: "", ready: false, restartCount: 3 };
  const wide = (podIPs: object[]) => ({
    metadata: { name: "test1" },
    spec: { containers: [{ name: "c1" }, { name: "c2" }], nodeName: "test1", readinessGates: gates },
    status: { phase: "podPhase", podIPs, nominatedNodeName: "node1", containerStatuses: [running, idle],
      conditions: [{ type: "condition1", status: "False" }, { type: "condition2", status: "True" }] },
  });
  it("node, nominated node, the first pod IP and ready readiness gates", () => {
    expect(cells("Pod", wide([{ ip: "1.1.1.1" }]), true)).toEqual(["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"]);
    expect(cells("Pod", wide([{ ip: "1.1.1.1" }, { ip: "2001:db8::" }]), true)).toEqual(["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"]);
  });
  it("no node, IP, nominated node or gates print <none>", () => {
    const p = { metadata: { name: "test2" }, spec: { containers: [{ name: "c1" }, { name: "c2" }] },
      status: { phase: "podPhase", containerStatuses: [running, { ...idle, state: { waiting: { reason: "ContainerWaitingReason" } } }] } };
    expect(cells("Pod", p, true)).toEqual(["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>", "<none>", "<none>", "<none>", "<none>"]);
  });
  it("statuses of containers the spec does not have are not counted", () => {
    const p = { metadata: { name: "test4" },
      spec: { initContainers: [{ name: "init1", image: "initimage" }, { name: "sidecar1", image: "sidecarimage", restartPolicy: "Always" }], containers: [{ name: "container1", image: "containerimage" }] },
      status: { phase: "Running", initContainerStatuses: [{ name: "initinvalid" }, { name: "init1" }, { name: "sidecar1" }], containerStatuses: [{ name: "containerinvalid" }, { name: "container1" }] } };
    expect(cells("Pod", p)).toEqual(["test4", "0/2", "Init:0/2", "0", "<unknown>"]);
  });
});

describe("TestPrintDeployment, TestPrintDaemonSet and TestPrintJob", () => {
  const template = { spec: { containers: [{ name: "fake-container1", image: "fake-image1" }, { name: "fake-container2", image: "fake-image2" }] } };
  const deploy = { metadata: { name: "test1", creationTimestamp: soon }, spec: { replicas: 5, template, selector: { matchLabels: { foo: "bar" } } },
    status: { replicas: 10, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 4 } };
  it("Deployment: ready/desired, up-to-date, available; wide adds containers, images and the selector", () => {
    expect(cells("Deployment", deploy)).toEqual(["test1", "0/5", 2, 1, "0s"]);
    expect(cells("Deployment", deploy, true)).toEqual(["test1", "0/5", 2, 1, "0s", "fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"]);
  });
  const ds = (name: string, status: object, selector?: object) => ({ metadata: { name, creationTimestamp: soon }, spec: { template, selector }, status });
  it("DaemonSet: the five counts and the node selector; wide adds containers, images and the selector", () => {
    const s = { currentNumberScheduled: 2, desiredNumberScheduled: 3, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 0 };
    expect(cells("DaemonSet", ds("test1", s, { matchLabels: { foo: "bar" } }))).toEqual(["test1", 3, 2, 1, 2, 0, "<none>", "0s"]);
    expect(cells("DaemonSet", ds("test1", s, { matchLabels: { foo: "bar" } }), true)).toEqual(["test1", 3, 2, 1, 2, 0, "<none>", "0s", "fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"]);
    expect(cells("DaemonSet", ds("daemonset2", { currentNumberScheduled: 4, desiredNumberScheduled: 2, numberReady: 9, updatedNumberScheduled: 3, numberAvailable: 3 }))).toEqual(["daemonset2", 2, 4, 9, 3, 3, "<none>", "0s"]);
  });
  const tenYears = new Date(now - 10 * 365 * 86_400_000).toISOString();
  const min = 60_000;
  const job = (name: string, created: string, spec: object, status: object) => ({ metadata: { name, creationTimestamp: created }, spec, status });
  const cond = (type: string) => ({ conditions: [{ type, status: "True" }] });
  const jobSpec = { completions: 2, template: { spec: { containers: [{ name: "fake-job-container1", image: "fake-job-image1" }, { name: "fake-job-container2", image: "fake-job-image2" }] } },
    selector: { matchLabels: { "job-label": "job-label-value" } } };
  it.each([
    ["no generate options", job("job1", soon, jobSpec, { succeeded: 1 }), false, ["job1", "Running", "1/2", "", "0s"]],
    ["wide", job("job1", soon, jobSpec, { succeeded: 1 }), true, ["job1", "Running", "1/2", "", "0s", "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "job-label=job-label-value"]],
    ["ten years old, no completions", job("job2", tenYears, {}, { succeeded: 0 }), false, ["job2", "Running", "0/1", "", "10y"]],
    ["a duration from start to completion", job("job3", tenYears, {}, { startTime: new Date(now + min).toISOString(), completionTime: new Date(now + 31 * min).toISOString() }), false,
      ["job3", "Running", "0/1", "30m", "10y"]],
    ["a duration from start to now", job("job4", tenYears, {}, { startTime: new Date(now - 20 * min).toISOString() }), false, ["job4", "Running", "0/1", "20m", "10y"]],
    ["Complete", job("job5", soon, {}, cond("Complete")), false, ["job5", "Complete", "0/1", "", "0s"]],
    ["Failed", job("job6", soon, {}, cond("Failed")), false, ["job6", "Failed", "0/1", "", "0s"]],
    ["Suspended", job("job7", soon, {}, cond("Suspended")), false, ["job7", "Suspended", "0/1", "", "0s"]],
    ["FailureTarget", job("job8", soon, {}, cond("FailureTarget")), false, ["job8", "FailureTarget", "0/1", "", "0s"]],
  ] as const)("Job: %s", (_n, o, wide, want) => expect(cells("Job", o, wide)).toEqual(want));
});

describe("TestPrintIngress, TestPrintIngressClass and TestPrintServiceLoadBalancer", () => {
  const tenYears = new Date(now - 10 * 365 * 86_400_000).toISOString();
  it("Ingress: class, hosts * for a default backend, the load balancer's IP, port 80", () =>
    expect(cells("Ingress", { metadata: { name: "test1", creationTimestamp: tenYears },
      spec: { ingressClassName: "foo", defaultBackend: { service: { name: "default-backend", port: { name: "default-backend", number: 80 } } } },
      status: { loadBalancer: { ingress: [{ ip: "2.3.4.5", hostname: "localhost.localdomain" }] } } })).toEqual(["test1", "foo", "*", "2.3.4.5", "80", "10y"]));
  const ic = (name: string, years: number, parameters?: object) =>
    ({ metadata: { name, creationTimestamp: new Date(now - years * 365 * 86_400_000).toISOString() }, spec: { controller: `example.com/controller${name === "test2" ? "2" : ""}`, parameters } });
  it.each([
    ["with params", ic("test1", 10, { kind: "customgroup", name: "example" }), ["test1", "example.com/controller", "customgroup/example", "10y"]],
    ["with params and an API group", ic("test1", 10, { apiGroup: "example.com", kind: "customgroup", name: "example" }), ["test1", "example.com/controller", "customgroup.example.com/example", "10y"]],
    ["without params", ic("test2", 11), ["test2", "example.com/controller2", "<none>", "11y"]],
  ] as const)("IngressClass %s", (_n, o, want) => expect(cells("IngressClass", o)).toEqual(want));
  const lb = (name: string, clusterIP: string, ports: object[], ingress?: object[], selector?: object) =>
    ({ metadata: { name }, spec: { clusterIPs: [clusterIP], type: "LoadBalancer", ports, selector }, status: { loadBalancer: { ingress } } });
  const three = [{ port: 80, protocol: "TCP" }, { port: 8090, protocol: "UDP" }, { port: 8000, protocol: "TCP" }];
  const many = [{ ip: "2.3.4.5" }, { ip: "3.4.5.6" }, { ip: "5.6.7.8", hostname: "host5678" }];
  it.each([
    ["several external IPs", lb("service1", "1.2.3.4", [{ port: 80, protocol: "TCP" }], [{ ip: "2.3.4.5" }, { ip: "3.4.5.6" }]), false,
      ["service1", "LoadBalancer", "1.2.3.4", "2.3.4.5,3.4.5.6", "80/TCP", "<unknown>"]],
    ["a pending external IP", lb("service2", "1.3.4.5", [...three.slice(0, 2), { port: 8000, protocol: "TCP" }, { port: 7777, protocol: "SCTP" }]), false,
      ["service2", "LoadBalancer", "1.3.4.5", "<pending>", "80/TCP,8090/UDP,8000/TCP,7777/SCTP", "<unknown>"]],
    ["several ports", lb("service3", "1.4.5.6", three, [{ ip: "2.3.4.5" }]), false, ["service3", "LoadBalancer", "1.4.5.6", "2.3.4.5", "80/TCP,8090/UDP,8000/TCP", "<unknown>"]],
    ["a long external IP list is elided", lb("service4", "1.5.6.7", three, many), false, ["service4", "LoadBalancer", "1.5.6.7", "2.3.4.5,3.4.5...", "80/TCP,8090/UDP,8000/TCP", "<unknown>"]],
    ["wide: the whole list and the selector", lb("service4", "1.5.6.7", three, many, { foo: "bar" }), true,
      ["service4", "LoadBalancer", "1.5.6.7", "2.3.4.5,3.4.5.6,5.6.7.8", "80/TCP,8090/UDP,8000/TCP", "<unknown>", "foo=bar"]],
  ] as const)("Service LoadBalancer: %s", (_n, o, wide, want) => expect(cells("Service", o, wide)).toEqual(want));
});
