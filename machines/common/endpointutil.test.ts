// The pod-update filter of the endpoints and EndpointSlice controllers, against the test tables of
// k8s.io/endpointslice/util/controller_utils_test.go (Test_podChanged,
// TestDetermineNeededServiceUpdates, TestGetPodServiceMemberships).

import { describe, it, expect } from "vitest";
import { Map as IMap, OrderedMap } from "immutable";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { newClient, type ClientState } from "./client.js";
import { computeTriggerTime, determineNeededServiceUpdates, type TriggerStates, podDeltaServiceKeys, podEndpointsChanged, podServiceKeys, servicesToUpdateOnPodChange } from "./endpointutil.js";

const SERVICES = 1;

/** Test_podChanged's orig: labels foo=bar, Ready False. */
function orig(): Pod {
  return {
    metadata: { namespace: "test", name: "pod", labels: { foo: "bar" } },
    status: { conditions: [{ type: "Ready", status: "False" }] },
  };
}

describe("podEndpointsChanged (Test_podChanged)", () => {
  it.each<{ name: string; modify: (old: Pod, cur: Pod) => void; podChanged: boolean; labelsChanged: boolean }>([
    { name: "no changes", modify: () => undefined, podChanged: false, labelsChanged: false },
    // NodeName can only change before the pod has an IP.
    { name: "change NodeName", modify: (_o, n) => void (n.spec = { ...n.spec!, nodeName: "changed" }), podChanged: false, labelsChanged: false },
    { name: "change ResourceVersion", modify: (_o, n) => void (n.metadata!.resourceVersion = "changed"), podChanged: false, labelsChanged: false },
    { name: "add primary IPv4", modify: (_o, n) => void Object.assign(n.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }] }), podChanged: true, labelsChanged: false },
    {
      name: "modify primary IPv4",
      modify: (o, n) => {
        Object.assign(o.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }] });
        Object.assign(n.status!, { podIP: "2.3.4.5", podIPs: [{ ip: "2.3.4.5" }] });
      },
      podChanged: true,
      labelsChanged: false,
    },
    { name: "add primary IPv6", modify: (_o, n) => void Object.assign(n.status!, { podIP: "fd00:10:96::1", podIPs: [{ ip: "fd00:10:96::1" }] }), podChanged: true, labelsChanged: false },
    {
      name: "modify primary IPv6",
      modify: (o, n) => {
        Object.assign(o.status!, { podIP: "fd00:10:96::1", podIPs: [{ ip: "fd00:10:96::1" }] });
        Object.assign(n.status!, { podIP: "fd00:10:96::2", podIPs: [{ ip: "fd00:10:96::2" }] });
      },
      podChanged: true,
      labelsChanged: false,
    },
    {
      name: "add secondary IP",
      modify: (o, n) => {
        Object.assign(o.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }] });
        Object.assign(n.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }, { ip: "fd00:10:96::1" }] });
      },
      podChanged: true,
      labelsChanged: false,
    },
    {
      name: "modify secondary IP",
      modify: (o, n) => {
        Object.assign(o.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }, { ip: "fd00:10:96::1" }] });
        Object.assign(n.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }, { ip: "fd00:10:96::2" }] });
      },
      podChanged: true,
      labelsChanged: false,
    },
    {
      name: "remove secondary IP",
      modify: (o, n) => {
        Object.assign(o.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }, { ip: "fd00:10:96::1" }] });
        Object.assign(n.status!, { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }] });
      },
      podChanged: true,
      labelsChanged: false,
    },
    { name: "change readiness", modify: (_o, n) => void (n.status!.conditions![0]!.status = "True"), podChanged: true, labelsChanged: false },
    { name: "mark for deletion", modify: (_o, n) => void (n.metadata!.deletionTimestamp = "2026-01-01T00:00:00Z"), podChanged: true, labelsChanged: false },
    { name: "add label", modify: (_o, n) => void (n.metadata!.labels!.label = "new"), podChanged: false, labelsChanged: true },
    {
      name: "modify label",
      modify: (o, n) => {
        o.metadata!.labels!.label = "old";
        n.metadata!.labels!.label = "new";
      },
      podChanged: false,
      labelsChanged: true,
    },
    { name: "remove label", modify: (o) => void (o.metadata!.labels!.label = "old"), podChanged: false, labelsChanged: true },
    // From podEndpointsChanged's source: hostname and subdomain decide membership too (ShouldSetHostname).
    { name: "change hostname", modify: (_o, n) => void (n.spec = { ...n.spec!, hostname: "h" }), podChanged: false, labelsChanged: true },
    { name: "change subdomain", modify: (_o, n) => void (n.spec = { ...n.spec!, subdomain: "s" }), podChanged: false, labelsChanged: true },
    // Go compares the two *metav1.Time pointers, and the informer decodes old and new apart: a
    // deletionTimestamp on both sides is a change too, however equal the times.
    {
      name: "both marked for deletion at the same time",
      modify: (o, n) => {
        o.metadata!.deletionTimestamp = "2026-01-01T00:00:00Z";
        n.metadata!.deletionTimestamp = "2026-01-01T00:00:00Z";
      },
      podChanged: true,
      labelsChanged: false,
    },
  ])("$name", ({ modify, podChanged, labelsChanged }) => {
    const old = structuredClone(orig());
    const cur = structuredClone(old);
    modify(old, cur);
    expect(podEndpointsChanged(old, cur)).toEqual({ podChanged, labelsChanged });
  });

  it("takes an absent and an empty label map as the same (both decode to nil)", () => {
    const old: Pod = { metadata: { name: "pod" } };
    expect(podEndpointsChanged(old, { metadata: { name: "pod", labels: {} } })).toEqual({ podChanged: false, labelsChanged: false });
  });
});

