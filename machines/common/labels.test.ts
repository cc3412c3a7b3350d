import { describe, expect, it } from "vitest";
import type { Node, NodeSelectorTerm } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import {
  matchesFieldSelector, matchesLabelSelector, matchesNodeSelector, matchesNodeSelectorTerm, matchesRequirements,
  parseFieldSelector, parseSelector,
} from "./labels.js";

const node = (name: string, labels: Record<string, string>): Node => ({ metadata: { name, labels } });

describe("matchesLabelSelector (metav1.LabelSelectorAsSelector)", () => {
  const rows: Array<[string, LabelSelector | null | undefined, Record<string, string> | undefined, boolean]> = [
    ["an empty selector matches everything", {}, { a: "b" }, true],
    ["an empty selector matches a pod without labels", {}, undefined, true],
    ["a null selector matches nothing", null, { a: "b" }, false],
    ["an undefined selector matches nothing", undefined, {}, false],
    ["matchLabels requires each key and value", { matchLabels: { a: "b", c: "d" } }, { a: "b", c: "d", e: "f" }, true],
    ["matchLabels fails on a different value", { matchLabels: { a: "b" } }, { a: "x" }, false],
    ["In matches one of the values", { matchExpressions: [{ key: "a", operator: "In", values: ["x", "y"] }] }, { a: "y" }, true],
    ["NotIn matches a missing key", { matchExpressions: [{ key: "a", operator: "NotIn", values: ["x"] }] }, {}, true],
    ["NotIn fails on a listed value", { matchExpressions: [{ key: "a", operator: "NotIn", values: ["x"] }] }, { a: "x" }, false],
    ["Exists needs the key", { matchExpressions: [{ key: "a", operator: "Exists" }] }, { a: "" }, true],
    ["DoesNotExist fails when the key is there", { matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, { a: "" }, false],
    ["In without values is invalid and matches nothing", { matchExpressions: [{ key: "a", operator: "In", values: [] }] }, { a: "" }, false],
    ["an unknown operator matches nothing", { matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }, { a: "2" }, false],
  ];
  it.each(rows)("%s", (_name, sel, labels, want) => {
    expect(matchesLabelSelector(sel, labels)).toBe(want);
  });
});

describe("parseSelector (labels.Parse)", () => {
  const ok: Array<[string, string, Record<string, string>, boolean]> = [
    ["equality with = matches", "a=b", { a: "b" }, true],
    ["equality with == matches", "a==b", { a: "b" }, true],
    ["inequality matches a missing key", "a!=b", {}, true],
    ["set membership with in", "a in (x, y)", { a: "x" }, true],
    ["set exclusion with notin", "a notin (x)", { a: "x" }, false],
    ["a bare key means exists", "a", { a: "1" }, true],
    ["a bang means does-not-exist", "!a", { a: "1" }, false],
    ["comma-separated requirements are ANDed", "a=b,c", { a: "b" }, false],
    ["the empty selector matches everything", "", { z: "1" }, true],
    ["greater-than compares integers", "a>5", { a: "7" }, true],
    // labels.Requirement.Matches: Gt is strictly greater, Lt strictly less (lsValue > rValue)
    ["greater-than fails on the bound itself", "a>5", { a: "5" }, false],
    ["less-than fails on the bound itself", "a<5", { a: "5" }, false],
    ["a prefixed key is accepted", "app.kubernetes.io/name=web", { "app.kubernetes.io/name": "web" }, true],
  ];
  it.each(ok)("%s", (_n, s, labels, want) => {
    const reqs = parseSelector(s);
    if ("error" in reqs) throw new Error(reqs.error);
    expect(matchesRequirements(reqs, labels)).toBe(want);
  });
  const bad: Array<[string, string, string]> = [
    ["a trailing comma is an error", "a=b,", "found '', expected: identifier after ','"],
    ["in without parentheses is an error", "a in x", "unable to parse requirement: found 'x' expected: '('"],
    ["a leading operator is an error", "=b", "found '=', expected: !, identifier, or 'end of string'"],
    ["two requirements without a comma is an error", "a=b c=d", "found 'c', expected: ',' or 'end of string'"],
  ];
  it.each(bad)("%s", (_n, s, msg) => {
    expect(parseSelector(s)).toEqual({ error: msg });
  });
  it("rejects an invalid label value with NewRequirement's field error, at the value's index and key", () => {
    expect(parseSelector("a=-bad-")).toEqual({ error: `unable to parse requirement: values[0][a]: Invalid value: "-bad-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')` });
  });
  // labels.Parse as kube-apiserver 1.35 runs it (selector.go; the kf and authorizer tests quote these words)
  it("a key whose name part is past 63 bytes is the key check's <nil> field error, before any operator", () => {
    const key = "k".repeat(64);
    expect(parseSelector(`${key}=v`)).toEqual({ error: `unable to parse requirement: <nil>: Invalid value: "${key}": name part must be no more than 63 bytes` });
    expect(parseSelector("app:web")).toEqual({ error: `unable to parse requirement: <nil>: Invalid value: "app:web": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')` });
  });
  it("values of a set are a sorted set: the error names the bad one at its sorted index; two bad ones are aggregated", () => {
    const long = "z".repeat(64);
    expect(parseSelector(`a in (${long},b,b)`)).toEqual({ error: `unable to parse requirement: values[1][a]: Invalid value: "${long}": must be no more than 63 bytes` });
    expect(parseSelector("a in (-x,-y)")).toEqual({ error: `unable to parse requirement: [values[0][a]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'), values[1][a]: Invalid value: "-y": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]` });
  });
  it("Gt and Lt need an int64: the field error at values[0]; one past int64 is no integer", () => {
    expect(parseSelector("a>x")).toEqual({ error: `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer` });
    expect(parseSelector("a<9223372036854775808")).toEqual({ error: `unable to parse requirement: values[0]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators, the value must be an integer` });
    expect("error" in parseSelector("a<9223372036854775807")).toBe(false);
  });
  it("in () is the empty value, so it selects an empty label; in and notin are identifiers where a key or value stands", () => {
    const empty = parseSelector("a in ()");
    if ("error" in empty) throw new Error(empty.error);
    expect(matchesRequirements(empty, { a: "" })).toBe(true);
    expect(matchesRequirements(empty, {})).toBe(false);
    const words = parseSelector("in=notin,notin in (in)");
    if ("error" in words) throw new Error(words.error);
    expect(words).toEqual([{ key: "in", operator: "=", values: ["notin"] }, { key: "notin", operator: "in", values: ["in"] }]);
  });
  it("a set that opens on an operator is parseValues' own error", () => {
    expect(parseSelector("a in (=)")).toEqual({ error: "unable to parse requirement: found '=', expected: ',', ')' or identifier" });
    expect(parseSelector("a in (b,=)")).toEqual({ error: "unable to parse requirement: found '=', expected: ',', or identifier" });
  });
});

describe("field selectors (fields.ParseSelector)", () => {
  const rows: Array<[string, string, Record<string, string>, boolean]> = [
    ["= matches an equal field", "spec.nodeName=n1", { "spec.nodeName": "n1" }, true],
    ["== matches an equal field", "metadata.name==p", { "metadata.name": "p" }, true],
    ["!= excludes an equal field", "status.phase!=Running", { "status.phase": "Running" }, false],
    ["terms are ANDed", "spec.nodeName=,status.phase!=Failed", { "spec.nodeName": "", "status.phase": "Pending" }, true],
    ["a missing field compares as empty", "spec.nodeName=", {}, true],
  ];
  it.each(rows)("%s", (_n, s, fields, want) => {
    const reqs = parseFieldSelector(s);
    if ("error" in reqs) throw new Error(reqs.error);
    expect(matchesFieldSelector(reqs, fields)).toBe(want);
  });
  it("reports a term without an operator as Kubernetes does", () => {
    expect(parseFieldSelector("a=b,c")).toEqual({ error: "invalid selector: 'a=b,c'; can't understand 'c'" });
  });
  // fields/selector.go: splitTerm takes the first operator, UnescapeValue refuses a bare , or = and
  // any escape but \\ \, \=, and parseSelector sorts the terms before it reads them
  it.each([
    ["a second = in the value", "metadata.name===x", "invalid field selector: unescaped character in value: 61"],
    ["!== is != then a bare =", "metadata.name!==x", "invalid field selector: unescaped character in value: 61"],
    ["an unknown escape", "metadata.name=a\\x", "invalid field selector: invalid escape sequence: \\x"],
    ["a trailing backslash", "metadata.name=a\\", "invalid field selector: invalid escape sequence: \\"],
    ["a blank selector is a term with no operator", " ", "invalid selector: ' '; can't understand ' '"],
    ["the terms are read sorted: b's error before z's", "z,b=c=d", "invalid field selector: unescaped character in value: 61"],
  ])("refuses %s as fields.ParseSelector does", (_n, sel, error) => {
    expect(parseFieldSelector(sel)).toEqual({ error });
  });
  it("the left side is everything before the first operator, never unescaped; escaped , and = in the value are data", () => {
    expect(parseFieldSelector("a!b=c")).toEqual([{ field: "a!b", operator: "=", value: "c" }]);
    expect(parseFieldSelector("a\\b=c")).toEqual([{ field: "a\\b", operator: "=", value: "c" }]);
    expect(parseFieldSelector("x=c\\,d\\=e\\\\")).toEqual([{ field: "x", operator: "=", value: "c,d=e\\" }]);
  });
});

describe("node selectors (nodeaffinity.NodeSelector)", () => {
  const n = node("node-1", { zone: "a", cpus: "8" });
  const rows: Array<[string, NodeSelectorTerm, boolean]> = [
    ["In matches the label value", { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }, true],
    ["NotIn rejects a listed value", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, false],
    ["Exists needs the key", { matchExpressions: [{ key: "zone", operator: "Exists" }] }, true],
    ["DoesNotExist rejects a present key", { matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, false],
    ["Gt compares as integers", { matchExpressions: [{ key: "cpus", operator: "Gt", values: ["4"] }] }, true],
    ["Lt compares as integers", { matchExpressions: [{ key: "cpus", operator: "Lt", values: ["4"] }] }, false],
    ["Gt on a non-integer label does not match", { matchExpressions: [{ key: "zone", operator: "Gt", values: ["1"] }] }, false],
    ["matchFields on metadata.name matches the node name", { matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }, true],
    ["matchFields and matchExpressions are ANDed", { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }], matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] }, false],
    ["a term with no requirements matches nothing", {}, false],
    // labels.NewRequirement refuses these, and a term that does not parse matches no node.
    ["NotIn with a value that is no label value makes the term match nothing", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["invalid value"] }] }, false],
    ["In with one valid and one invalid value matches nothing", { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "-a"] }] }, false],
    ["an invalid key makes the term match nothing", { matchExpressions: [{ key: "invalid key", operator: "DoesNotExist" }] }, false],
    ["NotIn without values matches nothing", { matchExpressions: [{ key: "region", operator: "NotIn", values: [] }] }, false],
    ["DoesNotExist with values matches nothing", { matchExpressions: [{ key: "region", operator: "DoesNotExist", values: ["x"] }] }, false],
    ["Lt with a value that is no integer matches nothing", { matchExpressions: [{ key: "cpus", operator: "Lt", values: ["ten"] }] }, false],
    ["matchFields with two values does not parse", { matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1", "node-2"] }] }, false],
    ["matchFields NotIn another name matches", { matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["node-2"] }] }, true],
  ];
  it.each(rows)("%s", (_n, term, want) => {
    expect(matchesNodeSelectorTerm(term, n)).toBe(want);
  });
  it("ORs the terms of a node selector", () => {
    expect(matchesNodeSelector({ nodeSelectorTerms: [{}, { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }] }, n)).toBe(true);
  });
  it("an invalid term does not stop a valid one from matching (terms are ORed)", () => {
    expect(matchesNodeSelector({ nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a b"] }] }, { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }] }, n)).toBe(true);
  });
  it("matches nothing with no terms", () => {
    expect(matchesNodeSelector({ nodeSelectorTerms: [] }, n)).toBe(false);
  });
});
