// The docs' "Explore Termination Behavior for Pods And Their Endpoints" tutorial
// (service/pod-with-graceful-termination.yaml and explore-graceful-termination-nginx.yaml), run
// through the machines: while its preStop hook runs, the deleted pod stays ready and its endpoint
// reads ready false, serving true, terminating true beside the replacement's; the pod is gone once
// the grace period (120 s) and the kubelet's 2 s extension after a preStop that outran it are spent.

import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 120 # extra long grace period
      containers:
      - name: nginx
        image: nginx:latest
        ports:
        - containerPort: 80
        lifecycle:
          preStop:
            exec:
              # Real life termination may take any time up to terminationGracePeriodSeconds.
              # In this example - just hang around for at least the duration of terminationGracePeriodSeconds,
              # at 120 seconds container will be forcibly terminated.
              # Note, all this time nginx will keep processing requests.
              command: [
                "/bin/sh", "-c", "sleep 180"
              ]
`;

const service = `
apiVersion: v1
kind: Service
metadata:
  name: nginx-service
spec:
  selector:
    app: nginx
  ports:
    - protocol: TCP
      port: 80
      targetPort: 80
`;

describe("pod-with-graceful-termination (the docs' endpoint termination tutorial)", () => {
  it("a pod in its preStop hook stays ready; its endpoint is ready: false, serving: true, terminating: true until the pod is gone", async () => {
    const c = createCluster({ nodes: 1, seed: 11 });
    await c.settle();
    await c.apply(deployment);
    await c.apply(service);
    await c.settle();
    const [first] = c.list("Pod", { namespace: "default", labelSelector: "app=nginx" });
    expect(first.status.phase).toBe("Running");
    const slices = () => c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=nginx-service" });
    expect(slices().flatMap((s: any) => s.endpoints ?? []).map((e: any) => [e.targetRef.name, e.conditions])).toEqual([[first.metadata.name, { ready: true, serving: true, terminating: false }]]);

    const start = c.now();
    await c.delete("Pod", first.metadata.name, "default");
    // settle() would run on to the end of the deletion (its timers are work): look 10 s in
    c.advance(10_000);

    // kubectl get pods: the old pod 1/1 Terminating, the new one 1/1 Running
    const old = c.get("Pod", first.metadata.name, "default");
    expect(old.metadata.deletionTimestamp).toBeDefined();
    expect(old.status.containerStatuses[0].ready).toBe(true);
    expect(old.status.conditions.find((x: any) => x.type === "Ready").status).toBe("True");
    const replacement = c.list("Pod", { namespace: "default", labelSelector: "app=nginx" }).find((p: any) => p.metadata.name !== first.metadata.name);
    expect(replacement.status.phase).toBe("Running");

    const byPod = new Map(slices().flatMap((s: any) => s.endpoints ?? []).map((e: any) => [e.targetRef.name, e.conditions]));
    expect(byPod.get(first.metadata.name)).toEqual({ ready: false, serving: true, terminating: true });
    expect(byPod.get(replacement.metadata.name)).toEqual({ ready: true, serving: true, terminating: false });

    // The hook (sleep 180) outruns the 120 s grace period: the kubelet then gives the container 2 s more
    // (minimumGracePeriodInSeconds) to stop; nginx stops at its stop signal at once.
    let goneAt: number | undefined;
    let terminated: any;
    void c.watch({ group: "", resource: "pods", namespace: "default" }, (ev: any) => {
      if (ev.object?.metadata?.name === first.metadata.name) terminated ??= ev.object.status?.containerStatuses?.[0]?.state?.terminated;
      if (ev.eventType === "DELETED" && ev.object?.metadata?.name === first.metadata.name) goneAt ??= c.now();
    });
    c.advance(200_000);
    await c.settle();
    expect(c.get("Pod", first.metadata.name, "default")).toBeUndefined();
    expect(goneAt! - start).toBeGreaterThanOrEqual(120_000);
    expect(goneAt! - start).toBeLessThan(125_000);
    expect([terminated?.exitCode, terminated?.reason]).toEqual([0, "Completed"]);
    expect(slices().flatMap((s: any) => s.endpoints ?? []).map((e: any) => e.targetRef.name)).toEqual([replacement.metadata.name]);
  });
});

// The docs' lifecycle-events preStop: `nginx -s quit` signals the master, which (idle) exits at
// once; the container ends with it (exit 0) and the hook's shell with its container. killall is
// busybox's: nginx:alpine has it, the Debian-based nginx image does not (no psmisc).
const lifecycleDemo = (image: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: lifecycle-demo
spec:
  containers:
  - name: lifecycle-demo-container
    image: ${image}
    lifecycle:
      postStart:
        exec:
          command: ["/bin/sh", "-c", "echo Hello from the postStart handler > /usr/share/message"]
      preStop:
        exec:
          command: ["/bin/sh","-c","nginx -s quit; while killall -0 nginx; do sleep 1; done"]
`;

