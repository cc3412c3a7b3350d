// Requests a hostile client frames or routes to reach what it should not, through a live podflow serve.
//
// services/proxy through Endpoints written by hand: kube-apiserver's service ResourceLocation
// (pkg/registry/core/service/storage/storage.go) dials an address only when isValidAddress holds: a
// targetRef in the request's namespace naming a pod that has the address's IP. Any other address is
// skipped, and none left is 503 "no endpoints available for service <id>". (The id names the port:
// "name" alone asks for the endpoint port named "", which these Endpoints do not have.)

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { raw, serve, until, type Served, rawBytes } from "./serve-helpers.js";

let s: Served;
const send = (method: string, path: string, body?: unknown) =>
  raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const json = (r: { body: string }) => JSON.parse(r.body);
const server = (name: string, image: string) => ({ metadata: { name }, spec: { containers: [{ name, image, ports: [{ containerPort: 80 }] }] } });
// the victim serves httpd's page, the attacker's own pod nginx's: the answer tells which was dialled
const victimPage = "It works!";
const ownPage = "Welcome to nginx!";
const podIP = async (ns: string, name: string) => json(await send("GET", `/api/v1/namespaces/${ns}/pods/${name}`)).status?.podIP as string | undefined;

let victimIP = "";
let ownIP = "";

/** A selectorless Service in attacker and the Endpoints its owner writes for it. */
async function handWritten(name: string, address: Record<string, unknown>): Promise<void> {
  const ns = "/api/v1/namespaces/attacker";
  expect((await send("POST", `${ns}/services`, { metadata: { name }, spec: { ports: [{ name: "http", port: 80 }] } })).code).toBe(201);
  const eps = { metadata: { name }, subsets: [{ addresses: [address], ports: [{ name: "http", port: 80 }] }] };
  expect((await send("POST", `${ns}/endpoints`, eps)).code).toBe(201);
}

const unavailable = (id: string) => ({ code: 503, reason: "ServiceUnavailable", message: `no endpoints available for service "${id}"` });

beforeAll(async () => {
  s = await serve({ nodes: 1 });
  for (const ns of ["victim", "attacker"]) expect((await send("POST", "/api/v1/namespaces", { metadata: { name: ns } })).code).toBe(201);
  expect((await send("POST", "/api/v1/namespaces/victim/pods", server("secret-web", "httpd:2.4.38-alpine"))).code).toBe(201);
  expect((await send("POST", "/api/v1/namespaces/attacker/pods", server("own", "nginx:1.27"))).code).toBe(201);
  victimIP = (await until(() => podIP("victim", "secret-web"), 30_000)) ?? "";
  ownIP = (await until(() => podIP("attacker", "own"), 30_000)) ?? "";
  expect([victimIP, ownIP].every((ip) => /^10\.244\./.test(ip))).toBe(true);
  // both serve before the checks below, each reachable through its own pods/proxy
  const serving = async (ns: string, name: string, page: string) => ((await send("GET", `/api/v1/namespaces/${ns}/pods/${name}/proxy/`)).body.includes(page) ? true : undefined);
  expect(await until(() => serving("victim", "secret-web", victimPage), 30_000)).toBe(true);
  expect(await until(() => serving("attacker", "own", ownPage), 30_000)).toBe(true);
}, 90_000);
afterAll(async () => {
  await s?.stop();
});

describe("services/proxy dials only an address isValidAddress accepts", () => {
  it("a targetRef naming a pod of another namespace is skipped, whatever IP it gives: 503, and the victim's page is not served", async () => {
    await handWritten("cross", { ip: victimIP, nodeName: "node-1", targetRef: { kind: "Pod", namespace: "victim", name: "secret-web" } });
    await handWritten("cross-other-ip", { ip: "10.244.9.9", nodeName: "node-1", targetRef: { kind: "Pod", namespace: "victim", name: "secret-web" } });
    for (const id of ["cross:80", "cross:http", "cross-other-ip:http"]) {
      const r = await send("GET", `/api/v1/namespaces/attacker/services/${id}/proxy/`);
      expect(json(r)).toMatchObject(unavailable(id));
      expect(r.body).not.toContain(victimPage);
    }
  });

  it("an address without a targetRef is skipped, even at a pod's IP", async () => {
    await handWritten("bare", { ip: victimIP });
    expect(json(await send("GET", "/api/v1/namespaces/attacker/services/bare:80/proxy/"))).toMatchObject(unavailable("bare:80"));
  });

  it("a targetRef naming the namespace's own pod with another pod's IP is skipped (pod ip(s) doesn't match endpoint ip)", async () => {
    await handWritten("mismatch", { ip: victimIP, nodeName: "node-1", targetRef: { kind: "Pod", namespace: "attacker", name: "own" } });
    await handWritten("no-namespace", { ip: ownIP, targetRef: { kind: "Pod", name: "own" } });
    await handWritten("missing", { ip: ownIP, targetRef: { kind: "Pod", namespace: "attacker", name: "absent" } });
    for (const id of ["mismatch:80", "no-namespace:80", "missing:80"]) expect(json(await send("GET", `/api/v1/namespaces/attacker/services/${id}/proxy/`))).toMatchObject(unavailable(id));
  });

  it("the namespace's own pod at its own IP is dialled, with no nodeName needed", async () => {
    await handWritten("own", { ip: ownIP, targetRef: { kind: "Pod", namespace: "attacker", name: "own" } });
    const r = await send("GET", "/api/v1/namespaces/attacker/services/own:80/proxy/");
    expect([r.code, r.body.includes(ownPage)]).toEqual([200, true]);
  });

  it("a valid address after skipped ones in the same subset is the one dialled", async () => {
    const ns = "/api/v1/namespaces/attacker";
    expect((await send("POST", `${ns}/services`, { metadata: { name: "mixed" }, spec: { ports: [{ name: "http", port: 80 }] } })).code).toBe(201);
    const addresses = [
      { ip: victimIP, targetRef: { kind: "Pod", namespace: "victim", name: "secret-web" } },
      { ip: ownIP, targetRef: { kind: "Pod", namespace: "attacker", name: "own" } },
    ];
    expect((await send("POST", `${ns}/endpoints`, { metadata: { name: "mixed" }, subsets: [{ addresses, ports: [{ name: "http", port: 80 }] }] })).code).toBe(201);
    const r = await send("GET", `${ns}/services/mixed:http/proxy/`);
    expect([r.code, r.body.includes(ownPage)]).toEqual([200, true]);
  });
});


