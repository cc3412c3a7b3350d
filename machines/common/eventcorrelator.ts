// client-go's EventCorrelator (tools/record/events_cache.go), the legacy core/v1 recorder's filter
// between a component's Eventf and the API server, as pure functions over a value:
//   1. the aggregator: the tenth distinct message of similar events (same source, object, type,
//      reason, reporting controller and instance) within 600 s of the last becomes one event,
//      "(combined from similar events): <message>", counted from then on;
//   2. the logger: an event seen before (same key) is a patch of the first one: count+1, the new
//      lastTimestamp and message;
//   3. the spam filter: a token bucket per source, object and type (burst 25, one more each 300 s);
//      an event over it is dropped, after the logger has counted it.
// Each stage keeps an LRU of maxLruCacheEntries (4096). Time is the simulated clock's. A stage
// that reads an entry writes it back, which makes it the most recent as the read would: it peeks.

import { Lru } from "./lru.js";
import { mutant } from "./mutation.js";

export const MAX_LRU_CACHE_ENTRIES = 4096;
export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 600_000;
export const SPAM_BURST = 25;
// float32(1./300.) as the filter stores it, widened to float64 by golang.org/x/time/rate
export const SPAM_QPS = Math.fround(1 / 300);
export const AGGREGATE_PREFIX = "(combined from similar events): ";

/** The fields of a core/v1 Event the correlator reads and writes. */
export interface CoreEvent {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string };
  involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string; fieldPath?: string };
  reason: string;
  message: string;
  source: { component?: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: string;
  eventTime?: null;
  reportingComponent?: string;
  reportingInstance?: string;
}

interface AggregateRecord {
  /** the distinct messages seen, oldest first (fewer than AGGREGATE_MAX_EVENTS); never changed in place */
  readonly localKeys: readonly string[];
  readonly last: number;
}

interface Observation {
  readonly count: number;
  readonly firstTimestamp: string;
  readonly name: string;
}

interface SpamRecord {
  readonly tokens: number;
  readonly last: number;
}

/** The correlator's three caches: part of the recording component's context. */
export interface Correlator {
  readonly aggregates: Lru<AggregateRecord>;
  readonly observations: Lru<Observation>;
  readonly spam: Lru<SpamRecord>;
}

const noKeys: readonly string[] = [];

export function newCorrelator(): Correlator {
  return { aggregates: Lru.empty(MAX_LRU_CACHE_ENTRIES), observations: Lru.empty(MAX_LRU_CACHE_ENTRIES), spam: Lru.empty(MAX_LRU_CACHE_ENTRIES) };
}

// client-go joins the fields with no separator: two keys made of different fields can meet, as there
const join = (parts: (string | undefined)[]) => parts.map((p) => p ?? "").join("");

/** getEventKey: the identity of an event, its message included. */
export function eventKey(e: CoreEvent): string {
  const o = e.involvedObject;
  return join([e.source.component, e.source.host, o.kind, o.namespace, o.name, o.fieldPath, o.uid, o.apiVersion, e.type, e.reason, e.message]);
}

/** getSpamKey: source, object (without fieldPath) and type. */
export function spamKey(e: CoreEvent): string {
  const o = e.involvedObject;
  return join([e.source.component, e.source.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion, e.type]);
}

/** EventAggregatorByReasonFunc: [the key similar events share, the message that tells them apart]. */
export function aggregateKeys(e: CoreEvent): [string, string] {
  const o = e.involvedObject;
  return [join([e.source.component, e.source.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion, e.type, e.reason, e.reportingComponent, e.reportingInstance]), e.message];
}

/** EventAggregatorByReasonMessageFunc. */
export const aggregateMessage = (e: CoreEvent): string => AGGREGATE_PREFIX + e.message;

/**
 * EventAggregate: the event to record and the logger's key for it. The tenth distinct message makes
 * a new aggregate event (named by `name()`), keyed by the aggregate key so later ones count on it.
 */
