// podflow's etcd machine against a real etcd 3.4 (Debian's etcd-server), differentially: fast-check
// generates sequences of etcd operations, each runs in lockstep on both, and every answer and watch
// event must agree (test/support/etcd-diff.ts says what is normalised). A difference is shrunk by
// fast-check and saved to test/etcd-regressions/, which this file replays on every run.
//
// PODFLOW_ETCD_SEED=<n> draws other sequences; PODFLOW_ETCD_RUNS=<n> draws more of them.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Etcd3 } from "etcd3";
import { etcdClient, startEtcd, type RealEtcd } from "./support/real-etcd.js";
import { expireArb, runDifferential, sequenceArb, type DiffOp, type DiffResult } from "./support/etcd-diff.js";

const dir = fileURLToPath(new URL("./etcd-regressions/", import.meta.url));
const saved = (() => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
})();

let etcd: RealEtcd;
let client: Etcd3;

beforeAll(async () => {
  etcd = await startEtcd();
  client = etcdClient(etcd.endpoint);
  console.log(`real etcd: ${etcd.version} at ${etcd.endpoint}`);
});

afterAll(async () => {
  client?.close();
  await etcd?.stop();
});

/** Runs a property over real etcd; a failure is saved (shrunk) with its replay command, then reported. */
async function check(name: string, arb: fc.Arbitrary<DiffOp[]>, numRuns: number, seed: number, timeLimitMs: number): Promise<{ runs: number; seconds: number; ops: number; events: number }> {
  let ops = 0;
  let events = 0;
  let last: DiffResult | undefined;
  const t = performance.now();
  const out = await fc.check(
    fc.asyncProperty(arb, async (seq) => {
      last = await runDifferential(client, seq, { endpoint: etcd.endpoint });
      ops += last.ops;
      events += last.watchEvents;
      return last.difference === undefined;
    }),
    // past the limit, shrinking stops and the smallest sequence found so far is saved
    { seed, numRuns, endOnFailure: false, interruptAfterTimeLimit: timeLimitMs },
  );
  const seconds = (performance.now() - t) / 1000;
  if (out.failed) {
    const seq = out.counterexample![0];
    const again = await runDifferential(client, seq, { endpoint: etcd.endpoint });
    mkdirSync(dir, { recursive: true });
    const file = `${name}-${seed}.json`;
    writeFileSync(dir + file, JSON.stringify({ seed, found: new Date().toISOString(), etcd: etcd.version, difference: again.difference ?? last?.difference, ops: seq }, null, 2) + "\n");
    throw new Error(
      `the etcd machine and ${etcd.version} differ (seed ${seed}, shrunk to ${seq.length} ops): ${JSON.stringify(again.difference ?? last?.difference, null, 1)}\n` +
        `saved test/etcd-regressions/${file}; replay: npx vitest run test/etcd-differential.test.ts -t '${file}'`,
    );
  }
  return { runs: out.numRuns, seconds, ops, events };
}

describe("the etcd machine agrees with a real etcd", () => {
  for (const f of saved) {
    it(`${f} replays without a difference`, async () => {
      const spec = JSON.parse(readFileSync(dir + f, "utf8")) as { ops: DiffOp[] };
      const res = await runDifferential(client, spec.ops, { endpoint: etcd.endpoint });
      expect(res.difference).toBeUndefined();
    });
  }

  // Edges too narrow for random sequences to hit often: what compaction leaves at its own revision, key order.
  const put = (key: string, value: string) => ({ type: "put" as const, key, value, prevKv: true });
  const txn = (...success: any[]): DiffOp => ({ op: "txn", compare: [], success, failure: [] });
  const edges: Record<string, DiffOp[]> = {
    "a watch from the compact revision gets its puts without prevKv (read at modRevision - 1, compacted)": [
      txn(put("/a", "x")), txn(put("/a", "y"), put("/b", "z")), { op: "compact", revision: { now: true } },
      { op: "watch", prefix: "/", start: { compact: 0 } }, { op: "watch", prefix: "/", start: { compact: -1 } }, txn(put("/a", "w")),
    ],
    "a delete at the compact revision is gone from the history (keyIndex.compact drops the tombstone)": [
      txn(put("/a", "x"), put("/b", "y")), txn({ type: "delete", key: "/a", prefix: false, prevKv: true }), { op: "compact", revision: { now: true } },
      { op: "watch", prefix: "/", start: { compact: 0 } }, { op: "range", key: "/", prefix: true, revision: { compact: 0 } }, txn(put("/a", "z")),
    ],
    "a delete by prefix at the compact revision, then a range and watch from just above it": [
      txn(put("/a/b", "x"), put("/a/c", "y")), txn({ type: "delete", key: "/a/", prefix: true, prevKv: true }, put("/b", "w")), { op: "compact", revision: { now: true } },
      { op: "watch", prefix: "/", start: { compact: 0 } }, { op: "watch", prefix: "/a", start: { compact: 1 } }, { op: "range", key: "/", prefix: true, revision: { compact: 0 } },
    ],
    "keys in UTF-8 byte order (a character above U+FFFF sorts after U+FF5E, unlike UTF-16)": [
      txn(put("/k/\u{1F600}", "x"), put("/k/\uFF5E", "y"), put("/k/a", "z")), { op: "range", key: "/k/", prefix: true, revision: { now: true } },
      { op: "txn", compare: [{ key: "/k/a", target: "value", result: "<", value: "\u{1F600}" }], success: [], failure: [] },
    ],
  };
  for (const [name, ops] of Object.entries(edges)) {
    it(`at the edge: ${name}`, async () => {
      expect((await runDifferential(client, ops, { endpoint: etcd.endpoint })).difference).toBeUndefined();
    });
  }

  it("on 200 generated sequences of put/txn/delete/range/watch/compact/lease operations: every answer and watch event", async () => {
    const seed = Number(process.env.PODFLOW_ETCD_SEED ?? 20261203);
    const runs = Number(process.env.PODFLOW_ETCD_RUNS ?? 200);
    const r = await check("differential", sequenceArb, runs, seed, 240_000);
    console.log(`etcd differential: ${r.runs} sequences (${r.ops} ops, ${r.events} watch events) in ${r.seconds.toFixed(1)} s: ${(r.runs / r.seconds).toFixed(1)} sequences/s, ${(r.ops / r.seconds).toFixed(0)} ops/s (seed ${seed})`);
    expect(r.runs).toBe(runs);
  }, 300_000);

  it("on lease expiry: etcd's minimum TTL, and a lease's keys deleted at one revision when it runs out (real time on etcd, simulated time on the machine)", async () => {
    const seed = Number(process.env.PODFLOW_ETCD_SEED ?? 20261203);
    // each expiry waits 2-3 s of real time for etcd's lessor: a few sequences, each with one expiry among other ops
    const arb = fc.tuple(fc.array(sequenceArb.map((s) => s.slice(0, 6)), { minLength: 1, maxLength: 1 }), expireArb, sequenceArb.map((s) => s.slice(0, 6)))
      .map(([[before], expire, after]) => [...before!, expire, ...after]);
    const r = await check("expiry", arb, 4, seed, 60_000);
    expect(r.runs).toBe(4);
  }, 120_000);
});
