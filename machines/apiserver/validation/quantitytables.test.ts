// apimachinery pkg/api/resource/quantity_test.go, ported table by table: ParseQuantity's value and
// format (TestQuantityParse, with its "-" and "+" loops and its invalid list), String()'s canonical
// form and the cached input (TestQuantityString, TestQuantityParseEmit), Cmp (TestQuantityCmp), Add
// (TestAdd), parseQuantityString's "." (TestParseQuantityString) and UnmarshalJSON's trim (TestJSONWhitespace).
import { describe, expect, it } from "vitest";
import { decodeTyped, quantityError } from "../schema/decode.js";
import { addQuantity, cmpQuantity, type GoQuantity, parseGoQuantity, quantityString } from "./quantity.js";

type Format = GoQuantity["format"];
const D: Format = "DecimalSI";
const B: Format = "BinarySI";
const X: Format = "DecimalExponent";
const maxAllowed = 2n ** 63n - 1n;
/** decQuantity(i, exponent, format): the value i × 10^exponent. */
const dec = (n: bigint | number, e10: number, format: Format): GoQuantity => ({ n: BigInt(n), e10, format, s: "" });
const neg = (q: GoQuantity): GoQuantity => ({ ...q, n: -q.n });

describe("TestQuantityParse", () => {
  const table: [string, GoQuantity][] = [
    ["0", dec(0, 0, D)], ["0n", dec(0, 0, D)], ["0u", dec(0, 0, D)], ["0m", dec(0, 0, D)], ["0Ki", dec(0, 0, B)],
    ["0k", dec(0, 0, D)], ["0Mi", dec(0, 0, B)], ["0M", dec(0, 0, D)], ["0Gi", dec(0, 0, B)], ["0G", dec(0, 0, D)],
    ["0Ti", dec(0, 0, B)], ["0T", dec(0, 0, D)],
    // Quantity less numbers are allowed
    ["1", dec(1, 0, D)],
    // Binary suffixes
    ["1Ki", dec(1024, 0, B)], ["8Ki", dec(8 * 1024, 0, B)], ["7Mi", dec(7 * 1024 ** 2, 0, B)], ["6Gi", dec(6 * 1024 ** 3, 0, B)],
    ["5Ti", dec(5 * 1024 ** 4, 0, B)], ["4Pi", dec(4n * 1024n ** 5n, 0, B)], ["3Ei", dec(3n * 1024n ** 6n, 0, B)],
    ["10Ti", dec(10 * 1024 ** 4, 0, B)], ["100Ti", dec(100 * 1024 ** 4, 0, B)],
    // Decimal suffixes
    ["5n", dec(5, -9, D)], ["4u", dec(4, -6, D)], ["3m", dec(3, -3, D)], ["9", dec(9, 0, D)], ["8k", dec(8, 3, D)],
    ["50k", dec(5, 4, D)], ["7M", dec(7, 6, D)], ["6G", dec(6, 9, D)], ["5T", dec(5, 12, D)], ["40T", dec(4, 13, D)],
    ["300T", dec(3, 14, D)], ["2P", dec(2, 15, D)], ["1E", dec(1, 18, D)],
    // Decimal exponents
    ["1E-3", dec(1, -3, X)], ["1e3", dec(1, 3, X)], ["1E6", dec(1, 6, X)], ["1e9", dec(1, 9, X)], ["1E12", dec(1, 12, X)],
    ["1e15", dec(1, 15, X)], ["1E18", dec(1, 18, X)],
    // Nonstandard but still parsable
    ["1e14", dec(1, 14, X)], ["1e13", dec(1, 13, X)], ["1e3", dec(1, 3, X)], ["100.035k", dec(100035, 0, D)],
    // Things that look like floating point
    ["0.001", dec(1, -3, D)], ["0.0005k", dec(5, -1, D)], ["0.005", dec(5, -3, D)], ["0.05", dec(5, -2, D)], ["0.5", dec(5, -1, D)],
    ["0.00050k", dec(5, -1, D)], ["0.00500", dec(5, -3, D)], ["0.05000", dec(5, -2, D)], ["0.50000", dec(5, -1, D)],
    ["0.5e0", dec(5, -1, X)], ["0.5e-1", dec(5, -2, X)], ["0.5e-2", dec(5, -3, X)], ["0.5e0", dec(5, -1, X)], ["10.035M", dec(10035, 3, D)],
    ["1.2e3", dec(12, 2, X)], ["1.3E+6", dec(13, 5, X)], ["1.40e9", dec(14, 8, X)], ["1.53E12", dec(153, 10, X)],
    ["1.6e15", dec(16, 14, X)], ["1.7E18", dec(17, 17, X)],
    ["9.01", dec(901, -2, D)], ["8.1k", dec(81, 2, D)], ["7.123456M", dec(7123456, 0, D)], ["6.987654321G", dec(6987654321, 0, D)],
    ["5.444T", dec(5444, 9, D)], ["40.1T", dec(401, 11, D)], ["300.2T", dec(3002, 11, D)], ["2.5P", dec(25, 14, D)], ["1.01E", dec(101, 16, D)],
    // Things that saturate/round
    ["3.001n", dec(4, -9, D)], ["1.1E-9", dec(2, -9, X)], ["0.0000000001", dec(1, -9, D)], ["0.0000000005", dec(1, -9, D)],
    ["0.00000000050", dec(1, -9, D)], ["0.5e-9", dec(1, -9, X)], ["0.9n", dec(1, -9, D)], ["0.00000012345", dec(124, -9, D)],
    ["0.00000012354", dec(124, -9, D)], ["9Ei", dec(maxAllowed, 0, B)], ["9223372036854775807Ki", dec(maxAllowed, 0, B)], ["12E", dec(12, 18, D)],
    // We'll accept fractional binary stuff, too.
    ["100.035Ki", dec(10243584, -2, B)], ["0.5Mi", dec(0.5 * 1024 * 1024, 0, B)], ["0.05Gi", dec(536870912, -1, B)], ["0.025Ti", dec(274877906944, -1, B)],
    // Things written by trolls
    ["0.000000000001Ki", dec(2, -9, D)], // rounds up, changes format
    [".001", dec(1, -3, D)], [".0001k", dec(100, -3, D)], ["1.", dec(1, 0, D)], ["1.G", dec(1, 9, D)],
  ];
  for (const [input, want] of table) {
    it(`${input} is ${want.n}e${want.e10} ${want.format}, and so are -${input} negated and +${input}`, () => {
      for (const [text, q] of [[input, want], [`-${input}`, neg(want)], [`+${input}`, want]] as const) {
        const got = parseGoQuantity(text);
        expect(got, text).toBeDefined();
        expect(cmpQuantity(got!, q), text).toBe(0);
        expect(got!.format, text).toBe(q.format);
        expect(quantityError(text), text).toBeUndefined();
      }
    });
  }

  it("the empty string is an error", () => {
    expect(parseGoQuantity("")).toBeUndefined();
    expect(quantityError("")).toBeDefined();
  });

  const invalid = ["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 "];
  for (const input of invalid) {
    it(`${JSON.stringify(input)} does not parse`, () => {
      expect(parseGoQuantity(input)).toBeUndefined();
      expect(quantityError(input)).toBeDefined();
    });
  }
});

