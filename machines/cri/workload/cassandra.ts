// gcr.io/google-samples/cassandra:v13 (kubernetes/examples cassandra/image), the image of the docs'
// Cassandra tutorial: run.sh fills cassandra.yaml from the environment (CASSANDRA_CLUSTER_NAME,
// CASSANDRA_NUM_TOKENS 32, CASSANDRA_DC, CASSANDRA_RACK, CASSANDRA_SEEDS, POD_IP) and starts
// Cassandra 3.11 with the KubernetesSeedProvider; nodetool talks to it over JMX (port 7199); the
// readiness script /ready-probe.sh passes once `nodetool status` shows the pod's IP Up and Normal.
// The ring: a node that finds a seed other than itself gossips to it on the intra-node port (7000)
// and learns the ring the seed knows; the seed learns every node that joins. What a node knows is
// kept in its data volume (system.peers in Cassandra), so a replaced pod finds it again.

import { perform, runArgv, type Gen, type ShellState, type Streams } from "./shell.js";
import { strftime } from "./commands.js";
import type { DnsResult, HttpResult, Listener } from "./types.js";

/** Where Cassandra keeps what it knows of the ring: the data volume the StatefulSet mounts. */
const dataDir = "/cassandra_data/data/system";
const ringFile = `${dataDir}/peers`;
const jmxPort = 7199;

interface RingNode {
  address: string;
  hostId: string;
  /** Load, in KiB */
  loadKiB: number;
  /** the node's tokens as fractions of the Murmur3 ring, in [0, 1) */
  tokens: number[];
  rack: string;
  dc: string;
}

// A 32-bit FNV-1a of a string, then a small PRNG from it: a node's host ID, tokens and load follow
// from its address and name alone, so every run of a seed shows the same ring.
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function newNode(address: string, name: string, numTokens: number, dc: string, rack: string): RingNode {
  const next = prng(fnv(`${name}/${address}`));
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join("");
  const hostId = `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`;
  const tokens = Array.from({ length: numTokens }, () => next()).sort((a, b) => a - b);
  return { address, hostId, loadKiB: 80 + Math.round(next() * 3000) / 100, tokens, rack, dc };
}

const encodeNode = (n: RingNode) => [n.address, n.hostId, n.loadKiB, n.dc, n.rack, n.tokens.join(",")].join(" ");
function decodeNode(line: string): RingNode | undefined {
  const [address, hostId, load, dc, rack, tokens] = line.split(" ");
  if (!address || !hostId || !tokens) return undefined;
  return { address, hostId, loadKiB: Number(load), dc: dc ?? "", rack: rack ?? "", tokens: tokens.split(",").map(Number) };
}

function readRing(sh: ShellState): Map<string, RingNode> {
  const text = sh.io.fs.read(ringFile);
  const ring = new Map<string, RingNode>();
  if (typeof text !== "string") return ring;
  for (const line of text.split("\n")) {
    const n = decodeNode(line);
    if (n) ring.set(n.address, n);
  }
  return ring;
}

function writeRing(sh: ShellState, ring: Map<string, RingNode>): void {
  sh.io.fs.mkdir(dataDir, true);
  sh.io.fs.write(ringFile, [...ring.values()].map(encodeNode).join("\n") + "\n");
}

/**
 * Effective ownership with replication factor 2 (system_traces', which nodetool status reports when
 * no keyspace of the user's is given): each token range belongs to the node owning the token that
 * ends it and to the next distinct node clockwise. Fractions of 1, per address; they sum to 2
 * (or 1 with a single node).
 */
export function effectiveOwnership(nodes: RingNode[]): Map<string, number> {
  const points = nodes.flatMap((n) => n.tokens.map((t) => ({ t, a: n.address }))).sort((x, y) => x.t - y.t);
  const own = new Map(nodes.map((n) => [n.address, 0]));
  const rf = Math.min(2, nodes.length);
  for (let i = 0; i < points.length; i++) {
    const start = i === 0 ? points[points.length - 1]!.t - 1 : points[i - 1]!.t;
    const width = points[i]!.t - start;
    const owners = new Set<string>();
    for (let j = i; owners.size < rf; j = (j + 1) % points.length) owners.add(points[j]!.a);
    for (const a of owners) own.set(a, own.get(a)! + width);
  }
  return own;
}

const pad = (s: string, n: number) => s.padEnd(n);

