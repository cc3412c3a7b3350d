import { describe, it, expect } from "vitest";
import { admitDefaultedKeeping, defaulted, mutate, defaultPullPolicy, priorityAdmissionError, type MutateContext } from "./index.js";
import { deepFreeze } from "../../common/equal.js";

const now = "2026-01-01T00:00:00Z";
const create: MutateContext = { now, operation: "CREATE" };
const basePod = () => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } });

describe("image pull policy defaulting (SetDefaults_Container)", () => {
  const cases: [string, string, string][] = [
    ["an image without a tag is pulled Always", "nginx", "Always"],
    ["an image tagged latest is pulled Always", "nginx:latest", "Always"],
    ["an image with another tag is pulled IfNotPresent", "nginx:1.27", "IfNotPresent"],
    ["an image pinned by digest only is pulled IfNotPresent", "nginx@sha256:abcd", "IfNotPresent"],
    ["a registry port is not mistaken for a tag", "localhost:5000/app", "Always"],
    ["a registry port with a tag uses the tag", "localhost:5000/app:v1", "IfNotPresent"],
    ["latest with a digest still counts as latest", "nginx:latest@sha256:abcd", "Always"],
  ];
  for (const [name, image, want] of cases) it(name, () => expect(defaultPullPolicy(image)).toBe(want));
});