describe("TestParseQuantityString", () => {
  // parseQuantityString(".") is num "0" with no denominator or suffix: ParseQuantity takes it as zero.
  for (const input of [".", "-."]) {
    it(`${input} parses as 0`, () => {
      const q = parseGoQuantity(input);
      expect(q && cmpQuantity(q, dec(0, 0, D))).toBe(0);
      expect(quantityString(q!)).toBe("0");
    });
  }
  it("1E-3 is 1 with the exponent suffix", () => {
    const q = parseGoQuantity("1E-3")!;
    expect([cmpQuantity(q, dec(1, -3, X)), q.format]).toEqual([0, X]);
  });
});

describe("TestQuantityString", () => {
  const table: [GoQuantity, string, string][] = [
    [dec(1024 * 1024 * 1024, 0, B), "1Gi", "1024Mi"], [dec(300 * 1024 * 1024, 0, B), "300Mi", "307200Ki"], [dec(6 * 1024, 0, B), "6Ki", ""],
    [dec(1001 * 1024 * 1024 * 1024, 0, B), "1001Gi", "1025024Mi"], [dec(1024 ** 4, 0, B), "1Ti", "1024Gi"], [dec(5, 0, B), "5", "5000m"],
    [dec(500, -3, B), "500m", "0.5"], [dec(1, 9, D), "1G", "1000M"], [dec(1000, 6, D), "1G", "0.001T"], [dec(1000000, 3, D), "1G", ""],
    [dec(1000000000, 0, D), "1G", ""], [dec(1, -3, D), "1m", "1000u"], [dec(80, -3, D), "80m", ""], [dec(1080, -3, D), "1080m", "1.08"],
    [dec(108, -2, D), "1080m", "1080000000n"], [dec(10800, -4, D), "1080m", ""], [dec(300, 6, D), "300M", ""], [dec(1, 12, D), "1T", ""],
    [dec(1234567, 6, D), "1234567M", ""], [dec(1234567, -3, B), "1234567m", ""], [dec(3, 3, D), "3k", ""], [dec(1025, 0, B), "1025", ""],
    [dec(0, 0, D), "0", ""], [dec(0, 0, B), "0", ""], [dec(1, 9, X), "1e9", ".001e12"], [dec(1, -3, X), "1e-3", "0.001e0"],
    [dec(1, -9, X), "1e-9", "1000e-12"], [dec(80, -3, X), "80e-3", ""], [dec(300, 6, X), "300e6", ""], [dec(1, 12, X), "1e12", ""],
    [dec(1, 3, X), "1e3", ""], [dec(3, 3, X), "3e3", ""], [dec(3, 3, D), "3k", ""], [dec(0, 0, X), "0", "00"], [dec(1, -9, D), "1n", ""],
    [dec(80, -9, D), "80n", ""], [dec(1080, -9, D), "1080n", ""], [dec(108, -8, D), "1080n", ""], [dec(10800, -10, D), "1080n", ""],
    [dec(1, -6, D), "1u", ""], [dec(80, -6, D), "80u", ""], [dec(1080, -6, D), "1080u", ""],
  ];
  for (const [q, want, alternate] of table) {
    it(`${q.n}e${q.e10} ${q.format} prints ${want}${alternate ? `, as ${alternate} does` : ""}`, () => {
      expect(quantityString(q)).toBe(want);
      // a canonical string is kept as parsed
      expect(parseGoQuantity(want)!.s).toBe(want);
      if (alternate) {
        const a = parseGoQuantity(alternate)!;
        expect(a.s).toBe("");
        expect(quantityString(a)).toBe(want);
      }
      if (q.n !== 0n) expect(quantityString(neg(q))).toBe(`-${want}`);
    });
  }
});

