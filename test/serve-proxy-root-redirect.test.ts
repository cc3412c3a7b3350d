// A proxy subresource asked at its root without the trailing slash: kube's proxy handler answers a GET
// or HEAD with 301 to the same path and "/" once Connect has found the location
// (proxyRedirectsforRootPath in k8s.io/apimachinery/pkg/util/proxy/upgradeaware.go, the hack for
// kubernetes#4958), and passes the client's raw query on unchanged (loc.RawQuery = req.URL.RawQuery).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { kubectl, findKubectl, raw, serve, until, type Served } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const send = (method: string, path: string, body?: unknown) =>
  raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const json = (r: { body: string }) => JSON.parse(r.body);

beforeAll(async () => {
  s = await serve({ nodes: 1 });
  const pod = { metadata: { name: "web", labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] } };
  expect((await send("POST", `${ns}/pods`, pod)).code).toBe(201);
  expect((await send("POST", `${ns}/services`, { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } })).code).toBe(201);
  // a ready address: until the pod is Ready its address is only in notReadyAddresses, and the service proxy answers 503
  const ready = await until(async () => (json(await send("GET", `${ns}/endpoints/web`)).subsets ?? []).some((x: { addresses?: unknown[] }) => (x.addresses ?? []).length > 0), 30_000);
  expect(ready).toBe(true);
}, 45_000);
afterAll(async () => {
  await s?.stop();
});

describe("a proxy subresource asked at its root without a trailing slash", () => {
  it("a pod's proxy: GET is 301 to the path with '/', no body", async () => {
    const r = await send("GET", `${ns}/pods/web/proxy`);
    expect([r.code, r.headers.location, r.body]).toEqual([301, `${ns}/pods/web/proxy/`, ""]);
  });

  it("the query goes into the Location as the client wrote it", async () => {
    const r = await send("GET", `${ns}/pods/web:80/proxy?a=b%20c&x`);
    expect([r.code, r.headers.location]).toEqual([301, `${ns}/pods/web:80/proxy/?a=b%20c&x`]);
  });

  it("HEAD is redirected too; the trailing slash reaches the pod", async () => {
    expect((await send("HEAD", `${ns}/services/web/proxy`)).code).toBe(301);
    const r = await send("GET", `${ns}/services/web/proxy/`);
    expect([r.code, r.body.includes("Welcome to nginx!")]).toEqual([200, true]);
  });

  it("a service's and a node's proxy redirect alike", async () => {
    const svc = await send("GET", `${ns}/services/web/proxy`);
    expect([svc.code, svc.headers.location]).toEqual([301, `${ns}/services/web/proxy/`]);
    const node = await send("GET", "/api/v1/nodes/node-1/proxy");
    expect([node.code, node.headers.location]).toEqual([301, "/api/v1/nodes/node-1/proxy/"]);
  });

  it("the location is found first: a pod that does not exist is 404, not a redirect", async () => {
    const r = await send("GET", `${ns}/pods/absent/proxy`);
    expect([r.code, json(r).message]).toEqual([404, 'pods "absent" not found']);
  });

  it("other methods are proxied to '/' (only GET and HEAD are redirected): nginx refuses a POST to its index", async () => {
    // ngx_http_static_handler: a POST to a regular file is NGX_HTTP_NOT_ALLOWED, on nginx's error page
    const r = await send("POST", `${ns}/pods/web/proxy`);
    expect([r.code, r.body]).toEqual([405, "<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n</body>\r\n</html>\r\n"]);
    const logs = await until(async () => {
      const l = await send("GET", `${ns}/pods/web/log`);
      return l.body.includes('"POST / HTTP/1.1" 405') ? l.body : undefined;
    }, 10_000);
    expect(logs).toMatch(/"POST \/ HTTP\/1\.1" 405 \d+ "-"/);
  });

  it("kubectl get --raw follows the redirect to nginx's page, as client-go's HTTP client does", async () => {
    const bin = findKubectl();
    if (!bin) throw new Error("kubectl is not on PATH");
    const r = await kubectl(bin, s.kubeconfigPath, ["get", "--raw", `${ns}/pods/web/proxy`]);
    expect([r.code, r.out.includes("Welcome to nginx!")]).toEqual([0, true]);
  });
});
