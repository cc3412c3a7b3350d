import { describe, expect, it } from "vitest";
import { celAuthorizer, celLazyMap, celToJson, compileCel, evaluateCel } from "./index.js";

// Expectations from the CEL spec (langdef.md) and cel-go's messages.
function run(src: string, activation: Record<string, unknown> = {}, schemas: Record<string, unknown> = {}) {
  const c = compileCel(src, { variables: Object.keys({ ...activation, ...schemas }).map((name) => ({ name, schema: schemas[name] })) });
  if (!c.ok) return { compile: c.message };
  const r = evaluateCel(c.program, activation);
  return r.ok ? { value: celToJson(r.value), type: c.outputType } : { error: r.message };
}

describe("CEL basics: literals, selection, comparisons, logic, has, size", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["7 / 2", 3],
    ["-7 / 2", -3],
    ["-7 % 3", -1],
    ["'a' + 'b'", "ab"],
    ["'héllo'.size()", 5],
    ["size([1, 2, 3])", 3],
    ["{'a': 1}.a", 1],
    ["true && false || true", true],
    ["!true", false],
    ["1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3 && 1 != 2", true],
    ["1 < 1.5", true],
    ["2u > 1", true],
    ["[1, 2] == [1, 2]", true],
    ["'b' in {'a': 1, 'b': 2}", true],
    ["3 in [1, 2]", false],
    ["true ? 'x' : 'y'", "x"],
    ["-9223372036854775807 - 1 == -9223372036854775808", true],
    ["0x10", 16],
    ["null == null", true],
  ])("%s", (src, want) => {
    expect(run(src)).toMatchObject({ value: want });
  });

  it("selects fields of the activation and tests presence with has()", () => {
    expect(run("self.a > 1 && has(self.b) && !has(self.c)", { self: { a: 2, b: 1 } })).toEqual({ value: true, type: "bool" });
    expect(run("self.c == 1", { self: { a: 2 } })).toEqual({ error: "no such key: c" });
  });

  it("absorbs an error on either side of && and || when the other side decides", () => {
    expect(run("1/0 == 1 || true")).toMatchObject({ value: true });
    expect(run("false && 1/0 == 1")).toMatchObject({ value: false });
    expect(run("1/0 == 1 && false")).toMatchObject({ value: false });
    expect(run("1/0 == 1 || false")).toEqual({ error: "division by zero" });
  });

  it("reports overflow, division by zero and cel-go's runtime messages", () => {
    expect(run("9223372036854775807 + 1")).toEqual({ error: "integer overflow" });
    expect(run("1 % 0")).toEqual({ error: "modulus by zero" });
    expect(run("0u - 1u")).toEqual({ error: "unsigned integer overflow" });
    expect(run("[1][3]")).toEqual({ error: "index '3' out of range in list size '1'" });
  });

  it("rejects undeclared references and mistyped operators at compile time, in cel-go's format", () => {
    expect(run("object.foo")).toEqual({ compile: "ERROR: <input>:1:1: undeclared reference to 'object' (in container '')\n | object.foo\n | ^" });
    expect(run("1 + 'a'")).toEqual({ compile: "ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'\n | 1 + 'a'\n | ..^" });
  });

  it("bounds hostile input: deep nesting and long unary chains fail to compile instead of overflowing the stack", () => {
    expect(run("(".repeat(300) + "1" + ")".repeat(300))).toEqual({ compile: "ERROR: <input>:-1:0: expression recursion limit exceeded: 250" });
    expect(run("1" + " + 1".repeat(300))).toEqual({ compile: "ERROR: <input>:-1:0: max recursion depth exceeded" });
    expect(run("!".repeat(99_000) + "true")).toEqual({ compile: "ERROR: <input>:-1:0: expression recursion limit exceeded: 250" });
    expect(run("1".repeat(100_001))).toEqual({ compile: "ERROR: <input>:-1:0: expression code point size exceeds limit: size: 100001, limit 100000" });
  });

  it("computes a lazy map's values on first use only", () => {
    const seen: string[] = [];
    const vars = celLazyMap(["a", "bad"], (k) => {
      seen.push(k);
      return k === "a" ? { ok: true, value: 2 } : { ok: false, message: "boom" };
    });
    const c = compileCel("variables.a + variables.a", { variables: [{ name: "variables" }] });
    if (!c.ok) throw new Error(c.message);
    expect(evaluateCel(c.program, { variables: vars })).toEqual({ ok: true, value: 4n });
    expect(seen).toEqual(["a"]);
  });
});

