// Contexts are values: a seeded cluster run with the contexts of the value machines (runtime/values.ts)
// deep-frozen before every transition (and every message frozen before delivery) makes the same
// trace as the run without freezing, and no step throws. A component that changes its context
// in place throws at the first write, caught at the actor boundary as an internal error.

import { describe, expect, it } from "vitest";
import { createCluster } from "../index.js";
import { isValueMachine } from "../runtime/values.js";

const app = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{ containerPort: 80 }]
        readinessProbe: { httpGet: { path: /, port: 80 }, periodSeconds: 5 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 80 }]
---
apiVersion: v1
kind: Pod
metadata: { name: crasher }
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ["sh", "-c", "exit 3"]
---
apiVersion: batch/v1
kind: Job
metadata: { name: flaky }
spec:
  completions: 2
  parallelism: 2
  backoffLimit: 1
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox:1.36
        command: ["sh", "-c", "sleep 1; exit $JOB_COMPLETION_INDEX"]
---
apiVersion: batch/v1
kind: Job
metadata: { name: short }
spec:
  ttlSecondsAfterFinished: 10
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "exit 0"] }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  minReadySeconds: 5
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers: [{ name: agent, image: "nginx:1.27" }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  serviceName: db
  replicas: 2
  minReadySeconds: 3
  persistentVolumeClaimRetentionPolicy: { whenDeleted: Delete }
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: "nginx:1.27" }]
  volumeClaimTemplates:
  - metadata: { name: data }
    spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: cache }
spec:
  serviceName: cache
  replicas: 2
  podManagementPolicy: Parallel
  selector: { matchLabels: { app: cache } }
  template:
    metadata: { labels: { app: cache } }
    spec:
      containers: [{ name: cache, image: "nginx:1.27" }]
---
apiVersion: v1
kind: ReplicationController
metadata: { name: rc }
spec:
  replicas: 2
  template:
    metadata: { labels: { app: rc } }
    spec:
      containers: [{ name: c, image: "nginx:1.27" }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: tick }
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "date"] }]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
---
apiVersion: v1
kind: Pod
metadata: { name: data-user }
spec:
  restartPolicy: Never
  volumes: [{ name: d, persistentVolumeClaim: { claimName: data } }]
  containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "echo kept > /d/f"], volumeMounts: [{ name: d, mountPath: /d }] }]
`;

async function run(freeze: boolean) {
  const c = createCluster({ nodes: 2, seed: 7, freezeSnapshots: freeze ? "values" : false });
  await c.apply(app);
  await c.settle();
  c.advance(120_000);
  await c.settle();
  await c.apply(app.replace("replicas: 3", "replicas: 1").replace('image: "nginx:1.27"', 'image: "nginx:1.28"'));
  await c.settle();
  await c.delete("Deployment", "web", "default");
  await c.delete("Pod", "crasher", "default");
  await c.delete("DaemonSet", "agent", "default", { propagationPolicy: "Background" });
  await c.delete("StatefulSet", "cache", "default", { propagationPolicy: "Background" });
  await c.delete("ReplicationController", "rc", "default", { propagationPolicy: "Background" });
  await c.delete("Job", "flaky", "default", { propagationPolicy: "Background" });
  await c.delete("Pod", "data-user", "default");
  await c.delete("PersistentVolumeClaim", "data", "default");
  await c.settle();
  c.advance(60_000);
  await c.settle();
  const rt = (c as any).runtime;
  const trace = c.trace().map((e: any) => JSON.stringify(e));
  const errors = rt.internalErrors.map((e: any) => `${e.actor} on ${e.event}: ${e.message}`);
  // the actors whose machine runtime/values.ts does not list: freezing "values" would skip them
  const unlisted = rt.addresses().filter((a: string) => !isValueMachine(rt.snapshot(a).machine));
  await c.stop();
  return { trace, errors, unlisted };
}

describe("contexts are values", () => {
  it("a cluster whose value components are deep-frozen before each transition makes the same trace and never writes to a frozen snapshot", async () => {
    const plain = await run(false);
    const frozen = await run(true);
    expect(frozen.errors).toEqual([]);
    expect(plain.errors).toEqual([]);
    expect(frozen.trace.length).toBe(plain.trace.length);
    expect(frozen.trace).toEqual(plain.trace);
    // the frozen run covered every actor of the cluster
    expect(plain.unlisted).toEqual([]);
  }, 120_000);
});
