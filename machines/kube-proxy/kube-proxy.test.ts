import { describe, it, expect } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import { proxyRules, pickBackend, type ProxyRule } from "./kube-proxy.logic.js";

const ep = (ip: string, node: string, c: Endpoint["conditions"] = { ready: true, serving: true, terminating: false }): Endpoint => ({
  addresses: [ip],
  nodeName: node,
  conditions: c,
});
const slice = (endpoints: Endpoint[]): EndpointSlice => ({
  metadata: { name: "web-abc", namespace: "default", labels: { "kubernetes.io/service-name": "web" } },
  addressType: "IPv4",
  endpoints,
  ports: [{ name: "http", port: 8080, protocol: "TCP" }],
});
const svc = (spec: Partial<Service["spec"]> = {}): Service => ({
  metadata: { name: "web", namespace: "default" },
  spec: { clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, protocol: "TCP", nodePort: 30080 }], ...spec },
});
const terminating = { ready: false, serving: true, terminating: true };

describe("proxyRules", () => {
  it("programs a ClusterIP rule to every ready endpoint, sorted", () => {
    const rules = proxyRules([svc()], [slice([ep("10.244.2.5", "n2"), ep("10.244.1.5", "n1"), ep("10.244.1.6", "n1", { ready: false, serving: false })])], "n1");
    expect(rules).toEqual([
      { service: "default/web:http", frontend: "10.96.0.20:80/TCP", kind: "ClusterIP", backends: ["10.244.1.5:8080", "10.244.2.5:8080"], trafficPolicy: "Cluster" },
    ]);
  });

  it.each([
    {
      name: "falls back to serving terminating endpoints when none is ready",
      eps: [ep("10.244.1.5", "n1", terminating), ep("10.244.1.6", "n1", { ready: false, serving: false, terminating: true })],
      want: ["10.244.1.5:8080"],
    },
    {
      name: "does not use terminating endpoints while a ready one exists",
      eps: [ep("10.244.1.5", "n1", terminating), ep("10.244.2.5", "n2")],
      want: ["10.244.2.5:8080"],
    },
    { name: "treats unset conditions as ready", eps: [{ addresses: ["10.244.1.9"] }], want: ["10.244.1.9:8080"] },
    { name: "has no backends when nothing is ready or serving", eps: [ep("10.244.1.5", "n1", { ready: false, serving: false })], want: [] },
  ])("$name", ({ eps, want }) => {
    expect(proxyRules([svc()], [slice(eps)], "n1")[0]?.backends).toEqual(want);
  });

  it("adds a NodePort rule on <any>:nodePort for NodePort Services", () => {
    const rules = proxyRules([svc({ type: "NodePort" })], [slice([ep("10.244.1.5", "n1")])], "n1");
    expect(rules.map((r) => [r.kind, r.frontend])).toEqual([
      ["ClusterIP", "10.96.0.20:80/TCP"],
      ["NodePort", "<any>:30080/TCP"],
    ]);
  });

  it("externalTrafficPolicy Local limits the NodePort rule to this node's endpoints but not the ClusterIP rule", () => {
    const rules = proxyRules([svc({ type: "NodePort", externalTrafficPolicy: "Local" })], [slice([ep("10.244.1.5", "n1"), ep("10.244.2.5", "n2")])], "n2");
    expect(rules.map((r) => [r.kind, r.backends])).toEqual([
      ["ClusterIP", ["10.244.1.5:8080", "10.244.2.5:8080"]],
      ["NodePort", ["10.244.2.5:8080"]],
    ]);
  });

  it("internalTrafficPolicy Local leaves a node without local endpoints with none", () => {
    const rules = proxyRules([svc({ internalTrafficPolicy: "Local" })], [slice([ep("10.244.1.5", "n1")])], "n2");
    expect(rules[0]?.backends).toEqual([]);
  });

  it("Local policy falls back to this node's serving terminating endpoints", () => {
    const rules = proxyRules([svc({ internalTrafficPolicy: "Local" })], [slice([ep("10.244.1.5", "n1", terminating), ep("10.244.2.5", "n2")])], "n1");
    expect(rules[0]?.backends).toEqual(["10.244.1.5:8080"]);
  });

  it.each([
    { name: "headless Services get no rules", s: svc({ clusterIP: "None" }) },
    { name: "ExternalName Services get no rules", s: svc({ type: "ExternalName", clusterIP: undefined, externalName: "example.com" }) },
  ])("$name", ({ s }) => expect(proxyRules([s], [slice([ep("10.244.1.5", "n1")])], "n1")).toEqual([]));

  it("notes ClientIP session affinity with the 3-hour default timeout", () => {
    const rules = proxyRules([svc({ sessionAffinity: "ClientIP" })], [slice([ep("10.244.1.5", "n1")])], "n1");
    expect(rules[0]?.sessionAffinity).toEqual({ type: "ClientIP", timeoutSeconds: 10800 });
  });
});

describe("pickBackend (iptables statistic-random chain)", () => {
  const rule: ProxyRule = { service: "s", frontend: "f", kind: "ClusterIP", backends: ["a", "b", "c"], trafficPolicy: "Cluster" };

  it.each([
    { name: "the first rule fires with probability 1/3", draws: [0.3], want: "a" },
    { name: "the second rule fires with probability 1/2 of the rest", draws: [0.5, 0.4], want: "b" },
    { name: "the last rule catches everything else", draws: [0.9, 0.9], want: "c" },
  ])("$name", ({ draws, want }) => {
    let i = 0;
    expect(pickBackend(rule, () => draws[i++]!)).toBe(want);
  });

  it("is uniform over backends with a uniform random source", () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const n = 30;
    // A stratified grid of draws, so the expected counts are exact.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const draws = [(i + 0.5) / n, (j + 0.5) / n];
      let k = 0;
      counts[pickBackend(rule, () => draws[k++]!)!]!++;
    }
    expect(counts).toEqual({ a: 300, b: 300, c: 300 });
  });

  it("returns nothing when there are no backends", () => {
    expect(pickBackend({ ...rule, backends: [] }, () => 0)).toBeUndefined();
  });

  it("keeps a client on its previous backend under ClientIP affinity", () => {
    const sticky = { ...rule, sessionAffinity: { type: "ClientIP" as const, timeoutSeconds: 10800 } };
    expect(pickBackend(sticky, () => 0, "c")).toBe("c");
    expect(pickBackend(rule, () => 0, "c")).toBe("a");
  });
});