describe("lifecycle-events: nginx -s quit and killall in a preStop hook", () => {
  for (const image of ["nginx", "nginx:alpine"]) {
    it(`${image}: the master quits at the hook's signal, the container exits 0 and the pod is gone within a second`, async () => {
      const c = createCluster({ nodes: 1, seed: 5 });
      await c.apply(lifecycleDemo(image));
      await c.settle();
      expect(c.get("Pod", "lifecycle-demo", "default").status.phase).toBe("Running");
      const start = c.now();
      let terminated: any;
      let goneAt: number | undefined;
      void c.watch({ group: "", resource: "pods", namespace: "default" }, (ev: any) => {
        terminated ??= ev.object?.status?.containerStatuses?.[0]?.state?.terminated;
        if (ev.eventType === "DELETED") goneAt ??= c.now();
      });
      await c.delete("Pod", "lifecycle-demo", "default");
      await c.settle();
      expect([terminated?.exitCode, terminated?.reason]).toEqual([0, "Completed"]);
      expect(goneAt! - start).toBeLessThan(1_000);
    });
  }
});

describe("killall -0 as an exec readiness probe", () => {
  const probed = (image: string, script: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: probed
spec:
  containers:
  - name: web
    image: ${image}
    readinessProbe:
      exec:
        command: ["sh", "-c", "${script}"]
      periodSeconds: 2
`;

  it("nginx:alpine: killall -0 nginx finds the running master, so the pod is Ready", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(probed("nginx:alpine", "killall -0 nginx"));
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(c.get("Pod", "probed", "default").status.containerStatuses[0].ready).toBe(true);
  });

  it("nginx:alpine: killall -0 of a name no process has fails with busybox's message", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(probed("nginx:alpine", "killall -0 redis-server"));
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(c.get("Pod", "probed", "default").status.containerStatuses[0].ready).toBe(false);
    const unhealthy = c.events().filter((e: any) => e.reason === "Unhealthy").map((e: any) => e.message);
    expect(unhealthy[0]).toBe("Readiness probe failed: killall: redis-server: no process killed");
  });

  it("nginx (Debian-based): there is no killall", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(probed("nginx", "killall -0 nginx"));
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(c.get("Pod", "probed", "default").status.containerStatuses[0].ready).toBe(false);
    const unhealthy = c.events().filter((e: any) => e.reason === "Unhealthy").map((e: any) => e.message);
    expect(unhealthy[0]).toBe("Readiness probe failed: sh: 1: killall: not found");
  });
});

describe("readiness during termination (the prober's readiness worker runs on; StopLivenessAndStartup)", () => {
  it("a container deleted before its readiness probe's initialDelaySeconds never turns Ready while it stops", async () => {
    const c = createCluster({ nodes: 1, seed: 13 });
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: slow-ready
spec:
  containers:
  - name: web
    image: nginx
    readinessProbe:
      httpGet:
        path: /
        port: 80
      initialDelaySeconds: 60
    lifecycle:
      preStop:
        exec:
          command: ["/bin/sh", "-c", "sleep 20"]
`);
    // not settle(): it would wait for the first readiness verdict, 60 s on
    c.advance(5_000);
    expect(c.get("Pod", "slow-ready", "default").status.containerStatuses[0].state.running).toBeDefined();
    const readyWrites: boolean[] = [];
    void c.watch({ group: "", resource: "pods", namespace: "default" }, (ev: any) => {
      const s = ev.object?.status?.containerStatuses?.[0];
      if (s) readyWrites.push(s.ready === true);
    });
    await c.delete("Pod", "slow-ready", "default");
    await c.settle();
    expect(c.get("Pod", "slow-ready", "default")).toBeUndefined();
    expect(readyWrites.length).toBeGreaterThan(0);
    expect(readyWrites.some((r) => r)).toBe(false);
  });
});