describe("TestQuantityParseEmit", () => {
  const table: [string, string][] = [
    ["1Ki", "1Ki"], ["1Mi", "1Mi"], ["1Gi", "1Gi"], ["1024Mi", "1Gi"], ["1000M", "1G"], [".001Ki", "1024m"],
    [".000001Ki", "1024u"], [".000000001Ki", "1024n"], [".000000000001Ki", "2n"],
  ];
  for (const [input, want] of table) {
    it(`${input} prints ${want}, -${input} prints -${want}`, () => {
      expect(quantityString(parseGoQuantity(input)!)).toBe(want);
      expect(quantityString(parseGoQuantity(`-${input}`)!)).toBe(`-${want}`);
    });
  }
});

describe("TestQuantityCmp", () => {
  const table: [string, string, number][] = [["0", "0", 0], ["100m", "50m", 1], ["50m", "100m", -1], ["10000T", "100Gi", 1]];
  for (const [x, y, want] of table) it(`${x} vs ${y} is ${want}`, () => expect(cmpQuantity(parseGoQuantity(x)!, parseGoQuantity(y)!)).toBe(want));
});

describe("TestAdd", () => {
  const table: [GoQuantity, GoQuantity, GoQuantity][] = [
    [dec(10, 0, D), dec(1, 1, D), dec(20, 0, D)],
    [dec(10, 0, D), dec(1, 0, B), dec(11, 0, D)],
    [dec(10, 0, B), dec(1, 0, D), dec(11, 0, B)],
    [dec(0, 0, D), dec(50, 0, D), dec(50, 0, D)],
    [dec(50, 0, D), dec(0, 0, D), dec(50, 0, D)],
    [dec(0, 0, D), dec(0, 0, D), dec(0, 0, D)],
  ];
  table.forEach(([a, b, want], i) => it(`row ${i}`, () => expect(cmpQuantity(addQuantity(a, b), want)).toBe(0)));
  // TestQuantityAddZeroPreservesSuffix
  for (const v of ["100m", "1Gi"]) {
    it(`${v} + 0 and 0 + ${v} print ${v}`, () => {
      const q = parseGoQuantity(v)!;
      const zero = parseGoQuantity("0")!;
      expect(quantityString(addQuantity(q, zero))).toBe(v);
      expect(quantityString(addQuantity(zero, q))).toBe(v);
    });
  }
});