describe("determineNeededServiceUpdates (TestDetermineNeededServiceUpdates)", () => {
  it.each([
    { name: "no services changed", a: ["a", "b", "c"], b: ["a", "b", "c"], xor: [], union: ["a", "b", "c"] },
    { name: "all old services removed, new services added", a: ["a", "b", "c"], b: ["d", "e", "f"], xor: ["a", "b", "c", "d", "e", "f"], union: ["a", "b", "c", "d", "e", "f"] },
    { name: "all old services removed, no new services added", a: ["a", "b", "c"], b: [], xor: ["a", "b", "c"], union: ["a", "b", "c"] },
    { name: "no old services, but new services added", a: [], b: ["a", "b", "c"], xor: ["a", "b", "c"], union: ["a", "b", "c"] },
    { name: "one service removed, one service added, two unchanged", a: ["a", "b", "c"], b: ["b", "c", "d"], xor: ["a", "d"], union: ["a", "b", "c", "d"] },
    { name: "no services", a: [], b: [], xor: [], union: [] },
  ])("$name", ({ a, b, xor, union }) => {
    expect(determineNeededServiceUpdates(a, b, false).sort()).toEqual(xor);
    expect(determineNeededServiceUpdates(a, b, true).sort()).toEqual(union);
  });
});

/** TestGetPodServiceMemberships's informer: service-i in namespace test selecting app=test-i, i < 3. */
function withServices(): ClientState {
  const client = newClient("t");
  const services: Service[] = [0, 1, 2].map((i) => ({ metadata: { name: `service-${i}`, namespace: "test" }, spec: { selector: { app: `test-${i}` } } }));
  client.informers = client.informers.set(SERVICES, {
    watchId: SERVICES,
    group: "",
    resource: "services",
    store: OrderedMap<string, any>(services.map((s) => [`test/${s.metadata!.name}`, s])),
    resourceVersion: "1",
    synced: true,
  });
  return client;
}

const testPod = (i: number, rv = "1", labels: Record<string, string> = { app: `test-${i}`, label: `label-${i}` }): Pod => ({
  metadata: { namespace: "test", name: `test-pod-${i}`, resourceVersion: rv, labels },
  status: { podIP: "1.2.3.4", podIPs: [{ ip: "1.2.3.4" }], conditions: [{ type: "Ready", status: "True" }] },
});

describe("podServiceKeys (TestGetPodServiceMemberships)", () => {
  it.each([
    { name: "get servicesMemberships for pod-0", i: 0, want: ["test/service-0"] },
    { name: "get servicesMemberships for pod-1", i: 1, want: ["test/service-1"] },
    { name: "get servicesMemberships for pod-2", i: 2, want: ["test/service-2"] },
    { name: "get servicesMemberships for pod-3", i: 3, want: [] },
    { name: "get servicesMemberships for pod-4", i: 4, want: [] },
  ])("$name", ({ i, want }) => {
    const p = testPod(i);
    expect(podServiceKeys(withServices(), SERVICES, p, p.metadata!.labels)).toEqual(want);
  });
});

