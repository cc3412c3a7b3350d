// Validation never throws: whatever a client sends that the Go types decode, a bad value is a cause,
// never an exception (which kube-apiserver would not have, and podflow would turn into a 500).
// Objects are generated from the Go type table itself, so every field the schema knows can appear.

import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { schemaData } from "../schema/schemadata.js";
import { decodeTyped } from "../schema/decode.js";
import { mutate } from "../admission/index.js";
import type { GoTypeDef } from "../schema/model.js";
import { validateCreate, validateUpdate } from "./index.js";

const types = new Map<string, GoTypeDef>(Object.entries(schemaData.types));

// Values chosen to sit on the edges validation cares about: empty, negative, too large, paths, IPs.
const strings = ["", "a", "A", "-", "a b", "..", "../x", "/abs", "a/b/c", "x".repeat(70), "None", "TCP", "UDP", "Always", "Never", "IfNotPresent",
  "File", "HTTP", "ClientIP", "IPv4", "IPv6", "SingleStack", "RequireDualStack", "v1", "metadata.name", "metadata.labels['a']", "status.phase",
  "limits.cpu", "requests.memory", "10.0.0.1", "::1", "0.0.0.0", "999.1.1.1", "example.com/gpu", "Exists", "In", "Equal", "NoExecute", "kubernetes.io/hostname"];
const ints = [0, 1, -1, 80, 65536, 2147483647, 2147483648, 100, 10800, 86401];
const quantities = ["0", "1", "1.5", "-1", "100m", "1Gi", "2", "0.5"];
const mapKeys = ["a", "cpu", "memory", "example.com/gpu", "hugepages-2Mi", "A/B/C", "app", "kubernetes.io/x"];

function parse(expr: string): { t: string; elem?: string; key?: string } {
  if (expr.startsWith("*")) return { t: "ptr", elem: expr.slice(1) };
  if (expr.startsWith("[]")) return { t: "slice", elem: expr.slice(2) };
  if (expr.startsWith("map[")) {
    const close = expr.indexOf("]");
    return { t: "map", elem: expr.slice(close + 1) };
  }
  if (expr === "string" || expr === "bool") return { t: expr };
  if (/^u?int(8|16|32|64)?$/.test(expr) || expr.startsWith("float")) return { t: "int" };
  return { t: "named", key: expr };
}

const memo = new Map<string, fc.Arbitrary<unknown>>();
function arb(expr: string, depth: number): fc.Arbitrary<unknown> {
  const key = `${expr}@${depth}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const a = build(expr, depth);
  memo.set(key, a);
  return a;
}

function build(expr: string, depth: number): fc.Arbitrary<unknown> {
  const p = parse(expr);
  switch (p.t) {
    case "string": return fc.constantFrom(...strings);
    case "bool": return fc.boolean();
    case "int": return fc.constantFrom(...ints);
    case "ptr": return arb(p.elem!, depth);
    case "slice":
      if (p.elem === "uint8" || p.elem === "byte") return fc.constant("YQ==");
      return depth > 6 ? fc.constant([]) : fc.array(arb(p.elem!, depth + 1), { maxLength: 2 });
    case "map": return depth > 6 ? fc.constant({}) : fc.dictionary(fc.constantFrom(...mapKeys), arb(p.elem!, depth + 1), { maxKeys: 2 });
  }
  const def = types.get(p.key!);
  if (!def) return fc.constant(null);
  if ("alias" in def) return arb(def.alias, depth);
  if ("underlying" in def) return arb(def.underlying, depth);
  if ("custom" in def) {
    switch (def.custom) {
      case "quantity": return fc.constantFrom(...quantities);
      case "intorstring": return fc.oneof(fc.constantFrom(...ints), fc.constantFrom("http", "", "a_b", "8080"));
      case "time": case "microtime": return fc.constant("2026-01-01T00:00:00Z");
      default: return fc.constant({});
    }
  }
  const fields = Object.keys(def.fields);
  if (depth > 7) return fc.constant({});
  return fc.subarray(fields, { maxLength: Math.min(fields.length, depth <= 1 ? 12 : 4) }).chain((chosen) => {
    const rec: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of chosen) rec[f] = arb(def.fields[f]!, depth + 1);
    return fc.record(rec);
  });
}

// A pod spec always has a container to hang the generated fields on, and the generated spec merged over it.
function objectOf(kind: string): fc.Arbitrary<unknown> {
  return arb(schemaData.roots[kind]!, 0).map((o) => ({ ...(o as object), kind, metadata: { name: "x", namespace: "default", ...((o as { metadata?: object }).metadata ?? {}) } }));
}

function decodedAndDefaulted(kind: string, raw: unknown): unknown[] {
  const r = decodeTyped(kind, raw);
  if (!r.ok) return [];
  const out: unknown[] = [r.value];
  try {
    out.push(mutate(r.value, { now: "2026-01-01T00:00:00Z", operation: "CREATE" }));
  } catch {
    // Defaulting is admission's business; validation is asked only about what it can be given.
  }
  return out;
}

// The one InternalError Kubernetes reports on purpose: ValidateNode, when pod CIDRs that do not parse
// make the dual-stack check fail (each bad CIDR also has its own Invalid cause).
const deliberate = (e: { type: string; field: string }) => e.type === "InternalError" && e.field === "spec.podCIDRs";
const notInternal = (e: { type: string; field: string }) => expect(deliberate(e) ? "deliberate" : e.type).not.toBe("InternalError");

describe("validation never throws on a decoded object", () => {
  for (const kind of ["Pod", "Service", "Deployment", "ReplicaSet", "Node", "Namespace", "ConfigMap", "Secret", "Endpoints", "EndpointSlice", "Event", "Lease", "PodDisruptionBudget", "PriorityClass", "Binding", "ServiceAccount", "LimitRange", "ResourceQuota"]) {
    if (!schemaData.roots[kind]) continue;
    it(`${kind}: create and update of random schema-shaped objects give causes, not exceptions`, () => {
      fc.assert(fc.property(objectOf(kind), objectOf(kind), (a, b) => {
        for (const x of decodedAndDefaulted(kind, a)) {
          for (const e of validateCreate(x)) notInternal(e);
          for (const y of decodedAndDefaulted(kind, b)) {
            for (const e of validateUpdate(x, y)) notInternal(e);
          }
        }
      }), { numRuns: Number(process.env.ROBUST_RUNS ?? (kind === "Pod" ? 300 : 100)), seed: Number(process.env.ROBUST_SEED ?? 20261202) });
    });
  }
});
