// client-go's events.k8s.io/v1 broadcaster (tools/events/event_broadcaster.go), the recorder
// kube-scheduler uses, as pure functions over its cache of isomorphic events:
//   - an event is isomorphic to one cached when type, action, reason, reporting controller and
//     instance, regarding and related are the same (the note is not part of it);
//   - the first is created; the second turns it into a series (count 2, lastObservedTime) written
//     as a patch; later ones only count in the cache;
//   - every 30 minutes (refreshTime) each series is written again with its count; every 6 minutes
//     (finishTime) a series not observed for 6 minutes is written a last time and forgotten, and a
//     single event older than 6 minutes is forgotten.

import type { Map as IMap } from "immutable";
import { rfc3339Micro } from "./time.js";
import { utf8Length } from "./bytes.js";
import { mutant } from "./mutation.js";

export const FINISH_TIME_MS = 6 * 60_000;
export const REFRESH_TIME_MS = 30 * 60_000;
/** validation.NoteLengthLimit: kube-scheduler truncates a FailedScheduling message to it. */
export const NOTE_LENGTH_LIMIT = 1024;

/** An events.k8s.io/v1 Event as the recorder makes it. */
export interface EventV1 {
  readonly apiVersion: "events.k8s.io/v1";
  readonly kind: "Event";
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly eventTime: string;
  readonly series?: { readonly count: number; readonly lastObservedTime: string };
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly action: string;
  readonly reason: string;
  readonly regarding: Readonly<Record<string, string>>;
  readonly related?: Readonly<Record<string, string>>;
  readonly note: string;
  readonly type: "Normal" | "Warning";
}

/** The isomorphic events recorded, by key; a persistent value. */
export type SeriesCache = IMap<string, EventV1>;

/** A write the broadcaster makes: a create, or the patch of a series (a create when it is gone). */
export type SeriesWrite = EventV1;

const refFields = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"] as const;
const refKey = (r: Readonly<Record<string, string>> | undefined) => refFields.map((f) => r?.[f] ?? "");

/** getKey: what makes two events isomorphic. */
export function isomorphicKey(e: EventV1): string {
  return JSON.stringify([e.type, e.action, e.reason, e.reportingController, e.reportingInstance, ...refKey(e.regarding), ...refKey(e.related), ...(mutant("eventseries.note-in-key") ? [e.note] : [])]);
}

/** ref.GetReference of an object: kind, namespace, name, uid, apiVersion and resourceVersion. */
export function referenceOf(obj: any): Record<string, string> {
  const m = obj?.metadata ?? {};
  const r: Record<string, string> = {};
  // in this order, each only when set (the reference's JSON)
  if (obj?.kind) r.kind = obj.kind;
  if (m.namespace) r.namespace = m.namespace;
  if (m.name) r.name = m.name;
  if (m.uid) r.uid = m.uid;
  if (obj?.apiVersion) r.apiVersion = obj.apiVersion;
  if (m.resourceVersion) r.resourceVersion = m.resourceVersion;
  return r;
}

/** kube-scheduler's truncateMessage: a note over the limit keeps its first bytes and " ...". */
export function truncateNote(message: string): string {
  if (utf8Length(message) <= NOTE_LENGTH_LIMIT) return message;
  // Go slices bytes; a rune cut in two decodes to U+FFFD here, as its JSON encoding would write it
  return `${new TextDecoder().decode(new TextEncoder().encode(message).subarray(0, NOTE_LENGTH_LIMIT - 4))} ...`;
}

/** recordToSink's first half: the cache after an event, and what to write (none past the second). */
export function observeV1(cache: SeriesCache, e: EventV1, now: number): { cache: SeriesCache; write?: SeriesWrite } {
  const key = isomorphicKey(e);
  const seen = cache.get(key);
  if (!seen) return { cache: cache.set(key, e), write: e };
  const series = { count: seen.series ? seen.series.count + 1 : 2, lastObservedTime: rfc3339Micro(now) };
  const next = { ...seen, series };
  return seen.series || mutant("eventseries.second-not-written") ? { cache: cache.set(key, next) } : { cache: cache.set(key, next), write: next };
}

/** finishSeries: series quiet for finishTime are written and forgotten; old single events forgotten. */
export function finishSeries(cache: SeriesCache, now: number): { cache: SeriesCache; writes: SeriesWrite[] } {
  const writes: SeriesWrite[] = [];
  let next = cache;
  for (const [key, e] of cache) {
    const at = Date.parse(e.series ? e.series.lastObservedTime : e.eventTime);
    if (!(at < now - (mutant("eventseries.finish-after-refresh-time") ? REFRESH_TIME_MS : FINISH_TIME_MS))) continue;
    if (e.series) writes.push(e);
    next = next.delete(key);
  }
  return { cache: next, writes };
}

/** refreshExistingEventSeries: every series is written again with its count. */
export function refreshSeries(cache: SeriesCache): SeriesWrite[] {
  return [...cache.values()].filter((e) => e.series || mutant("eventseries.refresh-writes-single-events"));
}
