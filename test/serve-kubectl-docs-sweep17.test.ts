// Sweep 17 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// concepts/services-networking/service-traffic-policy: content/en/examples/service/networking/... (the page's my-service)
const localService = `apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app: web
  ports:
    - protocol: TCP
      port: 80
      targetPort: 80
  internalTrafficPolicy: Local
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 17", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("tasks/extend-kubernetes/http-proxy-access-api: a PodList's items carry no kind or apiVersion (the typed encoder's), which kubectl fills back in", { timeout: 60_000 }, async () => {
    expect((await k(["run", "node-hello", "--image=gcr.io/google-samples/node-hello:1.0", "--port=8080"])).code).toBe(0);
    const list = JSON.parse((await k(["get", "--raw", "/api/v1/namespaces/default/pods"])).out);
    expect(list.kind).toBe("PodList");
    expect(list.apiVersion).toBe("v1");
    // the page's output: `"items": [ { "metadata": { "name": ...` (client-go's UnstructuredList.UnmarshalJSON:
    // "For typed lists, e.g., a PodList, API server doesn't set each item's APIVersion and Kind")
    const item = list.items.find((p: { metadata: { name: string } }) => p.metadata.name === "node-hello");
    expect(Object.keys(item)).toEqual(["metadata", "spec", "status"]);
    // every built-in group alike; a single object keeps its TypeMeta
    const nodes = JSON.parse((await k(["get", "--raw", "/api/v1/nodes"])).out);
    expect(nodes.items.every((n: Record<string, unknown>) => !Object.hasOwn(n, "kind") && !Object.hasOwn(n, "apiVersion"))).toBe(true);
    const one = JSON.parse((await k(["get", "--raw", "/api/v1/namespaces/default/pods/node-hello"])).out);
    expect([one.kind, one.apiVersion]).toEqual(["Pod", "v1"]);
    // kubectl's -o json sets them from the list's kind, as before
    const printed = JSON.parse((await k(["get", "pods", "-o", "json"])).out);
    expect(printed.items.map((p: { kind: string; apiVersion: string }) => `${p.apiVersion}/${p.kind}`)).toContain("v1/Pod");
    expect((await k(["delete", "pod", "node-hello", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("concepts/services-networking/service-traffic-policy: internalTrafficPolicy Local answers from the endpoint's node and is dropped (the client times out) on a node without one; no endpoint at all is refused", { timeout: 120_000 }, async () => {
    expect((await k(["create", "deployment", "web", "--image=nginx"])).code).toBe(0);
    expect((await k(["patch", "deployment", "web", "-p", '{"spec":{"template":{"spec":{"nodeName":"node-1"}}}}'])).code).toBe(0);
    expect((await k(["apply", "-f", "-"], localService)).out).toBe("service/my-service created\n");
    for (const n of ["node-1", "node-2"]) {
      expect((await k(["run", `client-${n}`, "--image=busybox:1.37", `--overrides={"spec":{"nodeName":"${n}"}}`, "--", "sleep", "3600"])).code).toBe(0);
    }
    const ready = await until(async () => {
      const eps = await jsonpath(["get", "endpointslices", "-l", "kubernetes.io/service-name=my-service"], "{.items[*].endpoints[*].nodeName}");
      const phases = await jsonpath(["get", "pods", "client-node-1", "client-node-2"], "{.items[*].status.phase}");
      return eps === "node-1" && phases === "Running Running" ? true : undefined;
    }, 60_000);
    expect(ready).toBe(true);
    expect((await k(["describe", "svc", "my-service"])).out).toMatch(/\nInternal Traffic Policy: +Local\n/);
    const local = await k(["exec", "client-node-1", "--", "wget", "-qO-", "-T", "3", "http://my-service"]);
    expect(local.out).toContain("<title>Welcome to nginx!</title>");
    // pkg/proxy/iptables/proxier.go: "The internalTrafficPolicy is "Local" but there are no local endpoints.
    // Traffic to the clusterIP will be dropped": no RST, so busybox wget's -T alarm ends it
    const remote = await k(["exec", "client-node-2", "--", "wget", "-qO-", "-T", "3", "http://my-service"]);
    expect(remote.err).toBe("wget: download timed out\ncommand terminated with exit code 1\n");
    expect(remote.code).toBe(1);
    // "The service has no endpoints at all": REJECT, on every node
    expect((await k(["scale", "deployment", "web", "--replicas=0"])).code).toBe(0);
    const ip = await jsonpath(["get", "svc", "my-service"], "{.spec.clusterIP}");
    const refused = await until(async () => {
      const r = await k(["exec", "client-node-2", "--", "wget", "-qO-", "-T", "3", "http://my-service"]);
      return r.err.includes("Connection refused") ? r.err : undefined;
    }, 30_000);
    expect(refused).toBe(`wget: can't connect to remote host (${ip}): Connection refused\ncommand terminated with exit code 1\n`);
    expect((await k(["delete", "svc", "my-service"])).code).toBe(0);
    expect((await k(["delete", "deployment", "web"])).code).toBe(0);
    expect((await k(["delete", "pod", "client-node-1", "client-node-2", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("tasks/run-application/run-replicated-stateful-application: an init container's `set -ex` traces its commands into the log and ends at the first failing one", { timeout: 90_000 }, async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: set-ex
spec:
  restartPolicy: Never
  initContainers:
  - name: init
    image: busybox:1.37
    command:
    - sh
    - "-c"
    - |
      set -ex
      echo [mysqld] > /tmp/server-id.cnf
      ordinal=$(hostname)
      [ -d /var/lib/mysql ]
      echo never
  containers:
  - name: main
    image: busybox:1.37
    command: ["true"]
`;
    expect((await k(["apply", "-f", "-"], pod)).out).toBe("pod/set-ex created\n");
    const failed = await until(async () => ((await jsonpath(["get", "pod", "set-ex"], "{.status.phase}")) === "Failed" ? true : undefined), 60_000);
    expect(failed).toBe(true);
    // shell/ash.c: xflag prints PS4 and the expanded words (maybe_single_quote: `[` quoted, `]` not) before each
    // simple command, a command substitution's commands too; eflag exits with the failing status
    expect((await k(["logs", "set-ex", "-c", "init"])).out).toBe("+ echo '[mysqld]'\n+ hostname\n+ ordinal=set-ex\n+ '[' -d /var/lib/mysql ]\n");
    expect(await jsonpath(["get", "pod", "set-ex"], "{.status.initContainerStatuses[0].state.terminated.exitCode}")).toBe("1");
    expect((await k(["delete", "pod", "set-ex", "--now"])).code).toBe(0);
  });

  it("tasks/run-application/run-replicated-stateful-application: init-mysql's bash [[ =~ ]] takes the ordinal from the hostname and writes server-id.cnf, traced by set -ex", { timeout: 120_000 }, async () => {
    // content/en/examples/application/mysql/mysql-statefulset.yaml's init-mysql, in a pod named as the StatefulSet names mysql-0
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: mysql
data:
  primary.cnf: |
    # Apply this config only on the primary.
    [mysqld]
    log-bin
  secondary.cnf: |
    # Apply this config only on secondaries.
    [mysqld]
    super-read-only
---
apiVersion: v1
kind: Pod
metadata:
  name: mysql-0
spec:
  restartPolicy: Never
  initContainers:
  - name: init-mysql
    image: mysql:5.7
    command:
    - bash
    - "-c"
    - |
      set -ex
      # Generate mysql server-id from pod ordinal index.
      [[ \`hostname\` =~ -([0-9]+)$ ]] || exit 1
      ordinal=\${BASH_REMATCH[1]}
      echo [mysqld] > /mnt/conf.d/server-id.cnf
      # Add an offset to avoid reserved server-id=0 value.
      echo server-id=$((100 + $ordinal)) >> /mnt/conf.d/server-id.cnf
      # Copy appropriate conf.d files from config-map to emptyDir.
      if [[ $ordinal -eq 0 ]]; then
        cp /mnt/config-map/primary.cnf /mnt/conf.d/
      else
        cp /mnt/config-map/secondary.cnf /mnt/conf.d/
      fi
    volumeMounts:
    - name: conf
      mountPath: /mnt/conf.d
    - name: config-map
      mountPath: /mnt/config-map
  containers:
  - name: show
    image: mysql:5.7
    command: ["bash", "-c", "cat /mnt/conf.d/server-id.cnf /mnt/conf.d/primary.cnf"]
    volumeMounts:
    - name: conf
      mountPath: /mnt/conf.d
  volumes:
  - name: conf
    emptyDir: {}
  - name: config-map
    configMap:
      name: mysql
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("configmap/mysql created\npod/mysql-0 created\n");
    const done = await until(async () => ((await jsonpath(["get", "pod", "mysql-0"], "{.status.phase}")) === "Succeeded" ? true : undefined), 90_000);
    expect(done).toBe(true);
    // bash: "++" inside the backquotes, xtrace_print_cond_term's "[[ ... ]]" lines, each assignment and command
    expect((await k(["logs", "mysql-0", "-c", "init-mysql"])).out).toBe("++ hostname\n+ [[ mysql-0 =~ -([0-9]+)$ ]]\n+ ordinal=0\n+ echo '[mysqld]'\n+ echo server-id=100\n+ [[ 0 -eq 0 ]]\n+ cp /mnt/config-map/primary.cnf /mnt/conf.d/\n");
    expect((await k(["logs", "mysql-0", "-c", "show"])).out).toBe("[mysqld]\nserver-id=100\n# Apply this config only on the primary.\n[mysqld]\nlog-bin\n");
    expect((await k(["delete", "pod", "mysql-0", "--now"])).code).toBe(0);
    expect((await k(["delete", "configmap", "mysql"])).code).toBe(0);
  });
});
