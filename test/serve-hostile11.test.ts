// The eleventh hostile round: patches nested as deep as Go's decoders take them, JSON patch array
// indices as gopkg.in/evanphx/json-patch.v4 reads them, and the other faults found this round,
// each checked through podflow serve against kube-apiserver 1.35's answer.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { goFormatValue, goJsonMarshal } from "../machines/apiserver/schema/decode.js";
import { serve, raw, type Served } from "./serve-helpers.js";

let s: Served;
const admin = (method: string, path: string, body?: unknown, contentType = "application/json") =>
  raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}), headers: { "Content-Type": contentType } });
const cm = "/api/v1/namespaces/default/configmaps";

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

/** `depth` levels of {"a": ...} around 1, as JSON text. */
const nestedMaps = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("a patch nested as deep as encoding/json takes (10,000 levels) is answered, not a 500", () => {
  beforeAll(async () => {
    expect((await admin("POST", cm, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "deep" } })).code).toBe(201);
  });

  it("json.Marshal and fmt's %v of a value 10,000 levels deep are written whole", () => {
    let v: unknown = 1;
    for (let i = 0; i < 10_000; i++) v = { a: v };
    expect(goJsonMarshal(v)).toBe(nestedMaps(10_000));
    expect(goFormatValue(v)).toBe(`${"map[a:".repeat(10_000)}1${"]".repeat(10_000)}`);
    expect(goJsonMarshal({ b: [1, "x<", null, { z: 1.5, a: true }], a: {}, c: [] })).toBe('{"a":{},"b":[1,"x\\u003c",null,{"a":true,"z":1.5}],"c":[]}');
    expect(goFormatValue({ b: [1, "x", null, { z: 1.5, a: true }], a: {} })).toBe("map[a:map[] b:[1 x <nil> map[a:true z:1.5]]]");
  });

  it("a merge patch whose labels nest 9,000 maps deep: the decoder's 422 quoting the patched object, and nothing changes", async () => {
    const r = await admin("PATCH", `${cm}/deep`, `{"metadata":{"labels":${nestedMaps(9_000)}}}`, "application/merge-patch+json");
    expect(r.code).toBe(422);
    const st = JSON.parse(r.body);
    expect(st.reason).toBe("Invalid");
    expect(st.message.startsWith(' "" is invalid: patch: Invalid value: "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"ConfigMap\\",\\"metadata\\":{')).toBe(true);
    expect(st.message.endsWith('": json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels of type string')).toBe(true);
    expect(st.message).toContain(`\\"labels\\":${nestedMaps(9_000).replaceAll('"', '\\"')}`);
    const got = JSON.parse((await admin("GET", `${cm}/deep`)).body);
    expect(got.metadata.labels).toBeUndefined();
  });

  it("a JSON patch adding that value, and a strategic merge of a 9,000-deep list, are 422s too", async () => {
    const jp = await admin("PATCH", `${cm}/deep`, `[{"op":"add","path":"/metadata/labels","value":${nestedMaps(9_000)}}]`, "application/json-patch+json");
    expect(jp.code).toBe(422);
    expect(JSON.parse(jp.body).message.endsWith("json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels of type string")).toBe(true);
    const smp = await admin("PATCH", `${cm}/deep`, `{"data":${"[".repeat(9_000)}${"]".repeat(9_000)}}`, "application/strategic-merge-patch+json");
    expect(smp.code).toBe(422);
    // the strategic patch map as %v prints it
    expect(JSON.parse(smp.body).message).toBe(` "" is invalid: patch: Invalid value: "map[data:${"[".repeat(9_000)}${"]".repeat(9_000)}]": cannot restore map from slice`);
  });
});
