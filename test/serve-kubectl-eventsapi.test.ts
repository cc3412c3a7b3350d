// events.k8s.io/v1 Events through the real kubectl and HTTP against `podflow serve`. kube-apiserver
// serves the core Event in a second group with one storage (AddCohabitatingResources: the same key
// /registry/events/<ns>/<name>), converting field for field (pkg/apis/events/v1/conversion.go:
// regarding = involvedObject, note = message, reportingController = reportingComponent,
// deprecatedSource/FirstTimestamp/LastTimestamp/Count = source/firstTimestamp/lastTimestamp/count),
// judging writes there by the strict rules (ValidateEventCreate / ValidateEventUpdate with the request's
// group version) and mapping its field labels (AddFieldLabelConversionsForEvent). The conformance test
// "should ensure that an event can be fetched, patched, deleted, and listed" and "should delete a
// collection of events" (test/e2e/instrumentation/events.go) are ported step by step.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { request } from "node:https";
import { decodeBody } from "../runtime/server/decode.js";
import { findKubectl, kubectl, raw, type Served, serve } from "./serve-helpers.js";

const PB = "application/vnd.kubernetes.protobuf";

const bin = findKubectl();
const rw = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const eventsV1 = (ns: string) => `/apis/events.k8s.io/v1/namespaces/${ns}/events`;

// newTestEvent: eventTime time.Unix(1505828956, 0), a note, action Do, reason Test, type Normal
const newTestEvent = (ns: string, name: string, label: string) => ({
  apiVersion: "events.k8s.io/v1", kind: "Event",
  metadata: { name, labels: { [label]: "true" } },
  regarding: { namespace: ns },
  eventTime: "2017-09-19T13:49:16.000000Z",
  note: `This is ${name}`, action: "Do", reason: "Test", type: "Normal",
  reportingController: "test-controller", reportingInstance: "test-node",
});

