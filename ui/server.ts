// The live view's HTTP side, mounted under /ui/ on the API server's port (podflow serve --ui) or
// on a port of its own (podflow view TRACE). The page and its scripts are public files of the
// package; every /ui/api/ request is hostile input: its Host must name the loopback (no DNS
// rebinding), on a live cluster it must carry the admin bearer token (the page reads it from the
// URL's fragment, never sent to a server, and sends it as a header, so no cookie can be ridden by
// another site), bodies are bounded and decoded field by field, and every refusal is a
// Kubernetes Status.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Status } from "kubernetes-types/meta/v1";
import * as S from "../machines/apiserver/status.js";
import { ApiError, ClientError } from "../runtime/manifests.js";
import { faultNames, type FaultName } from "../runtime/faults.js";
import type { Pace } from "../runtime/cluster.js";
import { chartSvg, charts } from "./charts.js";
import { failWith500 } from "../runtime/server/http.js";
import type { Batch } from "./live.js";

/** What the routes serve: a live cluster (LiveBackend) or a recorded trace (view.ts). */
export interface Backend {
  kind: "live" | "trace";
  snapshot(): Batch;
  subscribe(l: (b: Batch) => void): () => void;
  readonly subscribers: number;
  lifecycles(uid: string): unknown;
  info(): Record<string, unknown>;
  /** runs a control; throws ApiError or ClientError for a refusal */
  control(action: Action): Promise<unknown>;
}

export type Action =
  | { action: "apply"; manifest: string }
  | { action: "delete"; namespace: string; name: string }
  | { action: "kill-node"; node: string }
  | { action: "crash"; component: string }
  | { action: "fault"; fault: FaultName }
  | { action: "pace"; pace: Pace }
  | { action: "step"; count: number };

/** Largest body a control takes (a manifest pasted into the page). */
export const uiBodyBytes = 1024 * 1024;
/** Pages that may follow the events at once. */
export const uiStreamsMax = 32;
/** What a page's event stream may hold unread before it is ended (the page opens it again). */
export const uiStreamBufferBytes = 8 * 1024 * 1024;

/** The folder of the page's files: ui/static beside the sources, or in the package root beside dist/. */
function staticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const d of [join(here, "static"), join(here, "..", "..", "ui", "static")]) if (existsSync(join(d, "index.html"))) return d;
  throw new Error("podflow: the live view's files (ui/static) are missing from the package");
}

/** The examples/ folder of the package. */
export function examplesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const d of [join(here, "..", "examples"), join(here, "..", "..", "examples")]) if (existsSync(d)) return d;
  return join(here, "..", "examples");
}

const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

/** The page's files, read once: a fixed set, so no path from a request ever reaches the disk. */
function staticFiles(): Map<string, { type: string; body: Buffer }> {
  const dir = staticDir();
  const out = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(dir)) {
    const ext = name.slice(name.lastIndexOf("."));
    const type = types[ext];
    if (type) out.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  return out;
}

function examples(): Array<{ name: string; text: string }> {
  const dir = examplesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") }));
}

function send(res: ServerResponse, code: number, body: unknown, type = "application/json"): void {
  const text = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(code, { "Content-Type": type, "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private", "X-Content-Type-Options": "nosniff" });
  res.end(text);
}

function sendStatus(res: ServerResponse, st: Status): void {
  send(res, st.code ?? 500, st);
}

function notFound(): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 };
}