/** `nodetool status` as Cassandra 3.11 prints it: per datacenter, UN/DN rows with load, tokens, effective ownership, host ID and rack. */
export function formatStatus(nodes: RingNode[], up: (address: string) => boolean): string {
  const width = Math.max(7, ...nodes.map((n) => n.address.length));
  const own = effectiveOwnership(nodes);
  const row = (c: string[]) => `${pad(c[0]!, 2)}  ${pad(c[1]!, width)}  ${pad(c[2]!, 9)}  ${pad(c[3]!, 11)}  ${pad(c[4]!, 16)}  ${pad(c[5]!, 36)}  ${c[6]}\n`;
  let out = "";
  for (const dc of [...new Set(nodes.map((n) => n.dc))].sort()) {
    const title = `Datacenter: ${dc}`;
    out += `${title}\n${"=".repeat(title.length)}\nStatus=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n`;
    out += row(["--", "Address", "Load", "Tokens", "Owns (effective)", "Host ID", "Rack"]);
    for (const n of nodes.filter((x) => x.dc === dc).sort((a, b) => a.tokens[0]! - b.tokens[0]!)) {
      out += row([`${up(n.address) ? "U" : "D"}N`, n.address, `${n.loadKiB.toFixed(2)} KiB`, String(n.tokens.length), `${(own.get(n.address)! * 100).toFixed(1)}%`, n.hostId, n.rack]);
    }
  }
  return out;
}

/** run.sh: Cassandra starts, joins the ring through its seed, and serves until it is stopped. */
export function* runCassandra(sh: ShellState, st: Streams, listeners: Map<number, Listener>): Gen {
  const env = (k: string, d: string) => sh.vars.get(k) || d;
  const host = env("HOSTNAME", "localhost");
  const address = env("POD_IP", "127.0.0.1");
  const dc = env("CASSANDRA_DC", "DC1");
  const rack = env("CASSANDRA_RACK", "Rack1");
  const cluster = env("CASSANDRA_CLUSTER_NAME", "Test Cluster");
  const seeds = env("CASSANDRA_SEEDS", host);
  const t = () => strftime("%Y-%m-%d %H:%M:%S,000", sh.io.now());
  st.out(`Starting Cassandra on ${address}\n`);
  st.out(`CASSANDRA_CONF_DIR /etc/cassandra\nCASSANDRA_CFG /etc/cassandra/cassandra.yaml\nCASSANDRA_CLUSTER_NAME ${cluster}\nCASSANDRA_DC ${dc}\nCASSANDRA_RACK ${rack}\nCASSANDRA_SEEDS ${seeds}\n`);
  sh.io.fs.mkdir("/etc/cassandra", true);
  sh.io.fs.write("/etc/cassandra/cassandra.yaml", `cluster_name: '${cluster}'\nnum_tokens: ${env("CASSANDRA_NUM_TOKENS", "32")}\nlisten_address: ${address}\nrpc_address: ${env("CASSANDRA_RPC_ADDRESS", "0.0.0.0")}\nendpoint_snitch: GossipingPropertyFileSnitch\n`);
  const ring = readRing(sh);
  // A node keeps its host ID and tokens across restarts (system.local); a new address is a new node.
  const self = [...ring.values()].find((n) => n.address === address) ?? newNode(address, host, Number(env("CASSANDRA_NUM_TOKENS", "32")), dc, rack);
  ring.set(address, self);
  let drained = false;
  // JMX: nodetool's way in; drain stops the node taking writes and talking to the ring.
  listeners.set(jmxPort, (req) => {
    if (req.kind !== "http") return req.kind === "tcp";
    if (req.path === "/drain" && !drained) {
      drained = true;
      st.out(`INFO  [RMI TCP Connection(2)-127.0.0.1] ${t()} StorageService.java:1449 - DRAINING: starting drain process\n`);
      st.out(`INFO  [RMI TCP Connection(2)-127.0.0.1] ${t()} StorageService.java:1449 - DRAINED\n`);
      listeners.delete(7000);
      listeners.delete(9042);
    }
    return { status: 200, body: drained ? "drained" : "normal" };
  });
  // The seed's side of gossip: a node announcing itself is added to the ring, and learns the ring in return.
  const gossip: Listener = (req) => {
    if (req.kind !== "http") return req.kind === "tcp";
    const known = readRing(sh);
    const q = /[?&]node=([^&]*)/.exec(req.path)?.[1];
    const n = q ? decodeNode(decodeURIComponent(q)) : undefined;
    if (n && !known.has(n.address)) {
      known.set(n.address, n);
      writeRing(sh, known);
      st.out(`INFO  [GossipStage:1] ${t()} Gossiper.java:1047 - Node /${n.address} is now part of the cluster\n`);
      st.out(`INFO  [GossipStage:1] ${t()} Gossiper.java:1011 - InetAddress /${n.address} is now UP\n`);
    }
    return { status: 200, body: [...known.values()].map(encodeNode).join("\n") };
  };
  // KubernetesSeedProvider: the seeds by name; the first pod finds none ready (itself included) and starts the ring.
  let seedAddress: string | undefined;
  for (const name of seeds.split(",")) {
    const r = (yield* perform(sh, { type: "dns", name: name.trim() })) as DnsResult | undefined;
    seedAddress = r?.addresses.find((a) => a !== address) ?? seedAddress;
  }
  if (seedAddress) {
    const r = (yield* perform(sh, { type: "http", url: `http://${seedAddress}:7000/gossip?node=${encodeURIComponent(encodeNode(self))}` })) as HttpResult | undefined;
    if (r && !("error" in r)) for (const line of (r.body ?? "").split("\n")) {
      const n = decodeNode(line);
      if (n && n.address !== address) ring.set(n.address, n);
    }
  }
  writeRing(sh, ring);
  listeners.set(7000, gossip);
  listeners.set(7001, (req) => req.kind === "tcp");
  listeners.set(9042, (req) => req.kind === "tcp");
  st.out(`INFO  [main] ${t()} StorageService.java:1449 - JOINING: Finish joining ring\n`);
  st.out(`INFO  [main] ${t()} StorageService.java:2268 - Node /${address} state jump to NORMAL\n`);
  st.out(`INFO  [main] ${t()} Server.java:156 - Starting listening for CQL clients on /0.0.0.0:9042 (unencrypted)...\n`);
  yield* perform(sh, { type: "wait" });
  return 0;
}