const configMap = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: "v" } });
const chunked = (body: string) => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
const head = (version: string, lines: string[]) => [`POST /api/v1/namespaces/default/configmaps HTTP/1.${version}`, "Host: x", `Authorization: Bearer ${s.cluster.adminToken}`, "Content-Type: application/json", "Connection: close", ...lines, "", ""].join("\r\n");
const stored = async (name: string) => (await send("GET", `/api/v1/namespaces/default/configmaps/${name}`)).code;

// net/http's parseTransferEncoding (RFC 7230 3.3.3): Transfer-Encoding overrides Content-Length
describe("a request with both Transfer-Encoding and Content-Length, read as net/http reads it", () => {
  it("HTTP/1.1, chunked: Content-Length is deleted and the chunked body read; a Content-Length shorter or longer than it changes nothing", async () => {
    for (const [name, length] of [["both-short", 5], ["both-long", 100_000]] as const) {
      const body = configMap(name);
      const got = await rawBytes(s, head("1", [`Content-Length: ${length}`, "Transfer-Encoding: chunked"]) + chunked(body));
      expect(got.split("\r\n")[0]).toBe("HTTP/1.1 201 Created");
      expect(await stored(name)).toBe(200);
    }
  });

  it("HTTP/1.0: Transfer-Encoding is ignored (Go issue 12785) and the Content-Length body read", async () => {
    const body = configMap("both-http10");
    const got = await rawBytes(s, head("0", [`Content-Length: ${Buffer.byteLength(body)}`, "Transfer-Encoding: chunked"]) + body);
    // writeStatusLine: an HTTP/1.0 request is answered in HTTP/1.0
    expect(got.split("\r\n")[0]).toBe("HTTP/1.0 201 Created");
    expect(await stored("both-http10")).toBe(200);
  });

  it("a coding other than chunked, or two of them, is still net/http's 501 and nothing is stored", async () => {
    const body = configMap("both-gzip");
    for (const te of [["Transfer-Encoding: gzip"], ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"]]) {
      const got = await rawBytes(s, head("1", [`Content-Length: ${Buffer.byteLength(body)}`, ...te]) + chunked(body));
      expect(got).toBe("HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding");
    }
    expect(await stored("both-gzip")).toBe(404);
  });

  it("the server serves on; a plain HTTP/1.0 GET is answered in HTTP/1.0, an HTTP/1.1 one in HTTP/1.1", async () => {
    expect((await send("GET", "/version")).code).toBe(200);
    expect((await rawBytes(s, "GET /version HTTP/1.0\r\n\r\n")).split("\r\n")[0]).toBe("HTTP/1.0 200 OK");
    expect((await rawBytes(s, "GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
  });
});

// net/http's conn.readRequest, after the missing Host: len(hosts) > 1, then httpguts.ValidHostHeader
describe("a request's Host header as net/http's readRequest judges it", () => {
  const refused = (text: string) => `HTTP/1.1 400 Bad Request: ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: ${text}`;
  const get = (version: string, hosts: string[]) => [`GET /version HTTP/1.${version}`, ...hosts.map((h) => `Host: ${h}`), "Connection: close", "", ""].join("\r\n");

  it("two Host headers are too many, the same or not, in HTTP/1.1 and HTTP/1.0", async () => {
    for (const [version, hosts] of [["1", ["a", "b"]], ["1", ["a", "a"]], ["0", ["a", "b"]]] as const) expect(await rawBytes(s, get(version, [...hosts]))).toBe(refused("too many Host headers"));
  });

  it("a Host with a byte no URI host or port has (a space, <, \", a byte past ASCII) is malformed", async () => {
    for (const host of ["a b", "a<b", 'a"b', "caf\u00e9"]) expect(await rawBytes(s, get("1", [host]))).toBe(refused("malformed Host header"));
  });

  it("sub-delims, an IPv6 literal with a zone, a port and an empty Host are taken", async () => {
    for (const host of ["a!$&'()*+,;=_~-.b", "[fe80::1%25eth0]:6443", "localhost:6443", ""]) expect((await rawBytes(s, get("1", [host]))).split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
  });
});
