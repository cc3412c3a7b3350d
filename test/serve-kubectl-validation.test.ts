// The real kubectl against `podflow serve`: `kubectl apply` of an object Kubernetes refuses, one per
// core kind whose validation table was ported (issue 22), gets the (field, type) cause kube-apiserver
// v1.35 reports, read from validation.go, and nothing is stored.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const dir = mkdtempSync(join(tmpdir(), "podflow-validation-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const b64 = (s: string) => Buffer.from(s).toString("base64");

// [resource for kubectl get, kind, name, manifest, causes as "field: Type-text: ..." substrings]
const cases: [string, string, string, string, string[]][] = [
  ["node", "Node", "n1", `apiVersion: v1
kind: Node
metadata: {name: n1}
spec:
  taints:
  - {key: dedicated, value: a, effect: NoSchedule}
  - {key: dedicated, value: b, effect: NoSchedule}
`, ['metadata.taints[1]: Duplicate value: {"key":"dedicated","value":"b","effect":"NoSchedule"}: taints must be unique by key and effect pair']],
  ["namespace", "Namespace", "team", `apiVersion: v1
kind: Namespace
metadata: {name: team}
spec: {finalizers: [Foo]}
`, ['spec.finalizers: Invalid value: "Foo": name is neither a standard finalizer name nor is it fully qualified']],
  ["configmap", "ConfigMap", "both", `apiVersion: v1
kind: ConfigMap
metadata: {name: both}
data: {key: v}
binaryData: {key: ${b64("w")}}
`, ['data[key]: Invalid value: "key": duplicate of key present in binaryData']],
  ["secret", "Secret", "regcred", `apiVersion: v1
kind: Secret
metadata: {name: regcred}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: ${b64("bad")}}
`, ["data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'b' looking for beginning of value"]],
  ["basic-auth secret", "Secret", "basic", `apiVersion: v1
kind: Secret
metadata: {name: basic}
type: kubernetes.io/basic-auth
stringData: {other: x}
`, ["data[username]: Required value", "data[password]: Required value"]],
  ["endpoints", "Endpoints", "web", `apiVersion: v1
kind: Endpoints
metadata: {name: web}
subsets:
- addresses: [{ip: 169.254.169.254}]
  ports: [{port: 80, protocol: TCP}]
`, ['subsets[0].addresses[0].ip: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
  ["limitrange", "LimitRange", "lr", `apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits:
  - {type: Pod, maxLimitRequestRatio: {cpu: 800m}}
`, ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "800m": ratio 800m is less than 1']],
  ["resourcequota", "ResourceQuota", "q", `apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec:
  hard: {storage: "10"}
`, ['spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota']],
  ["replicationcontroller", "ReplicationController", "rc", `apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 1
  selector: {app: web}
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: OnFailure
      containers: [{name: c, image: nginx}]
`, ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
  ["event", "Event", "web.1", `apiVersion: v1
kind: Event
metadata: {name: web.1}
involvedObject: {kind: Pod, name: web, namespace: other}
reason: Started
`, ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']],
  ["statefulset", "StatefulSet", "web", `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  podManagementPolicy: Sometimes
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
`, ["spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'"]],
  ["controllerrevision", "ControllerRevision", "web-1", `apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: web-1}
data: {}
revision: -1
`, ["revision: Invalid value: -1: must be greater than or equal to 0"]],
  ["persistentvolume", "PersistentVolume", "pv1", `apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1}
spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /data}, volumeAttributesClassName: gold}
`, ["spec.csi: Required value: has to be specified when using volumeAttributesClassName"]],
  ["persistentvolumeclaim", "PersistentVolumeClaim", "data", `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, dataSourceRef: {apiGroup: "^invalid", kind: Foo, name: foo}}
`, ['spec.dataSourceRef.apiGroup: Invalid value: "^invalid": a lowercase RFC 1123 subdomain must consist of']],
  ["replicaset", "ReplicaSet", "web", `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: -1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
`, ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]],
  ["daemonset", "DaemonSet", "agent", `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  minReadySeconds: -1
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: nginx}]}
`, ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"]],
  // validateWindowsSecurityContextOptions, ported in stop 31: a Windows user name has at most one backslash.
  ["windows pod", "Pod", "win", `apiVersion: v1
kind: Pod
metadata: {name: win}
spec:
  securityContext:
    windowsOptions: {runAsUserName: 'Container\\Foo\\Lish'}
  containers: [{name: c, image: nginx}]
`, ['spec.securityContext.windowsOptions.runAsUserName: Invalid value: "Container\\\\Foo\\\\Lish": runAsUserName cannot contain more than one backslash']],
  // validatePodResources, ported in stop 31: an unsupported pod-level resource.
  ["pod-level resources", "Pod", "plr", `apiVersion: v1
kind: Pod
metadata: {name: plr}
spec:
  resources:
    limits: {example.com/gpu: "1"}
  containers: [{name: c, image: nginx}]
`, ['spec.resources.limits[example.com/gpu]: Unsupported value: "example.com/gpu": supported values: "cpu", "hugepages-", "memory"']],
];

describe.skipIf(!bin)("podflow serve with the real kubectl: kubectl apply of objects Kubernetes refuses", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.each(cases)("%s: kubectl apply is refused with Kubernetes' causes and nothing is stored", async (what, kind, name, manifest, causes) => {
    const r = await k(["apply", "-f", file(`${what.replace(/ /g, "-")}.yaml`, manifest)]);
    expect(r.code).not.toBe(0);
    // kubectl names the kind from the Status details, without the group.
    expect(r.err).toContain(`${kind} "${name}" is invalid: `);
    for (const c of causes) expect(r.err).toContain(c);
    const resource = kind === "Endpoints" ? "endpoints" : kind.toLowerCase();
    const got = await k(["get", resource, name]);
    expect(got.err).toContain("(NotFound)");
  });

  it("a pods/log read with a negative tailLines is refused as kube-apiserver's LogREST refuses it (ValidatePodLogOptions)", async () => {
    expect((await k(["run", "logged", "--image=nginx", "--restart=Never"])).out).toBe("pod/logged created\n");
    const r = await k(["get", "--raw", "/api/v1/namespaces/default/pods/logged/log?tailLines=-1&limitBytes=0"]);
    expect(r.code).not.toBe(0);
    // kubectl lists the Status' causes under its message.
    expect(r.err).toContain('The PodLogOptions "logged" is invalid: \n* tailLines: Invalid value: -1: must be greater than or equal to 0\n* limitBytes: Invalid value: 0: must be greater than 0');
  });

  it("kubectl apply of a change to an immutable ConfigMap's data is refused, and the data stays", async () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\nimmutable: true\ndata: {a: "${v}"}\n`;
    expect((await k(["apply", "-f", file("frozen1.yaml", cm("1"))])).out).toBe("configmap/frozen created\n");
    const r = await k(["apply", "-f", file("frozen2.yaml", cm("2"))]);
    expect(r.err).toContain('ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    expect((await k(["get", "configmap", "frozen", "-o", "jsonpath={.data.a}"])).out).toBe("1");
  });

  it("kubectl apply of a Deployment with another selector is refused (apps/v1 keeps spec.selector), and the Deployment keeps its own", async () => {
    const deploy = (app: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: nginx}]}\n`;
    expect((await k(["apply", "-f", file("web1.yaml", deploy("web"))])).out).toBe("deployment.apps/web created\n");
    const r = await k(["apply", "-f", file("web2.yaml", deploy("web2"))]);
    expect(r.err).toContain('The Deployment "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable');
    expect((await k(["get", "deployment", "web", "-o", "jsonpath={.spec.selector.matchLabels.app}"])).out).toBe("web");
  });

  // The refusal kubectl users meet when they re-point a local volume at another node.
  it("kubectl apply of a PersistentVolume with another node in its nodeAffinity is refused, and the volume keeps its node", async () => {
    const pv = (node: string) => `apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: local-pv}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  local: {path: /mnt/disk}\n  nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [${node}]}]}]}}\n`;
    expect((await k(["apply", "-f", file("local-pv1.yaml", pv("node-a"))])).out).toBe("persistentvolume/local-pv created\n");
    const r = await k(["apply", "-f", file("local-pv2.yaml", pv("node-b"))]);
    expect(r.err).toContain('PersistentVolume "local-pv" is invalid: nodeAffinity: Invalid value: {"Required":{"NodeSelectorTerms":[{"MatchExpressions":[{"Key":"kubernetes.io/hostname","Operator":"In","Values":["node-b"]}],"MatchFields":null}]}}: field is immutable, except for updating from beta label to GA');
    expect((await k(["get", "pv", "local-pv", "-o", "jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}"])).out).toBe("node-a");
  });
});
