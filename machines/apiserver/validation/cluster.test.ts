// End to end through createCluster: an object Kubernetes refuses gets a 422 Invalid Status with exactly
// Kubernetes' causes (NewInvalid: "<Kind> \"<name>\" is invalid: [...]", one cause per field error, in
// the order ValidatePodSpec finds them), and nothing is written to etcd.

import { describe, it, expect } from "vitest";
import { apiServerAlone } from "../../../test/support/apiserver.js";


const setUp = apiServerAlone;

const create = (resource: string, group: string, body: object) => ({ verb: "create", group, resource, namespace: "default", body });

describe("a refused object through the API server", () => {
  it("a pod with a port-less httpGet probe and two volume sources gets Kubernetes' two causes, in order, and is not stored", () => {
    const { cluster, got, send } = setUp();
    const revision = cluster.runtime.snapshot("etcd").context.revision;
    send(1, create("pods", "", {
      apiVersion: "v1", kind: "Pod", metadata: { name: "web" },
      spec: {
        containers: [{ name: "c", image: "nginx", livenessProbe: { httpGet: { path: "/healthz", scheme: "HTTP" } } }],
        volumes: [{ name: "v", emptyDir: {}, hostPath: { path: "/data" } }],
      },
    }));
    cluster.runtime.settle();
    const causes = [
      { reason: "FieldValueForbidden", message: "Forbidden: may not specify more than 1 volume type", field: "spec.volumes[0].hostPath" },
      { reason: "FieldValueInvalid", message: "Invalid value: 0: must be between 1 and 65535, inclusive", field: "spec.containers[0].livenessProbe.httpGet.port" },
    ];
    expect(got).toEqual([expect.objectContaining({
      type: "ApiResponse", id: 1, ok: false, code: 422,
      status: {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 422, reason: "Invalid",
        message: 'Pod "web" is invalid: [spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type, spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive]',
        details: { name: "web", kind: "Pod", causes },
      },
    })]);
    expect(cluster.runtime.snapshot("etcd").context.revision).toBe(revision);
    expect(cluster.get("Pod", "web")).toBeUndefined();
  });

  it("a non-integer extended resource limit is refused at the limit and at the request defaulted from it", () => {
    const { cluster, got, send } = setUp();
    send(1, create("pods", "", { apiVersion: "v1", kind: "Pod", metadata: { name: "gpu" }, spec: { containers: [{ name: "c", image: "nginx", resources: { limits: { "example.com/a": "1.5" } } }] } }));
    cluster.runtime.settle();
    expect(got[0]?.status?.details?.causes).toEqual([
      { reason: "FieldValueInvalid", message: 'Invalid value: "1500m": must be an integer', field: "spec.containers[0].resources.limits[example.com/a]" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "1500m": must be an integer', field: "spec.containers[0].resources.requests[example.com/a]" },
    ]);
    expect(cluster.get("Pod", "gpu")).toBeUndefined();
  });

  it("a Service with a ClientIP affinity timeout over a day is refused, and nothing is allocated or stored", () => {
    const { cluster, got, send } = setUp();
    const revision = cluster.runtime.snapshot("etcd").context.revision;
    send(1, create("services", "", {
      apiVersion: "v1", kind: "Service", metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }], sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } },
    }));
    cluster.runtime.settle();
    expect(got[0]).toMatchObject({ ok: false, code: 422 });
    expect(got[0].status.message).toBe('Service "web" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400');
    expect(got[0].status.details.causes).toEqual([{ reason: "FieldValueInvalid", message: "Invalid value: 86401: must be greater than 0 and less than 86400", field: "spec.sessionAffinityConfig.clientIP.timeoutSeconds" }]);
    expect(cluster.runtime.snapshot("etcd").context.revision).toBe(revision);
    expect(cluster.get("Service", "web")).toBeUndefined();
  });

  it("a pods/status write that names an invalid nominated node is refused by ValidatePodStatusUpdate, and the pod keeps its status", () => {
    const { cluster, got, send } = setUp();
    send(1, create("pods", "", { apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "c", image: "nginx" }] } }));
    cluster.runtime.settle();
    expect(got[0]).toMatchObject({ ok: true, code: 201 });
    const stored = cluster.get("Pod", "web") as any;
    const revision = cluster.runtime.snapshot("etcd").context.revision;
    send(2, { verb: "update", group: "", resource: "pods", namespace: "default", name: "web", subresource: "status", body: { ...stored, status: { ...stored.status, nominatedNodeName: "Node_1" } } });
    cluster.runtime.settle();
    expect(got[1]).toMatchObject({ ok: false, code: 422 });
    expect(got[1].status.details.causes).toEqual([{ reason: "FieldValueInvalid", message: expect.stringMatching(/^Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of/), field: "status.nominatedNodeName" }]);
    expect(cluster.runtime.snapshot("etcd").context.revision).toBe(revision);
    expect((cluster.get("Pod", "web") as any).status.nominatedNodeName).toBeUndefined();
  });

  it("the same body through the main resource is judged by ValidatePodUpdate, which ignores status", () => {
    const { cluster, got, send } = setUp();
    send(1, create("pods", "", { apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "c", image: "nginx" }] } }));
    cluster.runtime.settle();
    const stored = cluster.get("Pod", "web") as any;
    send(2, { verb: "update", group: "", resource: "pods", namespace: "default", name: "web", body: { ...stored, status: { ...stored.status, nominatedNodeName: "Node_1" } } });
    cluster.runtime.settle();
    expect(got[1]).toMatchObject({ ok: true, code: 200 });
  });

  // One sample per served API group; each cause is the one the group's v1.35 Validate* function reports.
  const samples: [string, string, string, boolean, any, string, { reason: string; message: string; field: string }][] = [
    ["apps", "deployments", "Deployment", true, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "other" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } },
      'Deployment.apps "web" is invalid', { reason: "FieldValueInvalid", message: 'Invalid value: {"app":"other"}: `selector` does not match template `labels`', field: "spec.template.metadata.labels" }],
    ["batch", "jobs", "Job", true, { apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi" }, spec: { parallelism: -1, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "perl" }] } } } },
      'Job.batch "pi" is invalid', { reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0", field: "spec.parallelism" }],
    ["coordination.k8s.io", "leases", "Lease", true, { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l" }, spec: { leaseDurationSeconds: 0 } },
      'Lease.coordination.k8s.io "l" is invalid', { reason: "FieldValueInvalid", message: "Invalid value: 0: must be greater than 0", field: "spec.leaseDurationSeconds" }],
    ["policy", "poddisruptionbudgets", "PodDisruptionBudget", true, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "p" }, spec: { minAvailable: "101%", selector: { matchLabels: { a: "b" } } } },
      'PodDisruptionBudget.policy "p" is invalid', { reason: "FieldValueInvalid", message: 'Invalid value: "101%": must not be greater than 100%', field: "spec.minAvailable" }],
    ["scheduling.k8s.io", "priorityclasses", "PriorityClass", false, { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 2000000000 },
      'PriorityClass.scheduling.k8s.io "high" is invalid', { reason: "FieldValueForbidden", message: "Forbidden: maximum allowed value of a user defined priority is 1000000000", field: "value" }],
    ["discovery.k8s.io", "endpointslices", "EndpointSlice", true, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "e" }, addressType: "Bogus", endpoints: [] },
      'EndpointSlice.discovery.k8s.io "e" is invalid', { reason: "FieldValueNotSupported", message: 'Unsupported value: "Bogus": supported values: "FQDN", "IPv4", "IPv6"', field: "addressType" }],
  ];
  for (const [group, resource, kind, namespaced, body, prefix, cause] of samples) {
    it(`${group}: a ${kind} Kubernetes refuses gets its 422 cause and is not stored`, () => {
      const { cluster, got, send } = setUp();
      const revision = cluster.runtime.snapshot("etcd").context.revision;
      send(1, { verb: "create", group, resource, ...(namespaced ? { namespace: "default" } : {}), body });
      cluster.runtime.settle();
      expect(got[0]).toMatchObject({ ok: false, code: 422, status: { reason: "Invalid", message: `${prefix}: ${cause.field}: ${cause.message}` } });
      expect(got[0].status.details.causes).toEqual([cause]);
      expect(cluster.runtime.snapshot("etcd").context.revision).toBe(revision);
      expect(cluster.get(kind, body.metadata.name)).toBeUndefined();
    });
  }
});

