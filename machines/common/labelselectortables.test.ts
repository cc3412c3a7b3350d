// apimachinery pkg/labels/selector_test.go, ported table by table: TestSelectorParse (good and bad
// strings), TestSelectorMatches, TestRequirementConstructor (through the string form),
// TestRequirementSelectorMatching and TestSetSelectorParser (labels.Parse sorts the requirements by key).
import { describe, expect, it } from "vitest";
import { labelSelectorAsRequirements, matchesLabelSelector, matchesRequirements, parseSelector, type Requirement } from "./labels.js";

const parsed = (s: string): Requirement[] => {
  const r = parseSelector(s);
  if (!Array.isArray(r)) throw new Error(`${JSON.stringify(s)}: ${r.error}`);
  return r;
};
const matches = (s: string, labels: Record<string, string>) => matchesRequirements(parsed(s), labels);
const req = (key: string, operator: Requirement["operator"], values: string[] = []): Requirement => ({ key, operator, values: [...new Set(values)].sort() });
const byKey = (rs: Requirement[]) => [...rs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

describe("TestSelectorParse", () => {
  for (const s of ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]) {
    it(`${JSON.stringify(s)} parses`, () => expect(Array.isArray(parseSelector(s))).toBe(true));
  }
  for (const s of ["x=a||y=b", "x==a==b", "!x=a", "x<a"]) {
    it(`${JSON.stringify(s)} is an error`, () => expect(parseSelector(s)).toHaveProperty("error"));
  }
  it("TestDeterministicParse: x=a,a=x and a=x,x=a are the same requirements", () => {
    expect(byKey(parsed("x=a,a=x"))).toEqual(byKey(parsed("a=x,x=a")));
  });
});

describe("TestSelectorMatches", () => {
  const yes: [string, Record<string, string>][] = [
    ["", { x: "y" }], ["x=y", { x: "y" }], ["x=y,z=w", { x: "y", z: "w" }], ["x!=y,z!=w", { x: "z", z: "a" }],
    ["notin=in", { notin: "in" }], ["x", { x: "z" }], ["!x", { y: "z" }], ["x>1", { x: "2" }], ["x<1", { x: "0" }],
    ["foo=bar", { foo: "bar", baz: "blah" }], ["baz=blah", { foo: "bar", baz: "blah" }], ["foo=bar,baz=blah", { foo: "bar", baz: "blah" }],
  ];
  const no: [string, Record<string, string>][] = [
    ["x=z", {}], ["x=y", { x: "z" }], ["x=y,z=w", { x: "w", z: "w" }], ["x!=y,z!=w", { x: "z", z: "w" }], ["x", { y: "z" }],
    ["!x", { x: "z" }], ["x>1", { x: "0" }], ["x<1", { x: "2" }],
    ["foo=blah", { foo: "bar", baz: "blah" }], ["baz=bar", { foo: "bar", baz: "blah" }], ["foo=bar,foobar=bar,baz=blah", { foo: "bar", baz: "blah" }],
  ];
  for (const [s, l] of yes) it(`${JSON.stringify(s)} matches ${JSON.stringify(l)}`, () => expect(matches(s, l)).toBe(true));
  for (const [s, l] of no) it(`${JSON.stringify(s)} does not match ${JSON.stringify(l)}`, () => expect(matches(s, l)).toBe(false));
});

