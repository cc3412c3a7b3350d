import { describe, expect, it } from "vitest";
import { celToJson, compileCel, evaluateCel } from "./index.js";

// The test tables of k8s.io/apiserver/pkg/cel/library (ip_test.go, cidr_test.go, semver_test.go,
// format_test.go) and the URL and IP/CIDR cases of apiextensions' schema/cel validation_test.go.
function run(src: string, self?: unknown, schema?: unknown) {
  const c = compileCel(src, { variables: self === undefined ? [] : [{ name: "self", schema }], libraries: "crd" });
  if (!c.ok) return { compile: c.message };
  const r = evaluateCel(c.program, self === undefined ? {} : { self });
  return r.ok ? { value: celToJson(r.value) } : { error: r.message };
}
const TRUE = { value: true };

describe("the IP library (ip_test.go)", () => {
  it.each([
    ['isIP("192.168.0.1")', true],
    ['isIP("192.168.0.1.0")', false],
    ['ip.isCanonical("127.0.0.1")', true],
    ['ip("192.168.0.1").family()', 4],
    ['ip("0.0.0.0").isUnspecified()', true],
    ['ip("127.0.0.1").isUnspecified()', false],
    ['ip("127.0.0.1").isLoopback()', true],
    ['ip("1.2.3.4").isLoopback()', false],
    ['ip("224.0.0.1").isLinkLocalMulticast()', true],
    ['ip("224.0.1.1").isLinkLocalMulticast()', false],
    ['ip("169.254.169.254").isLinkLocalUnicast()', true],
    ['ip("192.168.0.1").isLinkLocalUnicast()', false],
    ['ip("192.168.0.1").isGlobalUnicast()', true],
    ['ip("255.255.255.255").isGlobalUnicast()', false],
    ['ip("2001:db8::68") == ip("2001:0db8::68")', true],
    ['isIP("2001:db8::68")', true],
    ['isIP("2001:db8:::68")', false],
    ['ip.isCanonical("2001:db8::68")', true],
    ['ip.isCanonical("2001:DB8::68")', false],
    ['ip("2001:db8::68").family()', 6],
    ['ip("::").isUnspecified()', true],
    ['ip("::1").isUnspecified()', false],
    ['ip("::1").isLoopback()', true],
    ['ip("2001:db8::abcd").isLoopback()', false],
    ['ip("ff02::1").isLinkLocalMulticast()', true],
    ['ip("fd00::1").isLinkLocalMulticast()', false],
    ['ip("fe80::1").isLinkLocalUnicast()', true],
    ['ip("fd80::1").isLinkLocalUnicast()', false],
    ['ip("2001:db8::abcd").isGlobalUnicast()', true],
    ['ip("ff00::1").isGlobalUnicast()', false],
    ['string(ip("192.168.0.1"))', "192.168.0.1"],
    ['type(ip("192.168.0.1")) == net.IP', true],
  ])("%s", (src, want) => {
    expect(run(src)).toEqual({ value: want });
  });

  it("refuses what netip.ParseAddr refuses, in its words, and zones and IPv4-mapped IPv6 as Kubernetes does", () => {
    expect(run('ip("192.168.0.1.0")')).toEqual({ error: 'IP Address "192.168.0.1.0" parse error during conversion from string: ParseAddr("192.168.0.1.0"): IPv4 address too long' });
    expect(run('ip.isCanonical("127.0.0.1.0")')).toEqual({ error: 'IP Address "127.0.0.1.0" parse error during conversion from string: ParseAddr("127.0.0.1.0"): IPv4 address too long' });
    expect(run('ip("2001:db8:::68")')).toEqual({ error: 'IP Address "2001:db8:::68" parse error during conversion from string: ParseAddr("2001:db8:::68"): each colon-separated field must have at least one digit (at ":68")' });
    expect(run('ip.isCanonical("2001:db8:::68")')).toEqual({ error: 'IP Address "2001:db8:::68" parse error during conversion from string: ParseAddr("2001:db8:::68"): each colon-separated field must have at least one digit (at ":68")' });
    expect(run('ip("010.0.0.1")')).toEqual({ error: 'IP Address "010.0.0.1" parse error during conversion from string: ParseAddr("010.0.0.1"): IPv4 field has octet with leading zero' });
    expect(run('ip("fe80::1%eth0")')).toEqual({ error: 'IP address "fe80::1%eth0" with zone value is not allowed' });
    expect(run('ip("::ffff:1.2.3.4")')).toEqual({ error: 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed' });
    expect(run('ip("foo")')).toEqual({ error: 'IP Address "foo" parse error during conversion from string: ParseAddr("foo"): unable to parse IP' });
  });

  it("types its functions at compile time", () => {
    expect(run('isIP(cidr("192.168.0.0/24"))')).toMatchObject({ compile: expect.stringContaining("found no matching overload for 'isIP' applied to '(net.CIDR)'") });
  });
});

describe("the CIDR library (cidr_test.go)", () => {
  it.each([
    ['cidr(dyn("192.168.0.0/24")) == cidr("192.168.0.0/24")', true],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', true],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', false],
    ['cidr("192.168.0.0/24").containsIP("192.168.0.1")', true],
    ['cidr("192.168.0.0/24").containsIP("192.168.1.1")', false],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', true],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/23"))', false],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25")', true],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/23")', false],
    ['cidr("192.168.0.0/24").ip() == ip("192.168.0.0")', true],
    ['cidr("192.168.0.0/24").masked() == cidr("192.168.0.0/24")', true],
    ['cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24")', true],
    ['cidr("192.168.0.1/24") == cidr("192.168.0.1/24").masked()', false],
    ['cidr("192.168.0.0/24").prefixLength()', 24],
    ['cidr("2001:db8::/32") == cidr("2001:db8::/32")', true],
    ['cidr("2001:db8::/32").containsIP(ip("2001:db8::1"))', true],
    ['cidr("2001:db8::/32").containsIP(ip("2001:dc8::1"))', false],
    ['cidr("2001:db8::/32").containsIP("2001:db8::1")', true],
    ['cidr("2001:db8::/32").containsIP("2001:dc8::1")', false],
    ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/33"))', true],
    ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/31"))', false],
    ['cidr("2001:db8::/32").containsCIDR("2001:db8::/33")', true],
    ['cidr("2001:db8::/32").containsCIDR("2001:db8::/31")', false],
    ['cidr("2001:db8::/32").ip() == ip("2001:db8::")', true],
    ['cidr("2001:db8::/32").masked() == cidr("2001:db8::/32")', true],
    ['cidr("2001:db8:1::/32").masked() == cidr("2001:db8::/32")', true],
    ['cidr("2001:db8::/32").prefixLength()', 32],
    ['string(cidr("192.168.0.0/24"))', "192.168.0.0/24"],
    ['type(cidr("192.168.0.0/24")) == net.CIDR', true],
    ['isCIDR("10.0.0.0/8")', true],
    ['isCIDR("10.0.0.0/33")', false],
    ["cidr('::1/128').ip().family()", 6],
    // containsCIDR compares against the other prefix's address unmasked (cidr.go)
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.128/25")', false],
  ])("%s", (src, want) => {
    expect(run(src)).toEqual({ value: want });
  });

  it("refuses what netip.ParsePrefix refuses, the message wrapped twice as Kubernetes does", () => {
    expect(run('cidr("192.168.0.0/")')).toEqual({ error: 'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("192.168.0.0/"): bad bits after slash: ""' });
    expect(run('cidr("2001:db8::/")')).toEqual({ error: 'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("2001:db8::/"): bad bits after slash: ""' });
    expect(run('cidr("10.0.0.0/08")')).toEqual({ error: 'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("10.0.0.0/08"): bad bits after slash: "08"' });
    expect(run('cidr("10.0.0.0/33")')).toEqual({ error: 'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("10.0.0.0/33"): prefix length out of range' });
    expect(run('cidr("192.168.0.0/24").containsIP("bad")')).toEqual({ error: "no such overload" });
    expect(run("cidr(192168)")).toMatchObject({ compile: expect.stringContaining("found no matching overload for 'cidr' applied to '(int)'") });
  });
});

