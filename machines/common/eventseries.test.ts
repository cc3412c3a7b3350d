import { describe, expect, it } from "vitest";
import { Map as IMap } from "immutable";
import { FINISH_TIME_MS, finishSeries, isomorphicKey, observeV1, refreshSeries, truncateNote, type EventV1, type SeriesCache } from "./eventseries.js";
import { rfc3339Micro } from "./time.js";
import { eventV1Stored } from "./client.js";

// Rows of client-go's tools/events eventseries_test.go (v1.35): a pod foo in baz, regarding its
// second container and related to its first.
const t0 = Date.parse("2026-01-01T00:00:00Z");
const regarding = { kind: "Pod", namespace: "baz", name: "foo", uid: "bar", apiVersion: "v1", fieldPath: ".spec.containers[1]" };
const related = { ...regarding, fieldPath: ".spec.containers[0]" };
const event = (over: Partial<EventV1> = {}): EventV1 => ({
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name: "foo", namespace: "baz" },
  eventTime: rfc3339Micro(t0),
  reportingController: "eventTest",
  reportingInstance: "eventTest-host",
  action: "started",
  reason: "test",
  regarding,
  related,
  note: "some verbose message: 1",
  type: "Normal",
  ...over,
});

describe("client-go's events.k8s.io/v1 broadcaster (TestEventSeriesf)", () => {
  it("writes an isomorphic event as the first one's series, count 2, and a non-isomorphic one (another action) as a create", () => {
    const first = observeV1(IMap(), event(), t0);
    expect(first.write).toEqual(event());
    const again = observeV1(first.cache, event({ metadata: { name: "foo.2", namespace: "baz" } }), t0 + 1000);
    expect(again.write).toEqual({ ...event(), series: { count: 2, lastObservedTime: rfc3339Micro(t0 + 1000) } });
    const other = observeV1(again.cache, event({ action: "stopped" }), t0 + 2000);
    expect(other.write).toEqual(event({ action: "stopped" }));
  });

  it("counts the third and later isomorphic events in the cache only; a different note is still isomorphic", () => {
    let cache: SeriesCache = IMap();
    const writes: (EventV1 | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const r = observeV1(cache, event({ note: `some verbose message: ${i}` }), t0 + i * 1000);
      cache = r.cache;
      writes.push(r.write);
    }
    expect(writes.map((w) => w?.series?.count ?? (w ? 1 : undefined))).toEqual([1, 2, undefined, undefined, undefined]);
    expect(cache.get(isomorphicKey(event()))!.series).toEqual({ count: 5, lastObservedTime: rfc3339Micro(t0 + 4000) });
    // the series keeps the first event's note
    expect(cache.get(isomorphicKey(event()))!.note).toBe("some verbose message: 0");
  });
});

describe("TestFinishSeries and TestRefreshExistingEventSeries", () => {
  const series = event({ series: { count: 10, lastObservedTime: rfc3339Micro(t0 - 9 * 60_000) } });
  const fresh = event({ reportingController: "nonFinished-controller", eventTime: rfc3339Micro(t0) });
  const cache: SeriesCache = IMap<string, EventV1>().set(isomorphicKey(series), series).set(isomorphicKey(fresh), fresh);

  it("finishSeries writes a series last observed 9 minutes ago once, forgets it, and keeps a recent single event", () => {
    const r = finishSeries(cache, t0);
    expect(r.writes).toEqual([series]);
    expect([...r.cache.values()]).toEqual([fresh]);
  });

  it("finishSeries forgets a single event older than 6 minutes without writing it", () => {
    const r = finishSeries(cache, t0 + FINISH_TIME_MS + 1);
    expect(r.writes).toEqual([series]);
    expect(r.cache.size).toBe(0);
  });

  it("refreshExistingEventSeries writes each series, and the cache keeps it", () => {
    expect(refreshSeries(cache)).toEqual([series]);
  });
});

describe("kube-scheduler's truncateMessage", () => {
  it("keeps a note of 1024 bytes, and cuts a longer one to 1020 bytes and \" ...\"", () => {
    expect(truncateNote("a".repeat(1024))).toBe("a".repeat(1024));
    expect(truncateNote("a".repeat(1025))).toBe(`${"a".repeat(1020)} ...`);
  });
});

// pkg/apis/events/v1's conversion through the internal Event: regarding is involvedObject, note is
// message, reportingController is reportingComponent; core/v1's Event lays its fields out in this order.
describe("an events.k8s.io/v1 Event in the core/v1 form it is stored in", () => {
  const coreOrder = ["kind", "apiVersion", "metadata", "involvedObject", "reason", "message", "type", "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance"];
  it("renames regarding, note and reportingController and keeps the rest, in core/v1's field order", () => {
    const series = { count: 2, lastObservedTime: rfc3339Micro(t0 + 1000) };
    const stored = eventV1Stored(event({ series }));
    expect(stored).toEqual({
      kind: "Event", apiVersion: "v1", metadata: { name: "foo", namespace: "baz" }, involvedObject: regarding, reason: "test",
      message: "some verbose message: 1", type: "Normal", eventTime: rfc3339Micro(t0), series, action: "started", related,
      reportingComponent: "eventTest", reportingInstance: "eventTest-host",
    });
    expect(Object.keys(stored)).toEqual(coreOrder);
  });

  it("writes no related or series field for an event without them", () => {
    const { related: _r, ...plain } = event();
    const stored = eventV1Stored(plain as EventV1);
    expect(Object.keys(stored)).toEqual(coreOrder.filter((k) => k !== "series" && k !== "related"));
    expect(stored.involvedObject).toEqual(regarding);
  });
});
