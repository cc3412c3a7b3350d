// pkg/printers/internalversion/printers_test.go (v1.35): TestPrintEvent, TestPrintNamespace,
// TestPrintSecret, TestPrintServiceAccount, row by row ("now - N days" ages print Nd; a creation time
// 1.9 s ahead prints 0s).
import { describe, expect, it } from "vitest";
import { tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const daysAgo = (d: number, micro = false) => {
  const s = new Date(now - d * 86_400_000).toISOString();
  return micro ? s.replace("Z", "000Z") : s.replace(/\.\d+Z$/, "Z");
};
const soon = new Date(now + 1900).toISOString();
const cells = (kind: string, o: object, wide = false) => tableFor(kind, [o], { now, wide }).rows[0]!.cells;

describe("TestPrintEvent", () => {
  const involved = (kind: string, name: string) => ({ kind, name, fieldPath: "spec.containers{foo}" });
  const base = { reason: "Event Reason", message: "Message Data", type: "Warning" };
  const rows: [string, object, boolean, unknown[]][] = [
    ["basic event, no generate options",
      { metadata: { name: "event1" }, source: { component: "kubelet" }, involvedObject: involved("Pod", "Pod Name"), reason: "Event Reason", message: "Message Data", firstTimestamp: daysAgo(3), lastTimestamp: daysAgo(2), count: 6, type: "Normal" },
      false, ["2d", "Normal", "Event Reason", "pod/Pod Name", "Message Data"]],
    ["basic event, wide",
      { metadata: { name: "event2" }, source: { component: "kubelet", host: "Node1" }, involvedObject: involved("Deployment", "Deployment Name"), ...base, firstTimestamp: daysAgo(3), lastTimestamp: daysAgo(2), count: 6 },
      true, ["2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", 6, "event2"]],
    ["basic event, w/o FirstTimestamp set",
      { metadata: { name: "event3" }, source: { component: "kubelet", host: "Node1" }, involvedObject: involved("Deployment", "Deployment Name"), ...base, eventTime: daysAgo(3, true), lastTimestamp: daysAgo(3), count: 1 },
      true, ["3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", 1, "event3"]],
    ["basic event, w/o LastTimestamp set",
      { metadata: { name: "event4" }, source: { component: "kubelet", host: "Node1" }, involvedObject: involved("Deployment", "Deployment Name"), ...base, eventTime: daysAgo(3, true), firstTimestamp: daysAgo(3), count: 1 },
      true, ["3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", 1, "event4"]],
    ["basic event, w/o FirstTimestamp and LastTimestamp set",
      { metadata: { name: "event5" }, source: { component: "kubelet", host: "Node1" }, involvedObject: involved("Deployment", "Deployment Name"), ...base, eventTime: daysAgo(3, true), count: 1 },
      true, ["3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", 1, "event5"]],
    ["basic event series, w/o FirstTimestamp, LastTimestamp and Count set",
      { metadata: { name: "event6" }, source: { component: "kubelet", host: "Node1" }, involvedObject: involved("Deployment", "Deployment Name"), ...base, series: { count: 2, lastObservedTime: daysAgo(2, true) }, eventTime: daysAgo(3, true) },
      true, ["2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", 2, "event6"]],
    ["singleton event, w/o FirstTimestamp, LastTimestamp and Count set",
      { metadata: { name: "event7" }, source: { component: "kubelet", host: "Node1" }, involvedObject: involved("Deployment", "Deployment Name"), ...base, eventTime: daysAgo(3, true) },
      true, ["3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", 1, "event7"]],
    ["basic event, with empty Source, wide",
      { metadata: { name: "event2" }, reportingComponent: "kubelet", reportingInstance: "test", involvedObject: involved("Deployment", "Deployment Name"), ...base, firstTimestamp: daysAgo(3), lastTimestamp: daysAgo(2), count: 6 },
      true, ["2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, test", "Message Data", "3d", 6, "event2"]],
  ];
  for (const [name, ev, wide, want] of rows) it(name, () => expect(cells("Event", ev, wide)).toEqual(want));
});

describe("TestPrintNamespace", () => {
  it("a namespace with status and age", () => expect(cells("Namespace", { metadata: { name: "namespace1", creationTimestamp: soon }, status: { phase: "FooStatus" } })).toEqual(["namespace1", "FooStatus", "0s"]));
  it("a namespace without status or age", () => expect(cells("Namespace", { metadata: { name: "namespace2" } })).toEqual(["namespace2", "", "<unknown>"]));
});

describe("TestPrintSecret", () => {
  it("type, data and age", () => expect(cells("Secret", { metadata: { name: "secret1", creationTimestamp: soon }, type: "kubernetes.io/service-account-token", data: { token: "c2VjcmV0IGRhdGE=" } })).toEqual(["secret1", "kubernetes.io/service-account-token", 1, "0s"]));
  it("type and age, no data", () => expect(cells("Secret", { metadata: { name: "secret1", creationTimestamp: soon }, type: "kubernetes.io/service-account-token" })).toEqual(["secret1", "kubernetes.io/service-account-token", 0, "0s"]));
});

describe("TestPrintServiceAccount", () => {
  it("no secrets", () => expect(cells("ServiceAccount", { metadata: { name: "sa1", creationTimestamp: soon }, secrets: [] })).toEqual(["sa1", 0, "0s"]));
  it("two secrets", () => expect(cells("ServiceAccount", { metadata: { name: "sa1", creationTimestamp: soon }, secrets: [{ name: "Secret1" }, { name: "Secret2" }] })).toEqual(["sa1", 2, "0s"]));
});
