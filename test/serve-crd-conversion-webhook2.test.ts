// CRD conversion webhooks, second part, end to end: watches, the scale and status subresources, list
// selectors, dry runs and the webhook's failures, through `podflow serve` with a real HTTPS webhook and
// the real kubectl. Expected behaviour is apiextensions-apiserver v1.35's:
// pkg/apiserver/conversion/webhook_converter.go (one review per object or list, its error texts, the
// metadata a webhook may change), apiserver's endpoints/handlers/watch.go (an event the encoder cannot
// convert ends the stream: HandleError, return), registry/generic/registry/dryrun.go (copyInto encodes
// and decodes a dry run through the storage codec) and pkg/registry/customresource (ScaleREST reads
// and updates the custom resource at its version).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpsRequest } from "node:https";
import { findKubectl, kubectl, raw, serve, startWebhookServer, until, type Served, type WebhookServer } from "./serve-helpers.js";

const bin = findKubectl();

/** v1's spec.count and status.seen are v2's spec.replicas and status.ready. */
function convert(obj: any, desired: string): any {
  const { count, replicas, ...spec } = obj.spec ?? {};
  const toV2 = desired.endsWith("/v2");
  const out: any = { ...obj, apiVersion: desired, spec: toV2 ? { ...spec, replicas: replicas ?? count } : { ...spec, count: count ?? replicas } };
  if (obj.status !== undefined) {
    const { seen, ready, ...status } = obj.status;
    out.status = toV2 ? { ...status, ready: ready ?? seen } : { ...status, seen: seen ?? ready };
  }
  return out;
}

/** How the webhook answers: converting, or one of the faults the API server must refuse. */
type Mode = "ok" | "fail" | "hang" | "uid" | "count" | "name" | "badLabel" | "metadata";

