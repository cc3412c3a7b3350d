// The Accept header and bodies left unread, through a live `podflow serve`, as kube-apiserver
// answers them: every resource handler first negotiates its answer's media type
// (negotiation.NegotiateOutputMediaType), so an Accept naming nothing it serves is 406 NotAcceptable
// listing what it does serve (pods/log included: its text is not what is negotiated), after
// authorization and before options or a body are read. An answer written while a large body
// (256 KiB or more, net/http's maxPostHandlerReadBytes) is still coming closes the connection.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { connect } from "node:tls";
import { gzipSync } from "node:zlib";
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

  // the discovery documents are written by WriteObjectNegotiated with DefaultEndpointRestrictions:
  // no transform (as=...) is allowed there; the aggregated discovery handler takes its own type first
  it.each([
    ["/api", "text/html"],
    ["/apis", "text/html"],
    ["/apis/apps", "application/xml"],
    ["/apis/apps/v1", "text/plain"],
    ["/apis", "application/json;as=Table;v=v1;g=meta.k8s.io"],
    ["/apis/apps/v1", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"],
  ])("discovery at %s with Accept %s is 406", async (path, accept) => {
    const r = await as("GET", path, accept);
    expect([r.code, JSON.parse(r.body)]).toEqual([406, notAcceptable]);
  });

  it.each([
    ["/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"],
    ["/api", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"],
    ["/apis/apps/v1", "application/vnd.kubernetes.protobuf, */*"],
    ["/version", "text/html"],
  ])("discovery at %s with Accept %s is served", async (path, accept) => {
    expect((await as("GET", path, accept)).code).toBe(200);
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

// NegotiateInputSerializerForMediaType reads a body's Content-Type with Go's mime.ParseMediaType (a
// header that does not parse is 415); the patch handler cuts its Content-Type at the first ";" and
// compares the rest exactly.
describe("Content-Type", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    expect((await raw(s, "POST", cms, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name: "target" } }) })).code).toBe(201);
  });
  afterAll(async () => {
    await s.stop();
  });
  const bodyTypes = "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf";
  const patchTypes = "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml";
  const post = (name: string, contentType: string) => raw(s, "POST", cms, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name } }), headers: { "Content-Type": contentType } });
  const patch = (contentType: string, accept?: string) => raw(s, "PATCH", `${cms}/target`, { token: s.cluster.adminToken, body: JSON.stringify({ data: { a: "1" } }), headers: { "Content-Type": contentType, ...(accept ? { Accept: accept } : {}) } });

  it.each([
    ["a parameter without a value", "application/json;foo"],
    ["a list of types", "application/json, text/plain"],
    ["a repeated parameter", "application/json;a=1;a=2"],
    ["an unterminated quoted value", 'application/json;charset="utf-8'],
    ["no type", ";charset=utf-8"],
  ])("a create whose Content-Type has %s is 415 and nothing is stored", async (_what, contentType) => {
    const r = await post("ct-refused", contentType);
    const j = JSON.parse(r.body);
    expect([r.code, j.reason, j.message]).toEqual([415, "UnsupportedMediaType", bodyTypes]);
    expect((await raw(s, "GET", `${cms}/ct-refused`, { token: s.cluster.adminToken })).code).toBe(404);
  });

  // kube-apiserver does not decompress a request: a gzip body (Content-Encoding or not) is JSON that
  // does not parse, named by its first byte as Go's scanner quotes it; so is any other stray byte
  it.each([
    ["a gzip body with Content-Encoding: gzip", gzipSync(Buffer.from('{"metadata":{"name":"gz"}}')), { "Content-Encoding": "gzip" }, "'\\x1f' looking for beginning of value"],
    ["a gzip bomb (50 MB of spaces)", gzipSync(Buffer.alloc(50_000_000, 32)), { "Content-Encoding": "gzip" }, "'\\x1f' looking for beginning of value"],
    ["a byte-order mark", Buffer.from('\ufeff{"metadata":{"name":"bom"}}'), {}, "'ï' looking for beginning of value"],
    ["a bell", Buffer.from('\u0007{}'), {}, "'\\a' looking for beginning of value"],
    ["an é after a key", Buffer.from('{"metadata"é}'), {}, "'Ã' after object key"],
    ["a no-break space", Buffer.from('\u00a0{}'), {}, "'Â' looking for beginning of value"],
    ["a C1 control byte on its own", Buffer.from([0x85, 0x7b, 0x7d]), {}, "'\\u0085' looking for beginning of value"],
  ])("a create with %s is the JSON decoder's 400 naming that byte, and nothing is stored", async (_what, body, headers, what) => {
    const r = await raw(s, "POST", cms, { token: s.cluster.adminToken, body, headers: { "Content-Type": "application/json", ...headers } });
    const j = JSON.parse(r.body);
    expect([r.code, j.reason]).toEqual([400, "BadRequest"]);
    expect(j.message.startsWith(`the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character ${what} (`)).toBe(true);
  });

  it.each([
    ["ct-a", "APPLICATION/JSON"],
    ["ct-b", "application/json; charset=utf-8;"],
    ["ct-c", 'application/json ; charset="utf-8"'],
  ])("a create with Content-Type %s is decoded as JSON", async (name, contentType) => {
    expect((await post(name, contentType)).code).toBe(201);
  });

  it.each(["Application/Merge-Patch+JSON", "application/merge-patch+json ; charset=utf-8", ";application/merge-patch+json"])("a patch with Content-Type %j is 415 and changes nothing", async (contentType) => {
    const r = await patch(contentType);
    expect([r.code, JSON.parse(r.body).message]).toEqual([415, patchTypes]);
    expect(JSON.parse((await raw(s, "GET", `${cms}/target`, { token: s.cluster.adminToken })).body).data).toBeUndefined();
  });

  it("a patch's Content-Type is judged before its Accept; a good one is then 406 for text/html", async () => {
    expect((await patch("text/plain", "text/html")).code).toBe(415);
    const r = await patch("application/merge-patch+json", "text/html");
    expect([r.code, JSON.parse(r.body)]).toEqual([406, notAcceptable]);
    expect(JSON.parse((await raw(s, "GET", `${cms}/target`, { token: s.cluster.adminToken })).body).data).toBeUndefined();
  });

  it("a patch with Content-Type application/merge-patch+json;charset=utf-8 is applied", async () => {
    expect((await patch("application/merge-patch+json;charset=utf-8")).code).toBe(200);
  });

  it("a name that is no path segment is the store's 400 before any 406", async () => {
    const r = await raw(s, "GET", `${cms}/a%25b`, { token: s.cluster.adminToken, headers: { Accept: "text/html" } });
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, 'Name parameter invalid: "a%b": may not contain \'%\'']);
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

  /** Writes bytes on one connection and resolves with what came back once `answers` responses have (or after 5 s). */
  const exchange = (pieces: string[], answers: number): Promise<string> => {
    const url = new URL(s.server.url);
    return new Promise((resolve) => {
      let got = "";
      const sock = connect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost" }, () => {
        pieces.forEach((p, i) => setTimeout(() => !sock.destroyed && sock.write(p), i * 200));
      });
      const done = () => {
        clearTimeout(timer);
        sock.destroy();
        resolve(got);
      };
      const timer = setTimeout(done, 5_000);
      sock.on("data", (d) => {
        got += d.toString("latin1");
        if (got.split("HTTP/1.1 ").length - 1 >= answers && /\r\n\r\n[\s\S]*\}\s*$/.test(got)) setTimeout(done, 100);
      });
      sock.on("close", done);
      sock.on("error", () => {});
    });
  };
  const auth = () => `Authorization: Bearer ${s.cluster.adminToken}\r\n`;

  it("a FOO with a small body is answered 405 and its connection kept, as net/http drops the body after the handler: the next request on it is served", async () => {
    const got = await exchange([`FOO ${cms} HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 5\r\n\r\nhello`, `GET /version HTTP/1.1\r\nHost: x\r\n${auth()}\r\n`], 2);
    const answers = got.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.split("\r\n")[0])).toEqual(["HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 200 OK"]);
    expect(answers[0]).not.toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(answers[0]!.slice(answers[0]!.indexOf("\r\n\r\n") + 4)).message).toBe("the server does not allow this method on the requested resource");
    expect(JSON.parse(answers[1]!.slice(answers[1]!.indexOf("\r\n\r\n") + 4)).major).toBe("1");
  });

  it("requests of unknown methods pipelined with others, with and without bodies, are each answered in order", async () => {
    const got = await exchange([`FOO ${cms} HTTP/1.1\r\nHost: x\r\n${auth()}\r\nBAR ${cms} HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 2\r\n\r\n{}GET ${cms}/absent HTTP/1.1\r\nHost: x\r\n${auth()}\r\n`], 3);
    expect(got.split(/(?=HTTP\/1\.1 )/).map((a) => a.split("\r\n")[0])).toEqual(["HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 404 Not Found"]);
  });

  it("a FOO asking to close, or with a chunked body, closes its connection after the 405", async () => {
    for (const extra of ["Connection: close\r\n", "Transfer-Encoding: chunked\r\n"]) {
      const got = await exchange([`FOO ${cms} HTTP/1.1\r\nHost: x\r\n${auth()}${extra}\r\n`, `GET /version HTTP/1.1\r\nHost: x\r\n\r\n`], 2);
      expect(got.split(/(?=HTTP\/1\.1 )/).map((a) => a.split("\r\n")[0])).toEqual(["HTTP/1.1 405 Method Not Allowed"]);
      expect(got).toMatch(/\r\nConnection: close\r\n/);
    }
  });

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
