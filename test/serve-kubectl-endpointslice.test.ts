// EndpointSlices written by hand through the real kubectl: the discovery validation's answers
// (pkg/apis/discovery/validation), and the strategy's generation and v1 topology handling
// (pkg/registry/discovery/endpointslice/strategy.go).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const slice = (name: string, body: string) => `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: ${name}}\n${body}`;

describe.skipIf(!bin)("EndpointSlices through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("a new slice is generation 1 and loses its deprecatedTopology; a label or an endpoint change is a new generation", async () => {
    const created = await k(["create", "-f", "-", "-o", "json"], slice("topo", "addressType: IPv4\nendpoints:\n- addresses: [10.1.2.3]\n  deprecatedTopology: {kubernetes.io/hostname: node-1}\n"));
    const obj = JSON.parse(created.out);
    expect(obj.metadata.generation).toBe(1);
    expect(obj.endpoints).toEqual([{ addresses: ["10.1.2.3"], conditions: {} }]);
    await k(["annotate", "endpointslice", "topo", "note=x"]);
    expect((await k(["get", "endpointslice", "topo", "-o", "jsonpath={.metadata.generation}"])).out).toBe("1");
    await k(["label", "endpointslice", "topo", "team=a"]);
    expect((await k(["get", "endpointslice", "topo", "-o", "jsonpath={.metadata.generation}"])).out).toBe("2");
    await k(["patch", "endpointslice", "topo", "--type=json", "-p", '[{"op":"replace","path":"/endpoints/0/addresses/0","value":"10.1.2.4"}]']);
    expect((await k(["get", "endpointslice", "topo", "-o", "jsonpath={.metadata.generation}"])).out).toBe("3");
  });

  it("invalid addresses, names, hints and ports are refused with the discovery validation's messages", async () => {
    const bad = slice("bad", [
      "addressType: IPv4",
      "endpoints:",
      '- addresses: ["2001:db8::1", "127.0.0.1", "x"]',
      "  nodeName: Bad_Node",
      "  hostname: a.b",
      "  hints: {forZones: [{name: a}, {name: a}]}",
      "ports:",
      "- {name: http, port: 80, protocol: TCP}",
      '- {name: http, port: 81, protocol: FOO, appProtocol: "bad proto"}',
      "",
    ].join("\n"));
    const r = await k(["create", "-f", "-"], bad);
    expect(r.code).not.toBe(0);
    expect(r.err.trimEnd().split("\n")).toEqual([
      'The EndpointSlice "bad" is invalid: ',
      '* endpoints[0].addresses[0]: Invalid value: "2001:db8::1": must be an IPv4 address',
      '* endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      '* endpoints[0].addresses[2]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      "* endpoints[0].nodeName: Invalid value: \"Bad_Node\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      '* endpoints[0].hostname: Invalid value: "a.b": must not contain dots',
      '* endpoints[0].hints.forZones[1].name: Duplicate value: "a"',
      '* ports[1].name: Duplicate value: "http"',
      '* ports[1].protocol: Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"',
      "* ports[1].appProtocol: Invalid value: \"bad proto\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    expect((await k(["get", "endpointslice", "bad"])).code).not.toBe(0);
  });

  it("FQDN addresses are domains of two or more labels; the addressType is immutable", async () => {
    const r = await k(["create", "-f", "-"], slice("names", "addressType: FQDN\nendpoints:\n- addresses: [localhost]\n"));
    expect(r.err).toBe('The EndpointSlice "names" is invalid: endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots\n');
    await k(["create", "-f", "-"], slice("v4", "addressType: IPv4\nendpoints:\n- addresses: [10.0.0.9]\n"));
    const p = await k(["patch", "endpointslice", "v4", "--type=merge", "-p", '{"addressType":"IPv6","endpoints":[{"addresses":["2001:db8::9"]}]}']);
    expect(p.err).toBe('The EndpointSlice "v4" is invalid: addressType: Invalid value: "IPv6": field is immutable\n');
  });
});
