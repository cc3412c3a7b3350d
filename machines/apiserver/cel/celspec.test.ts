import { describe, expect, it } from "vitest";
import { SPEC_CASES, type Tagged } from "./celspec.data.js";
import { equals } from "./functions.js";
import { compileCel, evaluateCel } from "./index.js";
import { CelBytes, CelMap, CelType, CelUint, typeName } from "./values.js";

function fromTagged(t: Tagged): unknown {
  if ("int" in t) return BigInt(t.int);
  if ("uint" in t) return new CelUint(BigInt(t.uint));
  if ("double" in t) return typeof t.double === "number" ? t.double : Number(t.double);
  if ("string" in t) return t.string;
  if ("bytes" in t) return new CelBytes(Uint8Array.from(Buffer.from(t.bytes, "base64")));
  if ("bool" in t) return t.bool;
  if ("null" in t) return null;
  if ("list" in t) return t.list.map(fromTagged);
  if ("map" in t) return new CelMap(t.map.map(([k, v]) => [fromTagged(k), fromTagged(v)]));
  return new CelType(t.type);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeName(a) !== typeName(b)) return false;
  if (typeof a === "number" && typeof b === "number" && Number.isNaN(a)) return Number.isNaN(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return equals(a, b);
}

// A case passes when the expression evaluates to the expected value of the expected type, or to an
// error where the spec expects one (cel-spec leaves the error text to implementations).
function outcome(c: (typeof SPEC_CASES)[number]): string {
  const bindings = Object.fromEntries(Object.entries(c.bindings ?? {}).map(([k, v]) => [k, fromTagged(v)]));
  const variables = Object.keys(bindings).map((name) => ({ name }));
  let compiled = compileCel(c.expr, { variables, check: c.unchecked ? false : undefined });
  // Kubernetes turns on homogeneous aggregate literals, which the spec's environment does not:
  // a mixed literal is a compile error there (proven in cel.test.ts), so evaluate it unchecked
  if (!compiled.ok && compiled.message.includes(": expected type '")) compiled = compileCel(c.expr, { variables, check: false });
  if (!compiled.ok) return c.error ? "ok" : `compile: ${compiled.message}`;
  const r = evaluateCel(compiled.program, bindings);
  if (c.error) return r.ok ? `want an error, got ${String(r.value)}` : "ok";
  if (!r.ok) return `error: ${r.message}`;
  return sameValue(r.value, fromTagged(c.value!)) ? "ok" : `got ${typeName(r.value)} ${String(r.value)}`;
}

describe("cel-spec conformance cases (simple, no protobuf messages)", () => {
  it.each(SPEC_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(outcome(c)).toBe("ok");
  });
});
