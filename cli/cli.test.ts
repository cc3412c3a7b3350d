// Numbers on the command line are checked where they are parsed: a bad one is refused with
// commander's wording and exit code 2, never run as NaN.

import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "./index.js";

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "podflow", ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe("numeric options are checked when parsed", () => {
  it.each([
    ["check", ["--seeds", "abc"], "error: option '--seeds <n>' argument 'abc' is invalid. Not a whole number."],
    ["check", ["--steps", "-5"], "error: option '--steps <k>' argument '-5' is invalid. Not a whole number."],
    ["check", ["--seed", "1.5"], "error: option '--seed <s>' argument '1.5' is invalid. Not a whole number."],
    ["check", ["--time-box", "soon"], "error: option '--time-box <seconds>' argument 'soon' is invalid. Not a number of 0 or more."],
    ["check", ["--shard", "2/2"], "error: option '--shard <i/n>' argument '2/2' is invalid. Not I/N with 0 <= I < N."],
    ["check", ["--workers", "0"], "error: option '--workers <k>' argument '0' is invalid. Not a whole number of 1 or more."],
    ["check", ["--shrink-runs", "many"], "error: option '--shrink-runs <n>' argument 'many' is invalid. Not a whole number."],
    ["explore", ["nginx", "--depth", "ten"], "error: option '--depth <d>' argument 'ten' is invalid. Not a whole number."],
    ["serve", ["--port", "70000"], "error: option '--port <p>' argument '70000' is invalid. Not a port (0 to 65535)."],
    ["serve", ["--speed", "0"], "error: option '--speed <x>' argument '0' is invalid. Not a number greater than 0."],
    ["simulate", ["-f", "x.yaml", "--nodes", "NaN"], "error: option '--nodes <n>' argument 'NaN' is invalid. Not a whole number."],
    ["bench", ["--sizes", "100by3000"], "error: option '--sizes <sizes...>' argument '100by3000' is invalid. Not NODESxPODS (e.g. 100x3000)."],
    ["bench", ["--interpreter", "spidermonkey"], "error: option '--interpreter <name>' argument 'spidermonkey' is invalid. Allowed choices are xstate, fast."],
  ])("%s %j is refused with exit code 2", async (command, args, message) => {
    const r = await cli(command, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([message]);
  });
});

describe("podflow simulate prints errors and results as kubectl does", () => {
  const tmp = mkdtempSync(join(tmpdir(), "podflow-cli-"));
  const write = (name: string, text: string) => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };

  it("a missing file is kubectl's client-side error, exit code 1, no stack trace", async () => {
    const r = await cli("simulate", "-f", "missing.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`error: the path "missing.yaml" does not exist`]);
  });

  it("a document that is not YAML is a client-side error, not 'Error from server'", async () => {
    const f = write("bad.yaml", "kind: [\n");
    const r = await cli("simulate", "-f", f);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^error: error parsing .*bad\.yaml: error converting YAML to JSON: yaml: line \d+: /);
  });

  it("applied objects are named kind.group/name; a server refusal is 'Error from server (Reason)'", async () => {
    const dep = write("dep.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n");
    const ok = await cli("simulate", "-f", dep, "--nodes", "1");
    expect(ok.code).toBe(0);
    expect(ok.err[0]).toBe("deployment.apps/web created");
    const pod = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  priorityClassName: high\n  containers: [{name: c, image: nginx}]\n");
    const refused = await cli("simulate", "-f", pod, "--nodes", "1");
    expect(refused.code).toBe(1);
    // AddSourceToErr (kubectl/pkg/cmd/util/helpers.go): the server's message follows `error when creating "<file>": `
    expect(refused.err).toEqual([`Error from server (Forbidden): error when creating "${pod}": pods "p" is forbidden: no PriorityClass with name high was found`]);
  });

  // checkErr prints an Invalid error from its details: `The <Kind> "<name>" is invalid: ` then the
  // causes, inline when there is one, as "* field: message" lines when there are several.
  it("an invalid object is told as kubectl tells it: The Kind \"name\" is invalid, one cause inline, several as * lines", async () => {
    const one = write("one.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: Abc, image: nginx}]\n");
    const r1 = await cli("simulate", "-f", one, "--nodes", "1");
    expect(r1.code).toBe(1);
    expect(r1.err).toEqual([`The Pod "p" is invalid: spec.containers[0].name: Invalid value: "Abc": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`]);
    const two = write("two.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}, {port: 81}]\n");
    const r2 = await cli("simulate", "-f", two, "--nodes", "1");
    expect(r2.code).toBe(1);
    expect(r2.err).toEqual([`The Service "s" is invalid: `, "* spec.ports[0].name: Required value", "* spec.ports[1].name: Required value"]);
  });
});

