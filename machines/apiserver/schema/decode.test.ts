import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { base64Error, decodeTyped, parseJsonKeepingLiterals, quantityError } from "./decode.js";

const pod = (spec: object, metadata: object = { name: "p" }) => ({ apiVersion: "v1", kind: "Pod", metadata, spec: { containers: [{ name: "c", image: "nginx" }], ...spec } });
const deploy = (spec: object) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec });
const errorOf = (kind: string, v: unknown) => {
  const r = decodeTyped(kind, v);
  return r.ok ? undefined : r.error;
};

// Expected messages: sigs.k8s.io/json's decoder (the first UnmarshalTypeError, with the innermost
// struct and the JSON path of fields) and Go's encoding/json UnmarshalTypeError.Error().
describe("a body of the wrong type gets the Go decoder's message", () => {
  const cases: [string, string, unknown, string][] = [
    ["tolerations given an object", "Pod", pod({ tolerations: {} }),
      "json: cannot unmarshal object into Go struct field PodSpec.spec.tolerations of type []v1.Toleration"],
    ["finalizers given a number", "Pod", pod({}, { name: "p", finalizers: 5 }),
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type []string"],
    ["a label value given a number", "Pod", pod({}, { name: "p", labels: { a: 1 } }),
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"],
    ["annotations given an array", "Pod", pod({}, { name: "p", annotations: ["a"] }),
      "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string"],
    ["containers given an object", "Pod", { ...pod({}), spec: { containers: { name: "c" } } },
      "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"],
    ["a containerPort given a string", "Pod", { ...pod({}), spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: "80" }] }] } },
      "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32"],
    ["restartPolicy given a number (a defined string type is named)", "Pod", pod({ restartPolicy: 5 }),
      "json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy"],
    ["terminationGracePeriodSeconds given 1.5", "Pod", pod({ terminationGracePeriodSeconds: 1.5 }),
      "json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"],
    ["spec given a string", "Pod", { kind: "Pod", spec: "x" },
      "json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec"],
    ["a resource list given an array", "Pod", { ...pod({}), spec: { containers: [{ name: "c", resources: { limits: [] } }] } },
      "json: cannot unmarshal array into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList"],
    ["a deployment's replicas given a string", "Deployment", deploy({ replicas: "3" }),
      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"],
    ["a deployment's replicas past int32", "Deployment", deploy({ replicas: 2147483648 }),
      "json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32"],
    ["a Scale's replicas past int32", "Scale", { kind: "Scale", spec: { replicas: 2147483648 } },
      "json: cannot unmarshal number 2147483648 into Go struct field ScaleSpec.spec.replicas of type int32"],
    ["a selector's matchLabels given a string", "Deployment", deploy({ selector: { matchLabels: "app=x" } }),
      "json: cannot unmarshal string into Go struct field LabelSelector.spec.selector.matchLabels of type map[string]string"],
    ["a deployment's template labels given a bool", "Deployment", deploy({ template: { metadata: { labels: { app: true } } } }),
      "json: cannot unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.labels of type string"],
    ["a service port given a string", "Service", { kind: "Service", spec: { ports: [{ port: "80" }] } },
      "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32"],
    ["an ownerReference uid given a number (types.UID)", "Pod", pod({}, { name: "p", ownerReferences: [{ uid: 1 }] }),
      "json: cannot unmarshal number into Go struct field OwnerReference.metadata.ownerReferences.uid of type types.UID"],
    ["a Binding's target given an array", "Binding", { kind: "Binding", target: [] },
      "json: cannot unmarshal array into Go struct field Binding.target of type v1.ObjectReference"],
    ["an Eviction's gracePeriodSeconds given a string", "Eviction", { kind: "Eviction", deleteOptions: { gracePeriodSeconds: "5" } },
      "json: cannot unmarshal string into Go struct field DeleteOptions.deleteOptions.gracePeriodSeconds of type int64"],
    ["DeleteOptions propagationPolicy given a number", "DeleteOptions", { propagationPolicy: 1 },
      "json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation"],
    ["an EndpointSlice port given a string (discovery's EndpointPort)", "EndpointSlice", { kind: "EndpointSlice", ports: [{ port: "80" }] },
      "json: cannot unmarshal string into Go struct field EndpointPort.ports.port of type int32"],
    ["a whole body that is an array", "Pod", [], "json: cannot unmarshal array into Go value of type v1.Pod"],
    // Types with their own UnmarshalJSON: the error from inside gets the field context of the outer decoder.
    ["creationTimestamp given a number", "Pod", pod({}, { name: "p", creationTimestamp: 5 }),
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"],
    ["creationTimestamp that is no RFC 3339 time", "Pod", pod({}, { name: "p", creationTimestamp: "yesterday" }),
      `parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`],
    ["creationTimestamp with month 13", "Pod", pod({}, { name: "p", creationTimestamp: "2024-13-01T00:00:00Z" }),
      `parsing time "2024-13-01T00:00:00Z": month out of range`],
    ["creationTimestamp without a zone", "Pod", pod({}, { name: "p", creationTimestamp: "2024-01-01T00:00:00" }),
      `parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"`],
    ["a targetPort given a bool (IntOrString reads int32)", "Service", { kind: "Service", spec: { ports: [{ port: 80, targetPort: true }] } },
      "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32"],
    ["a maxSurge given 1.5", "Deployment", deploy({ strategy: { rollingUpdate: { maxSurge: 1.5 } } }),
      "json: cannot unmarshal number 1.5 into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"],
    ["a cpu limit given an object", "Pod", { ...pod({}), spec: { containers: [{ name: "c", resources: { limits: { cpu: {} } } }] } },
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ["a memory request with an unknown suffix", "Pod", { ...pod({}), spec: { containers: [{ name: "c", resources: { requests: { memory: "1Gb" } } }] } },
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ["a cpu request with a suffix that is no unit", "Pod", { ...pod({}), spec: { containers: [{ name: "c", resources: { requests: { cpu: "1e" } } }] } },
      "unable to parse quantity's suffix"],
    ["secret data that is not base64", "Secret", { kind: "Secret", data: { a: "abc" } }, "illegal base64 data at input byte 0"],
  ];
  for (const [name, kind, body, message] of cases) {
    it(`${name}: ${message}`, () => {
      expect(errorOf(kind, body)).toBe(message);
    });
  }

  it("the first type error in the document is the one reported, while decoding goes on", () => {
    expect(errorOf("Pod", pod({ restartPolicy: 5, tolerations: {} }))).toBe(
      "json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy");
  });

  it("an error from a type's own UnmarshalJSON ends decoding and wins over an earlier type error", () => {
    expect(errorOf("Pod", pod({}, { labels: { a: 1 }, creationTimestamp: 5 }))).toBe(
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string");
  });

  it("number literals are read as written: 3.0 and 1e3 are no int32", () => {
    const body = (n: string) => parseJsonKeepingLiterals(`{"kind":"Deployment","spec":{"replicas":${n}}}`);
    expect(errorOf("Deployment", body("3.0"))).toBe("json: cannot unmarshal number 3.0 into Go struct field DeploymentSpec.spec.replicas of type int32");
    expect(errorOf("Deployment", body("1e3"))).toBe("json: cannot unmarshal number 1e3 into Go struct field DeploymentSpec.spec.replicas of type int32");
    expect(errorOf("Pod", parseJsonKeepingLiterals(`{"spec":{"activeDeadlineSeconds":9223372036854775808}}`))).toBe(
      "json: cannot unmarshal number 9223372036854775808 into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64");
    const ok = decodeTyped("Deployment", body("3"));
    expect(ok).toEqual({ ok: true, value: { kind: "Deployment", spec: { replicas: 3 } }, strictErrors: [] });
  });
});

describe("a well-typed body decodes to what Go keeps", () => {
  it("containers: [null] is one zero Container (validation refuses it later, decoding does not)", () => {
    const r = decodeTyped("Pod", { kind: "Pod", spec: { containers: [null] } });
    expect(r).toEqual({ ok: true, value: { kind: "Pod", spec: { containers: [{}] } }, strictErrors: [] });
  });

  it("null is the zero value: a null field is absent, a null label value is the empty string", () => {
    const r = decodeTyped("Pod", { kind: "Pod", metadata: { labels: { a: null }, annotations: null }, spec: { tolerations: null, nodeName: null } });
    expect(r).toEqual({ ok: true, value: { kind: "Pod", metadata: { labels: { a: "" } }, spec: {} }, strictErrors: [] });
  });

  it("replicas -1 decodes (validation refuses it, not the decoder)", () => {
    expect(decodeTyped("Deployment", deploy({ replicas: -1 }))).toMatchObject({ ok: true, value: { spec: { replicas: -1 } } });
  });

  it("quantities take strings and numbers; IntOrString takes both", () => {
    const r = decodeTyped("Pod", { spec: { containers: [{ name: "c", resources: { limits: { cpu: 2, memory: " 1Gi " }, requests: { cpu: 0.5 } }, ports: [{ containerPort: 80 }] }] } });
    // Quantity.MarshalJSON writes the canonical form: resource.MustParse("0.5").String() is "500m"
    expect(r).toEqual({ ok: true, value: { spec: { containers: [{ name: "c", resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "500m" } }, ports: [{ containerPort: 80 }] }] } }, strictErrors: [] });
    expect(decodeTyped("Service", { spec: { ports: [{ port: 80, targetPort: "http" }, { port: 81, targetPort: 8081 }] } })).toMatchObject({ ok: true });
    expect(decodeTyped("Deployment", deploy({ strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } } }))).toMatchObject({ ok: true });
  });

  it("times are kept as the UTC text Go marshals them to", () => {
    const r = decodeTyped("Pod", { metadata: { creationTimestamp: "2024-03-01T01:30:00+02:00", deletionTimestamp: "2024-03-01T00:00:00.123Z" } });
    expect(r).toMatchObject({ ok: true, value: { metadata: { creationTimestamp: "2024-02-29T23:30:00Z", deletionTimestamp: "2024-03-01T00:00:00Z" } } });
    expect(decodeTyped("Event", { eventTime: "2024-03-01T00:00:00.123456Z" })).toMatchObject({ ok: true, value: { eventTime: "2024-03-01T00:00:00.123456Z" } });
  });

  it("unknown fields are dropped and reported with their path, array indices included", () => {
    const r = decodeTyped("Pod", { kind: "Pod", Spec: {}, spec: { foo: 1, containers: [{ name: "c", bar: 2 }] } });
    expect(r).toEqual({
      ok: true,
      value: { kind: "Pod", spec: { containers: [{ name: "c" }] } },
      strictErrors: ['unknown field "Spec"', 'unknown field "spec.foo"', 'unknown field "spec.containers[0].bar"'],
    });
  });

  it("a label named __proto__ is an own key and changes no prototype", () => {
    const body = parseJsonKeepingLiterals(`{"metadata":{"labels":{"__proto__":"x"}}}`);
    const r = decodeTyped("Pod", body);
    expect(r.ok).toBe(true);
    const labels = (r as { value: any }).value.metadata.labels;
    expect(Object.keys(labels)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });

  it("quantities come back in Quantity.String()'s canonical form", () => {
    // k8s.io/apimachinery/pkg/api/resource quantity_test.go TestQuantityString / canonical cases
    const cases: Array<[string, string]> = [["0.5", "500m"], ["0.75", "750m"], ["1000m", "1"], ["1.5Gi", "1536Mi"], ["1024Mi", "1Gi"], ["1e3", "1e3"], ["100k", "100k"], ["1500M", "1500M"], ["1.5Ki", "1536"], ["0.1", "100m"], ["64Mi", "64Mi"]];
    for (const [input, want] of cases) {
      const r = decodeTyped("Pod", { spec: { containers: [{ name: "c", resources: { requests: { memory: input } } }] } });
      expect(r.ok && (r.value as any).spec.containers[0].resources.requests.memory, input).toBe(want);
    }
  });

  it("every manifest in examples/ decodes unchanged but for canonical quantities, with no unknown field", () => {
    const dir = new URL("../../../examples/", import.meta.url);
    let n = 0;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(".yaml")) continue;
      for (const doc of parseAllDocuments(readFileSync(new URL(f, dir), "utf8"))) {
        const obj = doc.toJS();
        if (!obj) continue;
        n++;
        expect(decodeTyped(obj.kind, obj), `${f} ${obj.kind}/${obj.metadata?.name}`).toEqual({ ok: true, value: withCanonicalCpu(obj), strictErrors: [] });
      }
    }
    expect(n).toBeGreaterThan(5);
  });
});

