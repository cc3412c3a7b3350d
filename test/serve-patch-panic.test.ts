// Strategic merge patches on which apimachinery's merge code panics (strategicpatch/patch.go v0.35.0):
// the handler's finishRequest re-panics and WithPanicRecovery (apiserver/pkg/server/filters/wrap.go)
// answers with http.Error's plain text; nothing is stored.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const panicText = "This request caused apiserver to panic. Look in the logs for details.";

describe.skipIf(!bin)("strategic merge patches that make Go panic", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["create", "configmap", "cm", "--from-literal=a=1"])).code).toBe(0);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const patches: Array<[string, string]> = [
    // applyRetainKeysDirective: m[v] with v a map is "hash of unhashable type map[string]interface {}"
    ["a $retainKeys list holding a map", '{"$retainKeys":[{}]}'],
    ["a $retainKeys list holding a list, below the root", '{"data":{"$retainKeys":["a",[]]}}'],
    // sliceElementType: reflect.TypeOf(nil).Kind() on the merged list's first element
    ["a $setElementOrder list whose merged list starts with null", '{"metadata":{"$setElementOrder/finalizers":[null],"finalizers":[null]}}'],
  ];
  for (const [name, patch] of patches) {
    it(`${name}: 500 in plain text, kubectl's InternalError, nothing stored`, async () => {
      const before = JSON.parse((await k(["get", "cm", "cm", "-o", "json"])).out).metadata.resourceVersion;
      const r = await raw(s, "PATCH", "/api/v1/namespaces/default/configmaps/cm", { token: s.cluster.adminToken, body: patch, headers: { "Content-Type": "application/strategic-merge-patch+json" } });
      expect(r.code).toBe(500);
      // net/http's http.Error: the text and a newline, as text/plain with nosniff
      expect(r.body).toBe(`${panicText}\n`);
      expect(r.headers["content-type"]).toBe("text/plain; charset=utf-8");
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      // client-go's NewGenericServerResponse for a 500 that is no Status
      const viaKubectl = await k(["patch", "cm", "cm", "-p", patch]);
      expect(viaKubectl.err).toBe(`Error from server (InternalError): an error on the server ("${panicText}") has prevented the request from succeeding (patch configmaps cm)\n`);
      const after = JSON.parse((await k(["get", "cm", "cm", "-o", "json"])).out);
      expect(after.metadata.resourceVersion).toBe(before);
      expect(after.data).toEqual({ a: "1" });
    }, 60_000);
  }

  it("a $retainKeys list of strings is no panic: the keys it names stay", async () => {
    expect((await k(["patch", "cm", "cm", "-p", '{"data":{"$retainKeys":["b"],"b":"2"}}'])).out).toBe("configmap/cm patched\n");
    expect(JSON.parse((await k(["get", "cm", "cm", "-o", "json"])).out).data).toEqual({ b: "2" });
  }, 60_000);
});
