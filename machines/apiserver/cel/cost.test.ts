// The estimated cost of CEL expressions, against Kubernetes' own tables: apiextensions-apiserver
// schema/cel compilation_test.go TestCostEstimation (each rule with its schema unbounded, then with
// maxLength/maxItems/maxProperties set), and k8s.io/apiserver/pkg/cel/library cost_test.go.
import { describe, expect, it } from "vitest";
import { estimatedRuleCost } from "./crdrules.js";
import { compileCel, estimateCelCost } from "./index.js";
import type { CelT } from "./types.js";

type S = Record<string, unknown>;
const COST_LIMIT = 100_000_000n; // compilation_test.go's costLimit for the O(n^2) rows

function typeSchema(t: string): S {
  if (t === "int-or-string") return { "x-kubernetes-int-or-string": true };
  if (t === "duration" || t === "date" || t === "date-time") return { type: "string", format: t };
  return { type: t };
}
const withMax = (s: S, key: string, max?: number): S => (max === undefined ? s : { ...s, [key]: max });
const objectOf = (): S => ({ type: "object", properties: { required: { type: "string" }, optional: { type: "string" } }, required: ["required"] });

type Gen = (max?: number) => S;
const arrayWith = (t: string): Gen => (max) => withMax({ type: "array", items: typeSchema(t) }, "maxItems", max);
const arrayOfArrays = (t: string): Gen => (max) => withMax({ type: "array", items: { type: "array", items: { type: t } } }, "maxItems", max);
const objectArray: Gen = (max) => withMax({ type: "array", items: objectOf() }, "maxItems", max);
const mapArray = (t: string): Gen => (max) => withMax({ type: "array", items: { type: "object", additionalProperties: { type: t } } }, "maxItems", max);
const mapWith = (t: string): Gen => (max) => withMax({ type: "object", additionalProperties: typeSchema(t) }, "maxProperties", max);
const mapWithItem = (item: S): Gen => (max) => withMax({ type: "object", additionalProperties: item }, "maxProperties", max);
const stringWith: Gen = (max) => withMax({ type: "string" }, "maxLength", max);
const bytesWith: Gen = (max) => withMax({ type: "string", format: "byte" }, "maxLength", max);
const enumWith = (...values: string[]): Gen => (max) => withMax({ type: "string", enum: values }, "maxLength", max);
const nestedSpec: Gen = (max) => withMax({ type: "object", additionalProperties: withMax({ type: "string" }, "maxLength", max) }, "maxProperties", max);
const allMaxNested: Gen = (max) =>
  withMax({ type: "array", items: withMax({ type: "object", additionalProperties: withMax(objectOf(), "maxProperties", max) }, "maxProperties", max) }, "maxItems", max);
const oneMaxNested: Gen = (max) => ({ type: "array", items: withMax({ type: "object", additionalProperties: objectOf() }, "maxProperties", max) });
const stringList: Gen = (max) => withMax({ type: "array", items: withMax({ type: "string" }, "maxLength", max) }, "maxItems", max);