describe("a refused status write through the API server", () => {
  it("services/status with a load-balancer ingress on a ClusterIP Service is Forbidden by ValidateLoadBalancerStatus, and the status stays", () => {
    const { cluster, got, send } = setUp();
    send(1, create("services", "", { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } }));
    cluster.runtime.settle();
    const stored = got[0].object;
    send(2, { verb: "update", group: "", resource: "services", namespace: "default", name: "web", subresource: "status", body: { ...stored, status: { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } } } });
    cluster.runtime.settle();
    expect(got[1]).toMatchObject({ ok: false, code: 422, status: { reason: "Invalid", message: "Service \"web\" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'" } });
    expect((cluster.get("Service", "web") as any).status).toEqual({ loadBalancer: {} });
  });

  it("namespaces/status may not say Terminating before the namespace is deleted", () => {
    const { cluster, got, send } = setUp();
    send(1, { verb: "create", group: "", resource: "namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } } });
    cluster.runtime.settle();
    const stored = got[0].object;
    send(2, { verb: "update", group: "", resource: "namespaces", name: "team", subresource: "status", body: { ...stored, status: { phase: "Terminating" } } });
    cluster.runtime.settle();
    expect(got[1]).toMatchObject({ ok: false, code: 422, status: { message: "Namespace \"team\" is invalid: status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty" } });
    expect((cluster.get("Namespace", "team") as any).status.phase).toBe("Active");
  });
});
