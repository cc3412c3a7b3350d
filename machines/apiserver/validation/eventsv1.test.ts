// pkg/apis/core/validation/events_test.go TestValidateEventCreateForNewV1Events: ValidateEventCreate
// with the events.k8s.io/v1 request version, row by row (the Go test checks validity only; the
// causes listed here are read from events.go). Objects are core/v1 JSON, the form podflow stores and
// validates after conversion: ReportingController is spelled reportingComponent there.

import { describe, expect, it } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { brief } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const someTime = "2017-09-19T13:49:16.000000Z";
const node = { apiVersion: "v1", kind: "Node" };
const event = (metadata: any, extra: any = {}) => ({ apiVersion: "v1", kind: "Event", metadata, involvedObject: node, ...extra });
const sys = { name: "test", namespace: "kube-system" };
const full = { eventTime: someTime, reportingComponent: "k8s.io/my-controller", reportingInstance: "node-xyz", action: "Do", reason: "Because", type: "Normal" };
const without = (k: string) => Object.fromEntries(Object.entries(full).filter(([key]) => key !== k));
const longMessage = [...Array.from({ length: 10 }, () => "z".repeat(97)), "z".repeat(75)].join("\n");
const TYPE = "FieldValueInvalid type";

describe("TestValidateEventCreateForNewV1Events", () => {
  const rows: [string, any, string[]][] = [
    ["valid new event", event(sys, full), []],
    ["missing name in objectMeta", event({ namespace: "kube-system" }, { ...without("action"), type: undefined }), ["FieldValueRequired action", "FieldValueRequired metadata.name", TYPE]],
    ["missing namespace in objectMeta", event({ name: "test" }, { ...without("action"), type: undefined }),
      ["FieldValueInvalid involvedObject.namespace", "FieldValueRequired action", "FieldValueInvalid namespace", "FieldValueRequired metadata.namespace", TYPE]],
    ["missing EventTime", event({ name: "test", namespace: "default" }), ["FieldValueRequired eventTime", TYPE]],
    ["not qualified reportingController", event(sys, { ...full, reportingComponent: "my-contr@ller" }), ["FieldValueInvalid reportingController"]],
    ["too long reporting instance", event(sys, { ...full, reportingInstance: `node-xy${"z".repeat(140)}` }), ["FieldValueInvalid reportingInstance"]],
    ["missing reason", event(sys, without("reason")), ["FieldValueRequired reason"]],
    ["missing action", event(sys, without("action")), ["FieldValueRequired action"]],
    ["too long message", event({ name: "test" }, { ...full, message: longMessage, type: undefined }),
      ["FieldValueInvalid involvedObject.namespace", "FieldValueInvalid message", "FieldValueInvalid namespace", "FieldValueRequired metadata.namespace", TYPE]],
    ["invalid type", event(sys, { ...full, type: "invalid-type" }), [TYPE]],
    ["non-empty firstTimestamp", event(sys, { ...full, firstTimestamp: "2017-09-19T13:49:16Z" }), ["FieldValueInvalid firstTimestamp"]],
    ["non-empty lastTimestamp", event(sys, { ...full, lastTimestamp: "2017-09-19T13:49:16Z" }), ["FieldValueInvalid lastTimestamp"]],
    ["non-empty count", event(sys, { ...full, count: 123 }), ["FieldValueInvalid count"]],
    ["non-empty source", event(sys, { ...full, source: { host: "host" } }), ["FieldValueInvalid source"]],
    ["non-nil series with count < 2", event(sys, { ...full, series: { count: 0, lastObservedTime: someTime } }), ["FieldValueInvalid series.count"]],
    ["non-nil series with empty lastObservedTime", event(sys, { ...full, series: { count: 2 } }), ["FieldValueRequired series.lastObservedTime"]],
  ];
  for (const [name, ev, want] of rows) {
    it(`${name}: ${want.length ? "refused" : "accepted"} at events.k8s.io/v1`, () => {
      expect(brief(validateCreate(ev, "events.k8s.io")).sort()).toEqual([...want].sort());
    });
  }

  it("the same objects at core/v1 meet legacyValidateEvent alone: type, series and the deprecated fields are not judged", () => {
    expect(validateCreate(event(sys, { ...full, type: "invalid-type", count: 123, series: { count: 0 } }))).toEqual([]);
  });
});

describe("ValidateEventUpdate at events.k8s.io/v1: the series may change, everything else is immutable", () => {
  const old = event(sys, { ...full, series: { count: 1, lastObservedTime: someTime } });
  it("valid new updated event: only the series changed", () => {
    expect(validateUpdate(event(sys, { ...full, series: { count: 2, lastObservedTime: someTime } }), old, undefined, "events.k8s.io")).toEqual([]);
  });
  it("a changed note (message) and reason are immutable; reason is checked twice, as events.go does", () => {
    const changed = event(sys, { ...full, reason: "Other", message: "new", series: old.series });
    expect(brief(validateUpdate(changed, old, undefined, "events.k8s.io"))).toEqual(["FieldValueInvalid reason", "FieldValueInvalid message", "FieldValueInvalid reason"]);
    // core/v1 lets both change
    expect(validateUpdate(changed, old)).toEqual([]);
  });
  it("a changed series is judged again: count at least 2", () => {
    expect(brief(validateUpdate(event(sys, { ...full, series: { count: 0, lastObservedTime: someTime } }), old, undefined, "events.k8s.io"))).toEqual(["FieldValueInvalid series.count"]);
  });
});
