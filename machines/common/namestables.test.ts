// Kubernetes' own tables for the string rules of k8s.io/apimachinery, row by row: pkg/util/validation/validation_test.go
// (identical at v0.35.0 and at eed236ce) and, from eed236ce, pkg/api/validate/content/path_test.go (v0.35.0 has
// the same rule in pkg/api/validation/path, without a table).
// The Go tests check valid or not; rows whose Go test checks the message check it here too.

import { describe, expect, it } from "vitest";
import {
  isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isDNS1123SubdomainWithUnderscore, isHTTPHeaderName,
  isInRange, isQualifiedName, isRelaxedEnvVarName, isValidGroupID, isValidLabelValue, isValidPathSegmentName,
  isValidPercent, isValidPortName, isValidPortNum, isValidUserID, isWildcardDNS1123Subdomain, maxLenError, regexError,
} from "./names.js";

const r = (s: string, n: number) => s.repeat(n);
const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 48 ? `${s.slice(0, 20)}…(${String(v).length} chars)` : s;
};

/** One it() per Go value: good values give no message, bad values at least one. */
function goodBad<T>(fn: (v: T) => string[], good: T[], bad: T[]): void {
  it.each(good.map((v) => [show(v), v] as const))("accepts %s", (_n, v) => expect(fn(v)).toEqual([]));
  it.each(bad.map((v) => [show(v), v] as const))("rejects %s", (_n, v) => expect(fn(v).length).toBeGreaterThan(0));
}

describe("TestIsDNS1123Label", () => {
  goodBad(isDNS1123Label,
    ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", r("a", 63)],
    ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
      ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", r("a", 64)]);
});

describe("TestIsDNS1123Subdomain", () => {
  goodBad(isDNS1123Subdomain,
    ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2",
      "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1", "abc.1", "a1.1", "a-1.1", "a--1--2--b.1",
      "0.a", "01.a", "012.a", "1a.a", "1-a.a", "1--a--b--2", "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
      "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55", r("a", 253)],
    ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
      ".", "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
      "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1", "A1.1", "1A.1", "0.A", "01.A", "012.A", "1A.a", "1a.A",
      "A.B.C.D.E", "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b", "a:b", "a%b", "a?b", "a$b",
      r("a", 254)]);
  // validation.go: len() counts bytes, so 127 two-byte characters (254 bytes) are too long as well as malformed.
  it("counts a non-ASCII value's length in UTF-8 bytes, as Go's len() does", () => {
    expect(isDNS1123Subdomain(r("ä", 127))[0]).toBe(maxLenError(253));
  });
});

describe("TestIsDNS1035Label", () => {
  goodBad(isDNS1035Label,
    ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", r("a", 63)],
    ["0", "01", "012", "1a", "1-a", "1--a--b--2", "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1",
      "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
      r("a", 64)]);
});

describe("TestIsValidPortNum", () => {
  goodBad(isValidPortNum, [1, 2, 1000, 16384, 32768, 65535], [0, -1, 65536, 100000]);
});

describe("TestIsInRange", () => {
  const good: [number, number, number][] = [[1, 0, 10], [5, 5, 20], [25, 10, 25]];
  const bad: [number, number, number][] = [[1, 2, 10], [5, -4, 2], [25, 100, 120]];
  it.each(good)("accepts %i in [%i, %i]", (v, lo, hi) => expect(isInRange(v, lo, hi)).toEqual([]));
  it.each(bad)("rejects %i outside [%i, %i] with InclusiveRangeError", (v, lo, hi) =>
    expect(isInRange(v, lo, hi)).toEqual([`must be between ${lo} and ${hi}, inclusive`]));
});

describe("TestIsValidGroupID", () => {
  goodBad(isValidGroupID, [0, 1, 1000, 65535, 2147483647], [-1, -1003, 2147483648, 4147483647]);
});

describe("TestIsValidUserID", () => {
  goodBad(isValidUserID, [0, 1, 1000, 65535, 2147483647], [-1, -1003, 2147483648, 4147483647]);
});

describe("TestIsValidPortName", () => {
  goodBad(isValidPortName,
    ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"],
    ["longerthan15characters", "", r("a", 16), "12345", "1-2-3-4", "-begin", "end-", "two--hyphens", "whois++"]);
});

const labelKeyGood = ["simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple", "now-with-dashes/simple",
  "now-with-dashes/now-with-dashes", "now.with.dots/simple", "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678",
  "1.2.3.4/5678", "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo", r("a", 63), `${r("a", 253)}/${r("b", 63)}`];
const labelKeyBad = ["nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash", "Example.com/abc",
  "example_com/abc", "example.com/", "/simple", r("a", 64), `${r("a", 254)}/abc`];

describe("TestIsQualifiedName (and content's TestIsLabelKey, the same rows)", () => {
  goodBad(isQualifiedName, labelKeyGood, labelKeyBad);
});