describe.runIf(bin)("a CRD converted by its webhook: watches, subresources, selectors, dry runs, failures", () => {
  let s: Served;
  let hooks: WebhookServer | undefined;
  let mode: Mode = "ok";
  /** answers held back while the webhook hangs */
  const held: Array<() => void> = [];
  const seen: any[] = [];
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });

  function answer(review: any): any {
    const { uid, desiredAPIVersion, objects } = review.request;
    const converted = objects.map((o: any) => convert(o, desiredAPIVersion));
    const response: any = { uid, result: { status: "Success" }, convertedObjects: converted };
    if (mode === "fail") Object.assign(response, { result: { status: "Failure", message: "widgets cannot go there" }, convertedObjects: [] });
    if (mode === "uid") response.uid = "not-the-request-uid";
    if (mode === "count") response.convertedObjects = [...converted, ...converted];
    if (mode === "name") response.convertedObjects = converted.map((o: any) => ({ ...o, metadata: { ...o.metadata, name: "other" } }));
    if (mode === "badLabel") response.convertedObjects = converted.map((o: any) => ({ ...o, metadata: { ...o.metadata, labels: { app: "not ok!" } } }));
    // labels and annotations are the webhook's to change; the rest of metadata is the original's again
    if (mode === "metadata") response.convertedObjects = converted.map((o: any) => ({ ...o, metadata: { ...o.metadata, generation: 99, finalizers: ["example.com/added"], labels: { ...o.metadata.labels, converted: "yes" } } }));
    return { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", response };
  }

  const version = (name: string, storage: boolean, spec: string, status: string, selectable: string) => ({
    name, served: true, storage,
    schema: { openAPIV3Schema: { type: "object", properties: {
      spec: { type: "object", properties: { [spec]: { type: "integer" }, color: { type: "string" } } },
      status: { type: "object", properties: { [status]: { type: "integer" } } },
    } } },
    subresources: { status: {}, scale: { specReplicasPath: `.spec.${spec}`, statusReplicasPath: `.status.${status}` } },
    selectableFields: [{ jsonPath: selectable }],
  });
  const crd = (url: string, caBundle: string) => JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition",
    metadata: { name: "widgets.conv.example.com" },
    spec: {
      group: "conv.example.com", scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
      conversion: { strategy: "Webhook", webhook: { clientConfig: { url, caBundle }, conversionReviewVersions: ["v1"] } },
      versions: [version("v1", true, "count", "seen", ".spec.color"), version("v2", false, "replicas", "ready", ".spec.replicas")],
    },
  });
  const widget = (v: string, name: string, spec: object) => JSON.stringify({ apiVersion: `conv.example.com/${v}`, kind: "Widget", metadata: { name, namespace: "default", labels: { app: name } }, spec });
  const path = (v: string, rest = "") => `/apis/conv.example.com/${v}/namespaces/default/widgets${rest}`;

  /** One HTTPS request to the API server as the admin, its answer's body decoded. */
  async function call(method: string, p: string, body?: unknown, contentType = "application/json"): Promise<{ code: number; body: any }> {
    const r = await raw(s, method, p, { token: s.cluster.adminToken, ...(body !== undefined ? { body: JSON.stringify(body), headers: { "Content-Type": contentType } } : {}) });
    return { code: r.code, body: JSON.parse(r.body) };
  }

  /** A watch: the events as they come, and a promise that settles when the server ends the stream. */
  function watch(p: string): { events: any[]; ended: Promise<void>; stop(): void } {
    const events: any[] = [];
    let stop = () => {};
    const ended = new Promise<void>((resolve, reject) => {
      const req = httpsRequest(`${s.server.url}${p}`, { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}` } }, (r) => {
        let buf = "";
        r.on("data", (d) => {
          buf += d;
          let nl = buf.indexOf("\n");
          while (nl >= 0) {
            events.push(JSON.parse(buf.slice(0, nl)));
            buf = buf.slice(nl + 1);
            nl = buf.indexOf("\n");
          }
        });
        r.on("end", () => resolve());
        r.on("error", () => resolve());
      });
      req.on("error", reject);
      req.end();
      stop = () => req.destroy();
    });
    ended.catch(() => {});
    return { events, ended, stop };
  }

  /** The reviews since `from`, each as [desiredAPIVersion, [object apiVersion, name] ...]. */
  const reviews = (from = 0) => seen.slice(from).map((r) => [r.request.desiredAPIVersion, ...r.request.objects.map((o: any) => `${o.apiVersion} ${o.metadata.name}`)]);

  beforeAll(async () => {
    hooks = await startWebhookServer((review, _url, res) => {
      seen.push(review);
      const send = () => {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify(answer(review)));
      };
      if (mode === "hang") held.push(send);
      else send();
    });
    s = await serve({ nodes: 1, speed: 10 });
    const made = await k(["create", "-f", "-"], crd(`https://127.0.0.1:${hooks.port}/convert`, hooks.caBundle));
    expect(made.out).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.conv.example.com created\n");
    await until(async () => (await k(["get", "widgets.v2.conv.example.com"])).code === 0, 20_000);
    // stored at v1: no conversion
    expect((await k(["create", "-f", "-"], widget("v1", "w1", { count: 3, color: "red" }))).out).toBe("widget.conv.example.com/w1 created\n");
  }, 90_000);

  afterAll(async () => {
    mode = "ok";
    for (const f of held.splice(0)) f();
    await s?.stop();
    await hooks?.close();
  });

  it("converts a watch's initial state and each later event through the webhook, one object a review, in order", async () => {
    const w = watch(path("v2", "?watch=true"));
    await until(async () => w.events.length >= 1, 20_000);
    const from = seen.length;
    expect((await k(["create", "-f", "-"], widget("v1", "w2", { count: 5, color: "blue" }))).out).toBe("widget.conv.example.com/w2 created\n");
    expect((await k(["patch", "widgets.v1.conv.example.com", "w2", "--type=merge", "-p", '{"spec":{"count":6}}'])).code).toBe(0);
    expect((await k(["delete", "widgets.v1.conv.example.com", "w2"])).code).toBe(0);
    await until(async () => w.events.length >= 4, 20_000);
    w.stop();
    expect(w.events.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name, e.object.spec])).toEqual([
      ["ADDED", "conv.example.com/v2", "w1", { replicas: 3, color: "red" }],
      ["ADDED", "conv.example.com/v2", "w2", { replicas: 5, color: "blue" }],
      ["MODIFIED", "conv.example.com/v2", "w2", { replicas: 6, color: "blue" }],
      ["DELETED", "conv.example.com/v2", "w2", { replicas: 6, color: "blue" }],
    ]);
    // each event's object alone, from the stored version
    expect(reviews(from)).toEqual([
      ["conv.example.com/v2", "conv.example.com/v1 w2"],
      ["conv.example.com/v2", "conv.example.com/v1 w2"],
      ["conv.example.com/v2", "conv.example.com/v1 w2"],
    ]);
  });

  it("sends initial events converted and a bookmark at the watch's version that no webhook sees (sendInitialEvents)", async () => {
    const from = seen.length;
    const w = watch(path("v2", "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan"));
    await until(async () => w.events.some((e) => e.type === "BOOKMARK"), 20_000);
    w.stop();
    const [added, bookmark] = w.events;
    expect([added.type, added.object.apiVersion, added.object.spec]).toEqual(["ADDED", "conv.example.com/v2", { replicas: 3, color: "red" }]);
    expect(bookmark.type).toBe("BOOKMARK");
    expect(bookmark.object).toMatchObject({ kind: "Widget", apiVersion: "conv.example.com/v2", metadata: { annotations: { "k8s.io/initial-events-end": "true" } } });
    // the webhook saw widgets only (a bookmark is created at the watch's version: nothing to convert)
    expect(seen.slice(from).flatMap((r) => r.request.objects.map((o: any) => o.metadata.name))).toEqual(["w1"]);
  });

  it("does not hold the API server while a watch event's conversion is out", async () => {
    const w = watch(path("v2", "?watch=true&resourceVersion=0"));
    await until(async () => w.events.length >= 1, 20_000);
    mode = "hang";
    expect((await k(["create", "-f", "-"], widget("v1", "w3", { count: 1 }))).out).toBe("widget.conv.example.com/w3 created\n");
    await until(async () => held.length > 0, 20_000);
    // the event waits for the webhook; reads and writes at the storage version are served meanwhile
    const got = await k(["get", "widgets.v1.conv.example.com", "w3", "-o", "jsonpath={.spec.count}"]);
    expect(got.out).toBe("1");
    expect((await k(["label", "widgets.v1.conv.example.com", "w3", "tier=a"])).out).toBe("widget.conv.example.com/w3 labeled\n");
    expect(w.events.length).toBe(1);
    mode = "ok";
    for (const f of held.splice(0)) f();
    await until(async () => w.events.length >= 3, 20_000);
    w.stop();
    expect(w.events.slice(1).map((e) => [e.type, e.object.metadata.name, e.object.spec, e.object.metadata.labels])).toEqual([
      ["ADDED", "w3", { replicas: 1 }, { app: "w3" }],
      ["MODIFIED", "w3", { replicas: 1 }, { app: "w3", tier: "a" }],
    ]);
    expect((await k(["delete", "widgets.v1.conv.example.com", "w3"])).code).toBe(0);
  });

  it("ends a watch with no event when an event's conversion fails; a watch at the storage version goes on", async () => {
    const v2 = watch(path("v2", "?watch=true&resourceVersion=0"));
    const v1 = watch(path("v1", "?watch=true&resourceVersion=0"));
    await until(async () => v2.events.length >= 1 && v1.events.length >= 1, 20_000);
    mode = "fail";
    expect((await k(["create", "-f", "-"], widget("v1", "w4", { count: 2 }))).out).toBe("widget.conv.example.com/w4 created\n");
    await v2.ended;
    await until(async () => v1.events.length >= 2, 20_000);
    mode = "ok";
    v1.stop();
    expect(v2.events.map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "w1"]]);
    expect(v1.events.map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "w1"], ["ADDED", "w4"]]);
    expect((await k(["delete", "widgets.v1.conv.example.com", "w4"])).code).toBe(0);
  });

  it("reads the scale subresource at v2 from the object the webhook converted, by v2's replicas paths", async () => {
    const from = seen.length;
    const got = await call("GET", path("v2", "/w1/scale"));
    expect([got.code, got.body.kind, got.body.apiVersion, got.body.spec]).toEqual([200, "Scale", "autoscaling/v1", { replicas: 3 }]);
    expect(reviews(from)).toEqual([["conv.example.com/v2", "conv.example.com/v1 w1"]]);
  });

  it("updates the scale subresource at v2: the stored object to v2, the scaled one to v1 for storage, the stored one back to v2", async () => {
    const from = seen.length;
    const put = await call("PUT", path("v2", "/w1/scale"), { kind: "Scale", apiVersion: "autoscaling/v1", metadata: { name: "w1", namespace: "default" }, spec: { replicas: 7 } });
    expect([put.code, put.body.kind, put.body.spec]).toEqual([200, "Scale", { replicas: 7 }]);
    expect(reviews(from)).toEqual([
      ["conv.example.com/v2", "conv.example.com/v1 w1"],
      ["conv.example.com/v1", "conv.example.com/v2 w1"],
      ["conv.example.com/v2", "conv.example.com/v1 w1"],
    ]);
    // v2's spec.replicas went to the webhook, and v1's spec.count is stored
    expect(seen[from + 1].request.objects[0].spec).toEqual({ replicas: 7, color: "red" });
    expect((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "jsonpath={.spec.count}"])).out).toBe("7");
    // a merge patch of the scale too
    const patched = await call("PATCH", path("v2", "/w1/scale"), { spec: { replicas: 4 } }, "application/merge-patch+json");
    expect([patched.code, patched.body.spec]).toEqual([200, { replicas: 4 }]);
    expect((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "jsonpath={.spec.count}"])).out).toBe("4");
  });

  it("updates the status subresource at v2 through the webhook, keeping the stored spec", async () => {
    const cur = (await call("GET", path("v2", "/w1"))).body;
    const from = seen.length;
    const put = await call("PUT", path("v2", "/w1/status"), { ...cur, spec: { replicas: 100 }, status: { ready: 2 } });
    expect([put.code, put.body.apiVersion, put.body.spec, put.body.status]).toEqual([200, "conv.example.com/v2", { replicas: 4, color: "red" }, { ready: 2 }]);
    expect(reviews(from)).toEqual([
      ["conv.example.com/v2", "conv.example.com/v1 w1"],
      ["conv.example.com/v1", "conv.example.com/v2 w1"],
      ["conv.example.com/v2", "conv.example.com/v1 w1"],
    ]);
    const v1 = JSON.parse((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "json"])).out);
    expect([v1.spec, v1.status]).toEqual([{ count: 4, color: "red" }, { seen: 2 }]);
  });

  it("sends a dry run through the webhook to the storage version and back, and stores nothing", async () => {
    const from = seen.length;
    const made = await k(["create", "--dry-run=server", "-f", "-", "-o", "json"], widget("v2", "dry", { replicas: 9 }));
    expect(made.err).toBe("");
    const answer = JSON.parse(made.out);
    expect([answer.apiVersion, answer.spec, answer.metadata.resourceVersion]).toEqual(["conv.example.com/v2", { replicas: 9 }, undefined]);
    expect(reviews(from)).toEqual([["conv.example.com/v1", "conv.example.com/v2 dry"], ["conv.example.com/v2", "conv.example.com/v1 dry"]]);
    expect((await k(["get", "widgets.v1.conv.example.com", "dry"])).err).toBe('Error from server (NotFound): widgets.conv.example.com "dry" not found\n');
    // an update: the stored object to v2 first, then the round trip
    const from2 = seen.length;
    const patched = await call("PATCH", `${path("v2", "/w1")}?dryRun=All`, { spec: { replicas: 11 } }, "application/merge-patch+json");
    expect([patched.code, patched.body.spec]).toEqual([200, { replicas: 11, color: "red" }]);
    expect(reviews(from2).map((r) => r[0])).toEqual(["conv.example.com/v2", "conv.example.com/v1", "conv.example.com/v2"]);
    expect((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "jsonpath={.spec.count}"])).out).toBe("4");
  });

  it("matches a list's label and field selectors against the objects converted to the version asked", async () => {
    expect((await k(["create", "-f", "-"], widget("v1", "w5", { count: 8, color: "blue" }))).out).toBe("widget.conv.example.com/w5 created\n");
    // spec.replicas is v2's selectable field: the stored v1 objects have no such field, their v2 forms do
    const from = seen.length;
    const byField = await k(["get", "widgets.v2.conv.example.com", "--field-selector", "spec.replicas=8", "-o", "jsonpath={.items[*].metadata.name}"]);
    expect([byField.out, byField.err]).toEqual(["w5", ""]);
    expect(reviews(from)).toEqual([["conv.example.com/v2", "conv.example.com/v1 w1", "conv.example.com/v1 w5"]]);
    const byLabel = await k(["get", "widgets.v2.conv.example.com", "-l", "app=w1", "-o", "json"]);
    expect(JSON.parse(byLabel.out).items.map((o: any) => [o.metadata.name, o.spec.replicas])).toEqual([["w1", 4]]);
    // a label the webhook sets is the converted object's: a selector on it finds them at v2, not at v1
    mode = "metadata";
    const converted = await k(["get", "widgets.v2.conv.example.com", "-l", "converted=yes", "-o", "jsonpath={.items[*].metadata.name}"]);
    const stored = await k(["get", "widgets.v1.conv.example.com", "-l", "converted=yes", "-o", "jsonpath={.items[*].metadata.name}"]);
    mode = "ok";
    expect([converted.out, stored.out]).toEqual(["w1 w5", ""]);
    expect((await k(["delete", "widgets.v1.conv.example.com", "w5"])).code).toBe(0);
  });

  describe("the webhook's failures, each the request's 500 with the converter's text", () => {
    const gvk = "conv.example.com/v1, Kind=Widget";
    const as = async <T>(m: Mode, f: () => Promise<T>): Promise<T> => {
      mode = m;
      try {
        return await f();
      } finally {
        mode = "ok";
      }
    };

    it("a get whose answer has another uid", async () => {
      const from = seen.length;
      const got = await as("uid", () => k(["get", "widgets.v2.conv.example.com", "w1"]));
      const uid = seen[from].request.uid;
      expect(got.err).toBe(`Error from server: conversion webhook for ${gvk} failed: expected response.uid="${uid}", got "not-the-request-uid"\n`);
    });

    it("a list answered with more objects than it sent", async () => {
      const got = await as("count", () => k(["get", "widgets.v2.conv.example.com"]));
      expect(got.err).toBe("Error from server: conversion webhook for conv.example.com/v2, Kind=WidgetList returned 2 objects, expected 1\n");
    });

    it("a create whose converted object has another name", async () => {
      const got = await as("name", () => k(["create", "-f", "-"], widget("v2", "w6", { replicas: 1 })));
      expect(got.err).toBe('Error from server: error when creating "STDIN": conversion webhook for conv.example.com/v2, Kind=Widget returned invalid object: must have the same name: w6 != other\n');
      expect((await k(["get", "widgets.v1.conv.example.com", "w6"])).err).toBe('Error from server (NotFound): widgets.conv.example.com "w6" not found\n');
    });

    it("a patch whose converted object has an invalid label", async () => {
      const got = await as("badLabel", () => k(["patch", "widgets.v2.conv.example.com", "w1", "--type=merge", "-p", '{"spec":{"replicas":5}}']));
      // metav1validation.ValidateLabels at metadata.labels; IsValidLabelValue's RegexError
      expect(got.err).toBe(`Error from server: conversion webhook for ${gvk} returned invalid metadata: metadata.labels: Invalid value: "not ok!": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n`);
      expect((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "jsonpath={.spec.count}"])).out).toBe("4");
    });

    it("a delete at v2 when the webhook answers Failure: its message", async () => {
      const got = await as("fail", () => k(["delete", "widgets.v2.conv.example.com", "w1"]));
      expect(got.err).toBe(`Error from server: conversion webhook for ${gvk} failed: widgets cannot go there\n`);
      expect((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "name"])).out).toBe("widget.conv.example.com/w1\n");
    });

    it("keeps the original's metadata but for labels and annotations, whatever else the webhook changed", async () => {
      const stored = JSON.parse((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "json"])).out);
      const got = JSON.parse((await as("metadata", () => k(["get", "widgets.v2.conv.example.com", "w1", "-o", "json"]))).out);
      expect(got.metadata.generation).toBe(stored.metadata.generation);
      expect(got.metadata.finalizers).toBeUndefined();
      expect(got.metadata.labels).toEqual({ ...stored.metadata.labels, converted: "yes" });
    });

    it("a get when the webhook does not answer within the rest client's 30s", async () => {
      mode = "hang";
      const got = await k(["get", "widgets.v2.conv.example.com", "w1"]);
      mode = "ok";
      for (const f of held.splice(0)) f();
      expect(got.err).toBe(`Error from server: conversion webhook for ${gvk} failed: Post "https://127.0.0.1:${hooks!.port}/convert?timeout=30s": context deadline exceeded\n`);
    }, 60_000);
  });
});