describe("mutate on Pod create", () => {
  it("fills every PodSpec and container default Kubernetes sets", () => {
    const out = mutate(basePod(), create);
    expect(out.spec).toMatchObject({
      restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler",
      securityContext: {}, enableServiceLinks: true, serviceAccountName: "default", priority: 0, preemptionPolicy: "PreemptLowerPriority",
    });
    expect(out.spec.containers[0]).toMatchObject({
      imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", resources: {},
    });
  });

  // pkg/apis/core/v1/defaults.go SetDefaults_Volume: an image volume's pullPolicy as a container's
  it("defaults an image volume's pullPolicy by its reference's tag, keeping one given", () => {
    const pod = basePod() as any;
    pod.spec.volumes = [
      { name: "a", image: { reference: "quay.io/crio/artifact:v2" } },
      { name: "b", image: { reference: "busybox" } },
      { name: "c", image: { reference: "busybox:latest" } },
      { name: "d", image: { reference: "busybox", pullPolicy: "Never" } },
    ];
    const out = mutate(pod, create);
    expect(out.spec.volumes.map((v: any) => v.image.pullPolicy)).toEqual(["IfNotPresent", "Always", "Always", "Never"]);
  });

  it("adds the not-ready and unreachable NoExecute tolerations for 300 seconds", () => {
    const out = mutate(basePod(), create);
    expect(out.spec.tolerations).toEqual([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
  });

  it("keeps a pod's own not-ready toleration and adds only the missing one", () => {
    const p = basePod() as any;
    p.spec.tolerations = [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 }];
    const out = mutate(p, create);
    expect(out.spec.tolerations).toHaveLength(2);
    expect(out.spec.tolerations[0].tolerationSeconds).toBe(10);
    expect(out.spec.tolerations[1].key).toBe("node.kubernetes.io/unreachable");
  });

  it("a toleration of everything (empty key, Exists) suppresses both defaults", () => {
    const p = basePod() as any;
    p.spec.tolerations = [{ operator: "Exists" }];
    expect(mutate(p, create).spec.tolerations).toEqual([{ operator: "Exists" }]);
  });

  it("sets status Pending with the QoS class, generation 1 and creationTimestamp", () => {
    const out = mutate(basePod(), create);
    expect(out.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
    expect(out.metadata.generation).toBe(1);
    expect(out.metadata.creationTimestamp).toBe(now);
  });

  it("defaults requests from limits on a Pod, which makes it Guaranteed", () => {
    const p = basePod() as any;
    p.spec.containers[0].resources = { limits: { cpu: "500m", memory: "128Mi" } };
    const out = mutate(p, create);
    expect(out.spec.containers[0].resources.requests).toEqual({ cpu: "500m", memory: "128Mi" });
    expect(out.status.qosClass).toBe("Guaranteed");
  });

  it("defaults probe timings and the httpGet path and scheme", () => {
    const p = basePod() as any;
    p.spec.containers[0].livenessProbe = { httpGet: { port: 8080 } };
    p.spec.containers[0].ports = [{ containerPort: 80 }];
    const c = mutate(p, create).spec.containers[0];
    expect(c.livenessProbe).toEqual({ httpGet: { port: 8080, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(c.ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
  });

  it("resolves priority from the PriorityClass, including the built-in system classes", () => {
    const p = basePod() as any;
    p.spec.priorityClassName = "system-node-critical";
    expect(mutate(p, create).spec.priority).toBe(2000001000);
    p.spec.priorityClassName = "high";
    expect(mutate(p, { ...create, priorityClasses: new Map([["high", 1000]]) }).spec.priority).toBe(1000);
  });

  it("names the Priority plugin's reasons for rejecting a pod", () => {
    const p = basePod() as any;
    p.spec.priorityClassName = "nope";
    expect(priorityAdmissionError(p)).toBe("no PriorityClass with name nope was found");
    p.spec.priorityClassName = "system-cluster-critical";
    p.spec.priority = 5;
    expect(priorityAdmissionError(p)).toBe("the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000000000 from the given PriorityClass name");
    expect(priorityAdmissionError(basePod())).toBeUndefined();
  });

  it("coerces a negative grace period to 1", () => {
    const p = basePod() as any;
    p.spec.terminationGracePeriodSeconds = -5;
    expect(mutate(p, create).spec.terminationGracePeriodSeconds).toBe(1);
  });

  // applyAppArmorVersionSkew (pkg/registry/core/pod/strategy.go, the docs' tutorials/security/apparmor):
  // the deprecated annotation and the appArmorProfile field are synced on create.
  describe("the AppArmor annotation and field are kept in step", () => {
    const KEY = "container.apparmor.security.beta.kubernetes.io/c";
    const rows: [string, any, any, any, any][] = [
      ["an annotation without a field sets the container's field", { [KEY]: "localhost/k8s-apparmor-example-deny-write" }, undefined, undefined,
        { annotation: "localhost/k8s-apparmor-example-deny-write", container: { type: "Localhost", localhostProfile: "k8s-apparmor-example-deny-write" } }],
      ["a container field without an annotation adds the annotation", {}, { type: "RuntimeDefault" }, undefined, { annotation: "runtime/default", container: { type: "RuntimeDefault" } }],
      ["a pod-level field without an annotation adds the annotation to each container", {}, undefined, { type: "Localhost", localhostProfile: "p1" }, { annotation: "localhost/p1", container: undefined }],
      ["an annotation the pod-level field already says leaves the container field unset", { [KEY]: "unconfined" }, undefined, { type: "Unconfined" }, { annotation: "unconfined", container: undefined }],
      ["an annotation naming no profile sets no field", { [KEY]: "localhost/" }, undefined, undefined, { annotation: "localhost/", container: undefined }],
    ];
    it.each(rows)("%s", (_n, annotations, containerProfile, podProfile, want) => {
      const p = basePod() as any;
      p.metadata.annotations = annotations;
      if (containerProfile) p.spec.containers[0].securityContext = { appArmorProfile: containerProfile };
      if (podProfile) p.spec.securityContext = { appArmorProfile: podProfile };
      const out = mutate(p, create);
      expect(out.metadata.annotations?.[KEY]).toBe(want.annotation);
      expect(out.spec.containers[0].securityContext?.appArmorProfile).toEqual(want.container);
    });
  });

  it("never mutates its input", () => {
    const p = basePod();
    const before = JSON.stringify(p);
    mutate(p, create);
    expect(JSON.stringify(p)).toBe(before);
  });
});

describe("mutate on update", () => {
  it("keeps the stored status and system metadata and bumps generation only when spec changes", () => {
    const stored = mutate(basePod(), create);
    stored.metadata.uid = "u1";
    stored.status.phase = "Running";
    const next = structuredClone(stored);
    delete next.metadata.uid;
    next.status = { phase: "Failed" };
    next.metadata.labels = { a: "b" };
    const same = mutate(next, { now, operation: "UPDATE", old: stored });
    expect(same.status.phase).toBe("Running");
    expect(same.metadata.uid).toBe("u1");
    expect(same.metadata.generation).toBe(1);
    next.spec.containers[0].image = "nginx:1.28";
    expect(mutate(next, { now, operation: "UPDATE", old: stored }).metadata.generation).toBe(2);
  });

  it("on the status subresource keeps the stored spec", () => {
    const stored = mutate(basePod(), create);
    const next = structuredClone(stored);
    next.spec.containers[0].image = "other";
    next.status.phase = "Running";
    const out = mutate(next, { now, operation: "UPDATE", old: stored, subresource: "status" });
    expect(out.spec.containers[0].image).toBe("nginx:1.27");
    expect(out.status.phase).toBe("Running");
  });

  it("keeps a Service's allocated clusterIP when the update leaves it out", () => {
    const stored = mutate({ kind: "Service", metadata: { name: "s", namespace: "default" }, spec: { ports: [{ port: 80 }], clusterIP: "10.96.0.10" } }, create);
    const out = mutate({ kind: "Service", metadata: { name: "s", namespace: "default" }, spec: { ports: [{ port: 80 }] } }, { now, operation: "UPDATE", old: stored });
    expect(out.spec.clusterIP).toBe("10.96.0.10");
    expect(out.spec.clusterIPs).toEqual(["10.96.0.10"]);
  });
});

describe("mutate on other kinds", () => {
  // SetDefaults_Service sets no IP family field: the REST's BeginCreate does (initIPFamilyFields)
  it("defaults a Service: ClusterIP, None affinity, TCP, targetPort = port, Cluster internal traffic, and no IP family field", () => {
    const out = mutate({ kind: "Service", metadata: { name: "s", namespace: "default" }, spec: { selector: { app: "a" }, ports: [{ port: 80 }] } }, create);
    expect(out.spec).toEqual({
      selector: { app: "a" }, ports: [{ port: 80, protocol: "TCP", targetPort: 80 }], type: "ClusterIP", sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
    });
  });

  it("gives a NodePort Service externalTrafficPolicy Cluster", () => {
    const out = mutate({ kind: "Service", metadata: { name: "s", namespace: "default" }, spec: { type: "NodePort", ports: [{ port: 80 }] } }, create);
    expect(out.spec.externalTrafficPolicy).toBe("Cluster");
  });

  it("defaults a Deployment and its template, without the Pod-only defaults", () => {
    const out = mutate({ kind: "Deployment", metadata: { name: "d", namespace: "default" }, spec: { template: { spec: { containers: [{ name: "c", image: "nginx", resources: { limits: { cpu: "1" } } }] } } } }, create);
    expect(out.spec).toMatchObject({ replicas: 1, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    const t = out.spec.template.spec;
    expect(t.restartPolicy).toBe("Always");
    expect(t.containers[0].imagePullPolicy).toBe("Always");
    expect(t.enableServiceLinks).toBeUndefined();
    expect(t.containers[0].resources.requests).toBeUndefined();
    expect(out.metadata.generation).toBe(1);
  });

  it("defaults a ReplicaSet to one replica", () => {
    expect(mutate({ kind: "ReplicaSet", metadata: { name: "r", namespace: "default" }, spec: { template: { spec: { containers: [] } } } }, create).spec.replicas).toBe(1);
  });

  it("keeps a Namespace's own spec finalizers and adds kubernetes after them (namespaceStrategy.PrepareForCreate)", () => {
    expect(mutate({ kind: "Namespace", metadata: { name: "team-b" }, spec: { finalizers: ["example.com/wait"] } }, create).spec).toEqual({ finalizers: ["example.com/wait", "kubernetes"] });
    expect(mutate({ kind: "Namespace", metadata: { name: "team-c" }, spec: { finalizers: ["kubernetes", "example.com/wait"] } }, create).spec).toEqual({ finalizers: ["kubernetes", "example.com/wait"] });
  });

  it("gives a Namespace the kubernetes finalizer, phase Active and its name label", () => {
    const out = mutate({ kind: "Namespace", metadata: { name: "team-a" } }, create);
    expect(out.spec).toEqual({ finalizers: ["kubernetes"] });
    expect(out.status).toEqual({ phase: "Active" });
    expect(out.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "team-a" });
  });

  it("defaults a Node's allocatable to its capacity", () => {
    const out = mutate({ kind: "Node", metadata: { name: "n" }, status: { capacity: { cpu: "4" } } }, create);
    expect(out.status.allocatable).toEqual({ cpu: "4" });
  });
});

describe("admitDefaultedKeeping: the parts admission leaves as the body was decoded (storage does not encode them again)", () => {
  const storedPod = () => deepFreeze({ ...basePod(), metadata: { name: "p", namespace: "default", uid: "u1", creationTimestamp: now }, spec: mutate(basePod(), create).spec, status: { phase: "Pending" } });

  it("keeps a pod status write's status; the spec is the stored one (podStatusStrategy.PrepareForUpdate)", () => {
    const old = storedPod();
    const read = defaulted({ ...old, metadata: { name: "p", namespace: "default", uid: "u1" }, status: { phase: "Running", podIP: "10.0.0.5" } });
    const { obj, kept } = admitDefaultedKeeping(read, { now, operation: "UPDATE", old, subresource: "status" });
    expect(kept).toEqual([obj.status]);
    expect(kept[0]).toBe(read.status);
    expect(obj.status).toEqual({ phase: "Running", podIP: "10.0.0.5" });
    expect(obj.spec).toBe(old.spec);
    expect(obj.metadata.creationTimestamp).toBe(now);
  });

  it("keeps nothing of a pod create, whose spec and status the plugins and the strategy change", () => {
    const { obj, kept } = admitDefaultedKeeping(defaulted(basePod()), create);
    expect(kept).toEqual([]);
    expect(obj.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
  });

  it("keeps an Event's involvedObject and source (the event strategy's PrepareForCreate does nothing)", () => {
    const event = { apiVersion: "v1", kind: "Event", metadata: { name: "p.1", namespace: "default" }, involvedObject: { kind: "Pod", namespace: "default", name: "p" }, reason: "Scheduled", source: { component: "default-scheduler" }, type: "Normal" };
    const read = defaulted(event);
    const { obj, kept } = admitDefaultedKeeping(read, create);
    expect(kept).toEqual([read.involvedObject, read.source]);
    expect(obj.metadata.creationTimestamp).toBe(now);
  });

  it("leaves out a part a step replaced: an EndpointSlice update's endpoints without deprecatedTopology (dropTopologyOnV1)", () => {
    const old = deepFreeze({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s", namespace: "default", uid: "u", generation: 1 }, addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.1"] }], ports: [{ name: "", port: 80, protocol: "TCP" }] });
    const read = defaulted({ ...old, metadata: { name: "s", namespace: "default" }, endpoints: [{ addresses: ["10.0.0.2"], deprecatedTopology: { "kubernetes.io/hostname": "n1" } }] });
    const { obj, kept } = admitDefaultedKeeping(read, { now, operation: "UPDATE", old });
    expect(obj.endpoints).toEqual([{ addresses: ["10.0.0.2"] }]);
    expect(kept).not.toContain(obj.endpoints);
    expect(kept).not.toContain(read.endpoints);
  });
});
