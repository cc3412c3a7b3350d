import { describe, expect, it } from "vitest";
import { fromUnstructured, goFormatValue, goJsonMarshal } from "./decode.js";
import { decodePatched } from "./patched.js";

// runtime.DefaultUnstructuredConverter.FromUnstructured (apimachinery pkg/runtime/converter.go):
// simple kinds through reflect's AssignableTo/ConvertibleTo, containers by kind, first error wins.
describe("a strategically patched object is converted as the unstructured converter converts it", () => {
  const errorOf = (kind: string, v: unknown) => {
    const r = fromUnstructured(kind, v);
    return r.ok ? undefined : r.error;
  };

  it.each([
    ["a string into an int32 has no conversion", "Deployment", { spec: { replicas: "3" } }, "unrecognized type: int32"],
    ["an int into a defined string type converts in Go but is refused", "Pod", { spec: { restartPolicy: 5 } }, "cannot convert int64 to v1.RestartPolicy"],
    ["a fraction into an integer", "Pod", { spec: { terminationGracePeriodSeconds: 1.5 } }, "cannot convert float64 to int64"],
    ["a bool into a string", "Pod", { spec: { nodeName: true } }, "unrecognized type: string"],
    ["a map into a slice", "Pod", { spec: { tolerations: {} } }, "cannot restore slice from map"],
    ["a slice into a map", "Pod", { metadata: { labels: ["a"] } }, "cannot restore map from slice"],
    ["a string into a struct", "Pod", { spec: "x" }, "cannot restore struct from: string"],
    ["a number into a time, through Time's UnmarshalJSON with no field context", "Pod", { metadata: { creationTimestamp: 5 } }, "json: cannot unmarshal number into Go value of type string"],
    ["a bool into an IntOrString", "Service", { spec: { ports: [{ port: 80, targetPort: true }] } }, "json: cannot unmarshal bool into Go value of type int32"],
  ])("%s: %s", (_n, kind, v, message) => {
    expect(errorOf(kind, v)).toBe(message);
  });

  it("fields are converted in struct order, so the first error is the first field Go declares", () => {
    // PodSpec declares restartPolicy before nodeName, whatever the order of the map.
    expect(errorOf("Pod", { spec: { nodeName: true, restartPolicy: 5 } })).toBe("cannot convert int64 to v1.RestartPolicy");
  });

  it("an integer past int32 keeps its low bits, as Go's conversion does (validation refuses it later)", () => {
    expect(fromUnstructured("Deployment", { spec: { replicas: 2147483648 } })).toMatchObject({ ok: true, value: { spec: { replicas: -2147483648 } } });
    expect(fromUnstructured("Deployment", { spec: { replicas: 3.0 } })).toMatchObject({ ok: true, value: { spec: { replicas: 3 } } });
  });

  it("unknown fields are reported sorted, with their paths", () => {
    expect(fromUnstructured("Pod", { spec: { zeta: 1, containers: [{ name: "c", alpha: 2 }] } })).toEqual({
      ok: true,
      value: { spec: { containers: [{ name: "c" }] } },
      strictErrors: ['unknown field "spec.containers[0].alpha"', 'unknown field "spec.zeta"'],
    });
  });
});

describe("the patch handler's 422 for a patched object of the wrong type", () => {
  it("a strategic merge shows the patch as fmt's %+v of its map", () => {
    const patch = { spec: { replicas: "3", template: { spec: { containers: [{ name: "c", image: "i" }] } } } };
    const r = decodePatched("Deployment", "strategic", patch, patch);
    expect(r).toEqual({
      status: expect.objectContaining({
        code: 422,
        reason: "Invalid",
        message: ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:3 template:map[spec:map[containers:[map[image:i name:c]]]]]]": unrecognized type: int32',
        details: { causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "map[spec:map[replicas:3 template:map[spec:map[containers:[map[image:i name:c]]]]]]": unrecognized type: int32', field: "patch" }] },
      }),
    });
  });

  it("Strict refuses unknown fields of the patched object; Warn returns them as warnings; Ignore drops them", () => {
    const patched = { spec: { replicas: 1, foo: 1 } };
    expect(decodePatched("Deployment", "merge", { spec: { foo: 1 } }, patched, "Strict")).toMatchObject({
      status: { code: 422, message: ' "" is invalid: patch: Invalid value: "{\\"spec\\":{\\"foo\\":1,\\"replicas\\":1}}": strict decoding error: unknown field "spec.foo"' },
    });
    expect(decodePatched("Deployment", "merge", {}, patched, "Warn")).toEqual({ value: { spec: { replicas: 1 } }, warnings: ['unknown field "spec.foo"'] });
    expect(decodePatched("Deployment", "merge", {}, patched, "Ignore")).toEqual({ value: { spec: { replicas: 1 } }, warnings: [] });
  });

  it("Go's value printing: nil, fractions in %g, nested slices; JSON with sorted keys and HTML escapes", () => {
    expect(goFormatValue({ b: null, a: [1.5, "x", true], c: 1234567.5 })).toBe("map[a:[1.5 x true] b:<nil> c:1.2345675e+06]");
    expect(goJsonMarshal({ b: "<&>", a: 1 })).toBe('{"a":1,"b":"\\u003c\\u0026\\u003e"}');
  });
});