describe("the semver library (semver_test.go, version 1)", () => {
  it.each([
    ['semver("1.2.3") == semver("1.2.3")', true],
    ['isSemver("1.2.3-beta.1+build.1")', true],
    ['isSemver("")', false],
    ['isSemver("v1.0.0")', false],
    ['isSemver(" 1.0.0")', false],
    ['isSemver("1. 0.0")', false],
    ['isSemver("1.0.0 ")', false],
    ['isSemver("01.01.01")', false],
    ['isSemver("1")', false],
    ['isSemver("1.1")', false],
    ['isSemver("", true)', false],
    ['isSemver(" 1.0.0", true)', false],
    ['isSemver("1. 0.0", true)', false],
    ['isSemver("1.0.0 ", true)', false],
    ['isSemver("v1.0.0", true)', true],
    ['isSemver("01.01.01", true)', true],
    ['isSemver("1", true)', true],
    ['isSemver("1.1", true)', true],
    ['semver("v01.01", true) == semver("1.1.0")', true],
    ['semver("1.2.3") == semver("1.0.0")', false],
    ['semver("1.0.0").isLessThan(semver("1.2.3"))', true],
    ['semver("1.0.0").isLessThan(semver("1.0.0"))', false],
    ['semver("1.2.3").isGreaterThan(semver("1.0.0"))', true],
    ['semver("1.0.0").isGreaterThan(semver("1.0.0"))', false],
    ['semver("1.2.3").compareTo(semver("1.2.3"))', 0],
    ['semver("1.0.0").compareTo(semver("1.2.3"))', -1],
    ['semver("1.2.3").compareTo(semver("1.0.0"))', 1],
    ['semver("1.2.3").major()', 1],
    ['semver("1.2.3").minor()', 2],
    ['semver("1.2.3").patch()', 3],
    // semver.org precedence: a prerelease is lower, build metadata is ignored
    ['semver("1.0.0-alpha").isLessThan(semver("1.0.0"))', true],
    ['semver("1.0.0-alpha.1").compareTo(semver("1.0.0-alpha.beta"))', -1],
    ['semver("1.0.0+a") == semver("1.0.0+b")', true],
  ])("%s", (src, want) => {
    expect(run(src)).toEqual({ value: want });
  });

  it("reports blang/semver's parse errors", () => {
    expect(run('semver("v1.0")')).toEqual({ error: "No Major.Minor.Patch elements found" });
    expect(run('semver("1.0.0-")')).toEqual({ error: "Prerelease is empty" });
    expect(run('semver("1.0.x")')).toEqual({ error: 'Invalid character(s) found in patch number "x"' });
    expect(run('semver("1.0-rc", true)')).toEqual({ error: "short version cannot contain PreRelease/Build meta data" });
    expect(run("isSemver([1, 2, 3])")).toMatchObject({ compile: expect.stringContaining("found no matching overload for 'isSemver' applied to") });
  });

  it("keeps the quantity library's compareTo, isGreaterThan and isLessThan beside semver's", () => {
    expect(run("quantity('1').compareTo(quantity('2')) == -1 && quantity('2').isGreaterThan(quantity('1'))")).toEqual(TRUE);
  });
});

