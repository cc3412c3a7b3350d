// Sweep 14 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const fixture = (...p: string[]) => readFileSync(join(import.meta.dirname, "fixtures", "docs", ...p), "utf8");

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 14", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);
  const podNames = async (selector: string) => (await jsonpath(["get", "pods", "-l", selector], "{.items[*].metadata.name}")).split(" ").filter(Boolean).sort();

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("concepts/workloads/controllers/replicaset: frontend's pods are owned by it, bare pods made after it are deleted, made before it are adopted", async () => {
    expect((await k(["apply", "-f", "-"], fixture("controllers", "frontend.yaml"))).out).toBe("replicaset.apps/frontend created\n");
    const three = await until(async () => (/\nfrontend +3 +3 +3 +\S+\n$/.test((await k(["get", "rs"])).out) ? true : undefined), 30_000);
    expect(three, "NAME DESIRED CURRENT READY AGE: frontend 3 3 3").toBe(true);
    const rs = (await k(["describe", "rs/frontend"])).out;
    // kubectl describe leaves out last-applied-configuration (describe.go skipAnnotations), so a
    // v1.32 client prints <none> where the page (an older client) shows the annotation
    expect(rs).toMatch(/^Name: +frontend\nNamespace: +default\nSelector: +tier=frontend\nLabels: +app=guestbook\n +tier=frontend\nAnnotations: +<none>\nReplicas: +3 current \/ 3 desired\nPods Status: +3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\nPod Template:\n {2}Labels: {2}tier=frontend\n {2}Containers:\n {3}php-redis:\n {4}Image: +us-docker\.pkg\.dev\/google-samples\/containers\/gke\/gb-frontend:v5\n/);
    const pods = await podNames("tier=frontend");
    expect(pods).toHaveLength(3);
    for (const p of pods) expect(p).toMatch(/^frontend-[a-z0-9]{5}$/);
    for (const p of pods) expect(rs).toMatch(new RegExp(`\\n  Normal  SuccessfulCreate  \\S+ +replicaset-controller  Created pod: ${p}\\n`));
    const owner = JSON.parse(await jsonpath(["get", "pods", pods[0]!], "{.metadata.ownerReferences}"));
    expect(owner).toEqual([{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: "ReplicaSet", name: "frontend", uid: await jsonpath(["get", "rs", "frontend"], "{.metadata.uid}") }]);

    // "The new Pods will be acquired by the ReplicaSet, and then immediately terminated"
    expect((await k(["apply", "-f", "-"], fixture("pods", "pod-rs.yaml"))).out).toBe("pod/pod1 created\npod/pod2 created\n");
    const gone = await until(async () => ((await podNames("tier=frontend")).join(" ") === pods.join(" ") ? true : undefined), 30_000);
    expect(gone, "pod1 and pod2 deleted, frontend's three kept").toBe(true);
    const events = (await k(["describe", "rs/frontend"])).out;
    expect(events).toMatch(/\n {2}Normal {2}SuccessfulDelete {2}\S+ +replicaset-controller {2}Deleted pod: pod1\n/);
    expect(events).toMatch(/\n {2}Normal {2}SuccessfulDelete {2}\S+ +replicaset-controller {2}Deleted pod: pod2\n/);

    // "If you create the Pods first ... the ReplicaSet has acquired the Pods and has only created new ones"
    expect((await k(["delete", "rs", "frontend"])).code).toBe(0);
    expect(await until(async () => ((await podNames("tier=frontend")).length === 0 ? true : undefined), 30_000)).toBe(true);
    expect((await k(["apply", "-f", "-"], fixture("pods", "pod-rs.yaml"))).code).toBe(0);
    expect(await until(async () => ((await jsonpath(["get", "pods", "pod1", "pod2"], "{.items[*].status.phase}")) === "Running Running" ? true : undefined), 30_000)).toBe(true);
    expect((await k(["apply", "-f", "-"], fixture("controllers", "frontend.yaml"))).out).toBe("replicaset.apps/frontend created\n");
    const adopted = await until(async () => {
      const rows = (await k(["get", "pods", "-l", "tier=frontend", "--no-headers"])).out.trim().split("\n");
      return rows.length === 3 && rows.every((r) => / 1\/1 +Running +0 +/.test(r)) ? rows.map((r) => r.split(/ +/)[0]) : undefined;
    }, 30_000);
    expect(adopted![0]).toMatch(/^frontend-[a-z0-9]{5}$/);
    expect(adopted!.slice(1)).toEqual(["pod1", "pod2"]);
    expect(await jsonpath(["get", "pod", "pod1"], "{.metadata.ownerReferences[0].name}")).toBe("frontend");

    // "ReplicaSet as a Horizontal Pod Autoscaler Target": the kubectl autoscale form
    expect((await k(["autoscale", "rs", "frontend", "--max=10", "--min=3", "--cpu-percent=50"])).out).toBe("horizontalpodautoscaler.autoscaling/frontend autoscaled\n");
    expect((await k(["get", "hpa", "frontend"])).out).toMatch(/^NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE\nfrontend +ReplicaSet\/frontend +cpu: <unknown>\/50% +3 +10 +\d+ +\S+\n$/);
    expect((await k(["delete", "hpa", "frontend"])).code).toBe(0);
    expect((await k(["delete", "rs", "frontend"])).code).toBe(0);
  });

  it("concepts/storage/volumes (configMap): configmap-pod logs 'The app is running!' and keeps running on tail -f /dev/null, log_level.conf holds the key", async () => {
    expect((await k(["create", "configmap", "log-config", "--from-literal=log_level=debug"])).out).toBe("configmap/log-config created\n");
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: configmap-pod
spec:
  containers:
    - name: test
      image: busybox:1.28
      command: ['sh', '-c', 'echo "The app is running!" && tail -f /dev/null']
      volumeMounts:
        - name: config-vol
          mountPath: /etc/config
  volumes:
    - name: config-vol
      configMap:
        name: log-config
        items:
          - key: log_level
            path: log_level.conf
`)).out).toBe("pod/configmap-pod created\n");
    expect(await until(async () => ((await jsonpath(["get", "pod", "configmap-pod"], "{.status.phase}")) === "Running" ? true : undefined), 30_000)).toBe(true);
    // /dev/null reads empty: tail prints nothing and follows it (its log had `tail: can't open '/dev/null': No such file or directory`)
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await k(["logs", "configmap-pod"])).out).toBe("The app is running!\n");
    expect(await jsonpath(["get", "pod", "configmap-pod"], "{.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].state.running.startedAt}")).toMatch(/^0 \d{4}-/);
    expect((await k(["exec", "configmap-pod", "--", "ls", "/etc/config"])).out).toBe("log_level.conf\n");
    expect((await k(["exec", "configmap-pod", "--", "cat", "/etc/config/log_level.conf"])).out).toBe("debug");
    expect((await k(["delete", "pod", "configmap-pod", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("a common idle-pod idiom, `trap : TERM INT; sleep infinity & wait`, keeps the container running (wait waits for the background job)", async () => {
    expect((await k(["run", "idle", "--image=busybox:1.36", "--", "sh", "-c", "trap : TERM INT; sleep infinity & wait"])).out).toBe("pod/idle created\n");
    expect(await until(async () => ((await jsonpath(["get", "pod", "idle"], "{.status.phase}")) === "Running" ? true : undefined), 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500));
    // it exited 0 at once and went into CrashLoopBackOff: wait returned without waiting
    expect(await jsonpath(["get", "pod", "idle"], "{.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready}")).toBe("0 true");
    expect((await k(["exec", "idle", "--", "echo", "alive"])).out).toBe("alive\n");
    expect((await k(["delete", "pod", "idle", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("concepts/storage/volumes (emptyDir): the sizeLimit pod runs, and describe prints the volume's SizeLimit", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: test-pd
spec:
  containers:
  - image: registry.k8s.io/test-webserver
    name: test-container
    volumeMounts:
    - mountPath: /cache
      name: cache-volume
  volumes:
  - name: cache-volume
    emptyDir:
      sizeLimit: 500Mi
`)).out).toBe("pod/test-pd created\n");
    expect(await until(async () => ((await jsonpath(["get", "pod", "test-pd"], "{.status.phase}")) === "Running" ? true : undefined), 30_000)).toBe(true);
    expect((await k(["describe", "pod", "test-pd"])).out).toMatch(/\nVolumes:\n {2}cache-volume:\n {4}Type: {7}EmptyDir \(a temporary directory that shares a pod's lifetime\)\n {4}Medium: *\n {4}SizeLimit: {2}500Mi\n/);
    expect((await k(["delete", "pod", "test-pd", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("concepts/services-networking/endpoint-slices: the page's example-abc, `get endpointslices` and describe", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: example-abc
  labels:
    kubernetes.io/service-name: example
addressType: IPv4
ports:
  - name: http
    protocol: TCP
    port: 80
endpoints:
  - addresses:
      - "10.1.2.3"
    conditions:
      ready: true
    hostname: pod-1
    nodeName: node-1
    zone: us-west2-a
`)).out).toBe("endpointslice.discovery.k8s.io/example-abc created\n");
    expect((await k(["get", "endpointslice", "example-abc"])).out).toMatch(/^NAME +ADDRESSTYPE +PORTS +ENDPOINTS +AGE\nexample-abc +IPv4 +80 +10\.1\.2\.3 +\S+\n$/);
    expect((await k(["describe", "endpointslice", "example-abc"])).out).toMatch(/\nAddressType: {2}IPv4\nPorts:\n {2}Name {2}Port {2}Protocol\n {2}---- {2}---- {2}--------\n {2}http {2}80 {4}TCP\nEndpoints:\n {2}- Addresses: {2}10\.1\.2\.3\n {4}Conditions:\n {6}Ready: {3}true\n {4}Hostname: {2}pod-1\n {4}NodeName: {2}node-1\n {4}Zone: {6}us-west2-a\n/);
    expect((await k(["delete", "endpointslice", "example-abc"])).code).toBe(0);
  });

  it("tasks/configure-pod-container/configure-pod-configmap: two --from-file sources, two --from-env-file sources, and a key named on --from-file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-configmap-"));
    const game = "enemies=aliens\nlives=3\nenemies.cheat=true\nenemies.cheat.level=noGoodRotten\nsecret.code.passphrase=UUDDLRLRBABAS\nsecret.code.allowed=true\nsecret.code.lives=30";
    const ui = "color.good=purple\ncolor.bad=yellow\nallow.textmode=true\nhow.nice.to.look=fairlyNice\n";
    writeFileSync(join(dir, "game.properties"), game);
    writeFileSync(join(dir, "ui.properties"), ui);
    writeFileSync(join(dir, "game-env-file.properties"), 'enemies=aliens\nlives=3\nallowed="true"\n\n# This comment and the empty line above it are ignored\n');
    writeFileSync(join(dir, "ui-env-file.properties"), "color=purple\ntextmode=true\nhow=fairlyNice\n");
    expect((await k(["create", "configmap", "game-config-2", `--from-file=${join(dir, "game.properties")}`, `--from-file=${join(dir, "ui.properties")}`])).out).toBe("configmap/game-config-2 created\n");
    // describe ranges over the data map, whose order Go leaves open: each key's block, either order
    const described = (await k(["describe", "configmaps", "game-config-2"])).out;
    expect(described).toMatch(/^Name: +game-config-2\nNamespace: +default\nLabels: +<none>\nAnnotations: +<none>\n\nData\n====\n/);
    expect(described).toContain(`game.properties:\n----\n${game}\n\n`);
    expect(described).toContain(`ui.properties:\n----\n${ui}\n\n`);
    expect(described).toMatch(/\n\nBinaryData\n====\n\nEvents: {2}<none>\n$/);
    expect((await k(["create", "configmap", "config-multi-env-files", `--from-env-file=${join(dir, "game-env-file.properties")}`, `--from-env-file=${join(dir, "ui-env-file.properties")}`])).code).toBe(0);
    expect((await k(["get", "configmap", "config-multi-env-files", "-o", "yaml"])).out).toMatch(/^apiVersion: v1\ndata:\n {2}allowed: '"true"'\n {2}color: purple\n {2}enemies: aliens\n {2}how: fairlyNice\n {2}lives: "3"\n {2}textmode: "true"\nkind: ConfigMap\n/);
    expect((await k(["create", "configmap", "game-config-3", `--from-file=game-special-key=${join(dir, "game.properties")}`])).code).toBe(0);
    expect((await k(["get", "configmaps", "game-config-3", "-o", "yaml"])).out).toMatch(/^apiVersion: v1\ndata:\n {2}game-special-key: \|-\n {4}enemies=aliens\n {4}lives=3\n/);
    expect((await k(["get", "configmaps", "game-config-2", "config-multi-env-files", "game-config-3"])).out).toMatch(/^NAME +DATA +AGE\ngame-config-2 +2 +\S+\nconfig-multi-env-files +6 +\S+\ngame-config-3 +1 +\S+\n$/);
    expect((await k(["delete", "configmap", "game-config-2", "config-multi-env-files", "game-config-3"])).code).toBe(0);
  });
});
