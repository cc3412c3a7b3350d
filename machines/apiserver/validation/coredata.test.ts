// Kubernetes' tables for Namespace, Secret, ConfigMap and Endpoints (pkg/apis/core/validation/
// validation_test.go, commit 000f2605, v1.35 line): TestValidateNamespace, TestValidateNamespaceUpdate,
// TestValidateNamespaceFinalizeUpdate, TestValidateSecret, TestValidateSecretUpdate,
// TestValidateDockerConfigSecret, TestValidateBasicAuthSecret, TestValidateSSHAuthSecret,
// TestValidateTLSSecret, TestValidateConfigMap, TestValidateConfigMapUpdate,
// TestValidateEndpointsCreate and TestValidateEndpointsUpdate. Where a Go row only says "fails" (or
// checks the first cause's type), the (type, field) causes listed are read from the validation
// function of the same commit.

import { describe, expect, it } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { brief, messages } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const invalidLabels = { "NoUppercaseOrSpecialCharsLike=Equals": "b" };
const BAD = "NoUppercaseOrSpecialCharsLike=Equals";

describe("TestValidateNamespace", () => {
  const ns = (metadata: any, spec?: any) => ({ apiVersion: "v1", kind: "Namespace", metadata, ...(spec ? { spec } : {}) });
  it("accepts a labelled namespace", () => expect(brief(validateCreate(ns({ name: "abc", labels: { a: "b" } })))).toEqual([]));
  it("accepts qualified spec finalizers", () => expect(brief(validateCreate(ns({ name: "abc-123" }, { finalizers: ["example.com/something", "example.com/other"] })))).toEqual([]));
  const errors: [string, any, string[]][] = [
    ["zero-length name", ns({ name: "" }), ["FieldValueRequired metadata.name"]],
    ["defined-namespace", ns({ name: "abc-123", namespace: "makesnosense" }), ["FieldValueForbidden metadata.namespace"]],
    ["invalid-labels", ns({ name: "abc", labels: invalidLabels }), ["FieldValueInvalid metadata.labels"]],
  ];
  for (const [name, obj, want] of errors) it(`refuses ${name}`, () => expect(brief(validateCreate(obj))).toEqual(want));
});

const namespace = (name: string | undefined, extra: any = {}) => ({ apiVersion: "v1", kind: "Namespace", metadata: { ...(name === undefined ? {} : { name }), resourceVersion: "1", ...(extra.metadata ?? {}) }, ...(extra.spec ? { spec: extra.spec } : {}), ...(extra.status ? { status: extra.status } : {}) });

describe("TestValidateNamespaceFinalizeUpdate (through namespaces/finalize)", () => {
  const rows: [string, any, any, string[]][] = [
    ["two empty namespaces", namespace(undefined), namespace(undefined), []],
    // "Foo" is a qualified name, but not a standard finalizer.
    ["an unqualified, non-standard finalizer", namespace("foo"), namespace("foo", { spec: { finalizers: ["Foo"] } }), ["FieldValueInvalid spec.finalizers[0]"]],
    ["an added qualified finalizer", namespace("foo", { spec: { finalizers: ["foo.com/bar"] } }), namespace("foo", { spec: { finalizers: ["foo.com/bar", "what.com/bar"] } }), []],
    // "" fails IsQualifiedName twice (empty, regex) and is no standard finalizer.
    ["an empty finalizer", namespace("fooemptyfinalizer", { spec: { finalizers: ["foo.com/bar"] } }), namespace("fooemptyfinalizer", { spec: { finalizers: ["", "foo.com/bar", "what.com/bar"] } }),
      ["FieldValueInvalid spec.finalizers[0]", "FieldValueInvalid spec.finalizers[0]", "FieldValueInvalid spec.finalizers[0]"]],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateUpdate(next, old, "finalize"))).toEqual(want));
});

