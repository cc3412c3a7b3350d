// An ExternalName Service with the real kubectl against `podflow serve`: cluster DNS answers its name
// with a CNAME to spec.externalName (the Service concept page: "my-service.prod.svc.cluster.local"
// returns a CNAME record), and CoreDNS follows a CNAME into the cluster's own zone, so a pod reaches
// a Service of another namespace through an alias in its own. Output is in the wording of the
// tools: busybox's nslookup prints each CNAME record of the A and the AAAA answers, BIND's appends
// the root dot to the canonical name.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const manifests = `
apiVersion: v1
kind: Namespace
metadata:
  name: backend
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: backend
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: nginx, image: nginx, ports: [{ containerPort: 80 }] }]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: backend
spec:
  selector: { app: web }
  ports: [{ port: 80 }]
---
apiVersion: v1
kind: Service
metadata:
  name: db-alias
spec:
  type: ExternalName
  externalName: web.backend.svc.cluster.local
---
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: ExternalName
  externalName: my.database.example.com
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers: [{ name: c, image: "busybox:1.36", command: ["sleep", "3600"] }]
---
apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
spec:
  containers: [{ name: dnsutils, image: "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", command: ["sleep", "3600"] }]
`;

describe.skipIf(!bin)("ExternalName Services through cluster DNS, against podflow serve", () => {
  let s: Served;
  let clusterIP = "";
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 30_000 });

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
    const file = join(mkdtempSync(join(tmpdir(), "podflow-externalname-")), "all.yaml");
    writeFileSync(file, manifests);
    expect((await k(["apply", "-f", file])).code).toBe(0);
    for (const [ns, pod] of [["default", "client"], ["default", "dnsutils"]] as const) {
      const ok = await until(async () => ((await k(["get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 40_000);
      expect(ok).toBe(true);
    }
    const ready = await until(async () => ((await k(["get", "deploy", "web", "-n", "backend", "-o", "jsonpath={.status.readyReplicas}"])).out === "1" ? true : undefined), 40_000);
    expect(ready).toBe(true);
    clusterIP = (await k(["get", "svc", "web", "-n", "backend", "-o", "jsonpath={.spec.clusterIP}"])).out;
    expect(clusterIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get svc shows the ExternalName Service's EXTERNAL-IP as its externalName and no cluster IP", async () => {
    const line = (await k(["get", "svc", "db-alias", "--no-headers"])).out.trim();
    expect(line).toMatch(/^db-alias +ExternalName +<none> +web\.backend\.svc\.cluster\.local +<none> +\S+$/);
  });

  it("busybox's nslookup prints the CNAME, then the target Service's address, and the CNAME of the AAAA answer", async () => {
    const r = await k(["exec", "client", "--", "nslookup", "db-alias.default.svc.cluster.local"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n" +
        `db-alias.default.svc.cluster.local\tcanonical name = web.backend.svc.cluster.local\nName:\tweb.backend.svc.cluster.local\nAddress: ${clusterIP}\n\n` +
        "db-alias.default.svc.cluster.local\tcanonical name = web.backend.svc.cluster.local\n\n",
    );
  });

  it("BIND's nslookup writes the canonical name fully qualified", async () => {
    const r = await k(["exec", "dnsutils", "--", "nslookup", "db-alias"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`db-alias.default.svc.cluster.local\tcanonical name = web.backend.svc.cluster.local.\nName:\tweb.backend.svc.cluster.local\nAddress: ${clusterIP}\n`);
  });

  it("a pod reaches the other namespace's Service through the alias in its own", async () => {
    const r = await k(["exec", "client", "--", "wget", "-qO-", "http://db-alias/"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Welcome to nginx!");
  });

  it("an external name has no upstream resolver in the simulated cluster: the CNAME alone, and no address to connect to", async () => {
    const r = await k(["exec", "client", "--", "nslookup", "my-service.default.svc.cluster.local"]);
    expect(r.out).toContain("my-service.default.svc.cluster.local\tcanonical name = my.database.example.com\n");
    expect(r.out).not.toContain("Address: ");
    const w = await k(["exec", "client", "--", "wget", "-qO-", "http://my-service/"]);
    expect(w.code).not.toBe(0);
    expect(w.err).toContain("wget: bad address 'my-service'");
  });
});