describe("TestRequirementConstructor", () => {
  // NewRequirement's set-based rows through metav1.LabelSelectorAsSelector, which calls it per expression
  const setRows: [string, string, string[] | undefined, boolean][] = [
    ["x", "In", undefined, false], ["x", "NotIn", [], false], ["x", "In", ["foo"], true], ["x", "NotIn", ["foo"], true],
    ["x", "Exists", undefined, true], ["x", "DoesNotExist", undefined, true], ["1foo", "In", ["bar"], true], ["1234", "In", ["bar"], true],
    ["a".repeat(254), "Exists", undefined, false], // breaks DNS rule that len(key) <= 253
  ];
  for (const [key, operator, values, ok] of setRows) {
    it(`${key.length > 20 ? `a×${key.length}` : key} ${operator} ${JSON.stringify(values)} ${ok ? "is" : "is not"} valid`, () => {
      const r = labelSelectorAsRequirements({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
      expect(r !== null && !("error" in r)).toBe(ok);
    });
  }
  // Gt and Lt exist only in the string form
  const stringRows: [string, boolean][] = [["y>1", true], ["z<6", true], ["foo>bar", false], ["barz<blah", false]];
  for (const [s, ok] of stringRows) it(`${s} ${ok ? "is" : "is not"} a valid requirement`, () => expect(Array.isArray(parseSelector(s))).toBe(ok));
});

describe("TestRequirementSelectorMatching", () => {
  const rows: [Record<string, string>, Requirement[], boolean][] = [
    [{ x: "foo", y: "baz" }, [req("x", "in", ["foo"]), req("y", "notin", ["alpha"])], true],
    [{ x: "foo", y: "baz" }, [req("x", "in", ["foo"]), req("y", "in", ["alpha"])], false],
    [{ y: "" }, [req("x", "notin", [""]), req("y", "exists")], true],
    [{ y: "" }, [req("x", "!"), req("y", "exists")], true],
    [{ y: "" }, [req("x", "notin", [""]), req("y", "!")], false],
    [{ y: "baz" }, [req("x", "in", [""])], false],
    [{ z: "2" }, [req("z", "gt", ["1"])], true],
    [{ z: "v2" }, [req("z", "gt", ["1"])], false],
  ];
  rows.forEach(([labels, reqs, want], i) => it(`row ${i + 2}`, () => expect(matchesRequirements(reqs, labels)).toBe(want)));
});

describe("TestSetSelectorParser", () => {
  // [input, requirements (sorted by key) when the Go row's Match is true, valid]
  const rows: [string, Requirement[] | undefined, boolean][] = [
    ["", [], true],
    ["\rx", [req("x", "exists")], true],
    ["this-is-a-dns.domain.com/key-with-dash", [req("this-is-a-dns.domain.com/key-with-dash", "exists")], true],
    ["this-is-another-dns.domain.com/key-with-dash in (so,what)", [req("this-is-another-dns.domain.com/key-with-dash", "in", ["so", "what"])], true],
    ["0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", [req("0.1.2.domain/99", "notin", ["10.10.100.1", "tick.tack.clock"])], true],
    ["foo  in\t (abc)", [req("foo", "in", ["abc"])], true],
    ["x notin\n (abc)", [req("x", "notin", ["abc"])], true],
    ["x  notin\t\t\t(abc,def)", [req("x", "notin", ["abc", "def"])], true],
    ["x in (abc,def)", [req("x", "in", ["abc", "def"])], true],
    ["x in (abc,)", [req("x", "in", ["abc", ""])], true],
    ["x in ()", [req("x", "in", [""])], true],
    ["x notin (abc,,def),bar,z in (),w", [req("bar", "exists"), req("w", "exists"), req("x", "notin", ["abc", "", "def"]), req("z", "in", [""])], true],
    ["x,y in (a)", undefined, true],
    ["x=a", [req("x", "=", ["a"])], true],
    ["x>1", [req("x", "gt", ["1"])], true],
    ["x<7", [req("x", "lt", ["7"])], true],
    ["x=a,y!=b", [req("x", "=", ["a"]), req("y", "!=", ["b"])], true],
    ["x=a,y!=b,z in (h,i,j)", [req("x", "=", ["a"]), req("y", "!=", ["b"]), req("z", "in", ["h", "i", "j"])], true],
    ["x=a||y=b", undefined, false],
    ["x,,y", undefined, false],
    [",x,y", undefined, false],
    ["x nott in (y)", undefined, false],
    ["x notin ( )", [req("x", "notin", [""])], true],
    ["x notin (, a)", [req("x", "notin", ["", "a"])], true],
    ["a in (xyz),", undefined, false],
    ["a in (xyz)b notin ()", undefined, false],
    ["a ", [req("a", "exists")], true],
    ["a in (x,y,notin, z,in)", [req("a", "in", ["in", "notin", "x", "y", "z"])], true], // operator 'in' inside list of identifiers
    ["a in (xyz abc)", undefined, false], // no comma
    ["a notin(", undefined, false], // bad formed
    ["a (", undefined, false], // cpar
    ["(", undefined, false], // opar
  ];
  for (const [input, want, valid] of rows) {
    it(`${JSON.stringify(input)} is ${valid ? "valid" : "an error"}`, () => {
      const r = parseSelector(input);
      expect(Array.isArray(r)).toBe(valid);
      if (want !== undefined && Array.isArray(r)) expect(byKey(r)).toEqual(want);
    });
  }
});

// metav1.LabelSelectorAsSelector (apimachinery pkg/apis/meta/v1/helpers.go) builds each requirement
// through NewRequirement (labels/selector.go), whose errors are these; a selector in error matches nothing.
describe("LabelSelectorAsSelector's NewRequirement errors", () => {
  const rows: [string, object, string][] = [
    ["a bad matchLabels value", { matchLabels: { a: "-x" } }, `values[0][a]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`],
    ["a bad key", { matchExpressions: [{ key: "a b", operator: "Exists" }] }, `key: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`],
    ["In without values", { matchExpressions: [{ key: "a", operator: "In", values: [] }] }, "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"],
    ["Exists with values", { matchExpressions: [{ key: "a", operator: "Exists", values: ["b"] }] }, `values: Invalid value: ["b"]: values set must be empty for exists and does not exist`],
    ["an unknown operator", { matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }, `"Gt" is not a valid label selector operator`],
  ];
  for (const [name, sel, error] of rows) {
    it(name, () => {
      expect(labelSelectorAsRequirements(sel as never)).toEqual({ error });
      expect(matchesLabelSelector(sel as never, { a: "b" })).toBe(false);
    });
  }
});