describe("podflow simulate applies every object it can, as kubectl apply does", () => {
  // kubectl apply (staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go) collects each object's error
  // and goes on with the next; the errors are printed after the others' "created" lines and the
  // command exits 1. The docs' ExternalName Service in namespace prod, before prod exists:
  it("a Service in a namespace not yet created is refused; the pod after it is created and runs; exit code 1", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "podflow-partial-")), "two.yaml");
    writeFileSync(f, "apiVersion: v1\nkind: Service\nmetadata: {name: my-service, namespace: prod}\nspec: {type: ExternalName, externalName: my.database.example.com}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: c, image: nginx}]\n");
    const r = await cli("simulate", "-f", f, "--nodes", "1");
    expect(r.code).toBe(1);
    expect(r.err).toEqual(["pod/web created", `Error from server (NotFound): error when creating "${f}": namespaces "prod" not found`]);
    expect(r.out.join("\n")).toMatch(/^web +1\/1 +Running /m);
  });
});

describe("podflow simulate --advance moves the simulated clock", () => {
  // The docs' application/job/cronjob.yaml with the issue's schedule: every minute, written */1.
  const cronjob = (schedule: string) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "${schedule}"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
`;
  it.each(["*/1 * * * *", "* * * * *"])("a CronJob scheduled %j has made 3 Jobs after --advance 190, each Complete, listed under JOBS", async (schedule) => {
    const f = join(mkdtempSync(join(tmpdir(), "podflow-cron-")), "cronjob.yaml");
    writeFileSync(f, cronjob(schedule));
    const r = await cli("simulate", "-f", f, "--advance", "190");
    expect(r.code).toBe(0);
    expect(r.err).toEqual(["cronjob.batch/hello created"]);
    const lines = r.out.join("\n").split("\n");
    // kubectl get cronjobs and kubectl get jobs columns; a Job per minute named hello-<minutes since the epoch>
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^hello +${schedule.replace(/[*/]/g, "\\$&")} +<none> +False +0 +\\d+s +3m\\d+s$`)));
    const jobs = lines.filter((l) => /^hello-\d+ /.test(l));
    expect(jobs).toHaveLength(3);
    for (const j of jobs) expect(j).toMatch(/^hello-\d+ +Complete +1\/1 +\d+s +\d+(s|m\d+s)$/);
    const minutes = jobs.map((j) => Number(/^hello-(\d+)/.exec(j)![1])).sort();
    expect(minutes).toEqual([minutes[0], minutes[0]! + 1, minutes[0]! + 2]);
  });
});

describe("podflow simulate with more nodes than the cluster CIDR has /24s for", () => {
  it("--nodes 300 runs examples/nginx.yaml: the nginx pod is Running, nodes past the 256th are NotReady", async () => {
    const r = await cli("simulate", "-f", join(import.meta.dirname, "..", "examples", "nginx.yaml"), "--nodes", "300");
    expect(r.code).toBe(0);
    expect(r.err).toEqual(["pod/nginx created"]);
    const lines = r.out.join("\n").split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^nginx +1\/1 +Running +0 +/));
    expect(lines).toContainEqual(expect.stringMatching(/^node-256 +Ready +/));
    expect(lines).toContainEqual(expect.stringMatching(/^node-257 +NotReady +/));
  }, 60_000);
});

