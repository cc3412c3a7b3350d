// A custom resource is a map[string]interface{} in kube-apiserver and encoding/json writes a map's
// keys sorted, so every key of its answers is in byte order (metadata and managedFields entries too,
// unlike a built-in kind's struct order), and its list's metadata carries "continue":"" even when
// there is no next page (UnstructuredList.SetContinue). Real answers, e.g.
// {"apiVersion":"mygroup.example.com/v1alpha1","items":[],"kind":"MyResourceList","metadata":{"continue":"","resourceVersion":"186523407"}}.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, until, type Served } from "./serve-helpers.js";

const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
    scope: "Namespaced",
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
  },
};

/** The keys of every object in a JSON text, in the order the text writes them. */
function keyOrders(text: string): string[][] {
  const orders: string[][] = [];
  JSON.parse(text, function (this: unknown, _k, v) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) orders.push(Object.keys(v));
    return v;
  });
  return orders;
}

describe("custom resources are encoded as unstructured maps", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    const token = s.cluster.adminToken;
    expect((await raw(s, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { token, body: JSON.stringify(crd), headers: { "Content-Type": "application/json" } })).code).toBe(201);
    await until(async () => (await raw(s, "GET", "/apis/example.com/v1/namespaces/default/widgets", { token })).code === 200 || undefined, 20_000);
  });
  afterAll(async () => {
    await s.stop();
  });

  it("an object sent with its keys in any order comes back with every key sorted, metadata and managedFields included", async () => {
    const token = s.cluster.adminToken;
    const body = '{"spec":{"zeta":1,"alpha":{"y":2,"b":[{"z":1,"a":2}]}},"metadata":{"name":"w1","labels":{"z":"1","a":"2"}},"kind":"Widget","apiVersion":"example.com/v1"}';
    const created = await raw(s, "POST", "/apis/example.com/v1/namespaces/default/widgets", { token, body, headers: { "Content-Type": "application/json" } });
    expect(created.code).toBe(201);
    const got = await raw(s, "GET", "/apis/example.com/v1/namespaces/default/widgets/w1", { token });
    for (const text of [created.body, got.body]) {
      for (const keys of keyOrders(text)) expect(keys).toEqual([...keys].sort());
      const o = JSON.parse(text);
      expect(Object.keys(o)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
      expect(Object.keys(o.metadata)).toEqual(["creationTimestamp", "generation", "labels", "managedFields", "name", "namespace", "resourceVersion", "uid"]);
      expect(Object.keys(o.metadata.managedFields[0])).toEqual(["apiVersion", "fieldsType", "fieldsV1", "manager", "operation", "time"]);
      expect(o.spec).toEqual({ alpha: { b: [{ a: 2, z: 1 }], y: 2 }, zeta: 1 });
    }
  });

  it("merge and JSON patches keep a custom resource's int64 exact past 2^53, read 1.0 and 1e2 as integers, and refuse a number past float64 with the decoder's 400", async () => {
    const token = s.cluster.adminToken;
    const path = "/apis/example.com/v1/namespaces/default/widgets/big";
    const body = '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"big"},"spec":{"big":9007199254740993}}';
    expect((await raw(s, "POST", "/apis/example.com/v1/namespaces/default/widgets", { token, body, headers: { "Content-Type": "application/json" } })).code).toBe(201);
    const merged = await raw(s, "PATCH", path, { token, body: '{"spec":{"other":9007199254740995,"f":1.0,"e":1e2}}', headers: { "Content-Type": "application/merge-patch+json" } });
    expect(merged.code).toBe(200);
    expect(merged.body).toContain('"spec":{"big":9007199254740993,"e":100,"f":1,"other":9007199254740995}');
    const patched = await raw(s, "PATCH", path, { token, body: '[{"op":"add","path":"/spec/min","value":-9223372036854775808}]', headers: { "Content-Type": "application/json-patch+json" } });
    expect(patched.code).toBe(200);
    expect(patched.body).toContain('"min":-9223372036854775808,"other":9007199254740995');
    const refused = await raw(s, "PATCH", path, { token, body: '{"spec":{"x":1e400}}', headers: { "Content-Type": "application/merge-patch+json" } });
    expect(refused.code).toBe(400);
    expect(JSON.parse(refused.body).message).toBe("json: cannot unmarshal number 1e400 into Go value of type float64");
    expect((await raw(s, "GET", path, { token })).body).toContain('"spec":{"big":9007199254740993,"e":100,"f":1,"min":-9223372036854775808,"other":9007199254740995}');
  });

  it("a list of custom resources has its keys sorted and metadata.continue set even when empty; a built-in list keeps its struct order", async () => {
    const token = s.cluster.adminToken;
    const list = await raw(s, "GET", "/apis/example.com/v1/namespaces/default/widgets", { token });
    expect(list.code).toBe(200);
    const o = JSON.parse(list.body);
    expect(Object.keys(o)).toEqual(["apiVersion", "items", "kind", "metadata"]);
    expect(o.kind).toBe("WidgetList");
    expect(Object.keys(o.metadata)).toEqual(["continue", "resourceVersion"]);
    expect(o.metadata.continue).toBe("");
    for (const keys of keyOrders(list.body)) expect(keys).toEqual([...keys].sort());
    const cms = JSON.parse((await raw(s, "GET", "/api/v1/namespaces/default/configmaps", { token })).body);
    expect(Object.keys(cms)).toEqual(["kind", "apiVersion", "metadata", "items"]);
    expect(Object.hasOwn(cms.metadata, "continue")).toBe(false);
    expect(Object.keys(cms.items[0].metadata).slice(0, 3)).toEqual(["name", "namespace", "uid"]);
  });
});