/** nodetool [-h host] <command>: status and drain, over JMX on 127.0.0.1:7199. */
export function* nodetool(argv: string[], sh: ShellState, st: Streams): Gen {
  const args = argv.slice(1).filter((a, i, all) => a !== "-h" && all[i - 1] !== "-h");
  const command = args[0];
  if (command === undefined || command === "help") {
    st.out("usage: nodetool [(-h <host> | --host <host>)] <command> [<args>]\n\nThe most commonly used nodetool commands are:\n    drain    Drain the node (stop accepting writes and flush all tables)\n    status   Print cluster information (state, load, IDs, ...)\n");
    return 0;
  }
  if (command !== "status" && command !== "drain") {
    st.err(`nodetool: Found unexpected parameters: [${args.join(", ")}]\nSee 'nodetool help' or 'nodetool help <command>'.\n`);
    return 1;
  }
  const jmx = (yield* perform(sh, { type: "http", url: `http://127.0.0.1:${jmxPort}/${command === "drain" ? "drain" : ""}` })) as HttpResult | undefined;
  if (!jmx || "error" in jmx) {
    st.err(`nodetool: Failed to connect to '127.0.0.1:${jmxPort}' - ConnectException: 'Connection refused (Connection refused)'.\n`);
    return 1;
  }
  if (command === "drain") return 0;
  const self = sh.vars.get("POD_IP");
  // A drained node is Down to itself. Its peers are shown as gossip last left them: an exec reaches
  // only its own pod, so a peer that was drained or went away still shows Up here (Cassandra's
  // failure detector would mark it DN).
  st.out(formatStatus([...readRing(sh).values()], (a) => a !== self || jmx.body !== "drained"));
  return 0;
}

/** /ready-probe.sh: ready once `nodetool status` shows this pod's IP as UN. */
export function* readyProbe(sh: ShellState, st: Streams): Gen {
  let out = "";
  yield* runArgv(["nodetool", "status"], sh, { stdin: "", out: (s) => void (out += s), err: () => {} });
  const ip = sh.vars.get("POD_IP") ?? "";
  const line = out.split("\n").find((l) => l.split(/\s+/)[1] === ip);
  const up = line?.startsWith("UN") === true;
  if (sh.vars.get("DEBUG")) st.out(up ? "UN\n" : "Not Up\n");
  return up ? 0 : 1;
}
