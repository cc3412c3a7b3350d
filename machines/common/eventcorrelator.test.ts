import { describe, expect, it } from "vitest";
import { AGGREGATE_MAX_EVENTS, AGGREGATE_INTERVAL_MS, SPAM_BURST, aggregateKeys, aggregateMessage, correlate, newCorrelator, spamFilter, type CoreEvent, type Correlator } from "./eventcorrelator.js";
import { Lru } from "./lru.js";
import { rfc3339 } from "./time.js";

// The rows of client-go's tools/record/events_cache_test.go (v1.35), with its builders.
const ref = (kind: string, name: string, namespace: string) => ({ kind, name, namespace, uid: "C934D34AFB20242", apiVersion: "version", fieldPath: "spec.containers{mycontainer}" });
const makeEvent = (reason: string, message: string, involvedObject: CoreEvent["involvedObject"]): CoreEvent => ({
  metadata: { name: `${involvedObject.name}.1`, namespace: involvedObject.namespace ?? "default" },
  involvedObject,
  reason,
  message,
  source: { component: "kubelet", host: "kublet.node1" },
  count: 1,
  firstTimestamp: "",
  lastTimestamp: "",
  type: "Normal",
});
const repeat = (n: number, e: CoreEvent) => Array.from({ length: n }, () => e);
const unique = (n: number) => Array.from({ length: n }, (_, i) => makeEvent(`reason-${i}`, `message-${i}`, ref("Pod", `pod-${i}`, `ns-${i}`)));
const similar = (n: number, e: CoreEvent, prefix: string) => repeat(n, e).map((x, i) => ({ ...x, message: `${prefix}-${i}-${x.message}` }));

// The Go test's SimpleIntervalClock moves on at every reading: the test's own, the aggregator's and
// the spam filter's, three per event; the correlator here reads the time once, so events are three
// intervals apart.
function playback(events: CoreEvent[], intervalSeconds: number): { c: Correlator; now: number } {
  let c = newCorrelator();
  let now = 1_700_000_000_000;
  let n = 0;
  for (const e of events) {
    now += 3 * intervalSeconds * 1000;
    const r = correlate(c, { ...e, firstTimestamp: rfc3339(now), lastTimestamp: rfc3339(now) }, now, () => `agg.${n++}`);
    c = r.correlator;
  }
  return { c, now };
}

describe("client-go's EventAggregatorByReasonFunc and EventAggregatorByReasonMessageFunc", () => {
  it("keys events of one reason and object together, told apart by message; another reason is another key", () => {
    const [agg1, local1] = aggregateKeys(makeEvent("end-of-world", "it was fun", ref("Pod", "pod1", "other")));
    const [agg2, local2] = aggregateKeys(makeEvent("end-of-world", "it was awful", ref("Pod", "pod1", "other")));
    const [agg3] = aggregateKeys(makeEvent("nevermind", "it was a bug", ref("Pod", "pod1", "other")));
    expect(agg1).toBe(agg2);
    expect(local1).not.toBe(local2);
    expect(agg1).not.toBe(agg3);
  });

  it("prefixes the aggregate's message with (combined from similar events): ", () => {
    expect(aggregateMessage(makeEvent("end-of-world", "it was fun", ref("Pod", "pod1", "other")))).toBe("(combined from similar events): it was fun");
  });
});

describe("client-go's TestEventCorrelator table", () => {
  const first = makeEvent("first", "i am first", ref("Pod", "my-pod", "my-ns"));
  const duplicate = makeEvent("duplicate", "me again", ref("Pod", "my-pod", "my-ns"));
  const uniqueEvent = makeEvent("unique", "snowflake", ref("Pod", "my-pod", "my-ns"));
  const similarEvent = makeEvent("similar", "similar message", { ...ref("Pod", "my-pod", "my-ns"), fieldPath: "spec.containers{container1}" });
  const otherContainer = { ...similarEvent, involvedObject: { ...similarEvent.involvedObject, fieldPath: "spec.containers{container2}" } };
  const aggregated = "(combined from similar events): similar message";
  const rows: { name: string; previous: CoreEvent[]; next: CoreEvent; interval: number; count?: number; message?: string; skip?: boolean }[] = [
    { name: "create-a-single-event", previous: [], next: first, interval: 5, count: 1, message: first.message },
    { name: "the-same-event-should-just-count", previous: repeat(1, duplicate), next: duplicate, interval: 5, count: 2, message: duplicate.message },
    { name: "the-same-event-should-just-count-even-if-more-than-aggregate", previous: repeat(AGGREGATE_MAX_EVENTS, duplicate), next: duplicate, interval: 30, count: 11, message: duplicate.message },
    { name: "the-same-event-is-spam-if-happens-too-frequently", previous: repeat(SPAM_BURST + 1, duplicate), next: duplicate, interval: 1, skip: true },
    { name: "create-many-unique-events", previous: unique(30), next: uniqueEvent, interval: 5, count: 1, message: uniqueEvent.message },
    { name: "similar-events-should-aggregate-event", previous: similar(AGGREGATE_MAX_EVENTS - 1, similarEvent, similarEvent.message), next: similarEvent, interval: 5, count: 1, message: aggregated },
    { name: "similar-events-many-times-should-count-the-aggregate", previous: similar(AGGREGATE_MAX_EVENTS, similarEvent, similarEvent.message), next: similarEvent, interval: 5, count: 2, message: aggregated },
    { name: "events-from-different-containers-do-not-aggregate", previous: repeat(1, otherContainer), next: similarEvent, interval: 5, count: 1, message: similarEvent.message },
    { name: "similar-events-whose-interval-is-greater-than-aggregate-interval-do-not-aggregate", previous: similar(AGGREGATE_MAX_EVENTS - 1, similarEvent, similarEvent.message), next: similarEvent, interval: AGGREGATE_INTERVAL_MS / 1000, count: 1, message: similarEvent.message },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { c, now } = playback(row.previous, row.interval);
      const at = now + 3 * row.interval * 1000;
      const r = correlate(c, { ...row.next, firstTimestamp: rfc3339(at), lastTimestamp: rfc3339(at) }, at, () => "aggregate");
      expect(r.skip).toBe(row.skip ?? false);
      if (r.skip) return;
      expect([r.event.count, r.event.message, r.event.reason]).toEqual([row.count, row.message, row.next.reason]);
      // a count above one is a patch of the first event, with what changed
      if (row.count! > 1) expect(r.patch).toEqual({ count: row.count, lastTimestamp: rfc3339(at), message: row.message });
      else expect(r.patch).toBeUndefined();
    });
  }
});