describe("servicesToUpdateOnPodChange (GetServicesToUpdateOnPodChange)", () => {
  const client = withServices();
  const changed = (old: Pod, patch: (p: Pod) => void): Pod => {
    const cur = structuredClone(old);
    cur.metadata!.resourceVersion = "2";
    patch(cur);
    return cur;
  };
  it.each<{ name: string; old: Pod; cur: (old: Pod) => Pod; want: string[] }>([
    // Periodic resyncs deliver the same version again: two versions of a pod always differ in it.
    { name: "a resync (same resourceVersion) queues nothing, whatever differs", old: testPod(0), cur: (o) => ({ ...o, status: { ...o.status, conditions: [{ type: "Ready", status: "False" }] } }), want: [] },
    { name: "an annotation queues nothing", old: testPod(0), cur: (o) => changed(o, (p) => void (p.metadata!.annotations = { a: "b" })), want: [] },
    { name: "a readiness change queues the pod's Services", old: testPod(0), cur: (o) => changed(o, (p) => void (p.status!.conditions![0]!.status = "False")), want: ["test/service-0"] },
    { name: "a label moving the pod queues the Service it left and the one it joined", old: testPod(0), cur: (o) => changed(o, (p) => void (p.metadata!.labels!.app = "test-1")), want: ["test/service-1", "test/service-0"] },
    { name: "a label that keeps the pod's Services queues nothing", old: testPod(0), cur: (o) => changed(o, (p) => void (p.metadata!.labels!.label = "other")), want: [] },
    {
      name: "labels and readiness changed together queue the old and the new Services",
      old: testPod(0, "1", { app: "test-0", extra: "x" }),
      cur: (o) => changed(o, (p) => {
        p.metadata!.labels = { app: "test-0" };
        p.status!.conditions![0]!.status = "False";
      }),
      want: ["test/service-0"],
    },
  ])("$name", ({ old, cur, want }) => {
    expect(servicesToUpdateOnPodChange(client, SERVICES, old, cur(old))).toEqual(want);
  });

  it("queues the Services of an added pod and of a deleted pod's final state (addPod, deletePod)", () => {
    const p = testPod(2);
    expect(podDeltaServiceKeys(client, SERVICES, { type: "ADDED", object: p })).toEqual(["test/service-2"]);
    expect(podDeltaServiceKeys(client, SERVICES, { type: "DELETED", object: p, old: testPod(1) })).toEqual(["test/service-2"]);
    // An ADDED for a key the cache holds is an update to client-go's informer (OnUpdate).
    expect(podDeltaServiceKeys(client, SERVICES, { type: "ADDED", object: { ...p, metadata: { ...p.metadata, resourceVersion: "5", annotations: { a: "b" } } }, old: p })).toEqual([]);
  });
});

describe("computeTriggerTime (trigger_time_tracker_test.go)", () => {
  const t = (s: number) => Date.UTC(2019, 0, 1, 0, 0, s);
  const iso = (ms: number) => new Date(ms).toISOString();
  const service = (created: number): Service => ({ metadata: { namespace: "ttNamespace1", name: "my-service", creationTimestamp: iso(created) } });
  const readyPod = (name: string, ready: number): Pod => ({
    metadata: { namespace: "ttNamespace1", name },
    status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(ready) }] },
  });
  type Step = { service: Service; pods: Pod[]; want: number | undefined } | "deleteService";
  it.each<{ name: string; steps: Step[] }>([
    { name: "TestNewServiceNoPods", steps: [{ service: service(t(2)), pods: [], want: t(2) }] },
    // Pods created before the Service: the trigger time is the Service's creation.
    { name: "TestNewServiceExistingPods", steps: [{ service: service(t(3)), pods: [readyPod("pod1", t(0)), readyPod("pod2", t(1)), readyPod("pod3", t(5))], want: t(3) }] },
    {
      name: "TestPodsAdded",
      steps: [
        { service: service(t(0)), pods: [], want: t(0) },
        { service: service(t(0)), pods: [readyPod("pod1", t(2)), readyPod("pod2", t(1))], want: t(1) },
      ],
    },
    {
      name: "TestPodsUpdated",
      steps: [
        { service: service(t(0)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2)), readyPod("pod3", t(3))], want: t(0) },
        { service: service(t(0)), pods: [readyPod("pod1", t(5)), readyPod("pod2", t(4)), readyPod("pod3", t(3))], want: t(4) },
      ],
    },
    {
      name: "TestPodsUpdatedNoOp",
      steps: [
        { service: service(t(0)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2)), readyPod("pod3", t(3))], want: t(0) },
        { service: service(t(0)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2)), readyPod("pod3", t(3))], want: undefined },
      ],
    },
    {
      name: "TestPodDeletedThenAdded",
      steps: [
        { service: service(t(0)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2))], want: t(0) },
        { service: service(t(0)), pods: [readyPod("pod1", t(1))], want: undefined },
        { service: service(t(0)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(4))], want: t(4) },
      ],
    },
    {
      name: "TestServiceDeletedThenAdded",
      steps: [
        { service: service(t(0)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2))], want: t(0) },
        "deleteService",
        { service: service(t(3)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2))], want: t(3) },
      ],
    },
    {
      // A Service update (its ports) has no trigger time of its own.
      name: "TestServiceUpdatedNoPodChange",
      steps: [
        { service: service(t(0)), pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2))], want: t(0) },
        { service: { ...service(t(0)), spec: { ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }] } }, pods: [readyPod("pod1", t(1)), readyPod("pod2", t(2))], want: undefined },
      ],
    },
  ])("$name", ({ steps }) => {
    const key = "ttNamespace1/my-service";
    let states: TriggerStates = IMap();
    for (const step of steps) {
      if (step === "deleteService") {
        states = states.delete(key);
        continue;
      }
      const before = JSON.stringify(states.toJS());
      const r = computeTriggerTime(states, key, step.service, step.pods);
      expect(JSON.stringify(states.toJS())).toBe(before); // the states given are a value: never changed
      expect(r.time).toBe(step.want);
      states = r.states;
    }
  });
});