describe("TestValidateNamespaceUpdate (metadata only)", () => {
  const rows: [string, any, any, string[]][] = [
    ["two empty namespaces", namespace(undefined), namespace(undefined), []],
    ["a rename", namespace("foo1"), namespace("bar1"), ["FieldValueInvalid metadata.name"]],
    ["a changed label", namespace("foo2", { metadata: { labels: { foo: "bar" } } }), namespace("foo2", { metadata: { labels: { foo: "baz" } } }), []],
    ["an added label", namespace("foo3"), namespace("foo3", { metadata: { labels: { foo: "baz" } } }), []],
    ["a replaced label", namespace("foo4", { metadata: { labels: { bar: "foo" } } }), namespace("foo4", { metadata: { labels: { foo: "baz" } } }), []],
    ["an upper-case label key", namespace("foo5", { metadata: { labels: { foo: "baz" } } }), namespace("foo5", { metadata: { labels: { Foo: "baz" } } }), []],
    ["spec and status in the body", namespace("foo6", { metadata: { labels: { foo: "baz" } } }), namespace("foo6", { metadata: { labels: { Foo: "baz" } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Terminating" } }), []],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateUpdate(next, old))).toEqual(want));
});

const secret = (edit: (s: any) => void = () => {}, type?: string, data: Record<string, string> = { "data-1": b64("bar") }): any => {
  const s: any = { apiVersion: "v1", kind: "Secret", metadata: { name: "foo", namespace: "bar" }, ...(type ? { type } : {}), data: { ...data } };
  edit(s);
  return s;
};

describe("TestValidateSecret", () => {
  const sat = (edit: (s: any) => void = () => {}) => secret((s) => {
    s.metadata.annotations = { "kubernetes.io/service-account.name": "foo" };
    edit(s);
  }, "kubernetes.io/service-account-token");
  const rows: [string, any, string[]][] = [
    ["valid", secret(), []],
    ["empty name", secret((s) => (s.metadata.name = "")), ["FieldValueRequired metadata.name"]],
    ["invalid name", secret((s) => (s.metadata.name = BAD)), ["FieldValueInvalid metadata.name"]],
    ["empty namespace", secret((s) => (s.metadata.namespace = "")), ["FieldValueRequired metadata.namespace"]],
    ["invalid namespace", secret((s) => (s.metadata.namespace = BAD)), ["FieldValueInvalid metadata.namespace"]],
    ["over max size", secret((s) => (s.data = { over: b64(Buffer.alloc(1024 * 1024 + 1)) })), ["FieldValueTooLong data"]],
    ["invalid key", secret((s) => (s.data["a*b"] = b64("whoops"))), ["FieldValueInvalid data[a*b]"]],
    ["valid service-account-token secret", sat(), []],
    ["empty service-account-token annotation", sat((s) => (s.metadata.annotations["kubernetes.io/service-account.name"] = "")), ["FieldValueRequired metadata.annotations[kubernetes.io/service-account.name]"]],
    ["missing service-account-token annotation", sat((s) => delete s.metadata.annotations["kubernetes.io/service-account.name"]), ["FieldValueRequired metadata.annotations[kubernetes.io/service-account.name]"]],
    ["missing service-account-token annotations", sat((s) => delete s.metadata.annotations), ["FieldValueRequired metadata.annotations[kubernetes.io/service-account.name]"]],
    ["leading dot key", secret((s) => (s.data[".key"] = b64("bar"))), []],
    ["dot key", secret((s) => (s.data["."] = b64("bar"))), ["FieldValueInvalid data[.]"]],
    ["double dot key", secret((s) => (s.data[".."] = b64("bar"))), ["FieldValueInvalid data[..]"]],
  ];
  for (const [name, obj, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateCreate(obj))).toEqual(want));
});

describe("TestValidateSecretUpdate", () => {
  const s = (immutable?: boolean, data: Record<string, string> = { "data-1": "bar" }) =>
    secret((x) => {
      x.metadata.resourceVersion = "20";
      if (immutable !== undefined) x.immutable = immutable;
    }, undefined, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])));
  const rows: [string, any, any, string[]][] = [
    ["mark secret immutable", s(), s(true), []],
    ["revert immutable secret", s(true), s(), ["FieldValueForbidden immutable"]],
    ["mark immutable secret mutable", s(true), s(false), ["FieldValueForbidden immutable"]],
    ["add data in secret", s(), s(undefined, { "data-1": "bar", "data-2": "baz" }), []],
    ["add data in immutable secret", s(true), s(true, { "data-1": "bar", "data-2": "baz" }), ["FieldValueForbidden data"]],
    ["change data in secret", s(), s(undefined, { "data-1": "foo" }), []],
    ["change data in immutable secret", s(true), s(true, { "data-1": "foo" }), ["FieldValueForbidden data"]],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"}: ${name}`, () => expect(brief(validateUpdate(next, old))).toEqual(want));
  it("keeps the type: a changed type is immutable", () => {
    expect(messages(validateUpdate(s(undefined), { ...s(undefined), type: "Opaque" }))).toEqual(['type: Invalid value: "": field is immutable']);
  });
});

describe("TestValidateDockerConfigSecret, TestValidateBasicAuthSecret, TestValidateSSHAuthSecret, TestValidateTLSSecret", () => {
  const dockercfg = `{"https://index.docker.io/v1/": {"auth": "Y2x1ZWRyb29sZXIwMDAxOnBhc3N3b3Jk","email": "fake@example.com"}}`;
  const configJson = `{"auths":{"https://index.docker.io/v1/": {"auth": "Y2x1ZWRyb29sZXIwMDAxOnBhc3N3b3Jk","email": "fake@example.com"}}}`;
  const typed = (type: string, data: Record<string, string>) => secret(() => {}, type, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])));
  const cfg = "kubernetes.io/dockercfg";
  const json = "kubernetes.io/dockerconfigjson";
  const rows: [string, any, string[]][] = [
    ["valid dockercfg", typed(cfg, { ".dockercfg": dockercfg }), []],
    ["missing dockercfg", typed(cfg, {}), ["FieldValueRequired data[.dockercfg]"]],
    ["empty dockercfg", typed(cfg, { ".dockercfg": "" }), ["FieldValueInvalid data[.dockercfg]"]],
    ["invalid dockercfg", typed(cfg, { ".dockercfg": "bad" }), ["FieldValueInvalid data[.dockercfg]"]],
    ["valid config.json", typed(json, { ".dockerconfigjson": configJson }), []],
    ["missing config.json", typed(json, {}), ["FieldValueRequired data[.dockerconfigjson]"]],
    ["empty config.json", typed(json, { ".dockerconfigjson": "" }), ["FieldValueInvalid data[.dockerconfigjson]"]],
    ["invalid config.json", typed(json, { ".dockerconfigjson": "bad" }), ["FieldValueInvalid data[.dockerconfigjson]"]],
    ["valid basic-auth", typed("kubernetes.io/basic-auth", { username: "username", password: "password" }), []],
    ["basic-auth missing username and password", typed("kubernetes.io/basic-auth", {}), ["FieldValueRequired data[username]", "FieldValueRequired data[password]"]],
    ["valid ssh-auth", typed("kubernetes.io/ssh-auth", { "ssh-privatekey": "foo-bar-baz" }), []],
    ["ssh-auth missing private key", typed("kubernetes.io/ssh-auth", {}), ["FieldValueRequired data[ssh-privatekey]"]],
    ["an Opaque secret holding a certificate chain", { apiVersion: "v1", kind: "Secret", metadata: { name: "tls-cert", namespace: "namespace" }, data: { "tls.crt": b64("public key"), "tls.key": b64("private key") } }, []],
    // The Go rows leave out the namespace and the type: the first cause is the missing namespace.
    ["TLS rows without a namespace", { apiVersion: "v1", kind: "Secret", metadata: { name: "tls-cert" }, data: { "tls.crt": b64("public key") } }, ["FieldValueRequired metadata.namespace"]],
    ["a kubernetes.io/tls secret without its key", typed("kubernetes.io/tls", { "tls.crt": "public key" }), ["FieldValueRequired data[tls.key]"]],
  ];
  for (const [name, obj, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateCreate(obj))).toEqual(want));
  it("redacts the contents of a malformed docker config, and says why as encoding/json does", () => {
    expect(messages(validateCreate(typed(cfg, { ".dockercfg": "bad" })))).toEqual(["data[.dockercfg]: Invalid value: \"<secret contents redacted>\": invalid character 'b' looking for beginning of value"]);
    expect(messages(validateCreate(typed(json, { ".dockerconfigjson": "" })))).toEqual(['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input']);
  });
});

