// Kubernetes' tables for the apimachinery rules that return a field.ErrorList, row by row
// (k8s.io/apimachinery at eed236ce, pkg/util/validation/validation_test.go).

import { describe, expect, it } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { isDomainPrefixedKey, isDomainPrefixedPath, isFullyQualifiedDomainName, isFullyQualifiedName } from "./names.js";

const r = (s: string, n: number) => s.repeat(n);
const show = (v: string) => (v.length > 48 ? `${JSON.stringify(v.slice(0, 20))}…(${v.length} chars)` : JSON.stringify(v));

function goodBad(fn: (path: string, v: string) => unknown[], good: string[], bad: string[]): void {
  it.each(good.map((v) => [show(v), v]))("accepts %s", (_n, v) => expect(fn("", v)).toEqual([]));
  it.each(bad.map((v) => [show(v), v]))("rejects %s", (_n, v) => expect(fn("", v).length).toBeGreaterThan(0));
}

describe("TestIsFullyQualifiedDomainName", () => {
  goodBad(isFullyQualifiedDomainName,
    ["a.com", "k8s.io", "dev.k8s.io", "dev.k8s.io.", "foo.example.com", "this.is.a.really.long.fqdn", "bbc.co.uk", "10.0.0.1",
      "hyphens-are-good.k8s.io", `${r("a", 63)}.k8s.io`, `${r("a", 63)}.${r("b", 63)}.${r("c", 63)}.${r("d", 54)}.k8s.io`],
    [".", "...", ".io", "com", ".com", "Dev.k8s.io", ".foo.example.com", "*.example.com", "*.bar.com", "*.foo.bar.com",
      "underscores_are_bad.k8s.io", "foo@bar.example.com", "http://foo.example.com", `${r("a", 64)}.k8s.io`,
      `${r("a", 63)}.${r("b", 63)}.${r("c", 63)}.${r("d", 55)}.k8s.io`]);
});

describe("TestIsFullyQualifiedName", () => {
  goodBad(isFullyQualifiedName,
    ["dev.k8s.io", "foo.example.com", "this.is.a.really.long.fqdn", "bbc.co.uk", "10.0.0.1", "hyphens-are-good.k8s.io", `${r("a", 246)}.k8s.io`],
    ["...", "dev.k8s.io.", ".io", "Dev.k8s.io", "k8s.io", "*.example.com", "*.bar.com", "*.foo.bar.com", "underscores_are_bad.k8s.io",
      "foo@bar.example.com", "http://foo.example.com", `${r("a", 247)}.k8s.io`]);
  // messageTests: the aggregate's text contains the row's text
  const messages: [string, string, string][] = [
    ["name needs to be fully qualified, i.e., contains at least 2 dots", "k8s.io", "should be a domain with at least three segments separated by dots"],
    ["name should not include scheme", "http://foo.k8s.io", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"],
    ["email should be invalid", "example@foo.k8s.io", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"],
    ["name cannot be empty", "", "Required value"],
    ["name must conform to RFC 1123", "A.B.C", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"],
  ];
  it.each(messages)("%s", (_n, name, want) => expect(isFullyQualifiedName("", name).map(fieldErrorMessage).join(", ")).toContain(want));
});

describe("TestIsDomainPrefixedPath", () => {
  goodBad(isDomainPrefixedPath,
    ["a/b", "a/b/c/d", "a.com/foo", "a.b.c.d/foo", "k8s.io/foo/bar", "k8s.io/FOO/BAR", "dev.k8s.io/more/path",
      "this.is.a.really.long.fqdn/even/longer/path/just/because", "bbc.co.uk/path/goes/here", "10.0.0.1/foo",
      "hyphens-are-good.k8s.io/and-in-paths-too", `${r("a", 240)}.k8s.io/a`, `k8s.io/${r("a", 240)}`],
    [".", "...", "/b", "com", ".com", "a.b.c.d/foo?a=b", "a.b.c.d/foo#a", "Dev.k8s.io", ".foo.example.com", "*.example.com",
      "example.com/foo{}[]@^`", "underscores_are_bad.k8s.io", "underscores_are_bad.k8s.io/foo", "foo@bar.example.com",
      "foo@bar.example.com/foo", `${r("a", 247)}.k8s.io`]);
});

describe("TestIsDomainPrefixedKey", () => {
  const keyMsg = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  const nameMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const invalid = (v: string, detail: string) => ({ type: "FieldValueInvalid", field: "test", badValue: v, detail });
  const rows: [string, string, unknown[]][] = [
    ["valid domain-prefixed key 1", "example.com/foo", []],
    ["valid domain-prefixed key  2", "example/com", []],
    ["invalid key 1", "example", [invalid("example", 'must be a domain-prefixed key (such as "acme.io/foo")')]],
    ["invalid key 2", "example/foo/bar", [invalid("example/foo/bar", keyMsg)]],
    ["invalid key 3", "/example/foo", [invalid("/example/foo", keyMsg)]],
    ["invalid key 4", "", [{ type: "FieldValueRequired", field: "test", badValue: "", detail: "" }]],
    ["invalid key 5", "example.com/_e", [invalid("example.com/_e", nameMsg)]],
    ["invalid key 6", "example.com/e_", [invalid("example.com/e_", nameMsg)]],
    ["invalid key 7", "example.com/e?", [invalid("example.com/e?", nameMsg)]],
    ["invalid key 8", "example.com/e_$", [invalid("example.com/e_$", nameMsg)]],
  ];
  it.each(rows)("%s", (_n, value, want) => expect(isDomainPrefixedKey("test", value)).toEqual(want));
});
