// Authentication through `podflow serve`: a hostile bearer token is one more unknown token (401,
// as kube-apiserver's authentication filter answers), and the server keeps serving afterwards.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:https";
import { parse as parseYaml } from "yaml";
import { seedFor } from "../machines/common/prng.js";
import { serveCommand } from "../runtime/server/serve.js";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

/** The Status kube-apiserver's authentication filter writes for a token no authenticator accepts (apierrors.NewUnauthorized("Unauthorized")). */
const unauthorizedStatus = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

/** Resolves to the answer, or to "no answer" when the server does not answer within ms. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "no answer"> {
  return Promise.race([p, new Promise<"no answer">((r) => setTimeout(() => r("no answer"), ms))]);
}

describe("bearer tokens that name members of Object.prototype", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.each(["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"])(
    "the token %s is Unauthorized, worded as kube-apiserver words it, and the server still answers the admin",
    async (token) => {
      const r = await within(raw(s, "GET", "/api/v1/namespaces/default/pods", { token }), 5_000);
      expect(r).not.toBe("no answer");
      if (r === "no answer") return;
      expect(r.code).toBe(401);
      expect(JSON.parse(r.body)).toEqual(unauthorizedStatus);
      const after = await within(raw(s, "GET", "/api/v1/namespaces/default/pods", { token: s.cluster.adminToken }), 5_000);
      expect(after === "no answer" ? after : after.code).toBe(200);
    },
  );

  const bin = findKubectl();
  it.runIf(bin)("kubectl --token=constructor get pods must log in, and the next kubectl get pods works", async () => {
    const bad = await kubectl(bin!, s.kubeconfigPath, ["--token=constructor", "get", "pods"], { timeoutMs: 15_000 });
    expect(bad.code).toBe(1);
    expect(bad.err.trimEnd().split("\n").at(-1)).toMatch(/^error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)$/);
    const good = await kubectl(bin!, s.kubeconfigPath, ["get", "pods"], { timeoutMs: 15_000 });
    expect(good.code).toBe(0);
    expect(good.err).toBe("No resources found in default namespace.\n");
  });
});

/** Runs `podflow serve` (its command, in-process) on a free port until the returned stop is called. */
async function podflowServe(extra: { token?: string; kubeconfig?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "podflow-auth-"));
  const file = extra.kubeconfig ?? join(dir, "kubeconfig");
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const exit = serveCommand(
    { port: "0", nodes: "1", seed: "1", speed: "10", kubeconfig: file, ...(extra.token !== undefined ? { token: extra.token } : {}) },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    stopped,
  );
  const started = await until(async () => out.some((l) => l.startsWith("export KUBECONFIG=")) || err.length > 0, 10_000, 50);
  const config = started && err.length === 0 ? parseYaml(readFileSync(file, "utf8")) : undefined;
  return {
    file, out, err, config,
    token: config?.users[0].user.token as string | undefined,
    server: config?.clusters[0].cluster.server as string | undefined,
    ca: config ? Buffer.from(config.clusters[0].cluster["certificate-authority-data"], "base64").toString() : undefined,
    stop: async () => {
      stop();
      return exit;
    },
  };
}

function get(server: string, ca: string, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the credentials podflow serve makes", () => {
  // The admin token main derived from --seed: podflow-admin-<seedFor(seed, "admin") in hex>.
  const fromSeed = `podflow-admin-${seedFor(1, "admin").toString(16).padStart(8, "0")}`;

  it("two starts with the same --seed write different admin tokens, and the token computable from the seed is Unauthorized", async () => {
    const a = await podflowServe();
    const b = await podflowServe();
    try {
      expect(a.token).toBeTruthy();
      expect(b.token).toBeTruthy();
      expect(a.token).not.toBe(b.token);
      expect(a.token).not.toBe(fromSeed);
      expect(await get(a.server!, a.ca!, "/api/v1/namespaces/default/pods", fromSeed)).toBe(401);
      expect(await get(a.server!, a.ca!, "/api/v1/namespaces/default/pods", a.token!)).toBe(200);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("the kubeconfig is readable by its owner only, also when it existed before with mode 0644", async () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-auth-"));
    const kubeconfig = join(dir, "existing");
    writeFileSync(kubeconfig, "old\n");
    chmodSync(kubeconfig, 0o644);
    const fresh = await podflowServe();
    const existing = await podflowServe({ kubeconfig });
    try {
      expect(statSync(fresh.file).mode & 0o777).toBe(0o600);
      expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
      expect(existing.token).toBeTruthy();
    } finally {
      await fresh.stop();
      await existing.stop();
    }
  });

  it("--token fixes the admin token: the kubeconfig carries it and the server accepts it", async () => {
    const s = await podflowServe({ token: "my-script-token.v1" });
    try {
      expect(s.token).toBe("my-script-token.v1");
      expect(await get(s.server!, s.ca!, "/api/v1/namespaces/default/pods", "my-script-token.v1")).toBe(200);
      expect(await get(s.server!, s.ca!, "/api/v1/namespaces/default/pods", fromSeed)).toBe(401);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it("a --token that cannot travel in a bearer header is refused with exit code 2", async () => {
    const s = await podflowServe({ token: "two words" });
    expect(s.err).toEqual(["error: invalid --token: a bearer token is letters, digits and -._~+/ (then optional '=' padding)"]);
    expect(await s.stop()).toBe(2);
  });
});
