// pkg/apis/core/validation/events_test.go: TestValidateEventForCoreV1Events, and the rows of
// TestValidateEventForNewV1beta1Events (for core/v1 and events.k8s.io/v1beta1 requests Kubernetes runs
// legacyValidateEvent alone, so they hold for core/v1 Events with an eventTime). Each row is checked on
// create and on update from an empty Event, as the Go test does; the causes are read from events.go.
// The registry's common ObjectMeta checks (path-segment names) are shown end to end below.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../../runtime/cluster.js";
import { validateCreate, validateUpdate } from "./index.js";
import { brief } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const event = (name: string, namespace: string, involvedObject: any, extra: any = {}) => ({ apiVersion: "v1", kind: "Event", metadata: { name, namespace }, involvedObject, ...extra });
const INV = "FieldValueInvalid involvedObject.namespace";

describe("TestValidateEventForCoreV1Events", () => {
  const rows: [any, string[]][] = [
    [event("test1", "foo", { namespace: "bar", kind: "Pod" }), [INV]],
    [event("test2", "aoeu-_-aoeu", { namespace: "aoeu-_-aoeu", kind: "Pod" }), ["FieldValueInvalid namespace"]],
    [event("test3", "default", { apiVersion: "v1", kind: "Node" }), []],
    [event("test4", "default", { apiVersion: "v1", kind: "Namespace" }), []],
    [event("test5", "default", { apiVersion: "apps/v1", kind: "NoKind", namespace: "default" }), []],
    [event("test6", "default", { apiVersion: "batch/v1", kind: "Job", namespace: "foo" }), [INV]],
    [event("test7", "default", { apiVersion: "batch/v1", kind: "Job", namespace: "default" }), []],
    [event("test8", "default", { apiVersion: "other/v1beta1", kind: "Job", namespace: "foo" }), [INV]],
    [event("test9", "foo", { apiVersion: "other/v1beta1", kind: "Job", namespace: "foo" }), []],
    [event("test10", "default", { apiVersion: "batch", kind: "Job", namespace: "foo" }), [INV]],
    [event("test11", "foo", { apiVersion: "batch/v1", kind: "Job", namespace: "foo" }), []],
    [event("test12", "foo", { apiVersion: "other/v1beta1", kind: "FooBar", namespace: "bar" }), [INV]],
    [event("test13", "", { apiVersion: "other/v1beta1", kind: "FooBar", namespace: "bar" }), [INV, "FieldValueInvalid namespace"]],
    [event("test14", "foo", { apiVersion: "other/v1beta1", kind: "FooBar", namespace: "" }), [INV]],
  ];
  for (const [ev, want] of rows) {
    it(`${ev.metadata.name}: ${want.length ? "refused" : "accepted"} on create and on update`, () => {
      expect(brief(validateCreate(ev))).toEqual(want);
      expect(brief(validateUpdate(ev, { apiVersion: "v1", kind: "Event", metadata: {} }))).toEqual(want);
    });
  }
});

