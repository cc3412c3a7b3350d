// events.k8s.io/v1 Event <-> core/v1 Event. Shared by the API server (which serves events.k8s.io/v1
// over the stored core/v1 Events) and the in-process events.k8s.io/v1 recorder (which writes in the
// stored form, as every in-process client does), so it lives below both.

type Obj = any;

// events.k8s.io/v1 Event <-> core/v1 Event, field for field as pkg/apis/events/v1/conversion.go
// maps them through the internal Event: regarding is involvedObject, note is message, the deprecated*
// fields are source, firstTimestamp, lastTimestamp and count, and reportingController is the
// field core/v1 spells reportingComponent.
const renamed: readonly (readonly [events: string, core: string])[] = [
  ["regarding", "involvedObject"], ["note", "message"], ["reportingController", "reportingComponent"],
  ["deprecatedSource", "source"], ["deprecatedFirstTimestamp", "firstTimestamp"], ["deprecatedLastTimestamp", "lastTimestamp"], ["deprecatedCount", "count"],
];
// events.k8s.io/v1's field order (k8s.io/api events/v1 types.go), so answers read as kube-apiserver's do
const eventsV1Order = [
  "kind", "apiVersion", "metadata", "eventTime", "series", "reportingController", "reportingInstance", "action", "reason", "regarding", "related", "note", "type",
  "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount",
];
const coreOrder = [
  "kind", "apiVersion", "metadata", "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series",
  "action", "related", "reportingComponent", "reportingInstance",
];

/** obj's fields renamed by `names` (from -> to) and laid out in `order`; a field neither renames nor orders is kept after them. */
function renameFields(obj: Obj, names: ReadonlyMap<string, string>, order: readonly string[], apiVersion: string): Obj {
  const moved = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) moved.set(names.get(k) ?? k, v);
  moved.set("apiVersion", apiVersion);
  const out: Obj = {};
  for (const k of order) if (moved.get(k) !== undefined) out[k] = moved.get(k);
  for (const [k, v] of moved) if (!Object.hasOwn(out, k) && v !== undefined && !order.includes(k)) out[k] = v;
  return out;
}

const toCore = new Map(renamed.map(([e, c]) => [e, c]));
const toEvents = new Map(renamed.map(([e, c]) => [c, e]));

export const eventsV1Conversion = {
  apiVersion: "events.k8s.io/v1",
  toHub(o: Obj): Obj {
    if (!o || typeof o !== "object" || Array.isArray(o)) return o;
    // a field of core/v1 that events.k8s.io/v1 has under another name is not events.k8s.io/v1's: its decoder dropped it
    const own = Object.fromEntries(Object.entries(o).filter(([k]) => !toEvents.has(k)));
    return renameFields(own, toCore, coreOrder, "v1");
  },
  fromHub(o: Obj): Obj {
    if (!o || o.kind !== "Event") return o;
    const own = Object.fromEntries(Object.entries(o).filter(([k]) => !toCore.has(k)));
    return renameFields(own, toEvents, eventsV1Order, "events.k8s.io/v1");
  },
};
