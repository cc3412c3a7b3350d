// Sweep 9 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source (or the runtime's, runc's) does where the page is silent. The verdicts are
// in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// tasks/inject-data-application/define-environment-variable-via-file: pods/inject/envars-file-container.yaml
const envFilePod = `apiVersion: v1
kind: Pod
metadata:
  name: envfile-test-pod
spec:
  initContainers:
    - name: setup-envfile
      image:  nginx
      command: ['sh', '-c', "echo \\"DB_ADDRESS=\\'address\\'\\nREST_ENDPOINT=\\'endpoint\\'\\" > /data/config.env"]
      volumeMounts:
        - name: config
          mountPath: /data
  containers:
    - name: use-envfile
      image: nginx
      command: [ "/bin/sh", "-c", "env" ]
      env:
        - name: DB_ADDRESS
          valueFrom:
            fileKeyRef:
              path: config.env
              volumeName: config
              key: DB_ADDRESS
              optional: false
  restartPolicy: Never
  volumes:
    - name: config
      emptyDir: {}
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 9", () => {
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

  it("define-environment-variable-via-file: the consumer's env has DB_ADDRESS from the file, and HOME=/root as runc sets it for a main process (uid 0's passwd home)", async () => {
    expect((await k(["apply", "-f", "-"], envFilePod)).out).toBe("pod/envfile-test-pod created\n");
    expect(await phase("envfile-test-pod", "Succeeded")).toBe(true);
    const env = (await k(["logs", "envfile-test-pod", "-c", "use-envfile"])).out.split("\n");
    expect(env.filter((l) => l.startsWith("DB_ADDRESS="))).toEqual(["DB_ADDRESS=address"]);
    expect(env).toContain("HOME=/root");
  });

  it("runc's HOME follows the process's uid: '/' for a uid no passwd entry names, nginx's /nonexistent for 101, in the main process and in kubectl exec alike", async () => {
    const asUser = (uid: number) => `--overrides=${JSON.stringify({ spec: { securityContext: { runAsUser: uid } } })}`;
    expect((await k(["run", "home-1000", "--image=busybox:1.28", "--restart=Never", asUser(1000), "--", "sh", "-c", "echo main=$HOME; sleep 3600"])).code).toBe(0);
    expect((await k(["run", "home-101", "--image=nginx", "--restart=Never", asUser(101), "--", "sleep", "3600"])).code).toBe(0);
    expect(await phase("home-1000", "Running")).toBe(true);
    expect(await phase("home-101", "Running")).toBe(true);
    expect(await until(async () => (await k(["logs", "home-1000"])).out || undefined, 30_000)).toBe("main=/\n");
    expect((await k(["exec", "home-1000", "--", "sh", "-c", "echo $HOME"])).out).toBe("/\n");
    expect((await k(["exec", "home-101", "--", "printenv", "HOME"])).out).toBe("/nonexistent\n");
    // a HOME the pod sets is kept
    const own = JSON.stringify({ spec: { containers: [{ name: "own-home", image: "busybox:1.28", args: ["sleep", "3600"], env: [{ name: "HOME", value: "/data" }] }] } });
    expect((await k(["run", "own-home", "--image=busybox:1.28", "--restart=Never", `--overrides=${own}`])).code).toBe(0);
    expect(await phase("own-home", "Running")).toBe(true);
    expect((await k(["exec", "own-home", "--", "printenv", "HOME"])).out).toBe("/data\n");
  });

  it("configure-pod-configmap (the page's older manifests): gcr.io/google_containers/busybox is Kubernetes' busybox, so `/bin/sh -c env` runs and prints the ConfigMap's key", async () => {
    expect((await k(["create", "configmap", "special-config", "--from-literal=special.how=very", "--from-literal=special.type=charm"])).code).toBe(0);
    const pod = (name: string, image: string) => JSON.stringify({
      apiVersion: "v1", kind: "Pod", metadata: { name },
      spec: {
        restartPolicy: "Never",
        containers: [{ name: "test-container", image, command: ["/bin/sh", "-c", "env"], env: [{ name: "SPECIAL_LEVEL_KEY", valueFrom: { configMapKeyRef: { name: "special-config", key: "special.how" } } }] }],
      },
    });
    expect((await k(["apply", "-f", "-"], pod("dapi-test-pod", "gcr.io/google_containers/busybox"))).code).toBe(0);
    expect((await k(["apply", "-f", "-"], pod("dapi-test-pod-k8s", "k8s.gcr.io/busybox:1.27.2"))).code).toBe(0);
    expect(await phase("dapi-test-pod", "Succeeded")).toBe(true);
    expect(await phase("dapi-test-pod-k8s", "Succeeded")).toBe(true);
    expect((await k(["logs", "dapi-test-pod"])).out.split("\n")).toContain("SPECIAL_LEVEL_KEY=very");
    expect((await k(["logs", "dapi-test-pod-k8s"])).out.split("\n")).toContain("SPECIAL_LEVEL_KEY=very");
  });
});
