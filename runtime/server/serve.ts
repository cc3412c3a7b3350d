// The `podflow serve` command: a live cluster, its API over HTTPS, and a kubeconfig for kubectl.

import { ipFamilyModes, type IPFamilyMode } from "../ipfamily.js";
import { closeSync, fchmodSync, openSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createCluster, type Cluster } from "../cluster.js";
import type { RealEtcdStore } from "../etcd-store.js";
import { startServer } from "./http.js";
import { generateServingCerts } from "./certs.js";
import { kubeconfig } from "./kubeconfig.js";

export interface ServeCommandOptions {
  port: string;
  nodes: string;
  seed: string;
  speed: string;
  kubeconfig: string;
  host?: string;
  /** the admin bearer token to accept and write to the kubeconfig (default: a random one per start) */
  token?: string;
  /** a real etcd (http://host:port) that keeps the objects across restarts (runtime/etcd-store.ts) */
  etcd?: string;
  /** more users (--user NAME:GROUPS, parsed by cli/options.ts userList), each with a token and a context NAME@podflow */
  user?: Array<{ name: string; groups: string[] }>;
  /** etcd's --quota-backend-bytes ("0" or absent: etcd's default, 2 GiB) */
  etcdQuotaBackendBytes?: string;
  /** kubeadm's addons (CoreDNS, kube-proxy) as pods in kube-system (commander's --no-addons sets false); on unless false */
  addons?: boolean;
  /** kind's networking.ipFamily (--ip-family): ipv4 (the default), ipv6 or dual */
  ipFamily?: string;
}

/** Paths served beside the API on the same port (the live view, mounted by the CLI, which may import what runtime/ may not). */
export interface ServeMount {
  /** the path printed for people to open, e.g. "/ui/" */
  path: string;
  /** true when it took the request */
  routes(req: IncomingMessage, res: ServerResponse): boolean;
  close(): void;
}

// RFC 6750 b64token: what fits in "Authorization: Bearer <token>" unchanged.
const bearerToken = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Writes the kubeconfig readable by its owner only, also when the file already existed with wider permissions. */
export function writePrivateFile(file: string, text: string): void {
  const fd = openSync(file, "w", 0o600);
  try {
    // open's mode applies only when it creates the file: narrow an existing one before writing the token into it.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Runs the server until SIGINT or SIGTERM (or until `stop` resolves); resolves to the exit code. */
export async function serveCommand(
  opts: ServeCommandOptions, io: { out: (s: string) => void; err: (s: string) => void }, stop?: Promise<void>,
  mount?: (cluster: Cluster, host: string) => ServeMount,
): Promise<number> {
  const nums = { port: Number(opts.port), nodes: Number(opts.nodes), seed: Number(opts.seed), speed: Number(opts.speed) };
  for (const [k, v] of Object.entries(nums)) {
    if (!Number.isFinite(v) || v < 0) {
      io.err(`error: invalid --${k} ${JSON.stringify((opts as any)[k])}`);
      return 2;
    }
  }
  if (opts.token !== undefined && !bearerToken.test(opts.token)) {
    io.err(`error: invalid --token: a bearer token is letters, digits and -._~+/ (then optional '=' padding)`);
    return 2;
  }
  const ipFamily = opts.ipFamily ?? "ipv4";
  if (!(ipFamilyModes as readonly string[]).includes(ipFamily)) {
    io.err(`error: invalid --ip-family ${JSON.stringify(ipFamily)}: one of ${ipFamilyModes.join(", ")}`);
    return 2;
  }
  let store: RealEtcdStore | undefined;
  if (opts.etcd !== undefined) {
    try {
      // loaded only with --etcd: the gRPC client is not needed otherwise
      const { RealEtcdStore } = await import("../etcd-store.js");
      store = await RealEtcdStore.open(opts.etcd, io.err);
    } catch (err) {
      io.err(`error: ${(err as Error).message}`);
      return 1;
    }
  }
  // the PKI first, as kubeadm's certs phase: pods' ca.crt is the CA the server's certificate chains to
  const certs = generateServingCerts();
  const cluster = createCluster({
    rootCA: certs.caCert,
    nodes: nums.nodes, seed: nums.seed, clock: "live", speed: nums.speed || 1, trace: false, tokens: "random", addons: opts.addons !== false, leases: true,
    ...(ipFamily !== "ipv4" ? { ipFamily: ipFamily as IPFamilyMode } : {}),
    ...(opts.token !== undefined ? { adminToken: opts.token } : {}),
    ...(opts.user?.length ? { users: opts.user } : {}),
    ...(store ? { etcdStore: store } : {}),
    ...(Number(opts.etcdQuotaBackendBytes ?? 0) > 0 ? { etcdQuotaBackendBytes: Number(opts.etcdQuotaBackendBytes) } : {}),
  });
  // A fault in a machine is isolated (the request gets a 500) but is a bug: say so, as kube-apiserver logs a panic.
  cluster.runtime.faultHooks.push((f) => io.err(`podflow: internal error: ${f.actor} threw while handling ${f.event}: ${f.message}`));
  const host = opts.host ?? "127.0.0.1";
  const mounted = mount?.(cluster, host);
  const server = await startServer({ cluster, certs, port: nums.port, host, ...(mounted ? { routes: (req, res) => mounted.routes(req, res) } : {}) });
  const file = resolve(opts.kubeconfig);
  const users = [...cluster.userTokens].map(([name, token]) => ({ name, token }));
  writePrivateFile(file, kubeconfig({ server: server.url, ...(server.caCert ? { caPem: server.caCert } : {}), token: cluster.adminToken, users }));
  io.out(`podflow: serving the Kubernetes API of a ${nums.nodes}-node simulated cluster at ${server.url}`);
  if (store) io.out(`podflow: objects stored in etcd at ${opts.etcd} (found ${store.restore.kvs.length} under /registry/ at revision ${store.restore.revision})`);
  io.out(`kubeconfig written to ${file}`);
  io.out(`export KUBECONFIG=${file}`);
  for (const { name } of users) io.out(`as ${name}: kubectl --context ${name}@podflow ...`);
  // the token travels in the fragment, which the browser never sends: the page reads it and sends it as a bearer token
  if (mounted) io.out(`live view: ${server.url}${mounted.path}#token=${encodeURIComponent(cluster.adminToken)}`);
  await (stop ??
    new Promise<void>((done) => {
      process.once("SIGINT", () => done());
      process.once("SIGTERM", () => done());
    }));
  mounted?.close();
  await server.close();
  await cluster.stop();
  await store?.close();
  return 0;
}