describe("TestIsValidLabelValue (and content's TestIsLabelValue, the same rows)", () => {
  goodBad(isValidLabelValue,
    ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", r("a", 63), ""],
    ["nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad", "-starts-with-dash", "ends-with-dash-",
      ".starts.with.dot", "ends.with.dot.", r("a", 64)]);
});

describe("TestIsHTTPHeaderName", () => {
  goodBad(isHTTPHeaderName,
    ["Accept-Encoding", "Host", "If-Modified-Since", "X-Forwarded-For",
      "a", "ab", "abc", "a1", "-a", "a-", "a-b", "a-1", "a--1--2--b", "--abc-123",
      "A", "AB", "AbC", "A1", "-A", "A-", "A-B", "A-1", "A--1--2--B", "--123-ABC"],
    ["Host:", "X-Forwarded-For:", "X-@Home", "", "_", "a_", "_a", "1_", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
      " ", "a ", " a", "a b", "1 ", " 1", "1 2", "#a#", "^", ",", ";", "=", "<", "?", "@", "{"]);
});

describe("TestIsValidPercent", () => {
  goodBad(isValidPercent,
    ["0%", "00000%", "1%", "01%", "99%", "100%", "101%"],
    ["", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%", "+1%"]);
});

describe("TestIsConfigMapKey", () => {
  goodBad(isConfigMapKey,
    ["a", "good", "good-good", "still.good", "this.is.also.good", ".so.is.this", "THIS_IS_GOOD", "so_is_this_17"],
    [".", "..", "..bad", "b*d", "bad!&bad"]);
});

describe("TestIsWildcardDNS1123Subdomain", () => {
  goodBad(isWildcardDNS1123Subdomain, ["*.example.com", "*.bar.com", "*.foo.bar.com"], ["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com", "*"]);
});

describe("TestIsRelaxedEnvVarName", () => {
  goodBad(isRelaxedEnvVarName,
    ["-", ":", "_", "+a", ">a", "<a", "a.", "a..", "*a", "%a", "?a", "a:a", "a_a", "aAz", "~a", "|a",
      "a0a", "a9", "/a", "a ", "#a", "0a", "0 a", "'a", "(a", "@a"],
    ["", "=", "a=", "1=a", "a=b", "#%=&&", `${String.fromCodePoint(1)}abc`, `${String.fromCodePoint(130)}abc`, "Ç ç", "Ä ä", "Ñ ñ", "Ø ø"]);
  // validation.go: an empty name is EmptyError, not the printable-ASCII message.
  it("words an empty name as EmptyError", () => expect(isRelaxedEnvVarName("")).toEqual(["environment variable name must be non-empty"]));
});

describe("TestIsDNS1123SubdomainWithUnderscore", () => {
  const fmt = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*";
  const regex = regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character", fmt, "example.com");
  const rows: [string, string, string[]][] = [
    ["valid subdomain", "example.com", []],
    ["valid subdomain with underscore", "_example.com", []],
    ["valid subdomain with multiple segments", "sub._example.com", []],
    ["valid subdomain with hyphen", "sub-domain.example.com", []],
    ["valid subdomain with underscore in middle", "sub_domain.example.com", []],
    ["empty string", "", [regex]],
    ["invalid uppercase characters", "Example.com", [regex]],
    ["invalid starting character", "-example.com", [regex]],
    ["invalid ending character", "example.com-", [regex]],
    ["invalid characters", "example@.com", [regex]],
    // string(make([]byte, 251)): 251 NUL bytes
    ["too long subdomain", `a.${"\u0000".repeat(251)}.com`, [maxLenError(253), regex]],
    ["multiple dots", "example..com", [regex]],
    ["underscore only", "_", [regex]],
  ];
  it.each(rows)("%s", (_n, value, want) => expect(isDNS1123SubdomainWithUnderscore(value)).toEqual(want));
});

describe("TestIsPathSegmentName (content/path_test.go)", () => {
  const rows: [string, string, string][] = [
    ["empty", "", ""], ["valid short", "foo", ""], ["valid long", "foo.bar.baz", ""],
    ["valid complex", "sha256:ABCDEF012345@ABCDEF012345", ""], ["valid extended charset", "Iñtërnâtiônàlizætiøn", ""],
    ["dot", ".", "."], ["dot leading", ".test", ""], ["dot dot", "..", ".."], ["dot dot leading", "..test", ""],
    ["slash", "foo/bar", "/"], ["percent", "foo%bar", "%"],
  ];
  it.each(rows)("%s", (_n, name, want) => {
    const msgs = isValidPathSegmentName(name);
    if (want === "") expect(msgs).toEqual([]);
    else expect(msgs[0]).toContain(want);
  });
});
