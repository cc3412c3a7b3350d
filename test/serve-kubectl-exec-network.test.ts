// `kubectl exec` commands that leave their pod, with the real kubectl against `podflow serve`: the
// docs' dns-debugging-resolution (nslookup in the dnsutils pod, its resolv.conf), debug-service
// (wget to the pods and to the Service by IP, nslookup of the Service) and
// connect-applications-service (the Service found by DNS and curled from a pod). Expectations are
// the pages' shown outputs, in the wording of the tools the pages' images ship: BIND's nslookup in
// jessie-dnsutils, busybox 1.28's in the debug pod (the pages' "Address 1:" lines).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim() || undefined;

// admin/dns/dnsutils.yaml, as the page applies it
const dnsutils = `apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
  namespace: default
spec:
  containers:
  - name: dnsutils
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
    command:
      - sleep
      - "3600"
    imagePullPolicy: IfNotPresent
  restartPolicy: Always
`;

// service/networking/run-my-nginx.yaml
const myNginx = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 2
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      containers:
      - name: my-nginx
        image: nginx
        ports:
        - containerPort: 80
`;

describe.skipIf(!bin)("kubectl exec on the pod network against podflow serve", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  let hostnames: string[] = [];
  let clusterIP = "";

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
    expect((await k(["apply", "-f", "-"], dnsutils)).out).toBe("pod/dnsutils created\n");
    expect((await k(["apply", "-f", "-"], myNginx)).out).toBe("deployment.apps/my-nginx created\n");
    // debug-service's setup, and a busybox pod to run its commands in
    await k(["create", "deployment", "hostnames", "--image=registry.k8s.io/serve_hostname"]);
    await k(["scale", "deployment", "hostnames", "--replicas=3"]);
    await k(["run", "busybox", "--image=busybox:1.28", "--restart=Never", "--", "sleep", "3600"]);
    const ready = await until(async () => {
      const out = (await k(["get", "pods", "--no-headers"])).out;
      const running = out.split("\n").filter((l) => /\s1\/1\s+Running\s/.test(l)).length;
      return running === 7 ? out : undefined;
    }, 60_000);
    expect(ready, "the pods should be Running").toBeTruthy();
    expect((await k(["expose", "deployment", "hostnames", "--port=80", "--target-port=9376"])).out).toBe("service/hostnames exposed\n");
    expect((await k(["expose", "deployment/my-nginx"])).out).toBe("service/my-nginx exposed\n");
    hostnames = (await k(["get", "pods", "-l", "app=hostnames", "-o", "jsonpath={.items[*].metadata.name}"])).out.split(" ").sort();
    clusterIP = (await k(["get", "svc", "hostnames", "-o", "jsonpath={.spec.clusterIP}"])).out;
    // the Service's endpoints are programmed before the checks
    await until(async () => ((await k(["get", "endpoints", "hostnames", "-o", "jsonpath={.subsets[*].addresses[*].ip}"])).out.split(" ").filter(Boolean).length === 3 ? true : undefined), 30_000);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  describe("dns-debugging-resolution", () => {
    it("kubectl exec -i -t dnsutils -- nslookup kubernetes.default: the Server and the name's Address, DNS working", async () => {
      // without a terminal kubectl says so and runs the command without one
      const r = await k(["exec", "-i", "-t", "dnsutils", "--", "nslookup", "kubernetes.default"], "");
      expect(r.out).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n");
      expect(r.err).toBe("Unable to use a TTY - input is not a terminal or the right kind of file\n");
      expect(r.code).toBe(0);
    });

    it.skipIf(!python)("the same on a terminal: the output comes through the tty", async () => {
      const script = join(__dirname, "support", "ptyrun.py");
      const r = await new Promise<string>((resolve) => {
        execFile(python!, [script, "1", "--", bin!, "exec", "-i", "-t", "dnsutils", "--", "nslookup", "kubernetes.default"], { env: kubectlEnv(s.kubeconfigPath), timeout: 30_000 }, (_e, out) => resolve(out));
      });
      expect(r.replace(/\r\n/g, "\n")).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n\n[exit 0]\n");
    }, 40_000);

    it("kubectl exec -ti dnsutils -- cat /etc/resolv.conf: the search path, the name server and ndots:5", async () => {
      const r = await k(["exec", "dnsutils", "--", "cat", "/etc/resolv.conf"]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local( .*)?\nnameserver 10\.96\.0\.10\noptions ndots:5\n$/);
    });
  });

  describe("debug-service", () => {
    it("from within a pod, wget -qO- each pod IP on 9376 answers that pod's host name", async () => {
      const ips = (await k(["get", "pods", "-l", "app=hostnames", "-o", String.raw`go-template={{range .items}}{{.status.podIP}}{{"\n"}}{{end}}`])).out.trim().split("\n");
      const names: string[] = [];
      for (const ip of ips) {
        const r = await k(["exec", "busybox", "-c", "busybox", "--", "wget", "-qO-", `${ip}:9376`]);
        expect(r.err).toBe("");
        names.push(r.out);
      }
      expect(names.sort()).toEqual(hostnames);
    });

    it("nslookup hostnames, hostnames.default and the FQDN: the DNS Service, then the Service's name and address", async () => {
      for (const name of ["hostnames", "hostnames.default", "hostnames.default.svc.cluster.local"]) {
        const r = await k(["exec", "busybox", "--", "nslookup", name]);
        expect(r.out).toBe(`Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      ${name}\nAddress 1: ${clusterIP} hostnames.default.svc.cluster.local\n`);
        expect(r.code).toBe(0);
      }
    });

    it("nslookup kubernetes.default: the master Service always works", async () => {
      const r = await k(["exec", "busybox", "--", "nslookup", "kubernetes.default"]);
      expect(r.out).toBe("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n");
    });

    it("the Service works by IP: wget -qO- the cluster IP on 80, three times, answers pods' host names", async () => {
      const r = await k(["exec", "busybox", "--", "sh", "-c", `for i in $(seq 1 3); do wget -qO- ${clusterIP}:80; echo; done`]);
      expect(r.code).toBe(0);
      const got = r.out.trim().split("\n");
      expect(got).toHaveLength(3);
      for (const name of got) expect(hostnames).toContain(name);
    });

    it("and by name: wget -qO- hostnames", async () => {
      const r = await k(["exec", "busybox", "--", "wget", "-qO-", "hostnames"]);
      expect(r.code).toBe(0);
      expect(hostnames).toContain(r.out);
    });

    it("a Service that does not exist: wget cannot resolve it and exits 1", async () => {
      const r = await k(["exec", "busybox", "--", "wget", "-qO-", "nosuch"]);
      expect(r.code).toBe(1);
      expect(r.err).toBe("wget: bad address 'nosuch'\ncommand terminated with exit code 1\n");
    });
  });

  describe("connect-applications-service", () => {
    it("curl the Service by its DNS name from a pod: nginx's welcome page", async () => {
      const pods = (await k(["get", "pods", "-l", "run=my-nginx", "-o", "jsonpath={.items[*].metadata.name}"])).out.split(" ");
      expect(pods).toHaveLength(2);
      const r = await k(["exec", pods[0]!, "--", "curl", "-s", "http://my-nginx"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain("<title>Welcome to nginx!</title>");
    });

    it.skipIf(!python)("kubectl run -i --tty --image busybox:1.37 dns-test --restart=Never --rm, then nslookup my-nginx: its cluster IP", async () => {
      const ip = (await k(["get", "svc", "my-nginx", "-o", "jsonpath={.spec.clusterIP}"])).out;
      const script = join(__dirname, "support", "ptyrun.py");
      const r = await new Promise<string>((resolve) => {
        execFile(python!, [script, "1.5", "\\r", "nslookup my-nginx\\r", "exit\\r", "--", bin!, "run", "-i", "--tty", "--image", "busybox:1.37", "dns-test", "--restart=Never", "--rm"],
          { env: kubectlEnv(s.kubeconfigPath), timeout: 40_000 }, (_e, out) => resolve(out));
      });
      const screen = r.replace(/\r\n/g, "\n");
      expect(screen).toContain("/ # nslookup my-nginx\nServer:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n");
      expect(screen).toContain(`Name:\tmy-nginx.default.svc.cluster.local\nAddress: ${ip}\n`);
      expect(screen).toMatch(/\[exit 0\]\n$/);
    }, 50_000);
  });
});