function tooLarge(): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Request entity too large: limit is ${uiBodyBytes}`, reason: "RequestEntityTooLarge", code: 413 };
}

/** True for a Host header that names the loopback (or the address the server was bound to). */
export function loopbackHost(host: string | undefined, boundHost: string): boolean {
  if (!host) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::\d{1,5})?$/.exec(host);
  if (!m) return false;
  const name = m[1]!.toLowerCase();
  return name === "127.0.0.1" || name === "localhost" || name === "[::1]" || name === boundHost.toLowerCase();
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The body, or undefined past the limit (reading stops there). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"]) > uiBodyBytes) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > uiBodyBytes) {
        done = true;
        req.pause();
        return resolve(undefined);
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", () => {
      if (!done) resolve(undefined);
    });
  });
}

const nameMax = 253;

/** A decoded control, or the 400 that says which field is wrong. Unknown fields are refused (strict decoding). */
export function decodeAction(action: string, body: unknown): Action | { status: Status } {
  const bad = (msg: string) => ({ status: S.badRequest(msg) });
  if (body === null || typeof body !== "object" || Array.isArray(body)) return bad("the body must be a JSON object");
  const b = body as Record<string, unknown>;
  const fields: Record<string, readonly string[]> = {
    apply: ["manifest"], delete: ["namespace", "name"], "kill-node": ["node"], crash: ["component"], fault: ["fault"], pace: ["mode", "speed", "perSecond"], step: ["count"],
  };
  const allowed = Object.hasOwn(fields, action) ? fields[action]! : undefined;
  if (!allowed) return { status: notFound() };
  for (const k of Object.keys(b)) if (!allowed.includes(k)) return bad(`unknown field ${S.goQuote(k)}`);
  const str = (k: string, max = nameMax): string | undefined => {
    const v = Object.hasOwn(b, k) ? b[k] : undefined;
    return typeof v === "string" && v.length > 0 && v.length <= max ? v : undefined;
  };
  const num = (k: string, lo: number, hi: number): number | undefined | null => {
    if (!Object.hasOwn(b, k)) return undefined;
    const v = b[k];
    return typeof v === "number" && Number.isFinite(v) && v > lo && v <= hi ? v : null;
  };
  switch (action) {
    case "apply": {
      const manifest = str("manifest", uiBodyBytes);
      return manifest ? { action, manifest } : bad("manifest: a non-empty string is required");
    }
    case "delete": {
      const namespace = str("namespace");
      const name = str("name");
      return namespace && name ? { action, namespace, name } : bad("namespace and name: non-empty strings of at most 253 characters are required");
    }
    case "kill-node": {
      const node = str("node");
      return node ? { action, node } : bad("node: a non-empty string of at most 253 characters is required");
    }
    case "crash": {
      const component = str("component");
      return component ? { action, component } : bad("component: a non-empty string of at most 253 characters is required");
    }
    case "fault": {
      const fault = str("fault");
      return fault && (faultNames as readonly string[]).includes(fault) ? { action, fault: fault as FaultName } : bad(`fault: one of ${faultNames.join(", ")}`);
    }
    case "pace": {
      const mode = str("mode");
      if (mode === "paused") return Object.hasOwn(b, "speed") || Object.hasOwn(b, "perSecond") ? bad("paused takes no speed") : { action, pace: { mode } };
      if (mode === "live") {
        const speed = num("speed", 0, 1000);
        if (speed === null || Object.hasOwn(b, "perSecond")) return bad("live: speed is a number above 0 and at most 1000");
        return { action, pace: { mode, speed: speed ?? 1 } };
      }
      if (mode === "paced") {
        const perSecond = num("perSecond", 0, 100_000);
        if (perSecond === null || Object.hasOwn(b, "speed")) return bad("paced: perSecond is a number above 0 and at most 100000");
        return { action, pace: { mode, perSecond: perSecond ?? 10 } };
      }
      return bad('mode: one of "live", "paced", "paused"');
    }
    case "step": {
      const count = num("count", 0, 1000);
      if (count === null || (count !== undefined && !Number.isInteger(count))) return bad("count: a whole number from 1 to 1000");
      return { action, count: count ?? 1 };
    }
  }
  return { status: notFound() };
}

export interface UiRouteOptions {
  backend: Backend;
  /** the bearer token /ui/api/ requires; undefined only for a read-only trace bound to the loopback */
  token?: string;
  /** the address the server listens on */
  host: string;
}

/**
 * The /ui/ routes: returns false for a path outside /ui (the API server serves it), else handles
 * the request (never throws: a failure is a 500 Status).
 */
export function uiRoutes(opts: UiRouteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const files = staticFiles();
  let streams = 0;
  return (req, res) => {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q < 0 ? raw : raw.slice(0, q);
    if (path !== "/ui" && !path.startsWith("/ui/")) return false;
    const query = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
    const method = req.method ?? "GET";
    const fail = failWith500(res);
    try {
      if (path === "/ui") {
        res.writeHead(301, { Location: "/ui/", "Content-Length": 0 });
        res.end();
        return true;
      }
      if (!path.startsWith("/ui/api/")) {
        const name = path === "/ui/" ? "index.html" : path.slice("/ui/".length);
        const f = files.get(name);
        if (!f) sendStatus(res, notFound());
        else if (method !== "GET" && method !== "HEAD") sendStatus(res, S.methodNotAllowed());
        else {
          res.writeHead(200, { "Content-Type": f.type, "Content-Length": f.body.length, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" });
          res.end(method === "HEAD" ? undefined : f.body);
        }
        return true;
      }
      if (!loopbackHost(req.headers.host, opts.host)) {
        sendStatus(res, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the live view answers only requests addressed to the loopback (Host: 127.0.0.1 or localhost)", reason: "Forbidden", details: {}, code: 403 });
        return true;
      }
      if (opts.token !== undefined && !tokenMatches(req.headers.authorization, opts.token)) {
        if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) res.setHeader("Connection", "close");
        sendStatus(res, S.unauthorized());
        return true;
      }
      const api = path.slice("/ui/api/".length);
      if (method === "GET" || method === "HEAD") {
        if (api === "events") {
          if (streams >= uiStreamsMax) return sendStatus(res, S.tooManyRequests()), true;
          streams++;
          let closed = false;
          res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, private", "X-Content-Type-Options": "nosniff" });
          const write = (b: Batch) => {
            if (closed) return;
            res.write(`data: ${JSON.stringify(b)}\n\n`);
            if (res.writableLength > uiStreamBufferBytes) end();
          };
          const unsubscribe = opts.backend.subscribe(write);
          const beat = setInterval(() => !closed && res.write(": keep-alive\n\n"), 15_000);
          const end = () => {
            if (closed) return;
            closed = true;
            streams--;
            clearInterval(beat);
            unsubscribe();
            res.end();
          };
          req.on("close", end);
          res.on("close", end);
          res.on("error", end);
          write(opts.backend.snapshot());
          return true;
        }
        if (api === "info") return send(res, 200, { kind: opts.backend.kind, ...opts.backend.info() }), true;
        if (api === "examples") return send(res, 200, examples()), true;
        if (api === "pod") {
          const uid = query.get("uid") ?? "";
          const out = uid.length > 0 && uid.length <= nameMax ? opts.backend.lifecycles(uid) : undefined;
          return (out === undefined ? sendStatus(res, notFound()) : send(res, 200, out)), true;
        }
        const chart = /^charts\/([a-z0-9-]{1,64})\.svg$/.exec(api);
        if (chart && charts.has(chart[1]!)) return send(res, 200, chartSvg(chart[1]!)!, "image/svg+xml"), true;
        sendStatus(res, notFound());
        return true;
      }
      if (method !== "POST") return sendStatus(res, S.methodNotAllowed()), true;
      const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/json") {
        res.setHeader("Connection", "close");
        sendStatus(res, S.unsupportedMediaType(["application/json"]));
        return true;
      }
      void readBody(req).then(async (body) => {
        if (body === undefined) {
          res.setHeader("Connection", "close");
          return sendStatus(res, tooLarge());
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch (e) {
          return sendStatus(res, S.badRequest(`the body is not JSON: ${(e as Error).message}`));
        }
        const action = decodeAction(api, parsed);
        if ("status" in action) return sendStatus(res, action.status);
        try {
          const result = await opts.backend.control(action);
          send(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 200, details: result ?? {} });
        } catch (e) {
          if (e instanceof ApiError) return sendStatus(res, e.status);
          if (e instanceof ClientError) return sendStatus(res, S.badRequest(e.message));
          throw e;
        }
      }).catch(fail);
      return true;
    } catch (e) {
      fail(e);
      return true;
    }
  };
}
