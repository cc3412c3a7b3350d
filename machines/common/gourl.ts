// Go's net/url as Kubernetes uses it: url.Parse and url.ParseRequestURI (the CEL URL library, a
// webhook's clientConfig.url), with Go's error texts; URL.EscapedPath, Hostname/Port and Query.
import { goQuote } from "./goquote.js";

export interface GoURL {
  scheme: string;
  opaque: string;
  /** the userinfo as written before '@' (its escapes checked), undefined when there is none (Go's nil User) */
  user?: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  /** the fragment after '#', unescaped (url.Parse only) */
  fragment: string;
}

type Mode = "path" | "host" | "zone" | "userPassword" | "queryComponent" | "fragment";

const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isAlnum = (c: string) => /^[a-zA-Z0-9]$/.test(c);

/** net/url's shouldEscape for one ASCII byte. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === "host" || mode === "zone") && "!$&'()*+,;=:[]<>\"".includes(c)) return false;
  if ("-_.~".includes(c)) return false;
  if ("$&+,/:;=?@".includes(c)) {
    switch (mode) {
      case "userPassword":
        return "@/?:".includes(c);
      case "path":
        return c === "?";
      case "queryComponent":
        return true;
      case "fragment":
        return false;
    }
  }
  if (mode === "fragment" && "!()*".includes(c)) return false;
  return true;
}

/** net/url's unescape: %XX decoded (as UTF-8 bytes), '+' a space in a query component. */
function urlUnescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === "%") {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) throw new Error(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      // in a host, %-encoding is only for non-ASCII bytes, and %25 (a zone's percent sign)
      if (mode === "host" && Number.parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== "%25") throw new Error(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    if (c === "+" && mode === "queryComponent") {
      bytes.push(0x20);
      i++;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) throw new Error(`invalid character ${goQuote(c)} in host name`);
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    bytes.push(...enc.encode(ch));
    i += ch.length;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** net/url's escape for a path: bytes shouldEscape refuses as %XX (upper-case hex). */
function escapePath(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, "path") ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new Error("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${goQuote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf("%25");
    if (zone >= 0) return urlUnescape(host.slice(0, zone), "host") + urlUnescape(host.slice(zone, i), "zone") + urlUnescape(host.slice(i), "host");
  } else {
    const i = host.lastIndexOf(":");
    if (i >= 0 && !validOptionalPort(host.slice(i))) throw new Error(`invalid port ${goQuote(host.slice(i))} after host`);
  }
  return urlUnescape(host, "host");
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;
function parseAuthority(authority: string): { host: string; user?: string } {
  const i = authority.lastIndexOf("@");
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return { host };
  const userinfo = authority.slice(0, i);
  if (!USERINFO.test(userinfo)) throw new Error("net/url: invalid userinfo");
  for (const part of userinfo.split(":").slice(0, 2)) urlUnescape(part, "userPassword");
  return { host, user: userinfo };
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new Error("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

/** net/url's parse (without the fragment); viaRequest as ParseRequestURI calls it. */
function parse(raw: string, viaRequest: boolean): GoURL {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error("net/url: invalid control character in URL");
  if (raw === "" && viaRequest) throw new Error("empty url");
  const u: GoURL = { scheme: "", opaque: "", host: "", path: "", rawPath: "", rawQuery: "", fragment: "" };
  if (raw === "*") return { ...u, path: "*" };
  let [scheme, rest] = getScheme(raw);
  u.scheme = scheme.toLowerCase();
  if (rest.endsWith("?") && rest.split("?").length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf("?");
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") return { ...u, opaque: rest };
    if (viaRequest) throw new Error("invalid URI for request");
    const seg = rest.split("/")[0]!;
    if (seg.includes(":")) throw new Error("first path segment in URL cannot contain colon");
  }
  if ((u.scheme !== "" || (!viaRequest && !rest.startsWith("///"))) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const i = authority.indexOf("/");
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    const { host, user } = parseAuthority(authority);
    u.host = host;
    if (user !== undefined) u.user = user;
  }
  u.path = urlUnescape(rest, "path");
  u.rawPath = escapePath(u.path) === rest ? "" : rest;
  return u;
}

/** A URL Go's net/url refuses, with its error text ("parse \"x\": ..."). */
export class URLError extends Error {}
const urlError = (raw: string, e: unknown) => new URLError(`parse ${goQuote(raw)}: ${(e as Error).message}`);

/** url.ParseRequestURI: the URL, or an error in Go's words. */
export function parseRequestURI(raw: string): GoURL {
  try {
    return parse(raw, true);
  } catch (e) {
    throw urlError(raw, e);
  }
}

/** url.Parse: the fragment split off first, then unescaped. */
export function parseURL(raw: string): GoURL {
  const hash = raw.indexOf("#");
  const u = hash < 0 ? raw : raw.slice(0, hash);
  let out: GoURL;
  try {
    out = parse(u, false);
  } catch (e) {
    throw urlError(u, e);
  }
  if (hash >= 0) {
    try {
      out = { ...out, fragment: urlUnescape(raw.slice(hash + 1), "fragment") };
    } catch (e) {
      throw urlError(raw, e);
    }
  }
  return out;
}

function validEncodedPath(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (c.charCodeAt(0) >= 0x80 || shouldEscape(c, "path")) return false;
  }
  return true;
}

/** URL.EscapedPath: RawPath when it is a valid encoding of Path, else Path escaped. */
export function escapedPath(u: GoURL): string {
  if (u.rawPath !== "" && validEncodedPath(u.rawPath)) {
    try {
      if (urlUnescape(u.rawPath, "path") === u.path) return u.rawPath;
    } catch {
      // an invalid RawPath falls back to escaping Path
    }
  }
  if (u.path === "*") return "*";
  return escapePath(u.path);
}

/** URL.Hostname and URL.Port: the host split at a valid trailing ":port", brackets dropped. */
export function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = "";
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return [host, port];
}

/** URL.Query: values by key in order; pairs with a ';' or a bad escape are dropped. */
export function query(raw: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const pair of raw.split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const eq = pair.indexOf("=");
    let k: string;
    let v: string;
    try {
      k = urlUnescape(eq < 0 ? pair : pair.slice(0, eq), "queryComponent");
      v = urlUnescape(eq < 0 ? "" : pair.slice(eq + 1), "queryComponent");
    } catch {
      continue;
    }
    m.set(k, [...(m.get(k) ?? []), v]);
  }
  return m;
}