// Syncs that replace a few pod objects in the list the Service's state was computed from take a
// shortcut (only the replaced pods are compared): it must answer as TriggerTimeTracker does.
describe("computeTriggerTime over a run of syncs", () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const service: Service = { metadata: { namespace: "ns", name: "svc", creationTimestamp: iso(Date.UTC(2020, 0, 1)) } };
  const pod = (name: string, ready: number | undefined): Pod => Object.freeze({
    metadata: { namespace: "ns", name },
    status: ready === undefined ? {} : { conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(Date.UTC(2020, 0, 1, 0, 0, ready)) }] },
  });
  // TriggerTimeTracker.ComputeEndpointLastChangeTriggerTime, written out plainly on a Map of the last times.
  function reference(last: Map<string, number> | undefined, pods: Pod[]): { times: Map<string, number>; time: number | undefined } {
    const times = new Map<string, number>();
    let min: number | undefined;
    for (const p of pods) {
      const c = p.status?.conditions?.find((x) => x.type === "Ready");
      if (!c) continue;
      const tt = Date.parse(c.lastTransitionTime!);
      times.set(p.metadata!.name!, tt);
      const seen = last?.get(p.metadata!.name!);
      if (seen === undefined || tt > seen) min = min === undefined ? tt : Math.min(min, tt);
    }
    const created = Date.parse(service.metadata!.creationTimestamp!);
    return { times, time: last === undefined ? created : min };
  }

  it("answers as the tracker does when pods are replaced, renamed, added, removed or lose their time", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const key = "ns/svc";
    let states: TriggerStates = IMap();
    let last: Map<string, number> | undefined;
    let pods = Array.from({ length: 12 }, (_, i) => pod(`p${i}`, rand(3) === 0 ? undefined : rand(50)));
    for (let step = 0; step < 2000; step++) {
      const next = pods.slice();
      const kind = rand(10);
      if (kind < 6) {
        // the usual sync: a few pods of the same names replaced by new objects (a time moved, stayed, or went)
        for (let k = 1 + rand(3); k > 0; k--) {
          const i = rand(next.length);
          const r = rand(4);
          next[i] = pod(next[i]!.metadata!.name!, r === 0 ? undefined : r === 1 ? Date.parse(next[i]!.status?.conditions?.[0]?.lastTransitionTime ?? "2020-01-01T00:00:00Z") / 1000 - Date.UTC(2020, 0, 1) / 1000 : rand(200));
        }
      } else if (kind === 6) next[rand(next.length)] = pod(`q${step}`, rand(200)); // another pod in the same place
      else if (kind === 7 && next.length > 1) next.splice(rand(next.length), 1);
      else if (kind === 8) next.push(pod(`r${step}`, rand(3) === 0 ? undefined : rand(200)));
      pods = step % 5 === 0 ? pods : next; // some syncs see the very same list
      const got = computeTriggerTime(states, key, service, pods);
      const want = reference(last, pods);
      expect(got.time).toBe(want.time);
      expect(new Map(got.states.get(key)!.podTimes)).toEqual(want.times);
      states = got.states;
      last = want.times;
    }
  });
});