export function aggregate(cache: Lru<AggregateRecord>, e: CoreEvent, now: number, name: () => string): { cache: Lru<AggregateRecord>; event: CoreEvent; key: string } {
  const [aggKey, localKey] = aggregateKeys(e);
  const found = cache.peek(aggKey);
  // a record last seen more than the interval ago (or none) starts afresh
  const was = found && (now - found.last <= AGGREGATE_INTERVAL_MS || mutant("eventcorrelator.aggregate-interval-ignored")) ? found : { localKeys: noKeys, last: now };
  const localKeys = was.localKeys.includes(localKey) ? was.localKeys : [...was.localKeys, localKey];
  if (localKeys.length < AGGREGATE_MAX_EVENTS + (mutant("eventcorrelator.aggregates-at-eleventh") ? 1 : 0)) return { cache: cache.set(aggKey, { localKeys, last: now }), event: e, key: eventKey(e) };
  // the set stays below the maximum: client-go pops an arbitrary member (Go's map order); the
  // oldest here, so a run replays
  const stamp = e.lastTimestamp;
  const event: CoreEvent = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: name(), namespace: e.metadata.namespace },
    involvedObject: e.involvedObject,
    reason: e.reason,
    message: aggregateMessage(e),
    source: e.source,
    firstTimestamp: stamp,
    lastTimestamp: stamp,
    count: 1,
    type: e.type,
    eventTime: null,
    reportingComponent: "",
    reportingInstance: "",
  };
  return { cache: cache.set(aggKey, { localKeys: localKeys.slice(1), last: now }), event, key: aggKey };
}

/**
 * eventObserve: an event whose key was seen is the first one again, counted: its name and first
 * timestamp, count+1, and the patch that writes count, lastTimestamp and message.
 */
export function observe(cache: Lru<Observation>, e: CoreEvent, key: string): { cache: Lru<Observation>; event: CoreEvent; patch?: { count: number; lastTimestamp: string; message: string } } {
  const seen = cache.peek(key);
  if (!seen || seen.count <= 0) return { cache: cache.set(key, { count: e.count, firstTimestamp: e.firstTimestamp, name: e.metadata.name }), event: e };
  const event: CoreEvent = { ...e, metadata: { ...e.metadata, name: seen.name }, firstTimestamp: mutant("eventcorrelator.repeat-takes-new-first-timestamp") ? e.firstTimestamp : seen.firstTimestamp, count: seen.count + 1 };
  return {
    cache: cache.set(key, { count: event.count, firstTimestamp: event.firstTimestamp, name: seen.name }),
    event,
    patch: { count: event.count, lastTimestamp: event.lastTimestamp, message: event.message },
  };
}

/** EventSourceObjectSpamFilter.Filter: true when the key's bucket has no token (the event is dropped). */
export function spamFilter(cache: Lru<SpamRecord>, e: CoreEvent, now: number): { cache: Lru<SpamRecord>; skip: boolean } {
  const key = spamKey(e);
  const found = cache.peek(key);
  // a new bucket is full (x/time/rate's first advance refills it from the zero time)
  const had = found ? Math.min(SPAM_BURST, found.tokens + (mutant("eventcorrelator.spam-never-refills") ? 0 : (Math.max(0, now - found.last) / 1000) * SPAM_QPS)) : SPAM_BURST;
  if (had < (mutant("eventcorrelator.spam-burst-one-short") ? 2 : 1)) return { cache: cache.set(key, found!), skip: true };
  return { cache: cache.set(key, { tokens: had - 1, last: now }), skip: false };
}

export type Correlated = { correlator: Correlator; skip: true } | { correlator: Correlator; skip: false; event: CoreEvent; patch?: { count: number; lastTimestamp: string; message: string } };

/** EventCorrelate: aggregate, observe, then filter; every cache moves on, a dropped event's count too. */
export function correlate(c: Correlator, e: CoreEvent, now: number, aggregateName: () => string): Correlated {
  const a = aggregate(c.aggregates, e, now, aggregateName);
  const o = observe(c.observations, a.event, a.key);
  const s = spamFilter(c.spam, o.event, now);
  const correlator = { aggregates: a.cache, observations: o.cache, spam: s.cache };
  if (s.skip) return { correlator, skip: true };
  return o.patch ? { correlator, skip: false, event: o.event, patch: o.patch } : { correlator, skip: false, event: o.event };
}

/**
 * EventCorrelator.UpdateState: after a write succeeded, the logger remembers the event as the
 * server stored it (name, count, first timestamp), keyed by that event's getEventKey.
 * client-go writes one event at a time, so the next correlate always sees this; podflow's writes
 * are in flight together, so an entry already counted past the answer (a later repeat was
 * observed meanwhile, which client-go would have observed after this) is kept.
 */
export function updateState(c: Correlator, stored: CoreEvent): Correlator {
  const key = eventKey(stored);
  const seen = c.observations.peek(key);
  if (seen && seen.count > (stored.count ?? 0)) return c;
  return { ...c, observations: c.observations.set(key, { count: stored.count ?? 0, firstTimestamp: stored.firstTimestamp, name: stored.metadata.name }) };
}
