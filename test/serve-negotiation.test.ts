// The Accept header and bodies left unread, through a live `podflow serve`, as kube-apiserver
// answers them: every resource handler first negotiates its answer's media type
// (negotiation.NegotiateOutputMediaType), so an Accept naming nothing it serves is 406 NotAcceptable
// listing what it does serve (pods/log included: its text is not what is negotiated), after
// authorization and before options or a body are read. An answer written while a large body
// (256 KiB or more, net/http's maxPostHandlerReadBytes) is still coming closes the connection.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { connect } from "node:tls";
import { serve, raw, type Served } from "./serve-helpers.js";

const cms = "/api/v1/namespaces/default/configmaps";
const notAcceptable = {
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 406, reason: "NotAcceptable",
  message: "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf",
};

describe("Accept negotiation", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const as = (method: string, path: string, accept: string, body?: string) => raw(s, method, path, { token: s.cluster.adminToken, headers: { Accept: accept }, ...(body !== undefined ? { body } : {}) });

  it.each([
    ["GET", cms, "text/html"],
    ["GET", `${cms}/x`, "text/plain"],
    ["GET", `${cms}?watch=true`, "text/event-stream"],
    ["GET", "/api/v1/namespaces/default/pods/p/log", "text/plain"],
    ["DELETE", `${cms}/x`, "application/xml"],
    ["GET", cms, "application/json;q=0"],
    ["GET", cms, "*/*;q=0"],
    ["GET", cms, "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io"],
    ["GET", cms, "application/json;as=Pod;v=v1;g="],
  ])("%s %s with Accept %s is 406 NotAcceptable", async (method, path, accept) => {
    const r = await as(method, path, accept);
    expect([r.code, JSON.parse(r.body)]).toEqual([406, notAcceptable]);
  });

  it("a create asking for text/plain is 406 before its body is read, and nothing is stored", async () => {
    const r = await as("POST", cms, "text/plain", JSON.stringify({ metadata: { name: "never" } }));
    expect([r.code, JSON.parse(r.body)]).toEqual([406, notAcceptable]);
    expect((await raw(s, "GET", `${cms}/never`, { token: s.cluster.adminToken })).code).toBe(404);
  });

  it("a create asking for text/plain with a bad option is still 406: negotiation comes before options", async () => {
    const r = await as("POST", `${cms}?fieldManager=${"m".repeat(200)}`, "text/plain", "{bad");
    expect(r.code).toBe(406);
  });

  it("authorization comes before negotiation: an anonymous 406 candidate is 403", async () => {
    const r = await raw(s, "GET", cms, { headers: { Accept: "text/html" } });
    expect([r.code, JSON.parse(r.body).reason]).toEqual([403, "Forbidden"]);
  });

  it.each([
    "text/html, */*",
    "application/*",
    "application/json, */*",
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
    "application/vnd.kubernetes.protobuf, application/json",
    "application/json;charset=utf-8",
    "",
  ])("Accept %j is served", async (accept) => {
    const r = await as("GET", cms, accept);
    expect(r.code).toBe(200);
  });
});

describe("bodies left unread", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  /** Sends a head declaring a large body, then trickles it; resolves with what came back once the server closes (or "open"). */
  const trickle = (head: string, waitMs: number): Promise<string> => {
    const url = new URL(s.server.url);
    return new Promise((resolve) => {
      let got = "";
      const sock = connect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost" }, () => {
        sock.write(head);
        const every = setInterval(() => !sock.destroyed && sock.write("x".repeat(1_000)), 50);
        sock.on("close", () => {
          clearInterval(every);
          resolve(got);
        });
        setTimeout(() => {
          clearInterval(every);
          sock.destroy();
          resolve("open");
        }, waitMs);
      });
      sock.on("data", (d) => (got += d.toString("latin1")));
      sock.on("error", () => {});
    });
  };

  it.each(["PROPFIND", "FOO"])("a %s with a 100 MB body trickling in gets its 405 and the connection closes", async (method) => {
    const got = await trickle(`${method} ${cms} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.cluster.adminToken}\r\nContent-Length: 100000000\r\n\r\n`, 5_000);
    expect(got).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(got).toMatch(/\r\nConnection: close\r\n/);
  });

  it("a create refused for its user with a large chunked body trickling in closes the connection after the 403", async () => {
    const got = await trickle(`POST ${cms} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n`, 5_000);
    expect(got).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
  });
});
