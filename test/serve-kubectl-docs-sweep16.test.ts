// Sweep 16 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// tasks/access-application-cluster/create-external-load-balancer: "Preserving the client source IP"
const localLB = (extra = "") => `apiVersion: v1
kind: Service
metadata:
  name: example-service
spec:
  selector:
    app: example
  ports:
    - port: 8765
      targetPort: 9376
  externalTrafficPolicy: Local
  type: LoadBalancer
${extra}`;

// tutorials/stateful-application/mysql-wordpress-persistent-volume: content/en/examples/application/wordpress/mysql-deployment.yaml
const mysqlDeployment = `apiVersion: v1
kind: Service
metadata:
  name: wordpress-mysql
  labels:
    app: wordpress
spec:
  ports:
    - port: 3306
  selector:
    app: wordpress
    tier: mysql
  clusterIP: None
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: mysql-pv-claim
  labels:
    app: wordpress
spec:
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 20Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: wordpress-mysql
  labels:
    app: wordpress
spec:
  selector:
    matchLabels:
      app: wordpress
      tier: mysql
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        app: wordpress
        tier: mysql
    spec:
      containers:
      - image: mysql:8.0
        name: mysql
        env:
        - name: MYSQL_ROOT_PASSWORD
          valueFrom:
            secretKeyRef:
              name: mysql-pass
              key: password
        - name: MYSQL_DATABASE
          value: "wordpress"
        - name: MYSQL_USER
          value: "wordpress"
        - name: MYSQL_PASSWORD
          valueFrom:
            secretKeyRef:
              name: mysql-pass
              key: password
        ports:
        - containerPort: 3306
          name: mysql
        volumeMounts:
        - name: mysql-persistent-storage
          mountPath: /var/lib/mysql
      volumes:
      - name: mysql-persistent-storage
        persistentVolumeClaim:
          claimName: mysql-pv-claim
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 16", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("tasks/access-application-cluster/create-external-load-balancer: externalTrafficPolicy Local gets a healthCheckNodePort from the nodePort range, kept on re-apply, released when the policy goes", async () => {
    expect((await k(["apply", "-f", "-"], localLB())).out).toBe("service/example-service created\n");
    const hc = Number(await jsonpath(["get", "svc", "example-service"], "{.spec.healthCheckNodePort}"));
    // "If healthCheckNodePort isn't specified, the service controller allocates a port from your cluster's NodePort range"
    expect(hc).toBeGreaterThanOrEqual(30000);
    expect(hc).toBeLessThanOrEqual(32767);
    expect((await k(["describe", "svc", "example-service"])).out).toMatch(new RegExp(`\\nExternal Traffic Policy: +Local\\n(?:.*\\n)*HealthCheck NodePort: +${hc}\\n`));
    // patchAllocatedValues: re-applying the manifest without the port keeps it
    expect((await k(["apply", "-f", "-"], localLB())).out).toBe("service/example-service unchanged\n");
    expect(Number(await jsonpath(["get", "svc", "example-service"], "{.spec.healthCheckNodePort}"))).toBe(hc);
    // the port is taken: another Service cannot have it as a nodePort
    const taken = await k(["create", "service", "nodeport", "np", "--tcp=80", `--node-port=${hc}`]);
    expect(taken.err).toBe(`error: failed to create NodePort service: Service "np" is invalid: spec.ports[0].nodePort: Invalid value: ${hc}: provided port is already allocated\n`);
    // updateHealthCheckNodePort's case 2: Cluster drops the field (dropTypeDependentFields) and frees the port
    expect((await k(["patch", "svc", "example-service", "-p", '{"spec":{"externalTrafficPolicy":"Cluster"}}'])).code).toBe(0);
    expect(await jsonpath(["get", "svc", "example-service"], "{.spec.healthCheckNodePort}")).toBe("");
    expect((await k(["create", "service", "nodeport", "np", "--tcp=80", `--node-port=${hc}`])).out).toBe("service/np created\n");
    // case 1 with a port asked for that is taken: allocHealthCheckNodePort's error, an InternalError
    const back = await k(["patch", "svc", "example-service", "-p", `{"spec":{"externalTrafficPolicy":"Local","healthCheckNodePort":${hc}}}`]);
    expect(back.err).toBe(`Error from server (InternalError): Internal error occurred: failed to allocate requested HealthCheck NodePort ${hc}: provided port is already allocated\n`);
    // releaseAllocatedResources: deleting the Service frees its health check port
    expect((await k(["delete", "svc", "np"])).code).toBe(0);
    expect((await k(["delete", "svc", "example-service"])).code).toBe(0);
    expect((await k(["apply", "-f", "-"], localLB(`  healthCheckNodePort: ${hc}\n`))).out).toBe("service/example-service created\n");
    expect((await k(["delete", "svc", "example-service"])).code).toBe(0);
    expect((await k(["create", "service", "nodeport", "np", "--tcp=80", `--node-port=${hc}`])).out).toBe("service/np created\n");
    expect((await k(["delete", "svc", "np"])).code).toBe(0);
  });

  it("tasks/debug/debug-cluster: the node's Boot ID is a UUID as the kernel prints /proc/sys/kernel/random/boot_id (the page's 5a295a03-aaca-4340-af20-1327fa5dab5c)", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = (await jsonpath(["get", "nodes"], "{range .items[*]}{.status.nodeInfo.bootID}{\"\\n\"}{end}")).trim().split("\n");
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(uuid);
    expect(new Set(ids).size).toBe(3);
    expect((await k(["describe", "node", "node-1"])).out).toMatch(/\n {2}Boot ID: +[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n/);
  });

  it("a container shares its node's kernel: uname -r is the node's kernelVersion, uname -n the pod's hostname, and nginx logs the same release; tr is an applet", { timeout: 90_000 }, async () => {
    expect((await k(["run", "uname-demo", "--image=busybox:1.37", "--", "sleep", "3600"])).code).toBe(0);
    expect((await k(["run", "nginx-os", "--image=nginx"])).code).toBe(0);
    const running = await until(async () => ((await jsonpath(["get", "pod", "uname-demo"], "{.status.phase}")) === "Running" ? true : undefined), 40_000);
    expect(running).toBe(true);
    const node = await jsonpath(["get", "pod", "uname-demo"], "{.spec.nodeName}");
    const kernel = await jsonpath(["get", "node", node], "{.status.nodeInfo.kernelVersion}");
    expect(kernel).not.toBe("");
    expect((await k(["exec", "uname-demo", "--", "uname", "-r"])).out).toBe(`${kernel}\n`);
    expect((await k(["exec", "uname-demo", "--", "uname", "-n"])).out).toBe("uname-demo\n");
    // coreutils/uname.c: no option is -s; -m the machine; -a leaves out the processor and platform it does not know
    expect((await k(["exec", "uname-demo", "--", "uname"])).out).toBe("Linux\n");
    expect((await k(["exec", "uname-demo", "--", "uname", "-snrm"])).out).toBe(`Linux uname-demo ${kernel} x86_64\n`);
    // tr, typed into kubectl exec as one-liners do
    expect((await k(["exec", "uname-demo", "--", "sh", "-c", "hostname | tr a-z A-Z; echo 'a  b' | tr -s ' ' | tr ' ' '-'"])).out).toBe("UNAME-DEMO\na-b\n");
    expect((await k(["exec", "uname-demo", "--", "uname", "-a"])).out).toMatch(new RegExp(`^Linux uname-demo ${kernel.replace(/\./g, "\\.")} .* x86_64 GNU/Linux\n$`));
    // ngx_os_status logs uname(2)'s sysname and release at start
    const log = await until(async () => {
      const r = await k(["logs", "nginx-os"]);
      return r.out.includes("start worker processes") ? r.out : undefined;
    }, 40_000);
    const nginxNode = await jsonpath(["get", "pod", "nginx-os"], "{.spec.nodeName}");
    expect(log).toContain(`[notice] 1#1: OS: Linux ${await jsonpath(["get", "node", nginxNode], "{.status.nodeInfo.kernelVersion}")}\n`);
    expect((await k(["delete", "pod", "uname-demo", "nginx-os", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("tutorials/stateful-application/mysql-wordpress-persistent-volume: apply -k makes the hashed Secret, the claim is provisioned and Bound, and mysql:8.0 starts an 8.0 server", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "wordpress-"));
    writeFileSync(join(dir, "kustomization.yaml"), "secretGenerator:\n- name: mysql-pass\n  literals:\n  - password=YOUR_PASSWORD\nresources:\n  - mysql-deployment.yaml\n");
    writeFileSync(join(dir, "mysql-deployment.yaml"), mysqlDeployment);
    const applied = (await k(["apply", "-k", dir])).out;
    expect(applied).toMatch(/^secret\/mysql-pass-[a-z0-9]{10} created\nservice\/wordpress-mysql created\npersistentvolumeclaim\/mysql-pv-claim created\ndeployment\.apps\/wordpress-mysql created\n$/);
    expect((await k(["get", "secrets"])).out).toMatch(/\nmysql-pass-[a-z0-9]{10} +Opaque +1 +\d+s\n/);
    const bound = await until(async () => {
      const r = (await k(["get", "pvc", "mysql-pv-claim"])).out;
      return /\nmysql-pv-claim +Bound +pvc-[0-9a-f-]{36} +20Gi +RWO +standard /.test(r) ? r : undefined;
    }, 60_000);
    expect(bound).toBeDefined();
    // the stackbrew library tags 8.0 on the 8.0 line: the server logs its 8.0 release
    const log = await until(async () => {
      const r = await k(["logs", "deploy/wordpress-mysql"]);
      return r.out.includes("ready for connections") ? r.out : undefined;
    }, 60_000);
    expect(log).toMatch(/\[Note\] \[Entrypoint\]: Entrypoint script for MySQL Server 8\.0\.\d+-/);
    expect(log).toMatch(/\[Server\] \/usr\/sbin\/mysqld: ready for connections\. Version: '8\.0\.\d+' {2}socket: '\/var\/run\/mysqld\/mysqld\.sock' {2}port: 3306 {2}MySQL Community Server - GPL\.\n/);
    expect((await k(["delete", "-k", dir])).code).toBe(0);
  });
});
