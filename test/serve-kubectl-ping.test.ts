// busybox ping through serve and the real kubectl (networking/ping.c, FEATURE_FANCY_PING, as
// busybox 1.36 prints it): a pod's IP replies, with the TTL the routers on the way leave it
// (kindnet's ptp routes: the node of each pod forwards, 64 less one per router); a Service's
// cluster IP never does (kube-proxy's iptables rules match tcp, udp and sctp: nothing answers ICMP
// there), so -c 1 waits MAXWAIT (10 s) and reports 100% packet loss with status 1; a name is
// resolved first (`bad address` when it cannot be). The job-with-pod-to-pod-communication page's
// `ping -c 1 <pod>.<headless service>` loop ends this way.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const bb = (name: string, node: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, labels },
  spec: { nodeName: node, containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }] },
});

describe.skipIf(!bin)("ping through kubectl exec", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  const ipOf = async (name: string) => (await k(["get", "pod", name, "-o", "jsonpath={.status.podIP}"])).out;
  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
    const headless = { apiVersion: "v1", kind: "Service", metadata: { name: "headless" }, spec: { clusterIP: "None", selector: { app: "far" }, ports: [{ port: 80 }] } };
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "far-svc" }, spec: { selector: { app: "far" }, ports: [{ port: 80 }] } };
    const objs = [bb("a", "node-1"), bb("near", "node-1"), bb("far", "node-2", { app: "far" }), headless, svc];
    expect((await k(["apply", "-f", "-"], objs.map((o) => JSON.stringify(o)).join("\n"))).code).toBe(0);
    expect((await k(["wait", "--for=condition=Ready", "pod/a", "pod/near", "pod/far", "--timeout=60s"])).code).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  const reply = (ip: string, seq: number, ttl: number) => new RegExp(`^64 bytes from ${ip.replace(/\./g, "\\.")}: seq=${seq} ttl=${ttl} time=\\d+\\.\\d{3} ms$`);

  it("a pod on the same node replies with TTL 63, one on another node with 62", async () => {
    const near = await ipOf("near");
    const r = await k(["exec", "a", "--", "ping", "-c", "2", near]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe(`PING ${near} (${near}): 56 data bytes`);
    expect(lines[1]).toMatch(reply(near, 0, 63));
    expect(lines[2]).toMatch(reply(near, 1, 63));
    expect(lines.slice(3, 6)).toEqual(["", `--- ${near} ping statistics ---`, "2 packets transmitted, 2 packets received, 0% packet loss"]);
    expect(lines[6]).toMatch(/^round-trip min\/avg\/max = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/);
    const far = await ipOf("far");
    expect((await k(["exec", "a", "--", "ping", "-c", "1", far])).out.split("\n")[1]).toMatch(reply(far, 0, 62));
    // its own address never leaves the pod: no router, TTL 64
    const own = await ipOf("a");
    expect((await k(["exec", "a", "--", "ping", "-c", "1", own])).out.split("\n")[1]).toMatch(reply(own, 0, 64));
  }, 60_000);

  it("a Service's cluster IP never answers: 100% packet loss, no round-trip line, status 1", async () => {
    const ip = (await k(["get", "service", "far-svc", "-o", "jsonpath={.spec.clusterIP}"])).out;
    expect(await k(["exec", "a", "--", "ping", "-c", "1", ip])).toMatchObject({
      code: 1,
      out: `PING ${ip} (${ip}): 56 data bytes\n\n--- ${ip} ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n`,
    });
    // by name: resolved to the cluster IP first, then the same silence
    expect((await k(["exec", "a", "--", "ping", "-c", "1", "far-svc"])).out).toBe(`PING far-svc (${ip}): 56 data bytes\n\n--- far-svc ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n`);
  }, 60_000);

  it("a headless Service's name resolves to the pod, which replies; an unknown name is a bad address", async () => {
    const far = await ipOf("far");
    const r = await k(["exec", "a", "--", "ping", "-c", "1", "-q", "headless"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n").slice(0, 4)).toEqual([`PING headless (${far}): 56 data bytes`, "", "--- headless ping statistics ---", "1 packets transmitted, 1 packets received, 0% packet loss"]);
    expect(await k(["exec", "a", "--", "ping", "-c", "1", "nosuch"])).toMatchObject({ code: 1, out: "", err: "ping: bad address 'nosuch'\ncommand terminated with exit code 1\n" });
  }, 60_000);
});