// [name, schema, rule, unbounded cost (0: not compared; "limit": above costLimit), max, cost with max]
const ROWS: [string, Gen, string, number | "limit", number, number][] = [
  ["number array with all", arrayWith("number"), "self.all(x, true)", 4718591, 10, 32],
  ["string array with all", arrayWith("string"), "self.all(x, true)", 3145727, 20, 62],
  ["boolean array with all", arrayWith("boolean"), "self.all(x, true)", 1887437, 5, 17],
  ["array of number arrays with all", arrayOfArrays("number"), "self.all(x, true)", 3145727, 100, 302],
  ["array of objects with all", objectArray, "self.all(x, true)", 555128, 50, 152],
  ["map of numbers with all", mapWith("number"), "self.all(x, true)", 1348169, 10, 32],
  ["map of numbers with has", mapWith("number"), "has(self.x)", 0, 100, 0],
  ["map of strings with all", mapWith("string"), "self.all(x, true)", 1179647, 3, 11],
  ["map of booleans with all", mapWith("boolean"), "self.all(x, true)", 943718, 100, 302],
  ["string with contains", stringWith, "self.contains('test')", 314574, 10, 5],
  ["string with startsWith", stringWith, "self.startsWith('test')", 2, 15, 2],
  ["string with endsWith", stringWith, "self.endsWith('test')", 2, 30, 2],
  ["concat string", stringWith, `size(self + "hello") > size("hello")`, 314578, 4, 7],
  ["index of array with numbers", arrayWith("number"), "self[1] == 0.0", 2, 5000, 2],
  ["index of array with strings", arrayWith("string"), "self[1] == self[1]", 314577, 8, 314577],
  ["O(n^2) loop with numbers", arrayWith("number"), "self.all(x, self.all(y, true))", "limit", 10, 352],
  ["O(n^3) loop with numbers", arrayWith("number"), "self.all(x, self.all(y, self.all(z, true)))", "limit", 10, 3552],
  ["regex matches simple", stringWith, `self.matches("x")`, 314574, 50, 22],
  ["regex matches empty string", stringWith, `"".matches("(((((((((())))))))))[0-9]")`, 7, 10, 7],
  ["regex matches empty regex", stringWith, `self.matches("")`, 1, 100, 1],
  ["map of strings with value length", nestedSpec, "self.all(x, x.contains(self[x]))", 2752507, 10, 72],
  ["set array maxLength to zero", arrayWith("number"), "self[3] == 0.0", 2, 0, 2],
  ["set map maxLength to zero", mapWith("number"), `self["x"] == 0.0`, 2, 0, 2],
  ["set string maxLength to zero", stringWith, `self == "x"`, 2, 0, 1],
  ["set bytes maxLength to zero", bytesWith, `self == b"x"`, 2, 0, 1],
  ["set maxLength greater than estimated maxLength", arrayWith("number"), "self.all(x, x == 0.0)", 6291454, 3 * 1024 * 2048, 25165826],
  ["nested types with root rule with all supporting maxLength", allMaxNested, `self.all(x, x["y"].required == "z")`, 7340027, 10, 72],
  ["nested types with root rule with one supporting maxLength", oneMaxNested, `self.all(x, x["y"].required == "z")`, 7340027, 10, 7340027],
  ["int-or-string array with all", arrayWith("int-or-string"), "self.all(x, true)", 4718591, 10, 32],
  ["index of array with int-or-strings", arrayWith("int-or-string"), "self[0] == 5", 3, 10, 3],
  ["index of array with booleans", arrayWith("boolean"), "self[0] == false", 2, 25, 2],
  ["index of array of objects", objectArray, "self[0] == null", 2, 422, 2],
  ["index of array of array of numnbers", arrayOfArrays("number"), "self[0][0] == -1.0", 3, 51, 3],
  ["array of number maps with all", mapArray("number"), "self.all(x, x.y == 25.2)", 6291452, 12, 74],
  ["index of array of number maps", mapArray("number"), "self[0].x > 2.0", 4, 3000, 4],
  ["duration array with all", arrayWith("duration"), "self.all(x, true)", 2359295, 5, 17],
  ["index of duration array", arrayWith("duration"), "self[0].getHours() == 2", 4, 525, 4],
  ["date array with all", arrayWith("date"), "self.all(x, true)", 725936, 15, 47],
  ["index of date array", arrayWith("date"), "self[2].getDayOfMonth() == 13", 4, 42, 4],
  ["date-time array with all", arrayWith("date-time"), "self.all(x, true)", 428963, 25, 77],
  ["index of date-time array", arrayWith("date-time"), "self[2].getMinutes() == 45", 4, 99, 4],
  ["map of int-or-strings with all", mapWith("int-or-string"), "self.all(x, true)", 1348169, 15, 47],
  ["map of objects with all", mapWithItem(objectOf()), "self.all(x, true)", 428963, 20, 62],
  ["map of number maps with all", mapWithItem({ type: "object", additionalProperties: { type: "number" } }), "self.all(x, true)", 1179647, 10, 32],
  ["map of number arrays with all", mapWithItem({ type: "array", items: { type: "number" } }), "self.all(x, true)", 1179647, 25, 77],
  ["map of durations with all", mapWith("duration"), "self.all(x, true)", 1048577, 5, 17],
  ["map of dates with all", mapWith("date"), "self.all(x, true)", 524288, 10, 32],
  ["map of date-times with all", mapWith("date-time"), "self.all(x, true)", 349526, 25, 77],
  ["extended library regex find", stringWith, "self.find('[0-9]+') == ''", 629147, 10, 11],
  ["extended library join", (max) => stringList(max), "self.join(' ') == 'aa bb'", 329853068905, 10, 43],
  ["extended library isSorted", (max) => stringList(max), "self.isSorted() == true", 329854432052, 10, 52],
  [
    "extended library replace",
    (max) => ({ type: "object", properties: { str: withMax({ type: "string" }, "maxLength", max), before: { type: "string", maxLength: 2 }, after: { type: "string", maxLength: 4 } } }),
    "self.str.replace(self.before, self.after) == 'does not matter'",
    629154,
    4,
    12,
  ],
  [
    "extended library split",
    (max) => ({ type: "object", properties: { str: withMax({ type: "string" }, "maxLength", max), separator: withMax({ type: "string" }, "maxLength", max) } }),
    "self.str.split(self.separator) == []",
    629160,
    10,
    22,
  ],
  ["extended library lowerAscii", stringWith, "self.lowerAscii() == 'lower!'", 314575, 10, 6],
  ["check cost of size call", mapWith("integer"), "oldSelf.size() == self.size()", 5, 10, 5],
  ["check cost of timestamp comparison", mapWith("date-time"), `self["a"] == self["b"]`, 8, 7, 8],
  ["check cost of duration comparison", mapWith("duration"), `self["c"] == self["d"]`, 8, 42, 8],
  ["enums with maxLength equals to the longest possible value", enumWith("A", "B", "C", "LongValue"), "self.contains('A')", 2, 1000, 401],
];

