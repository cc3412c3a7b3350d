import { describe, it, expect } from "vitest";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPercent, nameIsDNSSubdomain } from "./names.js";

// Ported in meaning from k8s.io/apimachinery/pkg/util/validation/validation_test.go.
const table = (fn: (s: string) => string[], good: string[], bad: string[]) => {
  for (const v of good) it(`accepts ${JSON.stringify(v.length > 40 ? `${v.slice(0, 10)}…(${v.length})` : v)}`, () => expect(fn(v)).toEqual([]));
  for (const v of bad) it(`rejects ${JSON.stringify(v.length > 40 ? `${v.slice(0, 10)}…(${v.length})` : v)}`, () => expect(fn(v).length).toBeGreaterThan(0));
};

describe("IsDNS1123Label", () => {
  table(isDNS1123Label,
    ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", "a".repeat(63)],
    ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "a".repeat(64)]);
  it("words the regex failure exactly, with Kubernetes' double space between examples", () => {
    expect(isDNS1123Label("A")).toEqual(["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]);
  });
  it("reports length and pattern separately", () => {
    expect(isDNS1123Label("a".repeat(64))).toEqual(["must be no more than 63 characters"]);
  });
});

describe("IsDNS1123Subdomain", () => {
  table(isDNS1123Subdomain,
    ["a", "ab", "a1", "a-1", "a--1--2--b", "0", "1a", "a.a", "ab.a", "a-1.a", "a--1--2--b.a", "a.1", "0.0", "01.a", "a.b.c.d.e", "aa.bb.cc.dd.ee", "a".repeat(253)],
    ["", "A", "aBc", "-", "a-", "-a", "_", "a_b", ".", "a.", ".a", "a..b", "1..2", " ", "a b", "A.a", "aB.a", "ab.A", "A.B.C.D.E", "a@b", "a,b", "a;b", "a:b", "a%b", "a?b", "a$b", "a".repeat(254)]);
  it("words the message as NewInvalid shows it for Bad_Name", () => {
    expect(isDNS1123Subdomain("Bad_Name")).toEqual(["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]);
  });
});

describe("IsDNS1035Label", () => {
  table(isDNS1035Label, ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a".repeat(63)], ["0", "01", "1a", "1-a", "", "A", "a-", "-a", "a_b", "a.b", "a".repeat(64)]);
  it("words the message exactly", () => {
    expect(isDNS1035Label("1a")).toEqual(["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]);
  });
});

describe("IsQualifiedName", () => {
  table(isQualifiedName,
    ["simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple", "now-with-dashes/simple", "now.with.dots/simple", "1-num.2-num/3-num", "1.2.3.4/5678", "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo", "a".repeat(63), `${"a".repeat(253)}/${"b".repeat(63)}`],
    ["nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash", "Example.com/abc", "example_com/abc", "example.com/", "/simple", "a".repeat(64), `${"a".repeat(254)}/abc`]);
  it("prefixes messages with the part that failed", () => {
    expect(isQualifiedName("/simple")).toEqual(["prefix part must be non-empty"]);
    expect(isQualifiedName("a".repeat(64))).toEqual(["name part must be no more than 63 bytes"]);
  });
});

describe("IsValidLabelValue", () => {
  table(isValidLabelValue, ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "", "UpperCase", "a".repeat(63)], ["nospecialchars%^=@", "Tama-nui-te-rā.Atua-o-Māui", "a".repeat(64), "-starts", "ends-"]);
});

describe("IsValidPortName", () => {
  table(isValidPortName, ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"], ["", "-", "-a", "a-", "a--b", "1", "12345", "x_y", "123456789012345678"]);
  it("lists every rule a name breaks", () => {
    expect(isValidPortName("-1")).toEqual(["must contain at least one letter (a-z)", "must not begin or end with a hyphen"]);
  });
});

describe("IsValidPercent", () => {
  table(isValidPercent, ["0%", "25%", "100%"], ["25", "%", "-1%", "1.5%"]);
});

describe("generateName prefixes", () => {
  it("accept a trailing dash because a random suffix follows", () => expect(nameIsDNSSubdomain("web-", true)).toEqual([]));
  it("reject a trailing dash in a full name", () => expect(nameIsDNSSubdomain("web-", false)).toHaveLength(1));
});
