// CRD conversion webhooks end to end: a real HTTPS conversion webhook in this test (certificates made
// with openssl), the real kubectl against a served cluster. What is expected is apiextensions-apiserver
// v1.35's: pkg/apiserver/conversion/webhook_converter.go (one ConversionReview per object or list, no
// call when the versions are equal, "conversion webhook for G/V, Kind=K failed: ..."), the rest client's
// ?timeout=30s, and kubectl's StandardErrorMessage for a Status with no reason ("Error from server: ...").

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, findKubectl, kubectl, raw, serve, startWebhookServer, until, type Served, type WebhookServer } from "./serve-helpers.js";

const bin = findKubectl();



/**
 * The operator's converter: v1's spec.count is v2's spec.replicas. It converts each object to the
 * desired version and answers in the request's order, as the kubebuilder multi-version tutorial's does.
 */
function convert(obj: any, desired: string): any {
  const { count, replicas, ...rest } = obj.spec ?? {};
  const spec = desired.endsWith("/v2") ? { ...rest, replicas: replicas ?? count } : { ...rest, count: count ?? replicas };
  return { ...obj, apiVersion: desired, spec };
}

describe.runIf(bin)("a CRD converted by its webhook, through kubectl", () => {
  let s: Served;
  let hooks: WebhookServer | undefined;
  let port = 0;
  let caBundle = "";
  /** every ConversionReview the webhook got */
  const seen: any[] = [];
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });

  const crd = (url: string) => JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition",
    metadata: { name: "widgets.conv.example.com" },
    spec: {
      group: "conv.example.com", scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
      conversion: { strategy: "Webhook", webhook: { clientConfig: { url, caBundle }, conversionReviewVersions: ["v1"] } },
      versions: [
        { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { count: { type: "integer" }, color: { type: "string" } } } } } } },
        { name: "v2", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { replicas: { type: "integer" }, color: { type: "string" } } } } } } },
      ],
    },
  });
  const widget = (version: string, name: string, spec: object) => JSON.stringify({ apiVersion: `conv.example.com/${version}`, kind: "Widget", metadata: { name, namespace: "default", labels: { app: name } }, spec });

  beforeAll(async () => {
    hooks = await startWebhookServer((review, url, res) => {
      seen.push({ path: url, review });
      const { uid, desiredAPIVersion, objects } = review.request;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({
        apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview",
        response: { uid, result: { status: "Success" }, convertedObjects: objects.map((o: any) => convert(o, desiredAPIVersion)) },
      }));
    });
    ({ port, caBundle } = hooks);
    s = await serve({ nodes: 1, speed: 10 });
    const made = await k(["create", "-f", "-"], crd(`https://127.0.0.1:${port}/convert`));
    expect(made.out).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.conv.example.com created\n");
    await until(async () => (await k(["get", "widgets.v2.conv.example.com"])).code === 0, 20_000);
  }, 90_000);

  afterAll(async () => {
    await s?.stop();
    await hooks?.close();
  });

  it("converts a create at v2 to the storage version v1 before it is stored, and the answer back to v2", async () => {
    seen.length = 0;
    const made = await k(["create", "-f", "-", "-o", "json"], widget("v2", "w1", { replicas: 3, color: "red" }));
    expect(made.err).toBe("");
    const answer = JSON.parse(made.out);
    expect(answer.apiVersion).toBe("conv.example.com/v2");
    expect(answer.spec).toEqual({ replicas: 3, color: "red" });
    // the object to the storage version, then the stored one (with its uid and resourceVersion) back to the request's
    expect(seen.map((x) => [x.review.apiVersion, x.review.kind, x.review.request.desiredAPIVersion, x.review.request.objects.map((o: any) => o.apiVersion)])).toEqual([
      ["apiextensions.k8s.io/v1", "ConversionReview", "conv.example.com/v1", ["conv.example.com/v2"]],
      ["apiextensions.k8s.io/v1", "ConversionReview", "conv.example.com/v2", ["conv.example.com/v1"]],
    ]);
    // the rest client's default timeout is in the URL it posts to
    expect(seen[0].path).toBe("/convert?timeout=30s");
    expect(seen[1].review.request.objects[0].metadata.uid).toBe(answer.metadata.uid);
    expect(seen[0].review.request.uid).not.toBe(seen[1].review.request.uid);
  });

  it("stores the webhook's v1 form: a get at v1 reads it with no call, a get at v2 converts it", async () => {
    seen.length = 0;
    const v1 = JSON.parse((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "json"])).out);
    expect(v1.apiVersion).toBe("conv.example.com/v1");
    expect(v1.spec).toEqual({ count: 3, color: "red" });
    expect(seen).toEqual([]);
    const v2 = JSON.parse((await k(["get", "widgets.v2.conv.example.com", "w1", "-o", "json"])).out);
    expect(v2.apiVersion).toBe("conv.example.com/v2");
    expect(v2.spec).toEqual({ replicas: 3, color: "red" });
    // metadata is the stored object's (restoreObjectMeta), labels the webhook's
    expect(v2.metadata).toMatchObject({ name: "w1", namespace: "default", uid: v1.metadata.uid, resourceVersion: v1.metadata.resourceVersion, labels: { app: "w1" } });
    expect(seen.map((x) => [x.review.request.desiredAPIVersion, x.review.request.objects.map((o: any) => o.spec)])).toEqual([["conv.example.com/v2", [{ count: 3, color: "red" }]]]);
  });

  it("converts a list's items in one ConversionReview", async () => {
    // created at the storage version: nothing to convert, no call
    seen.length = 0;
    const made = await k(["create", "-f", "-"], widget("v1", "w2", { count: 5, color: "blue" }));
    expect(made.out).toBe("widget.conv.example.com/w2 created\n");
    expect(seen).toEqual([]);
    const list = JSON.parse((await k(["get", "widgets.v2.conv.example.com", "-o", "json"])).out);
    expect(list.items.map((o: any) => [o.apiVersion, o.metadata.name, o.spec])).toEqual([
      ["conv.example.com/v2", "w1", { replicas: 3, color: "red" }],
      ["conv.example.com/v2", "w2", { replicas: 5, color: "blue" }],
    ]);
    expect(seen.map((x) => [x.review.request.desiredAPIVersion, x.review.request.objects.map((o: any) => o.metadata.name)])).toEqual([["conv.example.com/v2", ["w1", "w2"]]]);
  });

  it("patches at v2 the stored object the webhook converted to v2, and stores the result at v1", async () => {
    seen.length = 0;
    // one PATCH request, so that every review below is the server's for it (kubectl may read first)
    const sent = await raw(s, "PATCH", "/apis/conv.example.com/v2/namespaces/default/widgets/w1", { token: s.cluster.adminToken, body: JSON.stringify({ spec: { replicas: 4 } }), headers: { "Content-Type": "application/merge-patch+json" } });
    const patched = { code: sent.code, body: JSON.parse(sent.body) };
    expect([patched.code, patched.body.apiVersion, patched.body.spec]).toEqual([200, "conv.example.com/v2", { replicas: 4, color: "red" }]);
    // the stored object to v2 (the patch applies to it), the result to v1 for storage, the stored one back to v2
    expect(seen.map((x) => [x.review.request.desiredAPIVersion, x.review.request.objects.map((o: any) => o.spec)])).toEqual([
      ["conv.example.com/v2", [{ count: 3, color: "red" }]],
      ["conv.example.com/v1", [{ replicas: 4, color: "red" }]],
      ["conv.example.com/v2", [{ count: 4, color: "red" }]],
    ]);
    const v1 = JSON.parse((await k(["get", "widgets.v1.conv.example.com", "w1", "-o", "json"])).out);
    expect(v1.spec).toEqual({ count: 4, color: "red" });
    // a spec change moves the generation
    expect(v1.metadata.generation).toBe(2);
  });

  it("answers a read and a write with the converter's error when the webhook is down", async () => {
    const closed = await closedPort();
    const patched = await k(["patch", "crd", "widgets.conv.example.com", "--type=merge", "-p", JSON.stringify({ spec: { conversion: { webhook: { clientConfig: { url: `https://127.0.0.1:${closed}/convert` } } } } })]);
    expect(patched.out).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.conv.example.com patched\n");
    const post = `Post "https://127.0.0.1:${closed}/convert?timeout=30s": dial tcp 127.0.0.1:${closed}: connect: connection refused`;
    // a get names the stored object's version and kind, a list the list's (the version asked), a write the object's
    const got = await until(async () => {
      const r = await k(["get", "widgets.v2.conv.example.com", "w1", "-o", "json"]);
      return r.code !== 0 ? r : undefined;
    }, 20_000);
    expect(got!.err).toBe(`Error from server: conversion webhook for conv.example.com/v1, Kind=Widget failed: ${post}\n`);
    const listed = await k(["get", "widgets.v2.conv.example.com", "-o", "json"]);
    expect(listed.err).toBe(`Error from server: conversion webhook for conv.example.com/v2, Kind=WidgetList failed: ${post}\n`);
    const made = await k(["create", "-f", "-"], widget("v2", "w3", { replicas: 1 }));
    expect(made.err).toBe(`Error from server: error when creating "STDIN": conversion webhook for conv.example.com/v2, Kind=Widget failed: ${post}\n`);
    // nothing was stored; the storage version is still read with no webhook
    const v1 = await k(["get", "widgets.v1.conv.example.com", "-o", "name"]);
    expect(v1.out).toBe("widget.conv.example.com/w1\nwidget.conv.example.com/w2\n");
  });
});
