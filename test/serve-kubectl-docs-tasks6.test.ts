// Sweep 6 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 6", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const phase = (pod: string) => k(["get", "pod", pod, "-o", "jsonpath={.status.phase}"]).then((r) => r.out);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("configure-volume-storage: the shell's kill reaches redis-server as PID 1, which stops (exit 0, Completed) and restarts, and the emptyDir's file outlives it", async () => {
    // pods/storage/redis.yaml
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: redis
spec:
  containers:
  - name: redis
    image: redis
    volumeMounts:
    - name: redis-storage
      mountPath: /data/redis
  volumes:
  - name: redis-storage
    emptyDir: {}
`;
    expect((await k(["apply", "-f", "-"], pod)).out).toBe("pod/redis created\n");
    expect(await until(async () => ((await phase("redis")) === "Running" ? true : undefined), 30_000), "Running").toBe(true);
    // the page's shell session, typed into bash: a pid that is not there is bash's error, status 1
    const session = await k(["exec", "-i", "redis", "--", "/bin/bash"], "cd /data/redis/\necho Hello > test-file\nkill 4242; echo status $?\nkill 1\n");
    expect(session.out).toBe("status 1\n");
    expect(session.err).toMatch(/^bash: (line 3: )?kill: \(4242\) - No such process\n$/);
    // redis-server stops on TERM with status 0: Completed, then the kubelet restarts it (restartPolicy Always)
    const restarted = await until(async () => {
      const r = JSON.parse((await k(["get", "pod", "redis", "-o", "json"])).out);
      const cs = r.status?.containerStatuses?.[0];
      return cs?.restartCount === 1 && cs.state?.running ? cs : undefined;
    }, 30_000);
    expect(restarted?.lastState?.terminated, "the container's last state").toMatchObject({ exitCode: 0, reason: "Completed" });
    expect((await k(["exec", "-i", "redis", "--", "/bin/bash"], "cd /data/redis/\nls\n")).out).toBe("test-file\n");
    // busybox's sh says it its own way
    await k(["run", "bb", "--image=busybox:1.36", "--restart=Never", "--", "sh", "-c", "kill 77; echo status $?; kill -s BOGUS 1"]);
    expect(await until(async () => ((await phase("bb")) === "Failed" ? true : undefined), 30_000), "bb Failed").toBe(true);
    expect((await k(["logs", "bb"])).out).toBe("sh: can't kill pid 77: No such process\nstatus 1\nsh: bad signal name 'BOGUS'\n");
  });

  it("configure-persistent-volume-storage: the hostPath volume binds to the claim, and nginx answers its empty directory 403 Forbidden with its signature until the page's index.html is there", async () => {
    // pods/storage/pv-volume.yaml, pv-claim.yaml, pv-pod.yaml
    const pv = `apiVersion: v1
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
`;
    const claim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
`;
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: task-pv-claim
  containers:
    - name: task-pv-container
      image: nginx
      ports:
        - containerPort: 80
          name: "http-server"
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
`;
    expect((await k(["apply", "-f", "-"], pv)).out).toBe("persistentvolume/task-pv-volume created\n");
    expect((await k(["get", "pv", "task-pv-volume", "--no-headers"])).out).toMatch(/^task-pv-volume +10Gi +RWO +Retain +Available +manual +<unset> +\d+s\n$/);
    expect((await k(["apply", "-f", "-"], claim)).out).toBe("persistentvolumeclaim/task-pv-claim created\n");
    const bound = await until(async () => {
      const out = (await k(["get", "pvc", "task-pv-claim", "--no-headers"])).out;
      return /^task-pv-claim +Bound +task-pv-volume +10Gi +RWO +manual +<unset> +\d+s\n$/.test(out) ? out : undefined;
    }, 30_000);
    expect(bound, "the claim Bound to the volume").toBeTruthy();
    expect((await k(["apply", "-f", "-"], pod)).out).toBe("pod/task-pv-pod created\n");
    expect(await until(async () => ((await phase("task-pv-pod")) === "Running" ? true : undefined), 30_000), "Running").toBe(true);
    // the node's /mnt/data is empty here (the page writes index.html on the node first): nginx's
    // index module finds no index.html and autoindex is off, so the directory is forbidden
    const version = (await k(["exec", "task-pv-pod", "--", "nginx", "-v"])).err.trim().replace("nginx version: nginx/", "");
    expect((await k(["exec", "task-pv-pod", "--", "curl", "-s", "http://localhost/"])).out).toBe(`<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`);
    expect((await k(["exec", "task-pv-pod", "--", "curl", "-s", "http://localhost/missing.html"])).out).toContain(`<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/${version}</center>`);
    expect((await k(["exec", "task-pv-pod", "--", "sh", "-c", "echo 'Hello from Kubernetes storage' > /usr/share/nginx/html/index.html"])).code).toBe(0);
    expect((await k(["exec", "task-pv-pod", "--", "curl", "-s", "http://localhost/"])).out).toBe("Hello from Kubernetes storage\n");
  });
});
