// kubectl get sts / rc: printStatefulSet's and printReplicationController's columns and cells
// (pkg/printers/internalversion/printers.go, v1.35).

import { describe, expect, it } from "vitest";
import { renderTable, tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
const containers = [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.21" }];
const sts = (replicas: number, status: any): any => ({ metadata: { name: "web", creationTimestamp: ago(120_000) }, spec: { replicas, selector: { matchLabels: { app: "nginx" } }, template: { spec: { containers } } }, status });
const rc = (status: any): any => ({ metadata: { name: "nginx", creationTimestamp: ago(30_000) }, spec: { replicas: 3, selector: { app: "nginx" }, template: { spec: { containers: [{ name: "nginx", image: "nginx" }] } } }, status });

describe("printStatefulSet", () => {
  it("has kubectl's columns (Name, Ready, Age; wide adds Containers and Images)", () => {
    const t = tableFor("StatefulSet", [sts(2, {})], { now, wide: true });
    expect(t.columns.map((c) => `${c.name}${c.priority ? "*" : ""}`)).toEqual(["Name", "Ready", "Age", "Containers*", "Images*"]);
    expect(t.rows[0]!.cells).toEqual(["web", "0/2", "2m", "nginx", "registry.k8s.io/nginx-slim:0.21"]);
  });
  it("shows readyReplicas over spec.replicas", () => {
    expect(tableFor("StatefulSet", [sts(2, { replicas: 2, readyReplicas: 1 })], { now }).rows[0]!.cells).toEqual(["web", "1/2", "2m"]);
    expect(renderTable(tableFor("StatefulSet", [sts(2, { readyReplicas: 2 })], { now })).split("\n")[0]).toBe("NAME   READY   AGE");
  });
});

describe("printReplicationController", () => {
  it("has kubectl's columns; wide adds containers, images and the selector map", () => {
    const t = tableFor("ReplicationController", [rc({ replicas: 3, readyReplicas: 2 })], { now, wide: true });
    expect(t.columns.map((c) => `${c.name}${c.priority ? "*" : ""}`)).toEqual(["Name", "Desired", "Current", "Ready", "Age", "Containers*", "Images*", "Selector*"]);
    expect(t.rows[0]!.cells).toEqual(["nginx", 3, 3, 2, "30s", "nginx", "nginx", "app=nginx"]);
    expect(renderTable(tableFor("ReplicationController", [rc({})], { now })).split("\n")[0]).toBe("NAME    DESIRED   CURRENT   READY   AGE");
  });
});