describe("the ports of Go's own parsers", () => {
  it("base64 errors give the byte Go's decoder stops at", () => {
    expect(base64Error("aGVsbG8=")).toBeUndefined();
    expect(base64Error("aGVs\nbG8=")).toBeUndefined();
    expect(base64Error("abcde")).toBe("illegal base64 data at input byte 4");
    expect(base64Error("ab!d")).toBe("illegal base64 data at input byte 2");
    expect(base64Error("a===")).toBe("illegal base64 data at input byte 1");
    expect(base64Error("ab=")).toBe("illegal base64 data at input byte 3");
    expect(base64Error("ab==cd")).toBe("illegal base64 data at input byte 4");
  });

  it("quantities parse as resource.ParseQuantity does", () => {
    for (const ok of ["1", "100m", "1Gi", "1.5", "1e3", "1E-3", ".5", "+1", "-1", "0", "1.", "5Ei"]) expect(quantityError(ok), ok).toBeUndefined();
    expect(quantityError("")).toMatch(/^quantities must match/);
    expect(quantityError("1x")).toMatch(/^quantities must match/);
    expect(quantityError("true")).toMatch(/^quantities must match/);
    expect(quantityError("1Ki2")).toBe("unable to parse quantity's suffix");
    expect(quantityError("1mi")).toBe("unable to parse quantity's suffix");
  });
});

/** examples/cpu-request-limit.yaml asks for cpu "0.5": stored as "500m" (the docs page's output). */
function withCanonicalCpu(obj: any): any {
  const copy = structuredClone(obj);
  for (const c of copy.spec?.containers ?? []) if (c.resources?.requests?.cpu === "0.5") c.resources.requests.cpu = "500m";
  return copy;
}