describe.skipIf(!bin)("events.k8s.io/v1 Events with the real kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const admin = () => ({ token: s.cluster.adminToken });
  const call = async (method: string, path: string, body?: unknown, contentType = "application/json") => {
    const r = await raw(s, method, path, { ...admin(), ...(body !== undefined ? { body: JSON.stringify(body), headers: { "Content-Type": contentType } } : {}) });
    return { code: r.code, obj: r.body ? JSON.parse(r.body) : undefined, headers: r.headers };
  };
  const names = (list: any, ns: string) => list.items.filter((e: any) => e.metadata.namespace === ns).map((e: any) => e.metadata.name);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    await k(["create", "namespace", "events-test"]);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("is in discovery as events in events.k8s.io/v1 (short name ev), beside core's events", async () => {
    expect((await k(["api-versions"])).out.split("\n")).toContain("events.k8s.io/v1");
    const list = (await call("GET", "/apis/events.k8s.io/v1")).obj;
    expect(list).toEqual({
      kind: "APIResourceList", apiVersion: "v1", groupVersion: "events.k8s.io/v1",
      resources: [{ name: "events", singularName: "event", namespaced: true, kind: "Event", verbs: rw, shortNames: ["ev"] }],
    });
    const out = (await k(["api-resources"])).out;
    expect(out).toMatch(/^events\s+ev\s+v1\s+true\s+Event$/m);
    expect(out).toMatch(/^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event$/m);
  });

  it("the conformance lifecycle: created, listed in all and in its namespace, selected by source and by reportingController", async () => {
    const created = await call("POST", eventsV1("events-test"), newTestEvent("events-test", "event-test", "testevent-constant"));
    expect(created.code).toBe(201);
    expect(created.obj).toMatchObject({ apiVersion: "events.k8s.io/v1", kind: "Event", note: "This is event-test", regarding: { namespace: "events-test" }, reportingController: "test-controller" });
    expect(created.obj).not.toHaveProperty("message");
    const all = (await call("GET", "/apis/events.k8s.io/v1/events?labelSelector=testevent-constant%3Dtrue")).obj;
    expect(all).toMatchObject({ kind: "EventList", apiVersion: "events.k8s.io/v1" });
    expect(names(all, "events-test")).toEqual(["event-test"]);
    expect(names((await call("GET", `${eventsV1("events-test")}?labelSelector=testevent-constant%3Dtrue`)).obj, "events-test")).toEqual(["event-test"]);
    // core/v1 selects it by source, which falls back to the reporting controller (ToSelectableFields)
    const bySource = (await call("GET", "/api/v1/namespaces/events-test/events?fieldSelector=source%3Dtest-controller")).obj;
    expect(bySource.items.map((e: any) => e.metadata.name)).toEqual(["event-test"]);
    const byController = (await call("GET", `${eventsV1("events-test")}?fieldSelector=reportingController%3Dtest-controller`)).obj;
    expect(byController.items.map((e: any) => e.metadata.name)).toEqual(["event-test"]);
  });

  it("is one object under both groups: core/v1 reads it as message, involvedObject and reportingComponent", async () => {
    const core = (await call("GET", "/api/v1/namespaces/events-test/events/event-test")).obj;
    expect(core).toMatchObject({ apiVersion: "v1", kind: "Event", message: "This is event-test", involvedObject: { namespace: "events-test" }, reportingComponent: "test-controller", reportingInstance: "test-node", action: "Do" });
    expect(core).not.toHaveProperty("note");
    expect((await k(["get", "events.events.k8s.io", "event-test", "-n", "events-test", "-o", "jsonpath={.apiVersion} {.note} {.regarding.namespace}"])).out).toBe("events.k8s.io/v1 This is event-test events-test");
  });

  it("is patched with a series (a two-way merge patch), updated with another, then deleted", async () => {
    const before = (await call("GET", `${eventsV1("events-test")}/event-test`)).obj;
    const series = { count: 2, lastObservedTime: "2017-09-19T13:49:11.000000Z" };
    const patched = await call("PATCH", `${eventsV1("events-test")}/event-test`, { series }, "application/strategic-merge-patch+json");
    expect(patched.code).toBe(200);
    const got = (await call("GET", `${eventsV1("events-test")}/event-test`)).obj;
    const strip = (e: any) => ({ ...e, metadata: { ...e.metadata, resourceVersion: "", managedFields: undefined } });
    expect(strip(got)).toEqual(strip({ ...before, series }));
    const updated = { ...got, series: { count: 100, lastObservedTime: "2017-09-19T13:49:16.000000Z" } };
    expect((await call("PUT", `${eventsV1("events-test")}/event-test`, updated)).code).toBe(200);
    const after = (await call("GET", `${eventsV1("events-test")}/event-test`)).obj;
    expect(strip(after)).toEqual(strip(updated));
    expect((await call("DELETE", `${eventsV1("events-test")}/event-test`)).code).toBe(200);
    expect(names((await call("GET", "/apis/events.k8s.io/v1/events?labelSelector=testevent-constant%3Dtrue")).obj, "events-test")).toEqual([]);
    const gone = await call("GET", `${eventsV1("events-test")}/event-test`);
    expect(gone.code).toBe(404);
    // the registry names the request's group-resource (qualifiedResourceFromContext)
    expect(gone.obj).toMatchObject({ reason: "NotFound", message: 'events.events.k8s.io "event-test" not found', details: { name: "event-test", group: "events.k8s.io", kind: "events" } });
  });

  it("deletes a collection by label selector", async () => {
    for (const n of ["test-event-1", "test-event-2", "test-event-3"]) expect((await call("POST", eventsV1("events-test"), newTestEvent("events-test", n, "testevent-set"))).code).toBe(201);
    expect((await call("GET", `${eventsV1("events-test")}?labelSelector=testevent-set%3Dtrue`)).obj.items).toHaveLength(3);
    expect((await call("DELETE", `${eventsV1("events-test")}?labelSelector=testevent-set%3Dtrue`)).code).toBe(200);
    expect((await call("GET", `${eventsV1("events-test")}?labelSelector=testevent-set%3Dtrue`)).obj.items).toHaveLength(0);
  });

  it("refuses a create by the strict rules of events.k8s.io/v1, which core/v1 does not apply", async () => {
    const bad = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "bad" }, regarding: { namespace: "events-test" }, type: "Sometimes", deprecatedCount: 3 };
    const r = await call("POST", eventsV1("events-test"), bad);
    expect(r.code).toBe(422);
    // legacyValidateEvent (no eventTime: the namespaces agree), then the strict checks in events.go's order
    expect(r.obj.message).toBe('Event "bad" is invalid: [eventTime: Required value, type: Invalid value: "": has invalid value: Sometimes, count: Invalid value: "": needs to be unset]');
    expect(r.obj.details).toEqual({ name: "bad", kind: "Event", causes: [
      { reason: "FieldValueRequired", message: "Required value", field: "eventTime" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": has invalid value: Sometimes', field: "type" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": needs to be unset', field: "count" },
    ] });
    // the same object at core/v1 passes: legacyValidateEvent alone
    const core = { apiVersion: "v1", kind: "Event", metadata: { name: "bad" }, involvedObject: { namespace: "events-test" }, type: "Sometimes", count: 3 };
    expect((await call("POST", "/api/v1/namespaces/events-test/events", core)).code).toBe(201);
    // and at events.k8s.io/v1 its note is immutable (ValidateEventUpdate), which core/v1 lets change
    const note = await call("PATCH", `${eventsV1("events-test")}/bad`, { note: "changed" }, "application/merge-patch+json");
    expect(note.code).toBe(422);
    expect(note.obj.message).toContain('message: Invalid value: "changed": field is immutable');
    expect((await call("PATCH", "/api/v1/namespaces/events-test/events/bad", { message: "changed" }, "application/merge-patch+json")).code).toBe(200);
  });

  it("takes events.k8s.io's field labels and refuses core's there", async () => {
    const ok = await call("GET", `${eventsV1("events-test")}?fieldSelector=regarding.namespace%3Devents-test`);
    expect(ok.code).toBe(200);
    expect(ok.obj.items.map((e: any) => e.metadata.name)).toEqual(["bad"]);
    const refused = await call("GET", `${eventsV1("events-test")}?fieldSelector=involvedObject.namespace%3Devents-test`);
    expect(refused.code).toBe(400);
    expect(refused.obj.message).toBe("field label not supported: involvedObject.namespace");
    // a watch takes the same labels and sees the objects at events.k8s.io/v1
    const w = await raw(s, "GET", `${eventsV1("events-test")}?watch=true&timeoutSeconds=1&fieldSelector=regarding.namespace%3Devents-test`, admin());
    const first = JSON.parse(w.body.split("\n")[0]!);
    expect(first).toMatchObject({ type: "ADDED", object: { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "bad" }, note: "changed", regarding: { namespace: "events-test" } } });
  });

  it("is listed by kubectl get events.events.k8s.io with the Event columns", async () => {
    const r = await k(["get", "events.events.k8s.io", "-n", "events-test"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(r.out).toContain("changed");
  });

  it("kubectl events lists them (core/v1) and kubectl explain reads events.k8s.io/v1's schema", async () => {
    const ev = await k(["events", "-n", "events-test"]);
    expect(ev.code).toBe(0);
    expect(ev.out.split("\n")[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    const ex = await k(["explain", "events.note", "--api-version=events.k8s.io/v1"]);
    expect(ex.err).toBe("");
    expect(ex.out).toContain("GROUP:      events.k8s.io");
    expect(ex.out).toContain("note is a human-readable description of the status of this operation.");
    // core/v1's Event has no note
    expect((await k(["explain", "events.note", "--api-version=v1"])).code).not.toBe(0);
  });

  it("takes and answers protobuf with events.k8s.io/v1's field numbers (generated.proto)", async () => {
    // Event {metadata = 1 {name = 1}, eventTime = 2 {seconds = 1}, reportingController = 4, reportingInstance = 5,
    // action = 6, reason = 7, regarding = 8 {namespace = 2}, note = 10, type = 11}
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("pb-event").join();
    w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int64(1505828956n).join();
    for (const [no, v] of [[4, "test-controller"], [5, "test-node"], [6, "Do"], [7, "Test"]] as const) w.tag(no, WireType.LengthDelimited).string(v);
    w.tag(8, WireType.LengthDelimited).fork().tag(2, WireType.LengthDelimited).string("events-test").join();
    w.tag(10, WireType.LengthDelimited).string("from protobuf").tag(11, WireType.LengthDelimited).string("Normal");
    const env = new BinaryWriter();
    env.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("events.k8s.io/v1").tag(2, WireType.LengthDelimited).string("Event").join();
    env.tag(2, WireType.LengthDelimited).bytes(w.finish());
    const body = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), env.finish()]);
    const created = await raw(s, "POST", eventsV1("events-test"), { ...admin(), body, headers: { "Content-Type": PB } });
    expect(created.code).toBe(201);
    const core = (await call("GET", "/api/v1/namespaces/events-test/events/pb-event")).obj;
    expect(core).toMatchObject({ message: "from protobuf", reportingComponent: "test-controller", eventTime: "2017-09-19T13:49:16.000000Z", involvedObject: { namespace: "events-test" } });
    const got = await new Promise<Buffer>((resolve, reject) => {
      const req = request(new URL(`${eventsV1("events-test")}/pb-event`, s.server.url), { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}`, Accept: PB } }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c) => parts.push(c));
        res.on("end", () => (res.headers["content-type"] === PB ? resolve(Buffer.concat(parts)) : reject(new Error(`answered ${res.headers["content-type"]}`))));
      });
      req.on("error", reject);
      req.end();
    });
    expect(decodeBody(got, PB, "Event")).toMatchObject({ body: { apiVersion: "events.k8s.io/v1", kind: "Event", note: "from protobuf", reportingController: "test-controller", regarding: { namespace: "events-test" } } });
  });
});
