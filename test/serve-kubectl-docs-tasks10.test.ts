// Sweep 10 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// concepts/storage/ephemeral-volumes: the generic ephemeral volume example (the page's class
// "scratch-storage-class" left out, so the cluster's default class provisions it)
const ephemeralPod = (name: string) => `kind: Pod
apiVersion: v1
metadata:
  name: ${name}
spec:
  containers:
    - name: my-frontend
      image: busybox:1.28
      volumeMounts:
      - mountPath: "/scratch"
        name: scratch-volume
      command: [ "sleep", "1000000" ]
  volumes:
    - name: scratch-volume
      ephemeral:
        volumeClaimTemplate:
          metadata:
            labels:
              type: my-frontend-volume
          spec:
            accessModes: [ "ReadWriteOnce" ]
            resources:
              requests:
                storage: 1Gi
`;

// a 1Gi ReadWriteOnce claim with no class named
const claimOf = (name: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 10", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);
  const phase = (pod: string, want: string) => until(async () => ((await jsonpath(["get", "pod", pod], "{.status.phase}")) === want ? true : undefined), 30_000);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("ephemeral-volumes: the ephemeral volume controller makes <pod>-<volume> from the template, controlled by the pod; the pod runs on it, and the claim goes with the pod", async () => {
    expect((await k(["apply", "-f", "-"], ephemeralPod("my-app"))).out).toBe("pod/my-app created\n");
    expect(await phase("my-app", "Running")).toBe(true);
    const pvc = JSON.parse((await k(["get", "pvc", "my-app-scratch-volume", "-o", "json"])).out);
    expect(pvc.metadata.labels).toEqual({ type: "my-frontend-volume" });
    expect(pvc.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Pod", name: "my-app", uid: await jsonpath(["get", "pod", "my-app"], "{.metadata.uid}"), controller: true, blockOwnerDeletion: true }]);
    expect(pvc.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(pvc.status.phase).toBe("Bound");
    expect((await k(["exec", "my-app", "--", "sh", "-c", "echo hi > /scratch/f; cat /scratch/f"])).out).toBe("hi\n");
    expect((await k(["delete", "pod", "my-app"])).code).toBe(0);
    expect(await until(async () => ((await k(["get", "pvc", "my-app-scratch-volume"])).code !== 0 ? true : undefined), 30_000)).toBe(true);
  });

  it("ephemeral-volumes: a claim of that name the pod does not own is refused by the controller (FailedBinding from ephemeral_volume) and by the kubelet, with VolumeIsForPod's message", async () => {
    const claim = claimOf("clash-scratch-volume");
    expect((await k(["apply", "-f", "-"], claim)).code).toBe(0);
    expect((await k(["apply", "-f", "-"], ephemeralPod("clash"))).code).toBe(0);
    const want = "PVC default/clash-scratch-volume was not created for pod default/clash (pod is not owner)";
    const events = () => k(["get", "events", "--field-selector", "involvedObject.name=clash", "-o", "jsonpath={range .items[*]}{.source.component}|{.reason}|{.message}{\"\\n\"}{end}"]).then((r) => r.out.split("\n"));
    expect(await until(async () => ((await events()).includes(`ephemeral_volume|FailedBinding|ephemeral volume scratch-volume: ${want}`) ? true : undefined), 30_000)).toBe(true);
    expect(await jsonpath(["get", "pvc", "clash-scratch-volume"], "{.metadata.ownerReferences}")).toBe("");
    expect(await jsonpath(["get", "pod", "clash"], "{.status.phase}")).toBe("Pending");
    // the scheduler's VolumeBinding refuses it too (podHasPVCs): it is never bound to a node
    // kube-scheduler records through events.k8s.io/v1: core/v1 reads its reportingComponent, and no source
    const schedulerEvents = () => k(["get", "events", "--field-selector", "involvedObject.name=clash", "-o", "jsonpath={range .items[*]}{.reportingComponent}|{.source.component}|{.reason}|{.message}{\"\\n\"}{end}"]).then((r) => r.out.split("\n"));
    expect(await until(async () => ((await schedulerEvents()).some((l) => l.startsWith("default-scheduler||FailedScheduling|") && l.includes(`nodes are available: ${want}.`)) ? true : undefined), 30_000)).toBe(true);
    expect(await jsonpath(["get", "pod", "clash"], "{.spec.nodeName}")).toBe("");
  });

  it("change-default-storage-class: a claim made while no class is the default gets the one marked default later (the PV controller's retroactive assignment) and then waits for its first consumer, as that class's claims do", async () => {
    const mark = (sc: string, v: string) => k(["patch", "storageclass", sc, "-p", JSON.stringify({ metadata: { annotations: { "storageclass.kubernetes.io/is-default-class": v } } })]);
    expect((await mark("standard", "false")).out).toBe("storageclass.storage.k8s.io/standard patched\n");
    expect((await k(["get", "storageclass"])).out).toMatch(/^NAME +PROVISIONER.*\nstandard +rancher\.io\/local-path +Delete +WaitForFirstConsumer/);
    const claim = claimOf("no-class");
    expect((await k(["apply", "-f", "-"], claim)).code).toBe(0);
    expect(await jsonpath(["get", "pvc", "no-class"], "{.spec.storageClassName}")).toBe("");
    const events = () => k(["get", "events", "--field-selector", "involvedObject.name=no-class", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"]).then((r) => r.out);
    expect(await until(async () => ((await events()).includes("FailedBinding: no persistent volumes available for this claim and no storage class is set") ? true : undefined), 30_000)).toBe(true);
    expect((await mark("standard", "true")).code).toBe(0);
    expect(await until(async () => ((await jsonpath(["get", "pvc", "no-class"], "{.spec.storageClassName}")) === "standard" ? true : undefined), 30_000)).toBe(true);
    // a WaitForFirstConsumer class: the claim now waits for its pod, as any claim of that class
    expect(await until(async () => ((await events()).includes("WaitForFirstConsumer: waiting for first consumer to be created before binding") ? true : undefined), 30_000)).toBe(true);
    // a claim that chose "" (no class) is not given one
    expect((await k(["apply", "-f", "-"], claim.replace("no-class", "empty-class").replace("spec:\n", "spec:\n  storageClassName: \"\"\n"))).code).toBe(0);
    expect(await jsonpath(["get", "pvc", "empty-class"], "{.spec.storageClassName}")).toBe("");
  });

  it("curlimages/curl: arguments that are curl's options go to curl, a program named first runs instead; a command exec'd in an image outside the catalogue fails at once instead of hanging", async () => {
    expect((await k(["create", "deployment", "web", "--image=nginx:1.27"])).code).toBe(0);
    expect((await k(["expose", "deployment", "web", "--port=80"])).code).toBe(0);
    expect(await until(async () => ((await jsonpath(["get", "deployment", "web"], "{.status.readyReplicas}")) === "1" ? true : undefined), 30_000)).toBe(true);
    // the image's entrypoint.sh puts curl in front of an option
    expect((await k(["run", "fetch", "--image=curlimages/curl", "--restart=Never", "--", "-s", "http://web"])).code).toBe(0);
    expect(await phase("fetch", "Succeeded")).toBe(true);
    expect((await k(["logs", "fetch"])).out).toContain("<title>Welcome to nginx!</title>");
    // and execs a program it has (Alpine's busybox): a pod to exec curl in
    expect((await k(["run", "curl", "--image=curlimages/curl", "--restart=Never", "--", "sleep", "3600"])).code).toBe(0);
    expect(await phase("curl", "Running")).toBe(true);
    const got = await k(["exec", "curl", "--", "curl", "-s", "http://web"]);
    expect(got.out).toContain("<title>Welcome to nginx!</title>");
    // an image podflow does not know runs as a server; what is exec'd in it is not known to exist
    expect((await k(["run", "app", "--image=registry.example.com/team/app:1.0", "--restart=Never"])).code).toBe(0);
    expect(await phase("app", "Running")).toBe(true);
    const echo = await k(["exec", "app", "--", "echo", "hi"]);
    expect(echo.code).not.toBe(0);
    expect(echo.err).toMatch(/OCI runtime exec failed: exec failed: unable to start container process: exec: "echo": executable file not found in \$PATH: unknown\n$/);
  });
});

// tasks/access-application-cluster/service-access-application-cluster: service/access/hello-application.yaml
const helloApplication = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-world
spec:
  selector:
    matchLabels:
      run: load-balancer-example
  replicas: 2
  template:
    metadata:
      labels:
        run: load-balancer-example
    spec:
      containers:
        - name: hello-world
          image: us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0
          ports:
            - containerPort: 8080
              protocol: TCP
`;

// its own cluster: the connection under test must be the first this kube-proxy forwards
describe.skipIf(!bin)("podflow serve with the real kubectl: a NodePort on a fresh cluster (sweep 10)", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("service-access-application-cluster: the very first connection to <node address>:<nodePort> reaches a hello-app pod (it was held until kube-proxy knew the nodes, then routed as a pod IP and lost)", async () => {
    expect((await k(["apply", "-f", "-"], helloApplication)).code).toBe(0);
    expect((await k(["expose", "deployment", "hello-world", "--type=NodePort", "--name=example-service"])).out).toBe("service/example-service exposed\n");
    expect((await k(["run", "client", "--image=busybox:1.36", "--restart=Never", "--", "sleep", "3600"])).code).toBe(0);
    const ready = async () => (await jsonpath(["get", "deployment", "hello-world"], "{.status.readyReplicas}")) === "2" && (await jsonpath(["get", "pod", "client"], "{.status.phase}")) === "Running";
    expect(await until(async () => ((await ready()) ? true : undefined), 30_000)).toBe(true);
    // the endpoints must be programmed before the one connection is made
    expect(await until(async () => ((await jsonpath(["get", "endpointslices", "-l", "kubernetes.io/service-name=example-service"], "{.items[0].endpoints[*].addresses[0]}")).split(" ").length === 2 ? true : undefined), 30_000)).toBe(true);
    const nodePort = await jsonpath(["get", "service", "example-service"], "{.spec.ports[0].nodePort}");
    const nodeIP = await jsonpath(["get", "node", "node-2"], "{.status.addresses[?(@.type==\"InternalIP\")].address}");
    const r = await k(["exec", "client", "--", "wget", "-qO-", "-T", "5", `http://${nodeIP}:${nodePort}`]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^Hello, world!\nVersion: 2\.0\.0\nHostname: hello-world-[a-z0-9]+-[a-z0-9]{5}\n$/);
  });
});
