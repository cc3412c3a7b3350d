// staging/src/k8s.io/endpointslice/utils_test.go (the stored copy of the v1.3x line), row by row:
// TestPodToEndpoint (the IPv4 address type: the address is podIPv4's, as getEndpointAddresses picks it),
// TestGetEndpointPorts and TestSetEndpointSliceLabels (labels and the `updated` answer). Its newPod helper:
// pod<n> in "test" on node-1, IP 1.2.3.<4+n>, Ready as asked, a deletionTimestamp when terminating; no UID.
// Left out: TestSupportedServiceAddressType (podflow's controller writes IPv4 slices only),
// TestServiceControllerKey (no function of that shape), TestDesiredEndpointSlicesFromServicePods (after v1.35).

import { describe, expect, it } from "vitest";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import { podIPv4 } from "../common/endpointutil.js";
import { CONTROLLER_NAME, endpointPorts, newEndpointSlice, podToEndpoint, setEndpointSliceLabels } from "./endpointslice.logic.js";

const ns = "test";
const newPod = (n: number, ready: boolean, terminating: boolean): Pod => ({
  apiVersion: "v1",
  metadata: { namespace: ns, name: `pod${n}`, labels: { foo: "bar" }, ...(terminating ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  spec: { containers: [{ name: "container-1" }], nodeName: "node-1" },
  status: { podIP: `1.2.3.${4 + n}`, podIPs: [{ ip: `1.2.3.${4 + n}` }], conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

describe("TestPodToEndpoint", () => {
  const svc: Service = { metadata: { name: "foo", namespace: ns } };
  const svcPublishNotReady: Service = { metadata: { name: "publishnotready", namespace: ns }, spec: { publishNotReadyAddresses: true } };
  const readyPod = newPod(1, true, false);
  const readyTerminatingPod = newPod(1, true, true);
  const readyPodHostname: Pod = { ...readyPod, spec: { ...readyPod.spec!, subdomain: "foo", hostname: "example-hostname" } };
  const unreadyPod = newPod(1, false, false);
  const unreadyTerminatingPod = newPod(1, false, true);
  const multiIPPod: Pod = { ...readyPod, status: { ...readyPod.status, podIPs: [{ ip: "1.2.3.4" }, { ip: "1234::5678:0000:0000:9abc:def0" }] } };
  const node1: Node = { metadata: { name: "node-1", labels: { "topology.kubernetes.io/zone": "us-central1-a", "topology.kubernetes.io/region": "us-central1" } } };
  const ep = (address: string, ready: boolean, serving: boolean, terminating: boolean, extra: Partial<Endpoint> = {}): Endpoint => ({
    addresses: [address], conditions: { ready, serving, terminating }, nodeName: "node-1", targetRef: { kind: "Pod", namespace: ns, name: "pod1", uid: "" }, ...extra,
  });
  const rows: [string, Pod, Node | undefined, Service, Endpoint][] = [
    ["Ready pod", readyPod, undefined, svc, ep("1.2.3.5", true, true, false)],
    ["Ready pod + publishNotReadyAddresses", readyPod, undefined, svcPublishNotReady, ep("1.2.3.5", true, true, false)],
    ["Unready pod", unreadyPod, undefined, svc, ep("1.2.3.5", false, false, false)],
    ["Unready pod + publishNotReadyAddresses", unreadyPod, undefined, svcPublishNotReady, ep("1.2.3.5", true, false, false)],
    ["Ready pod + node labels", readyPod, node1, svc, ep("1.2.3.5", true, true, false, { zone: "us-central1-a" })],
    ["Multi IP Ready pod + node labels", multiIPPod, node1, svc, ep("1.2.3.4", true, true, false, { zone: "us-central1-a" })],
    ["Ready pod + hostname", readyPodHostname, node1, svc, ep("1.2.3.5", true, true, false, { hostname: "example-hostname", zone: "us-central1-a" })],
    ["Ready pod (again)", readyPod, undefined, svc, ep("1.2.3.5", true, true, false)],
    ["Ready terminating pod", readyTerminatingPod, undefined, svc, ep("1.2.3.5", false, true, true)],
    ["Not ready terminating pod", unreadyTerminatingPod, undefined, svc, ep("1.2.3.5", false, false, true)],
  ];
  it.each(rows)("%s", (_name, pod, node, service, expected) => {
    expect(podToEndpoint(pod, service, node, podIPv4(pod)!)).toEqual(expected);
  });
});

describe("TestGetEndpointPorts", () => {
  it("service with AppProtocol on one port", () => {
    const service: Service = { spec: { ports: [{ name: "http", port: 80, targetPort: 80, protocol: "TCP", appProtocol: "example.com/custom-protocol" }] } };
    const pod: Pod = { spec: { containers: [{ name: "", ports: [] }] } };
    expect(endpointPorts(service, pod)).toEqual([{ name: "http", port: 80, protocol: "TCP", appProtocol: "example.com/custom-protocol" }]);
  });
  it("service with named port and AppProtocol on one port", () => {
    const service: Service = {
      spec: { ports: [{ name: "http", port: 80, targetPort: 80, protocol: "TCP" }, { name: "https", port: 0, protocol: "TCP", targetPort: "https", appProtocol: "https" }] },
    };
    const pod: Pod = { spec: { containers: [{ name: "", ports: [{ name: "https", containerPort: 443, protocol: "TCP" }] }] } };
    expect(endpointPorts(service, pod)).toEqual([
      { name: "http", port: 80, protocol: "TCP" },
      { name: "https", port: 443, protocol: "TCP", appProtocol: "https" },
    ]);
  });
});

describe("TestSetEndpointSliceLabels", () => {
  const service: Service = { metadata: { name: "foo", namespace: "test" }, spec: { ports: [{ port: 80 }], selector: { foo: "bar" }, clusterIP: "1.1.1.1" } };
  const name = "kubernetes.io/service-name";
  const managedBy = "endpointslice.kubernetes.io/managed-by";
  const headless = "service.kubernetes.io/headless";
  const reserved = { [name]: "foo", [managedBy]: CONTROLLER_NAME };
  const withLabels = (labels: Record<string, string>, clusterIP = "1.1.1.1"): Service => ({ ...service, metadata: { ...service.metadata, labels }, spec: { ...service.spec, clusterIP } });
  const slice = (labels?: Record<string, string>): EndpointSlice => ({ addressType: "IPv4", endpoints: [], ...(labels ? { metadata: { labels } } : {}) });
  const rows: [string, EndpointSlice, Service, Record<string, string>, boolean][] = [
    ["Service without labels and empty endpoint slice", slice(), service, reserved, false],
    ["Headless service with labels and empty endpoint slice", slice(), withLabels({ foo: "bar" }, "None"), { ...reserved, [headless]: "", foo: "bar" }, true],
    ["Headless service without labels and empty endpoint slice", slice(), { ...service, spec: { ...service.spec, clusterIP: "None" } }, { ...reserved, [headless]: "" }, false],
    ["Non Headless service with Headless label and empty endpoint slice", slice(), withLabels({ [headless]: "" }), reserved, false],
    ["Headless Service change to ClusterIP Service with headless label", slice({ ...reserved, [headless]: "" }), withLabels({ [headless]: "" }), reserved, false],
    ["Headless Service change to ClusterIP Service", slice({ ...reserved, [headless]: "" }), service, reserved, false],
    ["Headless service and endpoint slice with same labels", slice({ ...reserved, foo: "bar" }), withLabels({ foo: "bar" }, "None"), { ...reserved, [headless]: "", foo: "bar" }, false],
    ["Service with labels and empty endpoint slice", slice(), withLabels({ foo: "bar" }), { ...reserved, foo: "bar" }, true],
    ["Slice with labels and service without labels", slice({ ...reserved, foo: "bar" }), service, reserved, true],
    ["Slice with headless label and service with ClusterIP", slice({ ...reserved, [headless]: "" }), service, reserved, false],
    ["Slice with reserved labels and service with labels", slice(reserved), withLabels({ foo: "bar" }), { ...reserved, foo: "bar" }, true],
    ["Evil service trying to hijack slice labels only well-known slice labels", slice(reserved), withLabels({ [name]: "bad", [managedBy]: "actor", [headless]: "invalid" }), reserved, false],
    ["Evil service trying to hijack slice labels with updates", slice(reserved), withLabels({ [name]: "bad", [managedBy]: "actor", foo: "bar" }), { ...reserved, foo: "bar" }, true],
  ];
  it.each(rows)("%s", (_name, epSlice, svc, expectedLabels, expectedUpdate) => {
    expect(setEndpointSliceLabels(epSlice, svc)).toEqual({ labels: expectedLabels, updated: expectedUpdate });
  });
});

// TestNewEndpointSlice (the same package's reconciler_test helpers copy): the slice's metadata, ports, addressType and
// endpoints (its apiVersion and kind are the client's TypeMeta, which the Go struct leaves empty).
describe("TestNewEndpointSlice", () => {
  const service: Service = { metadata: { name: "foo", namespace: "test" }, spec: { clusterIP: "1.1.1.1", ports: [{ port: 80 }], selector: { foo: "bar" } } };
  const ports = [{ name: "foo", protocol: "TCP" }];
  const ownerRef = { apiVersion: "v1", kind: "Service", name: "foo", uid: "", controller: true, blockOwnerDeletion: true };
  const reserved = { "kubernetes.io/service-name": "foo", "endpointslice.kubernetes.io/managed-by": CONTROLLER_NAME };
  const rows: [string, Service, Record<string, string>][] = [
    ["Service without labels", service, reserved],
    ["Service with labels", { ...service, metadata: { ...service.metadata, labels: { foo: "bar" } } }, { ...reserved, foo: "bar" }],
    ["Headless Service with labels", { ...service, metadata: { ...service.metadata, labels: { foo: "bar" } }, spec: { ...service.spec, clusterIP: "None" } },
      { ...reserved, "service.kubernetes.io/headless": "", foo: "bar" }],
    ["Service with multiple labels", { ...service, metadata: { ...service.metadata, labels: { foo: "bar", foo2: "bar2" } } }, { ...reserved, foo: "bar", foo2: "bar2" }],
    ["Evil service hijacking endpoint slices labels", { ...service, metadata: { ...service.metadata, labels: { "kubernetes.io/service-name": "bad", "endpointslice.kubernetes.io/managed-by": "actor", foo: "bar" } } },
      { ...reserved, foo: "bar" }],
    ["Service with annotations", { ...service, metadata: { ...service.metadata, annotations: { foo: "bar" } } }, reserved],
  ];
  it.each(rows)("%s", (_name, svc, labels) => {
    const { apiVersion: _a, kind: _k, ...slice } = newEndpointSlice(svc, ports);
    expect(slice).toEqual({ metadata: { labels, generateName: "foo-", ownerReferences: [ownerRef], namespace: "test" }, ports, addressType: "IPv4", endpoints: [] });
  });
});
