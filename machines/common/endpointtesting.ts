// Shared by the endpoints and EndpointSlice controllers' property tests: random pods and Services
// of one namespace, frozen as the informers hold them.

import fc from "fast-check";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { deepFreeze } from "./equal.js";

export interface PodSpec {
  ready: boolean;
  ip: number | undefined;
  app: "web" | "other";
  deleting: boolean;
  phase: "Running" | "Succeeded";
  hostname: boolean;
  containerPort: number | undefined;
  /** a pod without a UID (the endpoints controller's test) */
  noUid: boolean;
  /** the node it runs on (the EndpointSlice controller's test: zones); else born % 3 */
  node: number | undefined;
}

/** Pod specs with IPs 10.0.0.1 to 10.0.0.maxIp; `uids` and `nodes` make the noUid and node fields vary. */
export function podSpecs(o: { maxIp: number; uids?: boolean; nodes?: boolean }): fc.Arbitrary<PodSpec> {
  return fc.record<PodSpec>({
    ready: fc.boolean(),
    ip: fc.option(fc.integer({ min: 1, max: o.maxIp }), { nil: undefined }),
    app: fc.constantFrom("web", "web", "web", "other"),
    deleting: fc.constantFrom(false, false, false, true),
    phase: fc.constantFrom("Running", "Running", "Running", "Succeeded"),
    hostname: fc.boolean(),
    containerPort: fc.constantFrom(8080, 8080, 8080, 9090, undefined),
    noUid: o.uids ? fc.constantFrom(false, false, false, false, false, true) : fc.constant(false),
    node: o.nodes ? fc.integer({ min: 0, max: 2 }) : fc.constant(undefined),
  });
}

/** A pod object: `born` is the generation it was created at (its UID and default node), `gen` this version's. */
export function makePod(name: string, born: number, gen: number, s: PodSpec): Pod {
  return deepFreeze({
    metadata: {
      name,
      namespace: "default",
      ...(s.noUid ? {} : { uid: `uid-${name}-${born}` }),
      // Now and then a pod without a resourceVersion: its version is never known, it is looked at anew.
      ...(gen % 7 === 0 ? {} : { resourceVersion: String(gen) }),
      labels: { app: s.app },
      ...(s.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    spec: {
      nodeName: `node-${s.node ?? born % 3}`,
      containers: [{ name: "c", ports: s.containerPort === undefined ? [] : [{ name: "http", containerPort: s.containerPort }] }],
      ...(s.hostname ? { hostname: name, subdomain: "web" } : {}),
    },
    status: {
      phase: s.phase,
      ...(s.ip !== undefined ? { podIP: `10.0.0.${s.ip}`, podIPs: [{ ip: `10.0.0.${s.ip}` }] } : {}),
      conditions: [{ type: "Ready", status: s.ready ? "True" : "False" }],
    },
  });
}

export interface SvcSpec {
  named: boolean;
  twoPorts: boolean;
  publishNotReady: boolean;
  headless: boolean;
  noPorts: boolean;
  team: "a" | "b";
}

/** Service specs; `portless` lets some have no ports at all. */
export function svcSpecs(o: { portless?: boolean } = {}): fc.Arbitrary<SvcSpec> {
  return fc.record<SvcSpec>({
    named: fc.boolean(),
    twoPorts: fc.boolean(),
    publishNotReady: fc.constantFrom(false, false, true),
    headless: fc.boolean(),
    noPorts: o.portless ? fc.constantFrom(false, false, false, true) : fc.constant(false),
    team: fc.constantFrom("a", "b"),
  });
}

/** The Service "web" selecting app=web. */
export function makeService(s: SvcSpec): Service {
  const ports = s.noPorts ? [] : [{ name: "http", port: 80, targetPort: s.named ? "http" : 8080, protocol: "TCP" }, ...(s.twoPorts ? [{ name: "metrics", port: 81, targetPort: 9100 }] : [])];
  return deepFreeze({
    metadata: { name: "web", namespace: "default", uid: "svc", labels: { team: s.team } },
    // the IP family fields as a single-stack cluster's API server stores them (a headless Service without families would get both slice types)
    spec: { selector: { app: "web" }, clusterIP: s.headless ? "None" : "10.96.0.10", ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"], ports, ...(s.publishNotReady ? { publishNotReadyAddresses: true } : {}) },
  }) as Service;
}