describe("TestJSONWhitespace", () => {
  // UnmarshalJSON strips the quotes and trims before ParseQuantity
  const table: [string | number, string][] = [[" 1", "1"], ["1 ", "1"], [1, "1"], [10, "10"], [-1, "-1"]];
  for (const [input, want] of table) {
    it(`${JSON.stringify(input)} decodes as ${want}`, () => {
      const r = decodeTyped("Pod", { spec: { containers: [{ name: "c", resources: { requests: { cpu: input } } }] } });
      expect(r.ok && (r.value as any).spec.containers[0].resources.requests.cpu).toBe(want);
    });
  }
});

// Rows read from quantity.go and suffix.go (v0.35.0), no Go table holding them: ParseQuantity keeps the
// input as the canonical string only when its shifted digits (with num "0" for "0.x") do not start with
// 0; CanonicalizeBytes ignores constructBytes' ok, so a DecimalSI exponent past E prints no suffix;
// interpret parses an exponent as int64 and converts it to int32 (a canonical input is kept as written).
describe("ParseQuantity and String() beyond the tables", () => {
  const table: [string, string][] = [
    ["0.250", "250m"], ["0.100", "100m"], ["00.5", "500m"], ["0.123", "123m"],
    ["12000E", "12"], ["1e4294967296", "1e4294967296"], ["1000e4294967296", "1e3"], ["1e2147483647", "10e2147483646"],
  ];
  for (const [input, want] of table) it(`${input} is stored as ${want}`, () => expect(quantityString(parseGoQuantity(input)!)).toBe(want));
  it("an exponent past int64 is the suffix error", () => {
    expect(parseGoQuantity("1e9223372036854775808")).toBeUndefined();
    expect(quantityError("1e9223372036854775808")).toBe("unable to parse quantity's suffix");
  });
  it("a value of two billion digits compares by its order of magnitude", () => {
    expect(cmpQuantity(parseGoQuantity("1e2147483647")!, parseGoQuantity("1")!)).toBe(1);
    expect(cmpQuantity(parseGoQuantity("-1e2147483647")!, parseGoQuantity("1")!)).toBe(-1);
    expect(cmpQuantity(parseGoQuantity("1e-2147483648")!, parseGoQuantity("1n")!)).toBe(0);
  });
});
