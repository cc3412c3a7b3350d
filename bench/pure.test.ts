import { beforeAll, describe, expect, it } from "vitest";
import { countReady } from "./cluster-bench.js";
import { runPure } from "./pure.js";
import { benchCluster, benchManifests, benchNodes } from "./workload.js";

// The pure loop against the actor run of the same workload (3 nodes, 20 pods: one Deployment of 20
// behind a Service): the end state Kubernetes' semantics fix must be the same on both sides, each
// side's objects read as they are stored and checked against what Kubernetes does, field by field.

const nodes = 3;
const pods = 20;

interface Side {
  /** objects by kind, as stored */
  kinds: Map<string, any[]>;
  /** writes by verb and resource ("update pods/status") */
  requests: Map<string, number>;
  /** the garbage collector's graph: the uids of its nodes, and the keys waiting in its queue */
  gc: { uids: Set<string>; queued: number };
}

async function actorSide(): Promise<Side> {
  const cluster = benchCluster(nodes, 1);
  const rt = cluster.runtime;
  const requests = new Map<string, number>();
  rt.deliveryHooks.push((_from, _to, msg: any) => {
    if (msg.type !== "ApiRequest" || !["create", "update", "patch", "delete"].includes(msg.verb)) return;
    const k = `${msg.verb} ${msg.resource}${msg.subresource ? `/${msg.subresource}` : ""}`;
    requests.set(k, (requests.get(k) ?? 0) + 1);
  });
  await cluster.apply(benchManifests(pods));
  let last = countReady(cluster);
  let n = 0;
  while (last.running < pods || last.endpoints < pods) {
    if (rt.hasReady) rt.step();
    else if (!rt.fireNextTimer(rt.now + 3_600_000)) throw new Error("the actor run stalled");
    if (++n % 100 === 0) last = countReady(cluster);
  }
  // the end state: the controllers' syncs for the last readiness changes still in flight when the
  // Endpoints were complete (ReplicaSet status, the EndpointSlice) are delivered, no timer fired
  while (rt.hasReady) rt.step();
  const byKind = rt.snapshot("apiserver").context.cache.byKind as Map<string, Map<string, any>>;
  const kinds = new Map<string, any[]>();
  for (const [k, m] of byKind) kinds.set(k, [...m.values()]);
  const gc = rt.snapshot("garbage-collector").context;
  await cluster.stop();
  return { kinds, requests, gc: { uids: new Set(gc.byUid.keys()), queued: gc.q.waiting.size } };
}

function pureSide(): Side {
  const { store, result } = runPure(nodes, pods, 1);
  expect(result.running).toBe(pods);
  const kinds = new Map<string, any[]>();
  for (const [k, m] of store.byKind) kinds.set(k, [...m.values()]);
  return { kinds, requests: store.requests, gc: { uids: new Set(store.gc.byUid.keys()), queued: store.gc.q.waiting.size } };
}

const of = (s: Side, kind: string) => s.kinds.get(kind) ?? [];
const workload = (o: any) => o.metadata.name.startsWith("web-");

// IPv4 arithmetic written here, not the model's: is the address inside the CIDR?
function inCIDR(ip: string, cidr: string): boolean {
  const num = (a: string) => a.split(".").reduce((n, x) => n * 256 + Number(x), 0);
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(num(base!) / size) * size;
  return num(ip) >= start && num(ip) < start + size;
}

const podCIDRs = new Map(benchNodes(nodes).map((n) => [n.metadata!.name!, n.spec!.podCIDR!]));

// each side is run once, for its own checks and for the comparison of the two
let actor: Promise<Side> | undefined;
let pure: Promise<Side> | undefined;
const actorOnce = () => (actor ??= actorSide());
const pureOnce = () => (pure ??= Promise.resolve().then(pureSide));

