// ComponentStatus (core/v1, deprecated in v1.19+): nothing stored, each object computed when asked
// from a probe of one of the servers kube-apiserver validates (pkg/registry/core/rest
// serversToValidate: controller-manager and scheduler by their secure /healthz on 127.0.0.1,
// then etcd-<i> per storage backend), as pkg/registry/core/componentstatus/rest.go words them.

type Obj = any;

/** What a probe of one server found: up (its /healthz answered ok) or not. */
export interface ServerHealth {
  controllerManager: boolean;
  scheduler: boolean;
  etcd: boolean;
}

// HttpServer.DoServerCheck: the HTTP prober turns a refused connection into a Failure whose
// message is the client's error (no error); an answered /healthz is a Success with its body.
const httpServer = (name: string, port: number, up: boolean) =>
  condition(name, up ? "True" : "False", up ? "ok" : `Get "https://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`, "");

// EtcdServer.DoServerCheck: Success says "ok"; a failed probe is a Failure with no message and the
// client's error, here its context running out after probeTimeOut.
const etcdServer = (name: string, up: boolean) => condition(name, up ? "True" : "False", up ? "ok" : "", up ? "" : "context deadline exceeded");

function condition(name: string, status: "True" | "False", message: string, error: string): Obj {
  // getComponentStatus: one Healthy condition; message and error are omitempty
  return {
    kind: "ComponentStatus", apiVersion: "v1",
    metadata: { name, creationTimestamp: null },
    conditions: [{ type: "Healthy", status, ...(message ? { message } : {}), ...(error ? { error } : {}) }],
  };
}

/** The ComponentStatus of every server, in serversToValidate's order (the kube-apiserver's answer order varies). */
export function componentStatuses(h: ServerHealth): Obj[] {
  // ports.KubeControllerManagerPort and kubeschedulerconfig.DefaultKubeSchedulerPort
  return [httpServer("controller-manager", 10257, h.controllerManager), httpServer("scheduler", 10259, h.scheduler), etcdServer("etcd-0", h.etcd)];
}
