// `podflow serve --etcd URL`: the API server's objects kept in a real etcd, so a restart finds them.
//
// The etcd machine stays the store the API server talks to, and the spec of what etcd answers:
// every request is still served by it, on podflow's own simulated clock. This module is the
// runtime's side effect beside it (it only reads the machine's snapshots):
// - on start, the key space under /registry/ is read from the real etcd and the etcd machine is
//   started on it (as etcd starts on its data dir: keys at their revisions, no history);
// - after each delivery, a revision the machine committed is written through to the real etcd as
//   one Txn of its puts and deletes (values as JSON), and a compaction as a compaction; with
//   podflow the only writer, the real etcd's revision stays the machine's.
// Keys are laid out as kube-apiserver lays them out (/registry/pods/<ns>/<name>); values are JSON,
// not kube-apiserver's protobuf envelope.

import { Etcd3, type IOptions, type IRequestOp } from "etcd3";
import type { KeyValue, WatchedEvent } from "../machines/messages.js";
import type { EtcdContext, EtcdRestore } from "../machines/etcd/etcd.logic.js";
import type { Runtime } from "./runtime.js";
import { exactJsonText, mayHoldWideNumber } from "../machines/common/numberliteral.js";
import { parseJsonKeepingLiterals } from "../machines/apiserver/schema/decode.js";

/** kube-apiserver's --etcd-prefix: every object under it. */
export const registryPrefix = "/registry/";

type FaultPolicy = NonNullable<NonNullable<IOptions["faultHandling"]>["global"]>;

/** etcd3's fault-handling policy that only calls through: no retry, no circuit breaker (etcd3 only calls execute). */
const callThrough = { execute: async (fn: (ctx: { signal: AbortSignal }) => unknown) => fn({ signal: new AbortController().signal }) } as unknown as FaultPolicy;

/**
 * An etcd3 client that hands every error back as it came: an answer etcd gives as an error
 * (compacted, lease not found) is an answer, not a fault; etcd3's default breaker would open after
 * three of them and refuse every later call.
 */
export function connectEtcd(endpoint: string): Etcd3 {
  return new Etcd3({ hosts: endpoint, faultHandling: { host: () => callThrough, global: callThrough } });
}

/** etcd's default --max-txn-ops. */
const maxTxnOps = 128;

/** done: how many of the revision's events are written (a revision over maxTxnOps is written in parts) */
type Write = { kind: "txn"; revision: number; events: readonly WatchedEvent[]; done?: number } | { kind: "compact"; revision: number };

export class RealEtcdStore {
  /** what the real etcd held under /registry/ when podflow started */
  readonly restore: EtcdRestore;
  private readonly client: Etcd3;
  private readonly queue: Write[] = [];
  private draining: Promise<void> | undefined;
  private seenRevision: number;
  private seenCompact: number;
  /** the revision the last write-through was answered at */
  written = 0;
  failures = 0;
  private readonly warn: (s: string) => void;

  private constructor(client: Etcd3, restore: EtcdRestore, warn: (s: string) => void) {
    this.client = client;
    this.restore = restore;
    this.seenRevision = restore.revision;
    this.seenCompact = restore.revision;
    this.warn = warn;
  }

  /** Connects to the real etcd and reads its key space under /registry/; fails when it cannot. */
  static async open(endpoint: string, warn: (s: string) => void): Promise<RealEtcdStore> {
    const url = new URL(endpoint);
    if (url.protocol !== "http:") throw new Error(`--etcd ${endpoint}: only http:// endpoints are supported`);
    // A write that fails is reported and retried here, in order.
    const client = connectEtcd(endpoint);
    try {
      const res = await client.kv.range({ key: Buffer.from(registryPrefix), range_end: Buffer.from("/registry0") }, { deadline: Date.now() + 10_000 });
      const kvs: KeyValue[] = [];
      for (const kv of res.kvs ?? []) {
        const text = kv.value.toString("utf8");
        let value: unknown;
        try {
          value = JSON.parse(text);
          // an int64 past 2^53 is read back exactly, as it was written
          if (mayHoldWideNumber(text)) value = parseJsonKeepingLiterals(text);
        } catch {
          warn(`podflow: --etcd: ${kv.key.toString("utf8")} is not JSON (written by something else?): left out`);
          continue;
        }
        kvs.push({ key: kv.key.toString("utf8"), value, createRevision: Number(kv.create_revision), modRevision: Number(kv.mod_revision), version: Number(kv.version) });
      }
      // A fresh etcd answers revision 1, as the machine starts.
      return new RealEtcdStore(client, { revision: Math.max(1, Number(res.header!.revision)), kvs }, warn);
    } catch (err) {
      client.close();
      throw new Error(`--etcd ${endpoint}: cannot read ${registryPrefix}: ${(err as Error).message}`);
    }
  }

  /** Writes through every revision the runtime's etcd actor commits from now on. */
  attach(rt: Runtime): void {
    rt.observers.push((r) => this.observe(r.snapshot("etcd")?.context as EtcdContext | undefined));
  }

  /** Queues what the machine committed since the last look (one revision per delivery to it). */
  private observe(ctx: EtcdContext | undefined): void {
    if (!ctx) return;
    for (let rev = this.seenRevision + 1; rev <= ctx.revision; rev++) {
      const events = ctx.history.get(rev - ctx.historyStart);
      if (events) this.queue.push({ kind: "txn", revision: rev, events });
    }
    this.seenRevision = Math.max(this.seenRevision, ctx.revision);
    if (ctx.compactRevision > this.seenCompact) {
      this.queue.push({ kind: "compact", revision: ctx.compactRevision });
      this.seenCompact = ctx.compactRevision;
    }
    if (this.queue.length > 0 && !this.draining) this.draining = this.drain().finally(() => { this.draining = undefined; });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const w = this.queue[0]!;
      try {
        await this.write(w);
        this.queue.shift();
      } catch (err) {
        this.failures++;
        if (this.failures === 1 || this.failures % 100 === 0) this.warn(`podflow: --etcd: writing revision ${w.revision} failed (${(err as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async write(w: Write): Promise<void> {
    if (w.kind === "compact") {
      // the machine compacted at a revision the real etcd may not have (another writer moved it): best effort
      await this.client.kv.compact({ revision: String(w.revision) }).catch(() => undefined);
      return;
    }
    const ops: IRequestOp[] = w.events.map((e) => (e.type === "PUT"
      ? { request_put: { key: Buffer.from(e.kv.key), value: Buffer.from(exactJsonText(JSON.stringify(e.kv.value))) } }
      : { request_delete_range: { key: Buffer.from(e.kv.key) } }));
    // etcd refuses a Txn of more than --max-txn-ops (128): a larger revision (a lease expiring with
    // its Events) is written in parts, from where a part already written left off
    for (let i = w.done ?? 0; i < ops.length; i += maxTxnOps) {
      const res = await this.client.kv.txn({ compare: [], success: ops.slice(i, i + maxTxnOps), failure: [] });
      w.done = i + maxTxnOps;
      this.written = Number(res.header!.revision);
    }
  }

  /** Resolves once every queued revision is in the real etcd (false: still writing after timeoutMs). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.draining && Date.now() < deadline) await Promise.race([this.draining, new Promise((r) => setTimeout(r, 100))]);
    return !this.draining;
  }

  /** Writes what is queued (for up to 10 s), then disconnects; says what was left unwritten. */
  async close(): Promise<void> {
    if (!(await this.flush())) this.warn(`podflow: --etcd: ${this.queue.length} revision(s) not written before exit`);
    this.client.close();
  }
}
