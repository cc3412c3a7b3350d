// kubectl get ds / controllerrevisions: printDaemonSet's and printControllerRevision's columns and
// cells (pkg/printers/internalversion/printers.go, v1.35).

import { describe, expect, it } from "vitest";
import { renderTable, tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
function ds(nodeSelector: Record<string, string> | undefined, status: any): any {
  return {
    metadata: { name: "fluentd-elasticsearch", creationTimestamp: ago(300_000) },
    spec: { selector: { matchLabels: { name: "fluentd-elasticsearch" } }, template: { spec: { nodeSelector, containers: [{ name: "fluentd-elasticsearch", image: "quay.io/fluentd_elasticsearch/fluentd:v5.0.1" }] } } },
    status,
  };
}

describe("printDaemonSet", () => {
  it("has kubectl's columns; wide adds containers, images and the selector", () => {
    const t = tableFor("DaemonSet", [ds(undefined, {})], { now, wide: true });
    expect(t.columns.map((c) => `${c.name}${c.priority ? "*" : ""}`)).toEqual(["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers*", "Images*", "Selector*"]);
    expect(t.rows[0]!.cells.slice(8)).toEqual(["fluentd-elasticsearch", "quay.io/fluentd_elasticsearch/fluentd:v5.0.1", "name=fluentd-elasticsearch"]);
  });
  const rows: [string, any, (string | number)[]][] = [
    ["A new DaemonSet without status shows zeros and <none> for no node selector.", ds(undefined, {}), ["fluentd-elasticsearch", 0, 0, 0, 0, 0, "<none>", "5m"]],
    ["The status counts fill Desired, Current, Ready, Up-to-date and Available.",
      ds(undefined, { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 1, numberAvailable: 2 }), ["fluentd-elasticsearch", 3, 3, 2, 1, 2, "<none>", "5m"]],
    ["The template's nodeSelector prints as sorted key=value pairs.", ds({ "kubernetes.io/os": "linux", disk: "ssd" }, {}), ["fluentd-elasticsearch", 0, 0, 0, 0, 0, "disk=ssd,kubernetes.io/os=linux", "5m"]],
  ];
  it.each(rows)("%s", (_n, d, want) => expect(tableFor("DaemonSet", [d], { now }).rows[0]!.cells).toEqual(want));

  it("renders as kubectl get ds prints it", () => {
    const out = renderTable(tableFor("DaemonSet", [ds(undefined, { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3 })], { now }), {});
    expect(out.split("\n")[0]).toBe("NAME                    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE");
  });
});

describe("printControllerRevision", () => {
  it("names the controller as kind.group/name in lower case, and the revision", () => {
    const cr = { metadata: { name: "fluentd-elasticsearch-6d4c5b8f9", creationTimestamp: ago(60_000), ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "fluentd-elasticsearch", uid: "u", controller: true }] }, revision: 2 };
    expect(tableFor("ControllerRevision", [cr], { now }).rows[0]!.cells).toEqual(["fluentd-elasticsearch-6d4c5b8f9", "daemonset.apps/fluentd-elasticsearch", 2, "60s"]);
    expect(tableFor("ControllerRevision", [{ ...cr, metadata: { ...cr.metadata, ownerReferences: [] } }], { now }).rows[0]!.cells[1]).toBe("<none>");
  });
});