describe("TestValidateConfigMap", () => {
  const cm = (name: string, namespace: string, data?: Record<string, string>, binaryData?: Record<string, Buffer>) => ({
    apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, ...(data ? { data } : {}),
    ...(binaryData ? { binaryData: Object.fromEntries(Object.entries(binaryData).map(([k, v]) => [k, b64(v)])) } : {}),
  });
  const MAX = 1024 * 1024;
  const rows: [string, any, string[]][] = [
    ["valid", cm("validname", "validns", { key: "value" }, { bin: Buffer.from("value") }), []],
    ["max key length", cm("validname", "validns", { ["a".repeat(253)]: "value" }), []],
    ["leading dot key", cm("validname", "validns", { ".ab": "value" }), []],
    ["empty name", cm("", "validns"), ["FieldValueRequired metadata.name"]],
    ["invalid name", cm(BAD, "validns"), ["FieldValueInvalid metadata.name"]],
    ["invalid key", cm("validname", "validns", { "a*b": "value" }), ["FieldValueInvalid data[a*b]"]],
    ["empty namespace", cm("validname", ""), ["FieldValueRequired metadata.namespace"]],
    ["invalid namespace", cm("validname", BAD), ["FieldValueInvalid metadata.namespace"]],
    ["dot key", cm("validname", "validns", { ".": "value" }), ["FieldValueInvalid data[.]"]],
    ["double dot key", cm("validname", "validns", { "..": "value" }), ["FieldValueInvalid data[..]"]],
    ["over max key length", cm("validname", "validns", { ["a".repeat(254)]: "value" }), [`FieldValueInvalid data[${"a".repeat(254)}]`]],
    // field.NewPath("") prints as "[]": the whole object.
    ["over max size", cm("validname", "validns", { key: "a".repeat(MAX + 1) }), ["FieldValueTooLong []"]],
    ["duplicated key", cm("validname", "validns", { key: "value1" }, { key: Buffer.from("value2") }), ["FieldValueInvalid data[key]"]],
    ["binary data invalid key", cm("validname", "validns", undefined, { "a*b": Buffer.from("value") }), ["FieldValueInvalid binaryData[a*b]"]],
    ["binary data leading dot key", cm("validname", "validns", undefined, { ".ab": Buffer.from("value") }), []],
    ["binary data dot key", cm("validname", "validns", undefined, { ".": Buffer.from("value") }), ["FieldValueInvalid binaryData[.]"]],
    ["binary data double dot key", cm("validname", "validns", undefined, { "..": Buffer.from("value") }), ["FieldValueInvalid binaryData[..]"]],
    ["binary data over max key length", cm("validname", "validns", undefined, { ["a".repeat(254)]: Buffer.from("value") }), [`FieldValueInvalid binaryData[${"a".repeat(254)}]`]],
    ["binary data max size", cm("validname", "validns", undefined, { bin: Buffer.alloc(MAX + 1, "a") }), ["FieldValueTooLong []"]],
    ["binary data non utf-8 bytes", cm("validname", "validns", undefined, { key: Buffer.from([0, 0xfe, 0, 0xff]) }), []],
  ];
  for (const [name, obj, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateCreate(obj))).toEqual(want));
  it("flags a key in both data and binaryData on data, as ValidateConfigMap does", () => {
    expect(messages(validateCreate(rows[12]![1]))).toEqual(['data[key]: Invalid value: "key": duplicate of key present in binaryData']);
  });
});