describe("TestValidateEventForNewV1beta1Events (an eventTime makes the new rules apply)", () => {
  const eventTime = "2017-09-19T13:49:16.000000Z";
  const node = { apiVersion: "v1", kind: "Node" };
  const full = { eventTime, reportingComponent: "k8s.io/my-controller", reportingInstance: "node-xyz", action: "Do", reason: "Because" };
  const without = (k: string) => Object.fromEntries(Object.entries(full).filter(([key]) => key !== k));
  const longMessage = [...Array.from({ length: 10 }, () => "z".repeat(97)), "z".repeat(75)].join("\n");
  const rows: [string, any, string[]][] = [
    ["Old Event with EventTime should trigger new validation and fail", event("test", "default", node, { eventTime }),
      ["FieldValueRequired reportingController", "FieldValueInvalid reportingController", "FieldValueInvalid reportingController", "FieldValueRequired reportingInstance", "FieldValueRequired action", "FieldValueRequired reason"]],
    ["Valid new Event", event("test", "kube-system", node, full), []],
    ["not qualified reportingController", event("test", "kube-system", node, { ...full, reportingComponent: "my-contr@ller" }), ["FieldValueInvalid reportingController"]],
    ["too long reporting instance", event("test", "kube-system", node, { ...full, reportingInstance: `node-xy${"z".repeat(140)}` }), ["FieldValueInvalid reportingInstance"]],
    ["missing reason", event("test", "kube-system", node, without("reason")), ["FieldValueRequired reason"]],
    ["missing action", event("test", "kube-system", node, without("action")), ["FieldValueRequired action"]],
    ["missing namespace", event("test", "", node, without("action")), [INV, "FieldValueRequired action", "FieldValueInvalid namespace"]],
    ["too long message", event("test", "", node, { ...full, message: longMessage }), [INV, "FieldValueInvalid message", "FieldValueInvalid namespace"]],
  ];
  for (const [name, ev, want] of rows) {
    it(`${name}: ${want.length ? "refused" : "accepted"}`, () => {
      expect(brief(validateCreate(ev))).toEqual(want);
      expect(brief(validateUpdate(ev, { apiVersion: "v1", kind: "Event", metadata: {} }))).toEqual(want);
    });
  }
});

describe("the registry's common ObjectMeta checks, after an Event's own (rest.BeforeCreate)", () => {
  function setUp() {
    const cluster = createCluster({ seed: 1, clock: "simulated", only: ["etcd", "apiserver"] });
    cluster.runtime.settle();
    const got: any[] = [];
    cluster.runtime.external("client", (msg) => got.push(msg));
    const send = (req: object) => {
      cluster.runtime.send("client", "apiserver", { type: "ApiRequest", id: got.length + 1, token: cluster.adminToken, ...req } as any);
      cluster.runtime.settle();
      return got[got.length - 1];
    };
    return { cluster, send };
  }
  const involved = { kind: "Pod", name: "web", namespace: "default" };
  it("a core/v1 Event may have a name that is no DNS subdomain: only a path-segment name is required", () => {
    const { cluster, send } = setUp();
    expect(send({ verb: "create", group: "", resource: "events", namespace: "default", body: event("Web_Pod.Started", "default", involved) })).toMatchObject({ ok: true, code: 201 });
    expect(cluster.get("Event", "Web_Pod.Started")).toBeDefined();
  });
  it("a name with '%' is refused by the common check, and not stored", () => {
    const { cluster, send } = setUp();
    const r = send({ verb: "create", group: "", resource: "events", namespace: "default", body: event("web%1", "default", involved) });
    expect(r).toMatchObject({ ok: false, code: 422 });
    expect(r.status.details.causes).toEqual([{ reason: "FieldValueInvalid", message: "Invalid value: \"web%1\": may not contain '%'", field: "metadata.name" }]);
    expect(cluster.get("Event", "web%1")).toBeUndefined();
  });
  it("an Event's own rule is reported first, and alone (the common check runs only when it passed)", () => {
    const { send } = setUp();
    const r = send({ verb: "create", group: "", resource: "events", namespace: "default", body: event("web%1", "default", { ...involved, namespace: "other" }) });
    expect(r.status.details.causes.map((c: any) => c.field)).toEqual(["involvedObject.namespace"]);
  });
  // validateCommonFields reports it twice (create-style and update checks), ValidateConfigMapUpdate twice
  // (ValidateObjectMetaUpdate, then ValidateConfigMap's ValidateObjectMeta).
  it("on update the common checks come first: an invalid label is reported by them and by ValidateConfigMapUpdate, twice each", () => {
    const { send } = setUp();
    const created = send({ verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } } });
    const r = send({ verb: "update", group: "", resource: "configmaps", namespace: "default", name: "c", body: { ...created.object, metadata: { ...created.object.metadata, labels: { "a b": "x" } } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    expect(r.status.details.causes.map((c: any) => `${c.reason} ${c.field}`)).toEqual(Array(4).fill("FieldValueInvalid metadata.labels"));
    // errs.ToAggregate() in NewInvalid prints each distinct message once.
    expect(r.status.message.match(/metadata\.labels/g)).toHaveLength(1);
  });
});
