// The pure parts of the HTTP front end: path parsing, Go-worded JSON errors, Table negotiation.

import { describe, it, expect } from "vitest";
import { parsePath } from "../runtime/server/http.js";
import { decodeBody, goJsonSyntaxError, summarizeData } from "../runtime/server/decode.js";
import { wantsTable } from "../runtime/server/tables.js";
import { wantsAggregated } from "../runtime/server/discovery.js";

describe("REST paths, parsed as kube-apiserver's RequestInfoFactory parses them", () => {
  it.each([
    ["a namespaced list", "/api/v1/namespaces/default/pods", { group: "", version: "v1", resource: "pods", namespace: "default" }],
    ["a namespaced object", "/api/v1/namespaces/default/pods/web", { group: "", version: "v1", resource: "pods", namespace: "default", name: "web" }],
    ["a subresource", "/apis/apps/v1/namespaces/ns1/deployments/web/scale", { group: "apps", version: "v1", resource: "deployments", namespace: "ns1", name: "web", subresource: "scale" }],
    ["a list across namespaces", "/api/v1/pods", { group: "", version: "v1", resource: "pods" }],
    ["a namespace is itself the object", "/api/v1/namespaces/kube-system", { group: "", version: "v1", resource: "namespaces", name: "kube-system" }],
    ["a namespace's status is its subresource, not a resource in it", "/api/v1/namespaces/foo/status", { group: "", version: "v1", resource: "namespaces", name: "foo", subresource: "status" }],
    ["a cluster-scoped object", "/api/v1/nodes/node-1", { group: "", version: "v1", resource: "nodes", name: "node-1" }],
  ])("%s", (_n, path, want) => {
    expect(parsePath(path)).toEqual({ type: "resource", path: want });
  });

  it.each([
    ["/version", { type: "doc", doc: "version" }],
    ["/api", { type: "doc", doc: "api" }],
    ["/apis", { type: "doc", doc: "apis" }],
    ["/apis/apps", { type: "doc", doc: "group", group: "apps" }],
    ["/apis/apps/v1", { type: "doc", doc: "groupVersion", group: "apps", version: "v1" }],
    ["/openapi/v3/apis/apps/v1", { type: "doc", doc: "openapiV3Group", group: "apis/apps/v1" }],
    ["/nothing/here", { type: "notFound" }],
  ])("%s is a discovery document or nothing", (path, want) => {
    expect(parsePath(path)).toEqual(want);
  });
});

describe("JSON syntax errors, worded as Go's encoding/json", () => {
  it.each([
    ["a truncated document", '{"a": ', "unexpected end of JSON input"],
    ["an unquoted key", "{a: 1}", "invalid character 'a' looking for beginning of object key string"],
    ["a missing colon", '{"a" 1}', "invalid character '1' after object key"],
    ["a missing comma between members", '{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"],
    ["a missing comma between elements", "[1 2]", "invalid character '2' after array element"],
    ["garbage where a value starts", "{\"a\": x}", "invalid character 'x' looking for beginning of value"],
    ["a misspelled literal", "[tru]", "invalid character ']' in literal true (expecting 'e')"],
    ["text after the value", "{} {}", "invalid character '{' after top-level value"],
    ["a bad escape", '"\\q"', "invalid character 'q' in string escape code"],
    ["a single quote", "'a'", "invalid character '\\'' looking for beginning of value"],
    ["a minus without digits", "-x", "invalid character 'x' in numeric literal"],
    ["valid JSON", '{"a": [1, -2.5e3, true, null, "x\\n"]}', undefined],
  ])("%s", (_n, text, want) => {
    expect(goJsonSyntaxError(text)).toBe(want);
  });

  it("a malformed create body is a BadRequest naming the kind and showing the first 30 bytes", () => {
    const raw = Buffer.from('{"apiVersion": "v1", "kind": "Pod", "metadata": {');
    const got = decodeBody(raw, "application/json", "Pod");
    expect(got).toEqual({ status: expect.objectContaining({ code: 400, reason: "BadRequest", message: 'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion": "v1", "kind": " ...)' }) });
  });

  it.each([
    ["an empty body", "", "<empty>"],
    ["a short object", '{"a":1}', '{"a":1}'],
    ["bytes that are not an object, in hex", "xyz", "78797a"],
  ])("summarizeData of %s", (_n, text, want) => {
    expect(summarizeData(Buffer.from(text))).toBe(want);
  });

  it("a YAML body decodes to the same object as JSON", () => {
    expect(decodeBody(Buffer.from("kind: Pod\nmetadata:\n  name: a\n"), "application/yaml", "Pod")).toEqual({ body: { kind: "Pod", metadata: { name: "a" } } });
  });
});

describe("content negotiation", () => {
  it.each([
    ["kubectl get's Accept asks for a v1 Table", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", true],
    ["plain JSON is no Table", "application/json", false],
    ["only the v1beta1 Table is not served as a Table", "application/json;as=Table;v=v1beta1;g=meta.k8s.io", false],
  ])("%s", (_n, accept, want) => {
    expect(wantsTable(accept)).toBe(want);
  });

  it.each([
    ["kubectl's discovery Accept asks for aggregated discovery v2", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", true],
    ["plain JSON gets the legacy documents", "application/json, */*", false],
  ])("%s", (_n, accept, want) => {
    expect(wantsAggregated(accept)).toBe(want);
  });
});