describe("the format library (format_test.go)", () => {
  const DNS1123_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const DNS1123_SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const DNS1035_LABEL = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  it.each([
    ['format.dns1123Label().validate("my-label-name")', null],
    ['format.dns1123Subdomain().validate("apiextensions.k8s.io")', null],
    ['format.qualifiedName().validate("apiextensions.k8s.io/v1beta1")', null],
    ['format.dns1123LabelPrefix().validate("my-label-prefix-")', null],
    ['format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-")', null],
    ['format.dns1035LabelPrefix().validate("my-label-prefix-")', null],
    ['format.uri().validate("http://example.com")', null],
    ['format.uuid().validate("123e4567-e89b-12d3-a456-426614174000")', null],
    ['format.byte().validate("aGVsbG8=")', null],
    ['format.date().validate("2021-01-01")', null],
    ['format.datetime().validate("2021-01-01T00:00:00Z")', null],
    ['format.dns1123Label().validate("contains a space")', [DNS1123_LABEL]],
    ['format.dns1123Subdomain().validate("contains a space")', [DNS1123_SUBDOMAIN]],
    ['format.dns1035Label().validate("contains a space")', [DNS1035_LABEL]],
    ['format.qualifiedName().validate("contains a space")', ["name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]],
    ['format.dns1123LabelPrefix().validate("contains a space-")', [DNS1123_LABEL]],
    ['format.dns1123SubdomainPrefix().validate("contains a space-")', [DNS1123_SUBDOMAIN]],
    ['format.dns1035LabelPrefix().validate("contains a space-")', [DNS1035_LABEL]],
    ['format.dns1123Subdomain().validate("example.com")', null],
    ['format.dns1035Label().validate("my-label-name")', null],
    ['format.qualifiedName().validate("my.name")', null],
    ['format.byte().validate("aGVsbG8")', ["invalid base64"]],
    ['format.date().validate("2020-01-32")', ["invalid date"]],
    ['format.datetime().validate("2020-01-32T00:00:00Z")', ["invalid datetime"]],
    ['format.labelValue().validate("my-cool-label-Value")', null],
    ['format.labelValue().validate("my-cool-label-Value!!\\n\\n!!!")', ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ['format.uri().validate("../relative")', ['parse "../relative": invalid URI for request']],
  ])("%s", (src, want) => {
    const r = run(`${src}.hasValue() ? ${src}.value() : []`);
    expect(r).toEqual({ value: want ?? [] });
    expect(run(`${src}.hasValue()`)).toEqual({ value: want !== null });
  });

  const names = ["dns1123Label", "dns1123Subdomain", "dns1035Label", "qualifiedName", "dns1123LabelPrefix", "dns1123SubdomainPrefix", "dns1035LabelPrefix", "labelValue", "uri", "uuid", "byte", "date", "datetime"];
  it("names every format, and each equals only itself", () => {
    expect(run('format.named("unknown").hasValue()')).toEqual({ value: false });
    for (const l of names) {
      expect(run(`format.named("${l}").hasValue() && format.named("${l}").value() == format.${l}()`)).toEqual(TRUE);
      for (const r of names) if (r !== l) expect(run(`format.${l}() == format.${r}()`)).toEqual({ value: false });
    }
  });
});

describe("the URL library (schema/cel validation_test.go 'URL parsing')", () => {
  const self = { url: "https://user:pass@kubernetes.io:80/docs/home?k1=a&k2=b&k2=c#anchor" };
  const schema = { type: "object", properties: { url: { type: "string" } } };
  it.each([
    "url('/path').getScheme() == ''",
    "url('https://example.com/').getScheme() == 'https'",
    "url('https://example.com:80/').getHost() == 'example.com:80'",
    "url('https://example.com/').getHost() == 'example.com'",
    "url('https://[::1]:80/').getHost() == '[::1]:80'",
    "url('https://[::1]/').getHost() == '[::1]'",
    "url('/path').getHost() == ''",
    "url('https://example.com:80/').getHostname() == 'example.com'",
    "url('https://127.0.0.1/').getHostname() == '127.0.0.1'",
    "url('https://[::1]/').getHostname() == '::1'",
    "url('/path').getHostname() == ''",
    "url('https://example.com:80/').getPort() == '80'",
    "url('https://example.com/').getPort() == ''",
    "url('/path').getPort() == ''",
    "url('https://example.com/path').getEscapedPath() == '/path'",
    "url('https://example.com/with space/').getEscapedPath() == '/with%20space/'",
    "url('https://example.com').getEscapedPath() == ''",
    "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == { 'k1': ['a'], 'k2': ['b', 'c']}",
    "url('https://example.com/path?key with spaces=value with spaces').getQuery() == { 'key with spaces': ['value with spaces']}",
    "url('https://example.com/path?').getQuery() == {}",
    "url('https://example.com/path').getQuery() == {}",
    "url(self.url).getScheme() == 'https'",
    "url(self.url).getHost() == 'kubernetes.io:80'",
    "url(self.url).getHostname() == 'kubernetes.io'",
    "url(self.url).getPort() == '80'",
    "url(self.url).getEscapedPath() == '/docs/home'",
    "url(self.url).getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
    "isURL('https://user:pass@example.com:80/path?query=val#fragment')",
    "isURL('/path') == true",
    "isURL('https://a:b:c/') == false",
    "isURL('../relative-path') == false",
    // urls.go's own examples
    "url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/'",
    "url('https://[::1]:80/').getHostname() == '::1'",
  ])("%s", (src) => {
    expect(run(src, self, schema)).toEqual(TRUE);
  });

  it("refuses what url.ParseRequestURI refuses, with Go's error", () => {
    expect(run("url('https://a:b:c/')")).toEqual({ error: 'URL parse error during conversion from string: parse "https://a:b:c/": invalid port ":c" after host' });
    expect(run("url('../relative-path')")).toEqual({ error: 'URL parse error during conversion from string: parse "../relative-path": invalid URI for request' });
    expect(run("url('')")).toEqual({ error: 'URL parse error during conversion from string: parse "": empty url' });
    expect(run("url('https://exa mple.com/')")).toEqual({ error: 'URL parse error during conversion from string: parse "https://exa mple.com/": invalid character " " in host name' });
    expect(run("url('/a%zz')")).toEqual({ error: 'URL parse error during conversion from string: parse "/a%zz": invalid URL escape "%zz"' });
    expect(run("url(1)")).toMatchObject({ compile: expect.stringContaining("found no matching overload for 'url' applied to '(int)'") });
  });
});