describe("client-go's EventSourceObjectSpamFilter", () => {
  const original = makeEvent("original", "i am first", ref("Pod", "my-pod", "my-ns"));
  const t0 = 1_700_000_000_000;

  it("reports an event of another reason about the same object as spam once the source's burst is spent (default key)", () => {
    let cache = Lru.empty<{ tokens: number; last: number }>(4096);
    for (let i = 0; i < SPAM_BURST; i++) {
      const r = spamFilter(cache, original, t0 + i * 1000);
      expect(r.skip).toBe(false);
      cache = r.cache;
    }
    expect(spamFilter(cache, makeEvent("duplicate", "me again", ref("Pod", "my-pod", "my-ns")), t0 + SPAM_BURST * 1000).skip).toBe(true);
    // a Warning about the object is another bucket (getSpamKey holds the type)
    expect(spamFilter(cache, { ...original, type: "Warning" }, t0 + SPAM_BURST * 1000).skip).toBe(false);
    // one token more each 300 s: 24 s of the burst left 0.08 of one, 276 s more make it whole
    expect(spamFilter(cache, original, t0 + (SPAM_BURST - 1) * 1000 + 275_000).skip).toBe(true);
    expect(spamFilter(cache, original, t0 + (SPAM_BURST - 1) * 1000 + 277_000).skip).toBe(false);
  });

  it("counts a dropped repeat in the logger, so the next one let through patches the full count", () => {
    let c = newCorrelator();
    const sent: (number | "skip")[] = [];
    for (let i = 0; i < 27; i++) {
      const r = correlate(c, { ...original, lastTimestamp: rfc3339(t0 + i * 1000) }, t0 + i * 1000, () => "agg");
      c = r.correlator;
      sent.push(r.skip ? "skip" : r.event.count);
    }
    expect(sent.slice(0, 25)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(sent.slice(25)).toEqual(["skip", "skip"]);
    const later = t0 + 24_000 + 300_000;
    const r = correlate(c, { ...original, lastTimestamp: rfc3339(later) }, later, () => "agg");
    expect(!r.skip && r.patch).toEqual({ count: 28, lastTimestamp: rfc3339(later), message: original.message });
  });
});

describe("the aggregator past the tenth similar event", () => {
  it("names the aggregate once, then patches its count and message; after 600 s quiet similar events start afresh", () => {
    let c = newCorrelator();
    const out: string[] = [];
    const t0 = 1_700_000_000_000;
    const at = (i: number) => t0 + i * 1000;
    for (let i = 0; i < 14; i++) {
      const e = makeEvent("SuccessfulCreate", `Created pod: p-${i}`, ref("ReplicaSet", "rs", "ns"));
      const r = correlate(c, { ...e, lastTimestamp: rfc3339(at(i)) }, at(i), () => `agg-${i}`);
      c = r.correlator;
      if (!r.skip) out.push(`${r.patch ? "patch" : "create"} ${r.event.metadata.name} x${r.event.count} ${r.event.message}`);
    }
    expect(out.slice(8)).toEqual([
      "create rs.1 x1 Created pod: p-8",
      "create agg-9 x1 (combined from similar events): Created pod: p-9",
      "patch agg-9 x2 (combined from similar events): Created pod: p-10",
      "patch agg-9 x3 (combined from similar events): Created pod: p-11",
      "patch agg-9 x4 (combined from similar events): Created pod: p-12",
      "patch agg-9 x5 (combined from similar events): Created pod: p-13",
    ]);
    const quiet = at(13) + AGGREGATE_INTERVAL_MS + 1;
    const r = correlate(c, { ...makeEvent("SuccessfulCreate", "Created pod: p-14", ref("ReplicaSet", "rs", "ns")), lastTimestamp: rfc3339(quiet) }, quiet, () => "agg-14");
    expect(!r.skip && [r.patch, r.event.message]).toEqual([undefined, "Created pod: p-14"]);
  });
});