describe.each([["the actor run", actorOnce], ["the pure loop", pureOnce]] as const)("%s, 3 nodes x 20 pods", (_name, run) => {
  let side: Side;
  beforeAll(async () => {
    side = await run();
  }, 120_000);

  it("runs every pod on a node, with a pod IP from that node's podCIDR", () => {
    const ps = of(side, "Pod").filter(workload);
    expect(ps).toHaveLength(pods);
    for (const p of ps) {
      expect(p.status.phase).toBe("Running");
      expect(podCIDRs.has(p.spec.nodeName)).toBe(true);
      expect(inCIDR(p.status.podIP, podCIDRs.get(p.spec.nodeName)!)).toBe(true);
      expect(p.status.podIPs).toEqual([{ ip: p.status.podIP }]);
      expect(p.status.hostIP).toMatch(/^172\.18\.0\.\d+$/);
      expect(p.status.qosClass).toBe("Burstable");
      expect(p.status.containerStatuses).toHaveLength(1);
      const c = p.status.containerStatuses[0];
      expect([c.name, c.ready, c.started, c.restartCount, c.image]).toEqual(["nginx", true, true, 0, "docker.io/library/nginx:1.27"]);
      expect(c.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
      expect(c.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
      expect(Object.keys(c.state)).toEqual(["running"]);
    }
    expect(new Set(ps.map((p) => p.status.podIP)).size).toBe(pods);
  });

  it("gives every pod the kubelet's five conditions, all True, and the API server's defaults and token volume", () => {
    for (const p of of(side, "Pod").filter(workload)) {
      const conds = new Map(p.status.conditions.map((c: any) => [c.type, c.status]));
      expect([...conds.keys()].sort()).toEqual(["ContainersReady", "Initialized", "PodReadyToStartContainers", "PodScheduled", "Ready"]);
      expect([...conds.values()].every((s) => s === "True")).toBe(true);
      expect(p.spec.serviceAccountName).toBe("default");
      expect(p.spec.volumes.map((v: any) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-[a-z0-9]{5}$/)]);
      expect(p.spec.tolerations.map((t: any) => t.key)).toEqual(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]);
      expect(p.spec.containers[0].imagePullPolicy).toBe("IfNotPresent");
      expect(p.metadata.managedFields.map((f: any) => `${f.manager}${f.subresource ? `/${f.subresource}` : ""}`)).toEqual(["kube-controller-manager", "kubelet/status"]);
    }
  });

  it("makes one ReplicaSet of the Deployment, named by its template's hash, owning every pod", () => {
    const rss = of(side, "ReplicaSet");
    expect(rss.map((r) => r.metadata.name)).toEqual(["web-0-7b9f64f977"]);
    const rs = rss[0];
    const owned = of(side, "Pod").filter((p) => p.metadata.ownerReferences?.some((o: any) => o.controller && o.uid === rs.metadata.uid));
    expect(owned).toHaveLength(pods);
    expect(owned.every((p) => p.metadata.generateName === "web-0-7b9f64f977-" && p.metadata.labels["pod-template-hash"] === "7b9f64f977")).toBe(true);
    expect([rs.status.replicas, rs.status.fullyLabeledReplicas, rs.status.readyReplicas, rs.status.availableReplicas, rs.status.observedGeneration]).toEqual([pods, pods, pods, pods, 1]);
  });

  it("records the Events Kubernetes keeps: Scheduled, Pulling, Pulled, Created, Started on each pod; SuccessfulCreate aggregated past nine", () => {
    const events = of(side, "Event");
    for (const p of of(side, "Pod").filter(workload)) {
      const own = events.filter((e) => e.involvedObject.kind === "Pod" && e.involvedObject.uid === p.metadata.uid);
      expect(own.map((e) => e.reason).sort()).toEqual(["Created", "Pulled", "Pulling", "Scheduled", "Started"]);
      expect(own.every((e) => e.type === "Normal")).toBe(true);
      const scheduled = own.find((e) => e.reason === "Scheduled");
      // kube-scheduler's is an events.k8s.io/v1 Event: no count, its reporter and action instead of a source
      expect([scheduled.message, scheduled.count, scheduled.reportingComponent, scheduled.action]).toEqual([`Successfully assigned default/${p.metadata.name} to ${p.spec.nodeName}`, undefined, "default-scheduler", "Binding"]);
      expect(own.filter((e) => e.reason !== "Scheduled").every((e) => e.count === 1 && e.source.component === "kubelet" && e.source.host === p.spec.nodeName)).toBe(true);
    }
    // the ReplicaSet's 20 SuccessfulCreate (one source, object, type and reason): nine as they are, the
    // tenth distinct message "(combined from similar events)", patched by the other ten (count 11)
    const created = events.filter((e) => e.involvedObject.kind === "ReplicaSet" && e.reason === "SuccessfulCreate");
    expect(created.filter((e) => e.count === 1 && /^Created pod: web-0-7b9f64f977-[a-z0-9]{5}$/.test(e.message))).toHaveLength(9);
    const combined = created.filter((e) => e.message.startsWith("(combined from similar events): Created pod: "));
    expect(combined.map((e) => e.count)).toEqual([11]);
    expect(created).toHaveLength(10);
    const scaling = events.filter((e) => e.involvedObject.kind === "Deployment");
    expect(scaling.map((e) => `${e.reason}: ${e.message}`)).toEqual([`ScalingReplicaSet: Scaled up replica set web-0-7b9f64f977 from 0 to ${pods}`]);
  });

  it("makes the writes Kubernetes makes per pod: a create, a binding, two status updates and six Events (the aggregate's as patches)", () => {
    const r = side.requests;
    expect(r.get("create pods")).toBe(pods);
    expect(r.get("create pods/binding")).toBe(pods);
    expect(r.get("update pods/status")).toBe(2 * pods);
    // the Deployment's ScalingReplicaSet besides the five per pod and the ReplicaSet's ten (the
    // endpointslice controller's conflict Events and the endpoints controller's FailedToCreateEndpoint
    // when its write loses a race are the actor run's interleaving's, not the workload's; the nodes'
    // own Events, kubelet start and RegisteredNode, are the cluster's)
    const podEvents = of(side, "Event").filter((e) => !["Service", "Endpoints", "Node"].includes(e.involvedObject.kind)).length;
    expect(podEvents).toBe(5 * pods + 10 + 1);
    expect(r.get("patch events")).toBe(pods - 10);
    // the kubelet's token manager asks one TokenRequest per pod for its kube-api-access token
    // (projected.go: one source, keyed by the pod's uid), answered by the API server, nothing stored
    expect(r.get("create serviceaccounts/token")).toBe(pods);
  });

  it("gives the garbage collector's graph a node for every object stored but Events, and nothing to collect", () => {
    // GetDeletableResources: every resource that can be listed, watched and deleted, but events;
    // every owner (Deployment, ReplicaSet, Service) is stored before its dependents, so no dependent
    // is queued for attemptToDeleteItem
    for (const kind of ["Deployment", "ReplicaSet", "Pod", "Service", "Endpoints", "EndpointSlice", "Node", "ServiceAccount"]) {
      for (const o of of(side, kind)) expect(side.gc.uids.has(o.metadata.uid)).toBe(true);
    }
    for (const e of of(side, "Event")) expect(side.gc.uids.has(e.metadata.uid)).toBe(false);
    expect(side.gc.queued).toBe(0);
  });

  it("lists every pod as a ready address in the Service's Endpoints and its one EndpointSlice", () => {
    const ips = of(side, "Pod").filter(workload).map((p) => p.status.podIP).sort();
    const eps = of(side, "Endpoints").filter((e) => e.metadata.name === "web-0");
    expect(eps).toHaveLength(1);
    expect(eps[0].subsets).toHaveLength(1);
    const subset = eps[0].subsets[0];
    expect(subset.notReadyAddresses).toBeUndefined();
    expect(subset.addresses.map((a: any) => a.ip).sort()).toEqual(ips);
    expect(subset.ports).toEqual([{ name: "http", port: 80, protocol: "TCP" }]);
    const slices = of(side, "EndpointSlice").filter((s) => s.metadata.labels["kubernetes.io/service-name"] === "web-0");
    expect(slices).toHaveLength(1);
    expect(slices[0].endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(ips);
    expect(slices[0].endpoints.every((e: any) => e.conditions.ready && e.conditions.serving && !e.conditions.terminating)).toBe(true);
    expect(slices[0].ports).toEqual([{ name: "http", port: 80, protocol: "TCP" }]);
  });

  it("brings the Deployment's status to every replica updated, ready and available, and complete", () => {
    const d = of(side, "Deployment").find((x) => x.metadata.name === "web-0");
    const s = d.status;
    expect([s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas ?? 0, s.observedGeneration]).toEqual([pods, pods, pods, pods, 0, 1]);
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    const conds = new Map(s.conditions.map((c: any) => [c.type, `${c.status} ${c.reason}`]));
    expect(conds).toEqual(new Map([["Available", "True MinimumReplicasAvailable"], ["Progressing", "True NewReplicaSetAvailable"]]));
  });

  it("gives the Service a ClusterIP from the service CIDR", () => {
    const svc = of(side, "Service").find((x) => x.metadata.name === "web-0");
    expect(inCIDR(svc.spec.clusterIP, "10.96.0.0/12")).toBe(true);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
  });
});

describe("the pure loop and the actor run, side by side", () => {
  let a: Side;
  let p: Side;
  beforeAll(async () => {
    [a, p] = await Promise.all([actorOnce(), pureOnce()]);
  }, 120_000);

  // What a pod's run leaves that does not depend on which node or name it drew.
  const podSummary = (side: Side) => of(side, "Pod").filter(workload).map((pod) => JSON.stringify({
    phase: pod.status.phase,
    conditions: pod.status.conditions.map((c: any) => `${c.type}=${c.status}`).sort(),
    events: of(side, "Event").filter((e) => e.involvedObject.uid === pod.metadata.uid).map((e) => e.reason).sort(),
    containers: pod.status.containerStatuses.map((c: any) => [c.name, c.image, c.ready, Object.keys(c.state)]),
    managers: pod.metadata.managedFields.map((f: any) => f.manager),
    volumes: pod.spec.volumes.length,
  })).sort();

  it("sync the ReplicaSet's and Deployment's status and the Service's Endpoints and slice on the pods' readiness: each written at most once per pod turning ready, and more than once", () => {
    // the pure loop syncs each readiness change before the next (one write per pod for the
    // Endpoints and its slice, one per pod besides the create's for each status: the
    // Deployment's also after its revision annotation); a work queue may coalesce keys added while
    // one waits, so the actor run writes no more than that, and writes each again as pods turn ready
    expect(p.requests.get("update endpoints")).toBe(pods);
    expect(p.requests.get("update endpointslices")).toBe(pods);
    expect(p.requests.get("update replicasets/status")).toBe(1 + pods);
    expect(p.requests.get("update deployments/status")).toBe(2 + pods);
    for (const k of ["update endpoints", "update endpointslices", "update replicasets/status", "update deployments/status"]) {
      expect(a.requests.get(k)).toBeGreaterThan(1);
      expect(a.requests.get(k)).toBeLessThanOrEqual(p.requests.get(k)!);
    }
  });

  it("leave every pod in the same state, with the same Events and conditions", () => {
    expect(podSummary(p)).toEqual(podSummary(a));
  });

  it("make the same workload objects: names, ReplicaSet spec, Service addresses and ports", () => {
    const names = (side: Side, kind: string) => of(side, kind).filter(workload).map((o) => o.metadata.name).sort();
    for (const kind of ["Deployment", "ReplicaSet", "Service", "Endpoints"]) expect(names(p, kind)).toEqual(names(a, kind));
    const rs = (side: Side) => of(side, "ReplicaSet")[0].spec;
    expect(rs(p)).toEqual(rs(a));
    const svc = (side: Side) => of(side, "Service").find((x) => x.metadata.name === "web-0").spec;
    expect(svc(p)).toEqual(svc(a));
  });

  it("agree on the Deployment's and the ReplicaSet's status counts", () => {
    const counts = (side: Side) => {
      const d = of(side, "Deployment")[0].status;
      const r = of(side, "ReplicaSet")[0].status;
      return [d.replicas, d.updatedReplicas, d.readyReplicas, d.availableReplicas, r.replicas, r.readyReplicas, r.availableReplicas];
    };
    expect(counts(p)).toEqual(counts(a));
  });
});

describe("the pure loop's kube-proxy and CoreDNS views", () => {
  it("program the Service with its one slice of ready endpoints and resolve its name to its ClusterIP", () => {
    const { store, proxy, dns } = runPure(nodes, pods, 1);
    const svc = store.get("Service", "default", "web-0");
    const programmed = proxy.get("default/web-0")!;
    expect(programmed.svc).toBe(svc);
    expect(programmed.slices).toHaveLength(1);
    expect(programmed.slices[0]!.endpoints.filter((e) => e.conditions?.ready)).toHaveLength(pods);
    expect(dns.get("web-0.default.svc.cluster.local")!.map((r) => `${r.type} ${r.value}`)).toEqual([`A ${svc.spec.clusterIP}`]);
    expect(dns.get("_http._tcp.web-0.default.svc.cluster.local")!.map((r) => `${r.type} ${r.value} ${r.srv?.port}`)).toEqual(["SRV web-0.default.svc.cluster.local 80"]);
  });
});

describe("the pure loop's API server", () => {
  it("authorizes and admits each write as Kubernetes does: a kubelet may not write another node's pod, the scheduler may not create Secrets", () => {
    const { store } = runPure(nodes, pods, 1);
    const pod = [...store.kind("Pod").values()][0];
    const other = pod.spec.nodeName === "node-1" ? "node-2" : "node-1";
    const kubelet = { name: `system:node:${other}`, groups: ["system:nodes", "system:authenticated"] };
    expect(() => store.update({ ...pod, status: { ...pod.status, phase: "Failed" } }, kubelet, 0, "status")).toThrow(/node "node-\d" can only update pod status for pods with spec.nodeName set to itself/);
    const scheduler = { name: "system:kube-scheduler", groups: ["system:authenticated"] };
    expect(() => store.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "x", namespace: "default" } }, scheduler, 0)).toThrow(/system:kube-scheduler may not create secrets/);
  });
});
