// Sweep 15 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// tasks/extend-kubernetes/custom-resources/custom-resource-definitions: resourcedefinition.yaml
const crontabCRD = (schemaSpec: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
${schemaSpec}
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
`;
const plainFields = `                cronSpec:
                  type: string
                image:
                  type: string
                replicas:
                  type: integer`;
const validatedFields = `                cronSpec:
                  type: string
                  pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                image:
                  type: string
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10`;
const crontab = (spec: string) => `apiVersion: "stable.example.com/v1"
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
${spec}`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 15", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("tasks/extend-kubernetes/custom-resource-definitions: CronTab objects are served, listed by plural and short name, pruned, validated, and gone with their CRD", async () => {
    expect((await k(["apply", "-f", "-"], crontabCRD(plainFields))).out).toBe("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n");
    const served = await until(async () => ((await k(["get", "crontabs"])).code === 0 ? true : undefined), 30_000);
    expect(served, "the endpoint is created").toBe(true);
    expect((await k(["apply", "-f", "-"], crontab('  cronSpec: "* * * * */5"\n  image: my-awesome-cron-image\n'))).out).toBe("crontab.stable.example.com/my-new-cron-object created\n");
    expect((await k(["get", "crontab"])).out).toMatch(/^NAME +AGE\nmy-new-cron-object +\d+s\n$/);
    const yaml = (await k(["get", "ct", "-o", "yaml"])).out;
    expect(yaml).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: stable\.example\.com\/v1\n {2}kind: CronTab\n {2}metadata:\n {4}annotations:\n {6}kubectl\.kubernetes\.io\/last-applied-configuration: \|\n {8}\{"apiVersion":"stable\.example\.com\/v1","kind":"CronTab","metadata":\{"annotations":\{\},"name":"my-new-cron-object","namespace":"default"\},"spec":\{"cronSpec":"\* \* \* \* \*\/5","image":"my-awesome-cron-image"\}\}\n/);
    expect(yaml).toContain("\n  spec:\n    cronSpec: '* * * * */5'\n    image: my-awesome-cron-image\nkind: List\nmetadata:\n  resourceVersion: \"\"\n");
    expect((await k(["delete", "ct", "my-new-cron-object"])).code).toBe(0);

    // Field pruning: with client-side validation off the server drops the unknown field
    const random = crontab('  cronSpec: "* * * * */5"\n  image: my-awesome-cron-image\n  someRandomField: 42\n');
    const pruned = (await k(["create", "--validate=false", "-f", "-", "-o", "yaml"], random)).out;
    expect(pruned).toMatch(/\nspec:\n {2}cronSpec: '\* \* \* \* \*\/5'\n {2}image: my-awesome-cron-image\n$/);
    expect(pruned).not.toContain("someRandomField");
    // kubectl's default (--validate=strict) asks the server for strict field validation
    const strict = await k(["create", "-f", "-"], random);
    expect(strict.err).toBe('Error from server (BadRequest): error when creating "STDIN": CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.someRandomField"\n');
    expect((await k(["delete", "ct", "my-new-cron-object"])).code).toBe(0);

    // Validation: the pattern and the maximum, each its own field error
    expect((await k(["apply", "-f", "-"], crontabCRD(validatedFields))).out).toBe("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com configured\n");
    const invalid = await k(["apply", "-f", "-"], crontab('  cronSpec: "* * * *"\n  image: my-awesome-cron-image\n  replicas: 15\n'));
    expect(invalid.code).toBe(1);
    expect(invalid.err).toBe(`The CronTab "my-new-cron-object" is invalid: \n* spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'\n* spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10\n`);
    expect((await k(["apply", "-f", "-"], crontab('  cronSpec: "* * * * */5"\n  image: my-awesome-cron-image\n  replicas: 5\n'))).out).toBe("crontab.stable.example.com/my-new-cron-object created\n");

    // "When you delete a CustomResourceDefinition, the server will uninstall the RESTful API endpoint and delete all custom objects stored in it."
    expect((await k(["delete", "crd", "crontabs.stable.example.com"])).out).toBe('customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n');
    const gone = await until(async () => {
      const r = await k(["get", "crontabs"]);
      return r.code !== 0 ? r.err : undefined;
    }, 30_000);
    // the page's `Unable to list {"stable.example.com" "v1" "crontabs"}` is an older client's rendering of the same GroupVersionResource
    expect(gone).toMatch(/^Error from server \(NotFound\): Unable to list "stable\.example\.com\/v1, Resource=crontabs": the server could not find the requested resource|^error: the server doesn't have a resource type "crontabs"/);
  });

  it("tasks/administer-cluster/change-pv-access-mode-readwriteoncepod: the migrated claim is used by one pod only; the others wait with VolumeRestrictions' reason until it goes", async () => {
    const claim = (mode: string, volumeName?: string) => `kind: PersistentVolumeClaim
apiVersion: v1
metadata:
  name: cat-pictures-pvc
spec:
${volumeName ? `  volumeName: ${volumeName}\n` : ""}  accessModes:
  - ${mode}
  resources:
    requests:
      storage: 1Gi
`;
    const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cat-pictures-writer
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: cat-pictures-writer
  template:
    metadata:
      labels:
        app: cat-pictures-writer
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
        volumeMounts:
        - name: cat-pictures
          mountPath: /mnt
      volumes:
      - name: cat-pictures
        persistentVolumeClaim:
          claimName: cat-pictures-pvc
          readOnly: false
`;
    const phases = async () => (await jsonpath(["get", "pods", "-l", "app=cat-pictures-writer"], "{.items[*].status.phase}")).split(" ").filter(Boolean).sort().join(" ");
    expect((await k(["apply", "-f", "-"], claim("ReadWriteOnce") + "---\n" + deployment(3))).code).toBe(0);
    // ReadWriteOnce: three pods share the claim (on the one node its local-path volume is on)
    expect(await until(async () => ((await phases()) === "Running Running Running" ? true : undefined), 60_000)).toBe(true);
    const pv = await jsonpath(["get", "pvc", "cat-pictures-pvc"], "{.spec.volumeName}");
    expect(pv).toMatch(/^pvc-/);

    expect((await k(["patch", "pv", pv, "-p", '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'])).out).toBe(`persistentvolume/${pv} patched\n`);
    expect((await k(["scale", "--replicas=0", "deployment", "cat-pictures-writer"])).code).toBe(0);
    expect(await until(async () => ((await phases()) === "" ? true : undefined), 60_000)).toBe(true);
    expect((await k(["delete", "pvc", "cat-pictures-pvc"])).code).toBe(0);
    expect(await until(async () => ((await jsonpath(["get", "pv", pv], "{.status.phase}")) === "Released" ? true : undefined), 30_000)).toBe(true);
    expect((await k(["patch", "pv", pv, "-p", '{"spec":{"claimRef":{"uid":""}}}'])).code).toBe(0);
    // "The ReadWriteOncePod access mode cannot be combined with other access modes"
    const mixed = await k(["patch", "pv", pv, "-p", '{"spec":{"accessModes":["ReadWriteOncePod","ReadWriteOnce"]}}']);
    expect(mixed.err).toBe(`The PersistentVolume "${pv}" is invalid: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes\n`);
    expect((await k(["patch", "pv", pv, "-p", '{"spec":{"accessModes":["ReadWriteOncePod"]}}'])).code).toBe(0);
    expect((await k(["apply", "-f", "-"], claim("ReadWriteOncePod", pv) + "---\n" + deployment(3))).code).toBe(0);
    expect(await until(async () => ((await jsonpath(["get", "pvc", "cat-pictures-pvc"], "{.status.phase} {.status.accessModes[*]}")) === "Bound ReadWriteOncePod" ? true : undefined), 30_000)).toBe(true);

    // kube-scheduler's VolumeRestrictions: one pod runs, the others wait (all three ran before the fix)
    expect(await until(async () => ((await phases()) === "Pending Pending Running" ? true : undefined), 60_000)).toBe(true);
    const pending = (await jsonpath(["get", "pods", "-l", "app=cat-pictures-writer", "--field-selector=status.phase=Pending"], "{.items[*].metadata.name}")).split(" ");
    const events = (await k(["get", "events", "--field-selector", `involvedObject.name=${pending[0]},reason=FailedScheduling`, "-o", "jsonpath={.items[*].message}"])).out;
    // volume_restrictions.go ErrReasonReadWriteOncePodConflict, on every node; the pod's peers have its priority, so no victims
    expect(events).toContain("0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
    // isSchedulableAfterPodDeleted: the running pod's deletion lets the next one in
    const running = await jsonpath(["get", "pods", "-l", "app=cat-pictures-writer", "--field-selector=status.phase=Running"], "{.items[0].metadata.name}");
    expect((await k(["delete", "pod", running, "--grace-period=1"])).code).toBe(0);
    expect(await until(async () => {
      const now = await jsonpath(["get", "pods", "-l", "app=cat-pictures-writer", "--field-selector=status.phase=Running"], "{.items[*].metadata.name}");
      return now !== "" && !now.includes(running) && pending.includes(now) ? true : undefined;
    }, 60_000)).toBe(true);

    expect((await k(["patch", "pv", pv, "-p", '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}'])).code).toBe(0);
    expect((await k(["delete", "deployment", "cat-pictures-writer"])).code).toBe(0);
  }, 240_000);

  it("tasks/configure-pod-container/share-process-namespace: the shell container sees nginx's processes, signals the master (a new worker), and reads its files through /proc/PID/root", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  shareProcessNamespace: true
  containers:
  - name: nginx
    image: nginx
  - name: shell
    image: busybox:1.28
    command: ["sleep", "3600"]
    stdin: true
    tty: true
`)).out).toBe("pod/nginx created\n");
    expect(await until(async () => ((await jsonpath(["get", "pod", "nginx"], "{.status.containerStatuses[*].ready}")) === "true true" ? true : undefined), 30_000)).toBe(true);
    const ps = async () => (await k(["exec", "nginx", "-c", "shell", "--", "ps", "ax"])).out;
    const before = await ps();
    // the pause process is PID 1 (as 65535: pause 3.5+ runs as non-root, where the 2018 page shows root)
    expect(before).toMatch(/^PID {3}USER {5}TIME {2}COMMAND\n {4}1 65535 +0:00 \/pause\n/);
    const master = /\n +(\d+) root +0:00 nginx: master process nginx -g daemon off;\n/.exec(before)?.[1];
    const worker = /\n +(\d+) 101 +0:00 nginx: worker process\n/.exec(before)?.[1];
    expect(master).toBeDefined();
    expect(worker).toBeDefined();
    // `kill -HUP <master>` as the page types it; kubectl exec runs busybox's /bin/kill, there being no shell
    // (it was `exec: "kill": executable file not found in $PATH`)
    const hup = await k(["exec", "nginx", "-c", "shell", "--", "kill", "-HUP", master!]);
    expect(hup).toMatchObject({ code: 0, err: "" });
    const after = await until(async () => {
      const out = await ps();
      const w = /\n +(\d+) 101 +0:00 nginx: worker process\n/.exec(out)?.[1];
      return w !== undefined && w !== worker ? out : undefined;
    }, 30_000);
    expect(after, "the master restarted its worker under a new PID").toBeDefined();
    expect(after).toContain(` ${master} root      0:00 nginx: master process nginx -g daemon off;\n`);
    expect((await k(["exec", "nginx", "-c", "shell", "--", "head", `/proc/${master}/root/etc/nginx/nginx.conf`])).out).toMatch(/^\nuser {2}nginx;\nworker_processes {2}auto;\n/);
    // runc's /dev beside the kubelet's termination-log (it listed termination-log alone)
    expect((await k(["exec", "nginx", "-c", "shell", "--", "ls", "/dev"])).out).toBe("core\nfd\nfull\nmqueue\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntermination-log\ntty\nurandom\nzero\n");
    // the applet names itself in its errors (procps/kill.c through bb_perror_msg)
    expect((await k(["exec", "nginx", "-c", "shell", "--", "kill", "99999"])).err).toBe("kill: can't kill pid 99999: No such process\ncommand terminated with exit code 1\n");
    expect((await k(["delete", "pod", "nginx", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("concepts/storage/persistent-volumes (Storage Object in Use Protection): a claim deleted while a pod uses it stays Terminating with its finalizer, its volume keeps pv-protection", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: hostpath
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: uses-hostpath
spec:
  volumes:
    - name: v
      persistentVolumeClaim:
        claimName: hostpath
  containers:
    - name: c
      image: nginx
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: v
`)).code).toBe(0);
    expect(await until(async () => ((await jsonpath(["get", "pod", "uses-hostpath"], "{.status.phase}")) === "Running" ? true : undefined), 30_000)).toBe(true);
    expect((await k(["delete", "pvc", "hostpath", "--wait=false"])).out).toBe('persistentvolumeclaim "hostpath" deleted\n');
    const pvc = (await k(["describe", "pvc", "hostpath"])).out;
    expect(pvc).toMatch(/\nStatus: +Terminating \(lasts [^)]+\)\nVolume: +task-pv-volume\n/);
    expect(pvc).toMatch(/\nFinalizers: +\[kubernetes\.io\/pvc-protection\]\n/);
    expect(pvc).toMatch(/\nUsed By: +uses-hostpath\n/);
    expect((await k(["describe", "pv", "task-pv-volume"])).out).toMatch(/\nFinalizers: +\[kubernetes\.io\/pv-protection\]\nStorageClass: +manual\nStatus: +Bound\nClaim: +default\/hostpath\n/);
    // once the pod is gone the claim goes, and the Retain volume is Released
    expect((await k(["delete", "pod", "uses-hostpath", "--grace-period=0", "--force"])).code).toBe(0);
    expect(await until(async () => ((await k(["get", "pvc", "hostpath"])).code !== 0 ? true : undefined), 30_000)).toBe(true);
    expect(await until(async () => ((await jsonpath(["get", "pv", "task-pv-volume"], "{.status.phase}")) === "Released" ? true : undefined), 30_000)).toBe(true);
    expect((await k(["delete", "pv", "task-pv-volume"])).code).toBe(0);
  });

  it("tasks/access-application-cluster/access-cluster-services: cluster-info's proxy URL, and a Service reached through the API server's proxy by name, port number and port name", async () => {
    const info = (await k(["cluster-info"])).out;
    expect(info).toMatch(/^Kubernetes control plane is running at https:\/\/127\.0\.0\.1:\d+\n/);
    expect((await k(["create", "deployment", "web", "--image=nginx", "--port=80"])).code).toBe(0);
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 8080
    targetPort: 80
`)).code).toBe(0);
    const proxied = (svc: string) => k(["get", "--raw", `/api/v1/namespaces/default/services/${svc}/proxy/`]);
    expect(await until(async () => ((await proxied("web:http")).out.includes("<title>Welcome to nginx!</title>") ? true : undefined), 30_000)).toBe(true);
    for (const svc of ["web:8080", "http:web:http"]) expect((await proxied(svc)).out).toContain("<title>Welcome to nginx!</title>");
    // ResourceLocation (pkg/registry/core/service/storage): a port number becomes its port's name, and the
    // endpoints' port must have that name, so a named port must be named ("" matches no endpoint port)
    expect((await proxied("web")).err).toBe('Error from server (ServiceUnavailable): no endpoints available for service "web"\n');
    expect((await proxied("web:nope")).err).toBe('Error from server (ServiceUnavailable): no endpoints available for service "web:nope"\n');
    expect((await proxied("web:9999")).err).toBe('Error from server (ServiceUnavailable): no service port 9999 found for service "web"\n');
    // "To use HTTPS, prefix the service name with https:": the API server speaks TLS to nginx's plain-HTTP port
    // (apimachinery's proxy.Transport wraps crypto/tls' error); it answered with nginx's page
    for (const svc of ["https:web:8080", "https:web:http"]) expect((await proxied(svc)).err).toBe("Error from server (ServiceUnavailable): error trying to reach service: tls: first record does not look like a TLS handshake\n");
    // the scheme is part of the id ResourceLocation names when the (empty) port name matches nothing
    expect((await proxied("https:web:")).err).toBe('Error from server (ServiceUnavailable): no endpoints available for service "https:web:"\n');
    expect((await proxied("nosuch")).err).toBe('Error from server (NotFound): services "nosuch" not found\n');
    expect((await k(["delete", "deployment", "web"])).code).toBe(0);
    expect((await k(["delete", "service", "web"])).code).toBe(0);
  });

  it("tasks/debug/debug-cluster/resource-metrics-pipeline: NodeMetrics and PodMetrics through the Metrics API", { timeout: 90_000 }, async () => {
    const node = JSON.parse((await k(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/node-1"])).out);
    expect(node).toMatchObject({ kind: "NodeMetrics", apiVersion: "metrics.k8s.io/v1beta1", metadata: { name: "node-1" } });
    expect(node.usage.cpu).toMatch(/^\d+(n|m)?$/);
    expect(node.usage.memory).toMatch(/^\d+(Ki|Mi)?$/);
    expect(node.window).toMatch(/^\d+s$/);
    // the page asks for kube-scheduler-minikube (a static pod podflow's control plane does not run as a pod): a pod of ours
    expect((await k(["run", "metrics-demo", "--image=nginx"])).code).toBe(0);
    const metrics = await until(async () => {
      const r = await k(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/metrics-demo"]);
      return r.code === 0 ? JSON.parse(r.out) : undefined;
    }, 40_000);
    expect(metrics).toMatchObject({ kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", metadata: { name: "metrics-demo", namespace: "default" }, containers: [{ name: "metrics-demo" }] });
    expect(metrics.containers[0].usage.memory).toMatch(/^\d+(Ki|Mi)$/);
    expect((await k(["delete", "pod", "metrics-demo", "--grace-period=0", "--force"])).code).toBe(0);
  });
});