describe("the estimated cost of a CRD rule follows the schema's sizes (compilation_test.go TestCostEstimation)", () => {
  for (const [name, gen, rule, unbounded, max, bounded] of ROWS) {
    it(name, () => {
      const calc = estimatedRuleCost(gen(), rule);
      if (unbounded === "limit") expect(calc as bigint).toBeGreaterThan(COST_LIMIT);
      else if (unbounded > 0) expect(calc).toBe(BigInt(unbounded));
      else expect(typeof calc).toBe("bigint");
      const set = estimatedRuleCost(gen(max), rule);
      if (bounded > 0) expect(set).toBe(BigInt(bounded));
      else expect(typeof set).toBe("bigint");
    });
  }
});

// library cost_test.go's estimator (its rows that mix element types are left out: Kubernetes' environment
// refuses heterogeneous list literals);: strings and bytes of unknown size are 0..12 long
const TEST_SIZES = { estimateSize: (_: readonly string[] | undefined, t: CelT) => (t.k === "prim" && (t.n === "string" || t.n === "bytes") ? { min: 0n, max: 12n } : undefined) };
function libraryCost(expr: string): [bigint, bigint] {
  const r = compileCel(expr, { variables: [{ name: "authorizer" }] });
  if (!r.ok) throw new Error(r.message);
  const c = estimateCelCost(r.program, TEST_SIZES);
  return [c.min, c.max];
}

const INTS = "[1, 2, 3, 4, 5]";
const STRINGS = "['012345678901', '012345678901', '012345678901', '012345678901', '012345678901']";
const LIBRARY_ROWS: [string, number, number][] = [
  [`${INTS}.sum()`, 15, 15],
  [`${INTS}.isSorted()`, 15, 15],
  [`${STRINGS}.max()`, 15, 25],
  [`${INTS}.indexOf(3)`, 15, 15],
  [`${STRINGS}.lastIndexOf('x')`, 15, 25],
  ["'01234567890123456789012345678901234567890123456789'.indexOf('123')", 5, 5],
  ["url('https:://kubernetes.io/').getScheme()", 4, 4],
  ["ip('192.168.0.1')", 2, 2],
  ["ip('2001:db8:3333:4444:5555:6666:7777:8888').family()", 5, 5],
  ["ip.isCanonical('2001:db8:3333:4444:5555:6666:7777:8888')", 8, 8],
  ["cidr('192.168.0.0/16').containsCIDR(cidr('192.0.0.0/30'))", 7, 11],
  ["cidr('192.168.0.0/16').containsIP('192.169.0.1')", 5, 8],
  ["cidr('2001:db8::/32').containsIP(ip('2001:db8::1'))", 5, 8],
  ["'ABCDEFGHIJ abcdefghij'.lowerAscii() == 'abcdefghij ABCDEFGHIJ'.lowerAscii()", 7, 9],
  ["strings.quote('ABCDEFGHIJ abcdefghij') == strings.quote('ABCDEFGHIJ abcdefghij')", 7, 11],
  ["'abc 123 def 123'.replace('', 'x')", 3, 3],
  ["'abc 123 def 123'.split(' ', 1)", 3, 3],
  ["'abc 123 def 123'.substring(5, 8)", 2, 2],
  ["['aa', 'bb', 'cc', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join(' ')", 11, 23],
  ["['aa', 'bb', 'cc', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join()", 10, 22],
  ["'abc 123 def 123'.findAll('123', 1)", 2, 2],
  ["authorizer.group('apps').resource('deployments').subresource('status').namespace('test').name('backend').check('create').allowed()", 350007, 350007],
  [`quantity("200M") == quantity("200M")`, 3, 0],
  [`quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger() > 0`, 7, 7],
  ["sets.contains([1, 2, 3, 4], [2, 3])", 29, 29],
  ["sets.contains([1], [1, 1])", 23, 23],
  ["sets.equivalent([1, 1], [1])", 25, 25],
  ["!sets.equivalent([2, 1], [1])", 26, 26],
  ["!sets.intersects([1], [2])", 23, 23],
  ["sets.intersects([1], [1, 2])", 23, 23],
];

describe("the Kubernetes libraries' call estimates (library cost_test.go)", () => {
  for (const [expr, min, max] of LIBRARY_ROWS) {
    it(expr, () => {
      const [lo, hi] = libraryCost(expr);
      expect(lo).toBe(BigInt(min));
      // quantities have no size: their equality is bounded only by 2^64-1 (…955266 in the Go table)
      expect(hi).toBe(max === 0 ? 1844674407370955266n : BigInt(max));
    });
  }
});