describe("podflow simulate prints what the user applied to kube-system", () => {
  // The docs' controllers/daemonset.yaml (concepts/workloads/controllers/daemonset) creates its
  // DaemonSet in kube-system; `kubectl get ds,pods -n kube-system` lists it and its pod per node.
  // The cluster's own objects there (the kube-dns Service) are not what the user asked about.
  const daemonset = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
spec:
  selector:
    matchLabels: {name: fluentd-elasticsearch}
  template:
    metadata:
      labels: {name: fluentd-elasticsearch}
    spec:
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v5.0.1
`;
  it("the DaemonSet and its two pods are printed, the kube-dns Service is not", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "podflow-ks-")), "ds.yaml");
    writeFileSync(f, daemonset);
    const r = await cli("simulate", "-f", f, "--nodes", "2");
    expect(r.code).toBe(0);
    const lines = r.out.join("\n").split("\n");
    expect(lines.filter((l) => /^fluentd-elasticsearch-\w{5} +1\/1 +Running /.test(l))).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^fluentd-elasticsearch +2 +2 +2 +2 +2 +<none> /));
    expect(lines.some((l) => l.startsWith("kube-dns"))).toBe(false);
  });
});

describe("podflow simulate prints the API server's warnings as kubectl apply does", () => {
  const manifest = (names: string[]) => names.map((n) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${n}
spec:
  selector:
    matchLabels: {app: ${n}}
  template:
    metadata:
      labels: {app: ${n}}
    spec:
      nodeSelector: {"beta.kubernetes.io/arch": amd64}
      containers:
      - name: nginx
        image: nginx
`).join("---\n");
  it("each warning on a line of its own before the object's line, and a warning already printed is not printed again", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "podflow-warn-")), "deploy.yaml");
    writeFileSync(f, manifest(["web.a", "web-b"]));
    const r = await cli("simulate", "-f", f);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([
      "Warning: metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
      'Warning: spec.template.spec.nodeSelector[beta.kubernetes.io/arch]: deprecated since v1.14; use "kubernetes.io/arch" instead',
      "deployment.apps/web.a created",
      // kubectl's warning writer deduplicates over the whole command
      "deployment.apps/web-b created",
    ]);
  });
  it("a PersistentVolume with the beta class annotation and Recycle: two warnings, in the order a real kubectl apply printed them", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "podflow-warn-")), "create-persistent-volume.yaml");
    writeFileSync(f, 'apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv0001\n  annotations:\n    volume.beta.kubernetes.io/storage-class: "slow"\nspec:\n  capacity:\n    storage: 5Gi\n  accessModes:\n    - ReadWriteOnce\n  persistentVolumeReclaimPolicy: Recycle\n  nfs:\n    server: 192.168.10.17\n    path: /home/mao/nfs/pv0001\n');
    const r = await cli("simulate", "-f", f);
    expect(r.err).toEqual([
      'Warning: metadata.annotations[volume.beta.kubernetes.io/storage-class]: deprecated since v1.8; use "storageClassName" attribute instead',
      "Warning: spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.",
      "persistentvolume/pv0001 created",
    ]);
  });
  it("a warning drawn before admission refuses the object is printed at once; the error after the others' lines", async () => {
    // LimitRanger refuses from the LimitRange at once (a ResourceQuota only once its controller
    // has written status.hard: a pod created right after it may be admitted uncharged)
    const f = join(mkdtempSync(join(tmpdir(), "podflow-warn-")), "limits.yaml");
    const pod = (n: string, cpu: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${n}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      limits:\n        cpu: "${cpu}"\n`;
    writeFileSync(f, ["apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: cpu-max\nspec:\n  limits:\n  - type: Container\n    max:\n      cpu: \"1\"\n", pod("a", "500m"), pod("b.x", "2"), pod("c", "3")].join("---\n"));
    const r = await cli("simulate", "-f", f);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      "limitrange/cpu-max created",
      "pod/a created",
      "Warning: metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
      `Error from server (Forbidden): error when creating "${f}": pods "b.x" is forbidden: maximum cpu usage per Container is 1, but limit is 2`,
      `Error from server (Forbidden): error when creating "${f}": pods "c" is forbidden: maximum cpu usage per Container is 1, but limit is 3`,
    ]);
  });
});

describe("double-quoted YAML escapes as go-yaml reads them", () => {
  const write = (name: string, text: string) => {
    const f = join(mkdtempSync(join(tmpdir(), "podflow-yaml-")), name);
    writeFileSync(f, text);
    return f;
  };
  it("the docs' envars-file-container.yaml: \\' is a quote to go-yaml (not in YAML 1.2), so the pod is created", async () => {
    // content/en/examples/pods/inject/envars-file-container.yaml
    const f = write("envars-file-container.yaml", [
      "apiVersion: v1", "kind: Pod", "metadata:", "  name: envfile-test-pod", "spec:", "  initContainers:", "    - name: setup-envfile", "      image:  nginx",
      `      command: ['sh', '-c', "echo \\"DB_ADDRESS=\\'address\\'\\nREST_ENDPOINT=\\'endpoint\\'\\" > /data/config.env"]`,
      "      volumeMounts:", "        - name: config", "          mountPath: /data", "  containers:", "    - name: use-envfile", "      image: nginx", `      command: [ "/bin/sh", "-c", "env" ]`,
      "      env:", "        - name: DB_ADDRESS", "          valueFrom:", "            fileKeyRef:", "              path: config.env", "              volumeName: config", "              key: DB_ADDRESS", "              optional: false",
      "  restartPolicy: Never", "  volumes:", "    - name: config", "      emptyDir: {}",
    ].join("\n"));
    const r = await cli("simulate", "-f", f, "-o", "yaml");
    expect(r.err).toEqual([]);
    // the command as the last-applied annotation records it (JSON): the quotes are plain quotes
    expect(r.out.join("\n")).toContain(String.raw`"echo \"DB_ADDRESS='address'\nREST_ENDPOINT='endpoint'\" > /data/config.env"`);
  });
  it("\\/ is no escape to go-yaml: the error names its line", async () => {
    const f = write("slash.yaml", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  url: "http:\\/\\/example.com"\n');
    const r = await cli("simulate", "-f", f);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`error: error parsing ${f}: error converting YAML to JSON: yaml: line 6: found unknown escape character`]);
  });
  it("an escape neither knows is worded as go-yaml words it", async () => {
    const f = write("q.yaml", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: "a\\qb"\n');
    const r = await cli("simulate", "-f", f);
    expect(r.err).toEqual([`error: error parsing ${f}: error converting YAML to JSON: yaml: line 6: found unknown escape character`]);
  });
});
