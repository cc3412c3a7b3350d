// apimachinery pkg/fields/selector_test.go (at eed236ce), row by row: TestSplitTerms, TestSplitTerm,
// TestEscapeValue (its UnescapeValue half and invalid sequences), TestSelectorParse (parse or not),
// TestDeterministicParse and TestSelectorMatches. Left out: the String() round trip of TestSelectorParse
// and TestEscapeValue's EscapeValue half (podflow never prints a field selector back), TestRequiresExactMatch,
// TestTransform, TestSetMatches and TestOneTermEqualSelector (selector methods podflow does not have).
import { describe, expect, it } from "vitest";
import { matchesFieldSelector, parseFieldSelector, splitTerm, splitTerms, unescapeFieldValue } from "./labels.js";

describe("TestSplitTerms", () => {
  const rows: [string, string[]][] = [
    ["a", ["a"]], ["a=avalue", ["a=avalue"]], ["a=avalue,b=bvalue", ["a=avalue", "b=bvalue"]],
    ["a=avalue,b==bvalue,c!=cvalue", ["a=avalue", "b==bvalue", "c!=cvalue"]],
    ["", []], ["a=a,", ["a=a", ""]], [",a=a", ["", "a=a"]],
    [String.raw`k=\,,k2=v2`, [String.raw`k=\,`, "k2=v2"]],
    [String.raw`k=\\,k2=v2`, [String.raw`k=\\`, "k2=v2"]],
    [String.raw`k=\\\,,k2=v2`, [String.raw`k=\\\,`, "k2=v2"]],
    ["k=\\a\\b\\", ["k=\\a\\b\\"]],
    ["k=\\", ["k=\\"]],
    ["함=수,목=록", ["함=수", "목=록"]],
  ];
  it.each(rows)("%s", (selector, want) => expect(splitTerms(selector)).toEqual(want));
});

describe("TestSplitTerm", () => {
  const rows: [string, { lhs: string; op: string; rhs: string } | undefined][] = [
    ["a=value", { lhs: "a", op: "=", rhs: "value" }], ["b==value", { lhs: "b", op: "==", rhs: "value" }],
    ["c!=value", { lhs: "c", op: "!=", rhs: "value" }], ["", undefined], ["a", undefined],
    [String.raw`k=\,`, { lhs: "k", op: "=", rhs: String.raw`\,` }], [String.raw`k=\=`, { lhs: "k", op: "=", rhs: String.raw`\=` }],
    ["k=\\\\\\a\\b\\=\\,\\", { lhs: "k", op: "=", rhs: "\\\\\\a\\b\\=\\,\\" }],
    ["함=수", { lhs: "함", op: "=", rhs: "수" }],
  ];
  it.each(rows)("%s", (term, want) => expect(splitTerm(term)).toEqual(want));
});

describe("TestEscapeValue (UnescapeValue)", () => {
  const rows: [string, string][] = [["", ""], ["a", "a"], ["=", "\\="], [",", "\\,"], ["\\", "\\\\"], ["\\=\\,\\", "\\\\\\=\\\\\\,\\\\"]];
  it.each(rows)("unescapes the escaped form of %j", (plain, escaped) => expect(unescapeFieldValue(escaped)).toEqual({ value: plain }));
  it.each(["\\", "\\\\\\", "\\a"])("%j is an invalid escape sequence", (bad) => {
    const got = unescapeFieldValue(bad);
    expect("error" in got && got.error.startsWith("invalid field selector: invalid escape sequence: ")).toBe(true);
  });
});

describe("TestSelectorParse", () => {
  it.each(["x=a,y=b,z=c", "", "x!=a,y=b", "x=a||y\\=b", "x=a\\=\\=b"])("%j parses", (s) => expect(Array.isArray(parseFieldSelector(s))).toBe(true));
  it.each(["x=a||y=b", "x==a==b", "x=a,b", "x in (a)", "x in (a,b,c)", "x"])("%j does not parse", (s) => expect("error" in parseFieldSelector(s)).toBe(true));
});

describe("TestDeterministicParse", () => {
  it("x=a,a=x and a=x,x=a parse to the same requirements", () => expect(parseFieldSelector("x=a,a=x")).toEqual(parseFieldSelector("a=x,x=a")));
});

describe("TestSelectorMatches", () => {
  const match = (sel: string, fields: Record<string, string>) => {
    const reqs = parseFieldSelector(sel);
    if (!Array.isArray(reqs)) throw new Error(reqs.error);
    return matchesFieldSelector(reqs, fields);
  };
  const fieldset = { foo: "bar", baz: "blah", complex: "=value\\,\\" };
  const rows: [string, Record<string, string>, boolean][] = [
    ["", { x: "y" }, true], ["x=y", { x: "y" }, true], ["x=y,z=w", { x: "y", z: "w" }, true], ["x!=y,z!=w", { x: "z", z: "a" }, true],
    ["notin=in", { notin: "in" }, true], ["x=y", { x: "z" }, false], ["x=y,z=w", { x: "w", z: "w" }, false], ["x!=y,z!=w", { x: "z", z: "w" }, false],
    ["foo=bar", fieldset, true], ["baz=blah", fieldset, true], ["foo=bar,baz=blah", fieldset, true],
    ["foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\", fieldset, true],
    ["foo=blah", fieldset, false], ["baz=bar", fieldset, false], ["foo=bar,foobar=bar,baz=blah", fieldset, false],
  ];
  it.each(rows)("%j against %j matches: %s", (sel, fields, want) => expect(match(sel, fields)).toBe(want));
});
