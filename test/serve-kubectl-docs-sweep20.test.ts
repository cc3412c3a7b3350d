// Sweep 20 of the docs' pages: the ones that list files with their modes, owners and links
// (`ls -laR`, `ls -l`, `stat`), now that the container filesystem keeps inodes and the kubelet's
// volumes are laid out as Kubernetes' AtomicWriter lays them out. Each expectation is what the page
// shows, or busybox's and coreutils' formats where the page's output is older than its images.
// The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 20 (long listings)", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const running = (pod: string) => until(async () => ((await k(["get", "pod", pod, "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 60_000);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 5 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("tasks/inject-data-application/downward-api-volume-expose-pod-information: `ls -laR /etc/podinfo` shows the AtomicWriter's ..data link, its timestamped directory and a link a file", { timeout: 120_000 }, async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: kubernetes-downwardapi-volume-example
  labels:
    zone: us-est-coast
    cluster: test-cluster1
    rack: rack-22
  annotations:
    build: two
    builder: john-doe
spec:
  containers:
    - name: client-container
      image: registry.k8s.io/busybox:1.27.2
      command: ["sh", "-c"]
      args:
      - while true; do
          if [[ -e /etc/podinfo/labels ]]; then
            echo -en '\\n\\n'; cat /etc/podinfo/labels; fi;
          if [[ -e /etc/podinfo/annotations ]]; then
            echo -en '\\n\\n'; cat /etc/podinfo/annotations; fi;
          sleep 5;
        done;
      volumeMounts:
        - name: podinfo
          mountPath: /etc/podinfo
  volumes:
    - name: podinfo
      downwardAPI:
        items:
          - path: "labels"
            fieldRef:
              fieldPath: metadata.labels
          - path: "annotations"
            fieldRef:
              fieldPath: metadata.annotations
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("pod/kubernetes-downwardapi-volume-example created\n");
    await running("kubernetes-downwardapi-volume-example");
    const r = await k(["exec", "kubernetes-downwardapi-volume-example", "--", "ls", "-laR", "/etc/podinfo"]);
    expect(r.err).toBe("");
    const labels = (await k(["exec", "kubernetes-downwardapi-volume-example", "--", "cat", "/etc/podinfo/labels"])).out;
    const annotations = (await k(["exec", "kubernetes-downwardapi-volume-example", "--", "cat", "/etc/podinfo/annotations"])).out;
    // the page's listing, its sizes a tmpfs': 20 bytes a name with "." and ".."; the links' sizes their targets' lengths
    const date = String.raw`[A-Z][a-z]{2} [ \d]\d \d\d:\d\d`;
    const ts = String.raw`\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{1,10}`;
    const size = (n: number) => String(n).padStart(9);
    const lines = r.out.split("\n");
    const tsName = /-> (\.\..*)$/.exec(lines[5] ?? "")?.[1] ?? "";
    expect(tsName).toMatch(new RegExp(`^${ts}$`));
    const expected = [
      "^/etc/podinfo:$",
      "^total 4$",
      `^drwxrwxrwt    3 root     root     ${size(120)} ${date} \\.$`,
      `^drwxr-xr-x    1 root     root     ${size(4096)} ${date} \\.\\.$`,
      `^drwxr-xr-x    2 root     root     ${size(80)} ${date} ${ts}$`,
      `^lrwxrwxrwx    1 root     root     ${size(tsName.length)} ${date} \\.\\.data -> ${ts}$`,
      `^lrwxrwxrwx    1 root     root     ${size(18)} ${date} annotations -> \\.\\.data/annotations$`,
      `^lrwxrwxrwx    1 root     root     ${size(13)} ${date} labels -> \\.\\.data/labels$`,
      "^$",
      `^/etc/podinfo/${ts}:$`,
      "^total 8$",
      `^drwxr-xr-x    2 root     root     ${size(80)} ${date} \\.$`,
      `^drwxrwxrwt    3 root     root     ${size(120)} ${date} \\.\\.$`,
      `^-rw-r--r--    1 root     root     ${size(Buffer.byteLength(annotations))} ${date} annotations$`,
      `^-rw-r--r--    1 root     root     ${size(Buffer.byteLength(labels))} ${date} labels$`,
      "^$",
    ];
    expect(lines.length).toBe(expected.length);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(expected[i]!)));
    expect(labels).toBe('cluster="test-cluster1"\nrack="rack-22"\nzone="us-est-coast"');
  });

  it("tasks/configure-pod-container/security-context: /data/demo is the fsGroup's (drwxrwsrwx 2 root 2000), the testfile the process' uid and the volume's group; `id`", { timeout: 120_000 }, async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: security-context-demo
spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    fsGroup: 2000
    supplementalGroups: [4000]
  volumes:
  - name: sec-ctx-vol
    emptyDir: {}
  containers:
  - name: sec-ctx-demo
    image: busybox:1.28
    command: [ "sh", "-c", "sleep 1h" ]
    volumeMounts:
    - name: sec-ctx-vol
      mountPath: /data/demo
    securityContext:
      allowPrivilegeEscalation: false
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("pod/security-context-demo created\n");
    await running("security-context-demo");
    const date = String.raw`[A-Z][a-z]{2} [ \d]\d \d\d:\d\d`;
    // the page: `drwxrwsrwx 2 root 2000 4096 Jun  6 20:08 demo` (its spacing squeezed)
    const data = await k(["exec", "security-context-demo", "--", "ls", "-l", "/data"]);
    expect(data.out).toMatch(new RegExp(`^total 4\\ndrwxrwsrwx    2 root     2000          4096 ${date} demo\\n$`));
    const file = await k(["exec", "security-context-demo", "--", "sh", "-c", "cd /data/demo && echo hello > testfile && ls -l"]);
    expect(file.out).toMatch(new RegExp(`^total 4\\n-rw-r--r--    1 1000     2000             6 ${date} testfile\\n$`));
    expect((await k(["exec", "security-context-demo", "--", "id"])).out).toBe("uid=1000 gid=3000 groups=2000,3000,4000\n");
  });

  it("concepts/configuration/secret (file permissions): defaultMode 0400 makes the secret's files -r--------, the keys links into ..data", { timeout: 120_000 }, async () => {
    expect((await k(["create", "secret", "generic", "mysecret", "--from-literal=username=admin"])).out).toBe("secret/mysecret created\n");
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: mypod
spec:
  containers:
  - name: mypod
    image: redis
    volumeMounts:
    - name: foo
      mountPath: "/etc/foo"
  volumes:
  - name: foo
    secret:
      secretName: mysecret
      defaultMode: 0400
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("pod/mypod created\n");
    await running("mypod");
    const date = String.raw`[A-Z][a-z]{2} [ \d]\d \d\d:\d\d`;
    // GNU ls (redis is Debian's): columns as wide as their widest cell
    expect((await k(["exec", "mypod", "--", "ls", "-l", "/etc/foo"])).out).toMatch(new RegExp(`^total 0\\nlrwxrwxrwx 1 root root 15 ${date} username -> \\.\\.data/username\\n$`));
    expect((await k(["exec", "mypod", "--", "ls", "-lL", "/etc/foo"])).out).toMatch(new RegExp(`^total 4\\n-r-------- 1 root root 5 ${date} username\\n$`));
    expect((await k(["exec", "mypod", "--", "stat", "-L", "-c", "%a %U %G %s", "/etc/foo/username"])).out).toBe("400 root root 5\n");
    expect((await k(["exec", "mypod", "--", "readlink", "/etc/foo/..data"])).out).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{1,10}\n$/);
  });
  it("concepts/configuration/configmap: `ls -la /config` of configmap-demo-pod's items volume lists ..data, its timestamped directory and a link an item on a disk emptyDir (drwxrwxrwx)", { timeout: 120_000 }, async () => {
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: game-demo
data:
  player_initial_lives: "3"
  ui_properties_file_name: "user-interface.properties"
  game.properties: |
    enemy.types=aliens,monsters
    player.maximum-lives=5
  user-interface.properties: |
    color.good=purple
    color.bad=yellow
    allow.textmode=true
---
apiVersion: v1
kind: Pod
metadata:
  name: configmap-demo-pod
spec:
  containers:
    - name: demo
      image: alpine
      command: ["sleep", "3600"]
      volumeMounts:
      - name: config
        mountPath: "/config"
        readOnly: true
  volumes:
  - name: config
    configMap:
      name: game-demo
      items:
      - key: "game.properties"
        path: "game.properties"
      - key: "user-interface.properties"
        path: "user-interface.properties"
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("configmap/game-demo created\npod/configmap-demo-pod created\n");
    await running("configmap-demo-pod");
    const date = String.raw`[A-Z][a-z]{2} [ \d]\d \d\d:\d\d`;
    const ts = String.raw`\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{1,10}`;
    const r = await k(["exec", "configmap-demo-pod", "--", "ls", "-la", "/config"]);
    const lines = r.out.split("\n");
    // three directories on disk, a 4096-byte block (8 sectors) each, the links none: total (1 + 24) >> 1
    const expected = [
      "^total 12$",
      `^drwxrwxrwx    3 root     root          4096 ${date} \\.$`,
      `^drwxr-xr-x    1 root     root          4096 ${date} \\.\\.$`,
      `^drwxr-xr-x    2 root     root          4096 ${date} ${ts}$`,
      `^lrwxrwxrwx    1 root     root        +\\d+ ${date} \\.\\.data -> ${ts}$`,
      `^lrwxrwxrwx    1 root     root            22 ${date} game\\.properties -> \\.\\.data/game\\.properties$`,
      `^lrwxrwxrwx    1 root     root            32 ${date} user-interface\\.properties -> \\.\\.data/user-interface\\.properties$`,
      "^$",
    ];
    expect(lines.length).toBe(expected.length);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(expected[i]!)));
    expect((await k(["exec", "configmap-demo-pod", "--", "stat", "-L", "-c", "%A %s", "/config/game.properties"])).out).toBe("-rw-r--r-- 51\n");
  });
});
