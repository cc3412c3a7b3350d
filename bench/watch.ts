// List and watch throughput of `podflow serve`: one list of N pods, then 100 concurrent
// watchers while pods are created. Run after `npm run build`: node dist/bench/watch.js

import { request, type RequestOptions } from "node:http";
import { createCluster } from "../runtime/cluster.js";
import { startServer } from "../runtime/server/http.js";

const watchers = Number(process.env.WATCHERS ?? 100);
const pods = Number(process.env.PODS ?? 200);

function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<string> {
  const u = new URL(path, base);
  const opts: RequestOptions = { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } };
  return new Promise((resolve, reject) => {
    const req = request(u, opts, (res) => {
      let s = "";
      res.on("data", (d) => (s += d));
      res.on("end", () => resolve(s));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function main(): Promise<void> {
  const cluster = createCluster({ nodes: 1, seed: 1, clock: "live", speed: 1, trace: false, only: ["etcd", "apiserver"] });
  const server = await startServer({ cluster, port: 0, tls: false });
  const token = cluster.adminToken;
  const pod = (i: number) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `p-${i}`, labels: { bench: "yes" } }, spec: { containers: [{ name: "c", image: "nginx" }] } });
  let t = performance.now();
  for (let i = 0; i < pods; i++) await call(server.url, token, "POST", "/api/v1/namespaces/default/pods", pod(i));
  const createMs = performance.now() - t;
  t = performance.now();
  const lists = 20;
  for (let i = 0; i < lists; i++) JSON.parse(await call(server.url, token, "GET", "/api/v1/namespaces/default/pods"));
  const listMs = (performance.now() - t) / lists;
  // 100 watchers, then pods-many more creations; count delivered events.
  let events = 0;
  const reqs = [];
  for (let w = 0; w < watchers; w++) {
    const u = new URL("/api/v1/namespaces/default/pods?watch=true&resourceVersion=" + JSON.parse(await call(server.url, token, "GET", "/api/v1/namespaces/default/pods?limit=1")).metadata.resourceVersion, server.url);
    const r = request(u, { headers: { Authorization: `Bearer ${token}` } }, (res) => res.on("data", (d: Buffer) => (events += d.toString().split("\n").filter((l) => l.trim()).length)));
    r.end();
    reqs.push(r);
  }
  await new Promise((r) => setTimeout(r, 200));
  t = performance.now();
  for (let i = pods; i < 2 * pods; i++) await call(server.url, token, "POST", "/api/v1/namespaces/default/pods", pod(i));
  const want = watchers * pods;
  while (events < want && performance.now() - t < 30_000) await new Promise((r) => setTimeout(r, 10));
  const watchMs = performance.now() - t;
  console.log(`create: ${pods} pods in ${createMs.toFixed(0)} ms (${((pods / createMs) * 1000).toFixed(0)}/s)`);
  console.log(`list: ${pods} pods, ${listMs.toFixed(1)} ms per list`);
  console.log(`watch: ${watchers} watchers x ${pods} creations = ${events}/${want} events in ${watchMs.toFixed(0)} ms (${((events / watchMs) * 1000).toFixed(0)} events/s)`);
  for (const r of reqs) r.destroy();
  await server.close();
  await cluster.stop();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
