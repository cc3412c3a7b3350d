// Shared set-up of the serve tests: a live cluster, its HTTPS API and a kubeconfig on disk.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createServer as createTcpServer } from "node:net";
import { connect } from "node:tls";
import { createServer as createHttpsServer, request } from "node:https";
import type { ServerResponse } from "node:http";
import type { Node } from "kubernetes-types/core/v1";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { startServer, type RunningServer } from "../runtime/server/http.js";
import { kubeconfig } from "../runtime/server/kubeconfig.js";
import { generateServingCerts } from "../runtime/server/certs.js";

export interface Served {
  cluster: Cluster;
  server: RunningServer;
  kubeconfigPath: string;
  kubeconfigText: string;
  stop(): Promise<void>;
}

/** Starts a live cluster (speed x) and serves it on a free port. */
export async function serve(opts: { nodes?: number | Node[]; speed?: number; etcdQuotaBackendBytes?: number; addons?: boolean; leases?: boolean; ipFamily?: "ipv6" | "dual" } = {}): Promise<Served> {
  const quota = opts.etcdQuotaBackendBytes !== undefined ? { etcdQuotaBackendBytes: opts.etcdQuotaBackendBytes } : {};
  // addons: kubeadm's coredns and kube-proxy pods in kube-system, as `podflow serve` runs them
  const addons = opts.addons === true ? { addons: true } : {};
  // leases: the control plane's leader-election and identity Leases, as `podflow serve` holds them
  const leases = opts.leases === true ? { leases: true } : {};
  // ipFamily: kind's networking.ipFamily, as `podflow serve --ip-family` sets it
  const ipFamily = opts.ipFamily !== undefined ? { ipFamily: opts.ipFamily } : {};
  // the PKI first, as podflow serve makes it: pods' ca.crt is the serving certificate's CA
  const certs = generateServingCerts();
  const cluster = createCluster({ rootCA: certs.caCert, nodes: opts.nodes ?? 3, seed: 1, clock: "live", speed: opts.speed ?? 10, trace: false, ...quota, ...addons, ...leases, ...ipFamily });
  const server = await startServer({ cluster, certs, port: 0, bookmarkIntervalMs: 500 });
  const dir = mkdtempSync(join(tmpdir(), "podflow-serve-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  const kubeconfigText = kubeconfig({ server: server.url, caPem: server.caCert!, token: cluster.adminToken });
  writeFileSync(kubeconfigPath, kubeconfigText);
  return {
    cluster, server, kubeconfigPath, kubeconfigText,
    stop: async () => {
      await server.close();
      await cluster.stop();
    },
  };
}

/** The kubectl binary on PATH, or undefined. */
export function findKubectl(): string | undefined {
  const r = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/**
 * The environment kubectl runs in: its discovery cache kept beside the kubeconfig, since
 * ~/.kube/cache is keyed by host and port, and a port used again by a later server would answer
 * from an earlier server's discovery.
 */
export function kubectlEnv(kubeconfigPath: string): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(dirname(kubeconfigPath), "cache") };
}

// client-go's websocket executor starts readDemuxLoop before it creates its streams, so the server's
// ready message (an empty frame on stdout, as kube-apiserver's stream translator sends it too) can be
// read first and logged; kubectl's output is the same either way
const clientGoStreamRace = /^E\d{4} [\d:.]+\s+\d+ websocket\.go:\d+\] Unknown stream id \d+, discarding message\n/gm;

/** Runs kubectl against the served cluster without blocking the in-process server. */
export function kubectl(bin: string, kubeconfigPath: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env: kubectlEnv(kubeconfigPath), timeout: opts.timeoutMs ?? 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof (error as any).code === "number" ? (error as any).code : 1) : 0, out: stdout, err: stderr.replace(clientGoStreamRace, "") });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** A raw HTTPS request to the server, trusting its CA. */
export function raw(s: Served, method: string, path: string, opts: { token?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<{ code: number; body: string; headers: Record<string, any> }> {
  const url = new URL(path, s.server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: s.server.caCert, headers: { ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}), ...(opts.body ? { "Content-Type": "application/json" } : {}), ...opts.headers } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Polls until check returns a truthy value or timeoutMs passes; returns the last value. */
export async function until<T>(check: () => Promise<T>, timeoutMs: number, everyMs = 300): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = await check();
  while (!last && Date.now() < end) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await check();
  }
  return last;
}

/** A kubeconfig whose user authenticates with a client certificate and key (PEM files). */
export function certKubeconfig(s: Served, certFile: string, keyFile: string): string {
  const ca = Buffer.from(s.server.caCert!).toString("base64");
  return [
    "apiVersion: v1", "kind: Config",
    "clusters:", "- name: podflow", "  cluster:", `    server: ${s.server.url}`, `    certificate-authority-data: ${ca}`,
    "users:", "- name: cert-user", "  user:", `    client-certificate: ${certFile}`, `    client-key: ${keyFile}`,
    "contexts:", "- name: cert", "  context:", "    cluster: podflow", "    user: cert-user",
    "current-context: cert", "",
  ].join("\n");
}

/** A CA and a serving certificate made with openssl, for 127.0.0.1, localhost and the DNS names given. */
function webhookCerts(dnsNames: readonly string[] = []): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "podflow-webhook-certs-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=webhook-test-ca"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=webhook"]);
  writeFileSync(join(dir, "ext.cnf"), `subjectAltName=${["IP:127.0.0.1", "DNS:localhost", ...dnsNames.map((n) => `DNS:${n}`)].join(",")}\n`);
  run(["x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tls.crt", "-days", "2", "-extfile", "ext.cnf"]);
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return { ca: read("ca.crt"), cert: read("tls.crt"), key: read("tls.key") };
}

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A webhook server in a test: HTTPS on 127.0.0.1, its CA as a clientConfig's caBundle wants it. */
export interface WebhookServer {
  port: number;
  caBundle: string;
  close(): Promise<void>;
}

/** Starts a webhook server that hands each request's JSON body (an AdmissionReview, a ConversionReview) and URL to `handle`. */
export async function startWebhookServer(handle: (review: any, url: string, res: ServerResponse) => void, dnsNames: readonly string[] = []): Promise<WebhookServer> {
  const certs = webhookCerts(dnsNames);
  const server = createHttpsServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => handle(JSON.parse(text), req.url ?? "", res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { port, caBundle: Buffer.from(certs.ca).toString("base64"), close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Writes bytes as they are on a fresh TLS connection to serve and returns all it sends back before
 * it closes; `halfClose` ends the client's side after the bytes (EOF), else the server must close.
 */
export function rawBytes(s: Served, text: string, halfClose = false): Promise<string> {
  const url = new URL(s.server.url);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost", rejectUnauthorized: false }, () => (halfClose ? sock.end(text) : sock.write(text)));
    let got = "";
    sock.on("data", (d) => (got += d));
    sock.on("close", () => resolve(got));
    sock.on("error", reject);
  });
}