describe("TestValidateConfigMapUpdate", () => {
  const cm = (version: string, namespace: string, data: Record<string, string> = { key: "value" }, immutable?: boolean) => ({
    apiVersion: "v1", kind: "ConfigMap", metadata: { name: "validname", namespace, resourceVersion: version }, data, ...(immutable === undefined ? {} : { immutable }),
  });
  const valid = (immutable?: boolean, data?: Record<string, string>) => cm("1", "validdns", data, immutable);
  const rows: [string, any, any, string[]][] = [
    ["valid", valid(), valid(), []],
    ["mark configmap immutable", valid(), valid(true), []],
    ["revert immutable configmap", valid(true), valid(), ["FieldValueForbidden immutable"]],
    ["mark immutable configmap mutable", valid(true), valid(false), ["FieldValueForbidden immutable"]],
    ["add data in configmap", valid(), valid(undefined, { key: "value", "key-2": "value-2" }), []],
    ["add data in immutable configmap", valid(true), valid(true, { key: "value", "key-2": "value-2" }), ["FieldValueForbidden data"]],
    ["change data in configmap", valid(), valid(undefined, { key: "foo" }), []],
    ["change data in immutable configmap", valid(true), valid(true, { key: "foo" }), ["FieldValueForbidden data"]],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"}: ${name}`, () => expect(brief(validateUpdate(next, old))).toEqual(want));
  it("refuses the row 'invalid' (another namespace; its missing resourceVersion is the registry's to fill)", () => {
    expect(brief(validateUpdate(cm("", "validns"), valid()))).toContain("FieldValueInvalid metadata.namespace");
  });
  it("compares immutable data as maps: the same keys in another order are unchanged", () => {
    expect(brief(validateUpdate(valid(true, { b: "2", a: "1" }), valid(true, { a: "1", b: "2" })))).toEqual([]);
  });
});

describe("TestValidateEndpointsCreate", () => {
  const ep = (subsets?: any[], metadata: any = { name: "mysvc", namespace: "namespace" }) => ({ apiVersion: "v1", kind: "Endpoints", metadata, ...(subsets ? { subsets } : {}) });
  const success: [string, any][] = [
    ["simple endpoint", ep([
      { addresses: [{ ip: "10.10.1.1" }, { ip: "10.10.2.2" }], ports: [{ name: "a", port: 8675, protocol: "TCP" }, { name: "b", port: 309, protocol: "TCP" }] },
      { addresses: [{ ip: "10.10.3.3" }], ports: [{ name: "a", port: 93, protocol: "TCP" }, { name: "b", port: 76, protocol: "TCP" }] },
    ])],
    ["empty subsets", ep()],
    ["no name required for singleton port", ep([{ addresses: [{ ip: "10.10.1.1" }], ports: [{ port: 8675, protocol: "TCP" }] }])],
    ["valid appProtocol", ep([{ addresses: [{ ip: "10.10.1.1" }], ports: [{ port: 8675, protocol: "TCP", appProtocol: "HTTP" }] }])],
    ["empty ports", ep([{ addresses: [{ ip: "10.10.3.3" }] }])],
  ];
  for (const [name, obj] of success) it(`accepts ${name}`, () => expect(brief(validateCreate(obj))).toEqual([]));
  const one = (addr: any, port: any) => ep([{ addresses: [addr], ports: [port] }]);
  const errors: [string, any, string[]][] = [
    ["missing namespace", ep(undefined, { name: "mysvc" }), ["FieldValueRequired metadata.namespace"]],
    ["missing name", ep(undefined, { namespace: "namespace" }), ["FieldValueRequired metadata.name"]],
    ["invalid namespace", ep(undefined, { name: "mysvc", namespace: "no@#invalid.;chars\"allowed" }), ["FieldValueInvalid metadata.namespace"]],
    ["invalid name", ep(undefined, { name: "-_Invliad^&Characters", namespace: "namespace" }), ["FieldValueInvalid metadata.name"]],
    ["empty addresses", ep([{ ports: [{ name: "a", port: 93, protocol: "TCP" }] }]), ["FieldValueRequired subsets[0]"]],
    // IsValidIP and ValidateNonSpecialIP each refuse an address that does not parse.
    ["invalid IP", one({ ip: "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]" }, { name: "a", port: 93, protocol: "TCP" }), ["FieldValueInvalid subsets[0].addresses[0].ip", "FieldValueInvalid subsets[0].addresses[0].ip"]],
    ["Multiple ports, one without name", ep([{ addresses: [{ ip: "10.10.1.1" }], ports: [{ port: 8675, protocol: "TCP" }, { name: "b", port: 309, protocol: "TCP" }] }]), ["FieldValueRequired subsets[0].ports[0].name"]],
    ["Invalid port number", one({ ip: "10.10.1.1" }, { name: "a", port: 66000, protocol: "TCP" }), ["FieldValueInvalid subsets[0].ports[0].port"]],
    ["Invalid protocol", one({ ip: "10.10.1.1" }, { name: "a", port: 93, protocol: "Protocol" }), ["FieldValueNotSupported subsets[0].ports[0].protocol"]],
    ["Address missing IP", one({}, { name: "a", port: 93, protocol: "TCP" }), ["FieldValueInvalid subsets[0].addresses[0].ip", "FieldValueInvalid subsets[0].addresses[0].ip"]],
    ["Port missing number", one({ ip: "10.10.1.1" }, { name: "a", protocol: "TCP" }), ["FieldValueInvalid subsets[0].ports[0].port"]],
    ["Port missing protocol", one({ ip: "10.10.1.1" }, { name: "a", port: 93 }), ["FieldValueRequired subsets[0].ports[0].protocol"]],
    ["Address is loopback", one({ ip: "127.0.0.1" }, { name: "p", port: 93, protocol: "TCP" }), ["FieldValueInvalid subsets[0].addresses[0].ip"]],
    ["Address is link-local", one({ ip: "169.254.169.254" }, { name: "p", port: 93, protocol: "TCP" }), ["FieldValueInvalid subsets[0].addresses[0].ip"]],
    ["Address is link-local multicast", one({ ip: "224.0.0.1" }, { name: "p", port: 93, protocol: "TCP" }), ["FieldValueInvalid subsets[0].addresses[0].ip"]],
    ["Invalid AppProtocol", one({ ip: "10.10.1.1" }, { name: "p", port: 93, protocol: "TCP", appProtocol: "lots-of[invalid]-{chars}" }), ["FieldValueInvalid subsets[0].ports[0].appProtocol"]],
  ];
  for (const [name, obj, want] of errors) it(`refuses ${name}`, () => expect(brief(validateCreate(obj))).toEqual(want));
  it("says why a loopback address is refused", () => {
    expect(messages(validateCreate(errors[12]![1]))).toEqual(['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  });
});

describe("TestValidateEndpointsUpdate", () => {
  const ep = (ports: any[]) => ({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "mysvc", namespace: "namespace", resourceVersion: "1234" }, subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports }] });
  it("accepts an update to a valid app protocol", () => {
    expect(brief(validateUpdate(ep([{ name: "a", port: 8675, protocol: "TCP", appProtocol: "https" }]), ep([{ name: "a", port: 8675, protocol: "TCP" }])))).toEqual([]);
  });
  it("refuses an update to an invalid app protocol, with one cause", () => {
    expect(brief(validateUpdate(ep([{ name: "a", port: 8675, protocol: "TCP", appProtocol: "~https" }]), ep([{ name: "a", port: 8675, protocol: "TCP" }])))).toEqual(["FieldValueInvalid subsets[0].ports[0].appProtocol"]);
  });
});
