// The docs' "Declare Network Policy" task (tasks/administer-cluster/declare-network-policy) with the
// real kubectl against `podflow serve`: nginx exposed, a busybox shell's `wget --spider --timeout=1
// nginx` answered ("remote file exists"); once the access-nginx policy selects the nginx pod, the
// same wget from a pod without access=true times out ("wget: download timed out": kindnet drops
// the connection) and from one with it is answered. The page's nginx-policy.yaml selects
// app.kubernetes.io/name=nginx, a label `kubectl create deployment` does not set (it sets app=nginx,
// as the page's own note says the policy selects): on a real cluster that manifest isolates no pod,
// so the wget is still answered; the task's outputs then come with the selector the note describes.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim() || undefined;
const policyFile = join(__dirname, "fixtures", "docs", "service", "networking", "nginx-policy.yaml");
const denyEgressFile = join(__dirname, "fixtures", "docs", "service", "networking", "network-policy-default-deny-egress.yaml");
// the same policy selecting the label the page's note names (app=nginx, what the Deployment's pods carry)
const appNginxPolicy = readFileSync(policyFile, "utf8").replace("app.kubernetes.io/name: nginx", "app: nginx");

describe.skipIf(!bin || !python)("Declare Network Policy with kubectl against podflow serve", () => {
  let s: Served;
  let clusterIP = "";
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });

  /** `kubectl run busybox --rm -ti [--labels=...] --image=busybox -- /bin/sh`, typing the page's wget, then exit: the terminal's text. */
  async function busyboxShell(labels?: string): Promise<string> {
    // the previous shell's pod is gone before the next takes its name
    await until(async () => ((await k(["get", "pod", "busybox", "--ignore-not-found", "-o", "name"])).out === "" ? true : undefined), 30_000);
    const args = ["run", "busybox", "--rm", "-ti", ...(labels ? [`--labels=${labels}`] : []), "--image=busybox", "--", "/bin/sh"];
    const script = join(__dirname, "support", "ptyrun.py");
    const out = await new Promise<string>((resolve) => {
      execFile(python!, [script, "1.5", "\\r", "wget --spider --timeout=1 nginx\\r", "exit\\r", "--", bin!, ...args], { env: kubectlEnv(s.kubeconfigPath), timeout: 50_000 }, (_e, stdout) => resolve(stdout));
    });
    return out.replace(/\r\n/g, "\n");
  }

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
    expect((await k(["create", "deployment", "nginx", "--image=nginx"])).out).toBe("deployment.apps/nginx created\n");
    expect((await k(["expose", "deployment", "nginx", "--port=80"])).out).toBe("service/nginx exposed\n");
    clusterIP = (await k(["get", "svc", "nginx", "-o", "jsonpath={.spec.clusterIP}"])).out;
    const ready = await until(async () => ((await k(["get", "endpointslices", "-l", "kubernetes.io/service-name=nginx", "-o", "jsonpath={.items[*].endpoints[*].addresses[*]}"])).out.trim() !== "" ? true : undefined), 60_000);
    expect(ready, "the nginx Service should have its endpoint").toBe(true);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get svc,pod: the nginx Service and its Running pod", async () => {
    const r = await k(["get", "svc,pod"]);
    expect(r.out).toMatch(new RegExp(`^service/nginx +ClusterIP +${clusterIP.replace(/\./g, "\\.")} +<none> +80/TCP +`, "m"));
    expect(r.out).toMatch(/^pod\/nginx-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 +/m);
  });

  it("before any policy, wget --spider --timeout=1 nginx from a busybox shell: remote file exists", async () => {
    const screen = await busyboxShell();
    expect(screen).toContain(`wget --spider --timeout=1 nginx\nConnecting to nginx (${clusterIP}:80)\nremote file exists\n`);
    expect(screen).toMatch(/\[exit 0\]\n$/);
  }, 70_000);

  it("kubectl apply -f nginx-policy.yaml: created, and isolating no pod (its selector is not the Deployment's label), so nginx still answers", async () => {
    expect(await k(["apply", "-f", policyFile])).toEqual({ code: 0, out: "networkpolicy.networking.k8s.io/access-nginx created\n", err: "" });
    const screen = await busyboxShell();
    expect(screen).toContain(`Connecting to nginx (${clusterIP}:80)\nremote file exists\n`);
  }, 70_000);

  it("with the policy selecting app=nginx, a pod without access=true: wget: download timed out", async () => {
    expect((await k(["apply", "-f", "-"], appNginxPolicy)).out).toBe("networkpolicy.networking.k8s.io/access-nginx configured\n");
    const screen = await busyboxShell();
    expect(screen).toContain(`wget --spider --timeout=1 nginx\nConnecting to nginx (${clusterIP}:80)\nwget: download timed out\n`);
    expect(screen).not.toContain("remote file exists");
  }, 70_000);

  it("kubectl run busybox --rm -ti --labels=\"access=true\": the request is allowed, remote file exists", async () => {
    const screen = await busyboxShell("access=true");
    expect(screen).toContain(`wget --spider --timeout=1 nginx\nConnecting to nginx (${clusterIP}:80)\nremote file exists\n`);
  }, 70_000);

  it("the nginx pod's own IP is isolated as well (the policy is on the pod, not the Service)", async () => {
    const ip = (await k(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[0].status.podIP}"])).out;
    await k(["run", "probe", "--image=busybox", "--restart=Never", "--", "sleep", "3600"]);
    await until(async () => ((await k(["get", "pod", "probe", "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 30_000);
    const denied = await k(["exec", "probe", "--", "wget", "--spider", "--timeout=1", ip]);
    expect(denied.err).toBe(`Connecting to ${ip} (${ip}:80)\nwget: download timed out\ncommand terminated with exit code 1\n`);
    await k(["label", "pod", "probe", "access=true"]);
    const allowed = await until(async () => {
      const r = await k(["exec", "probe", "--", "wget", "--spider", "--timeout=1", ip]);
      return r.code === 0 ? r : undefined;
    }, 20_000);
    expect(allowed?.err).toBe(`Connecting to ${ip} (${ip}:80)\nremote file exists\n`);
  }, 60_000);

  it("kubectl delete networkpolicy access-nginx: nginx answers every pod again", async () => {
    await k(["label", "pod", "probe", "access-"]);
    expect((await k(["delete", "networkpolicy", "access-nginx"])).out).toBe('networkpolicy.networking.k8s.io "access-nginx" deleted\n');
    const r = await until(async () => {
      const x = await k(["exec", "probe", "--", "wget", "--spider", "--timeout=1", "nginx"]);
      return x.code === 0 ? x : undefined;
    }, 20_000);
    expect(r?.err).toBe(`Connecting to nginx (${clusterIP}:80)\nremote file exists\n`);
  }, 40_000);

  it("network-policy-default-deny-egress.yaml (concepts/services-networking/network-policies): DNS is egress too, nslookup gets no reply", async () => {
    expect((await k(["apply", "-f", denyEgressFile])).out).toBe("networkpolicy.networking.k8s.io/default-deny-egress created\n");
    const r = await until(async () => {
      const x = await k(["exec", "probe", "--", "nslookup", "nginx"]);
      return x.code !== 0 ? x : undefined;
    }, 20_000);
    // busybox's nslookup prints its Server lines only on a reply (networking/nslookup.c)
    expect(r?.out).toBe(";; connection timed out; no servers could be reached\n\n");
    expect(r?.err).toBe("command terminated with exit code 1\n");
    const w = await k(["exec", "probe", "--", "wget", "--spider", "--timeout=1", "nginx"]);
    expect(w.err).toBe("wget: bad address 'nginx'\ncommand terminated with exit code 1\n");
  }, 40_000);
});