describe("Kubernetes' CEL environment options", () => {
  it("rejects a list or map literal mixing element types (HomogeneousAggregateLiterals)", () => {
    expect(run("[1, 'a']")).toEqual({ compile: "ERROR: <input>:1:5: expected type 'int' but found 'string'\n | [1, 'a']\n | ....^" });
  });
  it("rejects invalid duration, timestamp and regex literals at compile time", () => {
    expect(run("duration('1x')")).toEqual({ compile: "ERROR: <input>:1:10: invalid duration argument\n | duration('1x')\n | .........^" });
    expect(run("timestamp('yesterday')")).toMatchObject({ compile: expect.stringContaining("invalid timestamp argument") });
    expect(run("'a'.matches('(a)\\\\1')")).toMatchObject({ compile: expect.stringContaining("invalid matches argument") });
  });
  it("runs a backtracking-hostile regex in linear time and refuses what RE2 refuses", () => {
    expect(run("s.matches('^(a+)+$')", { s: "a".repeat(50_000) + "!" })).toMatchObject({ value: false });
    expect(run("s.matches(p)", { s: "aa", p: "(a)\\1" })).toEqual({ error: "error parsing regexp: invalid escape sequence: `\\1`" });
    expect(run("s.matches(p)", { s: "aa", p: "a(?=a)" })).toEqual({ error: "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" });
    expect(run("'ABC'.matches('(?i)^abc$')")).toMatchObject({ value: true });
  });
  it("compares int and double as cel-go does (the int converted to double)", () => {
    expect(run("dyn(9223372036854775807) < 9223372036854775808.0")).toMatchObject({ value: false });
    expect(run("1 < 1.5 && 2u > 1.5")).toMatchObject({ value: true });
  });
});

describe("the authorizer library", () => {
  it("builds a resource check and answers with the caller's decision", () => {
    const asked: unknown[] = [];
    const authorizer = celAuthorizer(
      (attrs) => {
        asked.push(attrs);
        return { allowed: attrs.verb === "create", reason: "by test" };
      },
      { group: "apps", resource: "deployments", subresource: "", namespace: "ns", name: "d" },
    );
    const c = compileCel("authorizer.group('apps').resource('deployments').namespace('ns').name('d').check('create').allowed() && !authorizer.requestResource.check('delete').allowed()", { variables: [{ name: "authorizer" }] });
    if (!c.ok) throw new Error(c.message);
    expect(c.outputType).toBe("bool");
    expect(evaluateCel(c.program, { authorizer })).toEqual({ ok: true, value: true });
    expect(asked).toEqual([
      { group: "apps", resource: "deployments", subresource: "", namespace: "ns", name: "d", verb: "create" },
      { group: "apps", resource: "deployments", subresource: "", namespace: "ns", name: "d", verb: "delete" },
    ]);
  });
});

describe("the quantity library", () => {
  it.each([
    ["quantity('1Gi').isGreaterThan(quantity('1G'))", true],
    ["quantity('500m').isInteger()", false],
    ["quantity('2k').asInteger()", 2000],
    ["quantity('1.5').asApproximateFloat()", 1.5],
    ["quantity('50M').add(quantity('50M')) == quantity('100M')", true],
    ["quantity('1').sub(2).sign()", -1],
    ["isQuantity('1.2.3')", false],
    ["quantity('1Mi').compareTo(quantity('1Mi'))", 0],
  ])("%s", (src, want) => {
    expect(run(src)).toMatchObject({ value: want });
  });
  it("refuses to convert a fractional quantity to an integer", () => {
    expect(run("quantity('500m').asInteger()")).toEqual({ error: "cannot convert value to integer" });
  });
});
