// redis-server and redis-cli of the redis image (the docs' configure-redis-using-configmap tutorial,
// the work-queue Job pages, guestbook). The server loads its configuration file and `--name value`
// options as config.c's loadServerConfigFromString does, keeps a keyspace of strings and lists, and
// answers commands on its port; redis-cli sends one command (its arguments, or each line of its
// stdin) and prints the reply as redis-cli.c formats it: cliFormatReplyTTY on a terminal,
// cliFormatReplyRaw otherwise. The RESP exchange rides the simulated network's request/response
// (as nodetool's JMX does in cassandra.ts): the command goes in the request, the reply in the body.

import { perform, type Gen, type ShellState, type Streams } from "./shell.js";
import { strftime } from "./commands.js";
import type { Effect, EffectResult, HttpResult, Listener } from "./types.js";

/** A RESP2 reply. */
export type Reply =
  | { t: "status"; s: string }
  | { t: "error"; s: string }
  | { t: "int"; n: number }
  | { t: "bulk"; s: string }
  | { t: "nil" }
  | { t: "array"; a: Reply[] };

type ConfigKind = { kind: "memory" } | { kind: "int" } | { kind: "bool" } | { kind: "string" } | { kind: "enum"; values: readonly string[] };

// config.c's standardConfig table, the entries the docs' pages and common redis.conf files touch,
// with their defaults as CONFIG GET prints them (the redis image's: protected-mode off, dir /data).
const configTable: readonly (readonly [name: string, kind: ConfigKind, def: string])[] = [
  ["maxmemory", { kind: "memory" }, "0"],
  ["maxmemory-policy", { kind: "enum", values: ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"] }, "noeviction"],
  ["maxmemory-samples", { kind: "int" }, "5"],
  ["port", { kind: "int" }, "6379"],
  ["bind", { kind: "string" }, "* -::*"],
  ["protected-mode", { kind: "bool" }, "no"],
  ["appendonly", { kind: "bool" }, "no"],
  ["appendfsync", { kind: "enum", values: ["always", "everysec", "no"] }, "everysec"],
  ["save", { kind: "string" }, "3600 1 300 100 60 10000"],
  ["dir", { kind: "string" }, "/data"],
  ["dbfilename", { kind: "string" }, "dump.rdb"],
  ["databases", { kind: "int" }, "16"],
  ["loglevel", { kind: "enum", values: ["debug", "verbose", "notice", "warning", "nothing"] }, "notice"],
  ["timeout", { kind: "int" }, "0"],
  ["tcp-keepalive", { kind: "int" }, "300"],
  ["requirepass", { kind: "string" }, ""],
  ["maxclients", { kind: "int" }, "10000"],
  ["hz", { kind: "int" }, "10"],
];
const configKinds = new Map(configTable.map(([n, k]) => [n, k] as const));

/** util.c memtoull: digits with an optional b, k, kb, m, mb, g or gb (any case); undefined when it is not one. */
export function memtoull(p: string): number | undefined {
  const m = /^(\d+)(.*)$/.exec(p);
  if (!m) return undefined;
  const mul: Record<string, number> = { "": 1, b: 1, k: 1000, kb: 1024, m: 1000 * 1000, mb: 1024 * 1024, g: 1000 ** 3, gb: 1024 ** 3 };
  const unit = m[2]!.toLowerCase();
  return Object.hasOwn(mul, unit) ? Number(m[1]) * mul[unit]! : undefined;
}

/** A config value as the server keeps and prints it, or the error config.c gives. */
function setConfig(name: string, args: readonly string[]): { value: string } | { error: string } {
  const kind = configKinds.get(name);
  if (!kind) return { value: args.join(" ") };
  if (kind.kind === "string") return { value: args.join(" ") };
  if (args.length !== 1) return { error: "wrong number of arguments" };
  const v = args[0]!;
  switch (kind.kind) {
    case "memory": {
      const n = memtoull(v);
      return n === undefined ? { error: "argument must be a memory value" } : { value: String(n) };
    }
    case "int":
      return /^-?\d+$/.test(v) ? { value: String(Number(v)) } : { error: "argument couldn't be parsed into an integer" };
    case "bool": {
      const b = v.toLowerCase();
      return b === "yes" || b === "no" ? { value: b } : { error: "argument must be 'yes' or 'no'" };
    }
    case "enum": {
      const e = v.toLowerCase();
      return kind.values.includes(e) ? { value: e } : { error: `argument(s) must be one of the following: ${kind.values.join(", ")}` };
    }
  }
}

/**
 * sds.c sdssplitargs: words split on spaces, "double quotes" with \n \r \t \b \a \\ \" and \xHH,
 * 'single quotes' with \' only; undefined for unbalanced quotes or a closing quote not followed by a space.
 */
export function splitArgs(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const esc: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };
  for (;;) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) return out;
    let cur = "";
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return undefined;
        if (c === "\\" && line[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < line.length) {
          const n = line[++i]!;
          cur += Object.hasOwn(esc, n) ? esc[n]! : n;
        } else if (c === '"') {
          if (i + 1 < line.length && !/\s/.test(line[i + 1]!)) return undefined;
          i++;
          break;
        } else cur += c;
      } else if (insq) {
        if (c === undefined) return undefined;
        if (c === "\\" && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < line.length && !/\s/.test(line[i + 1]!)) return undefined;
          i++;
          break;
        } else cur += c;
      } else {
        if (c === undefined || /\s/.test(c)) break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}

/**
 * util.c stringmatch for CONFIG GET and KEYS: * ? [...] (a leading ^ negates, a-z ranges), \ escapes.
 * Matched with the two-pointer star walk, not a RegExp: a client's pattern can neither throw nor backtrack without bound.
 */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  const p = nocase ? pattern.toLowerCase() : pattern;
  const str = nocase ? s.toLowerCase() : s;
  // one pattern element at pi against str[si]: the length of the element when it matches, 0 when not
  const one = (pi: number, c: string): number => {
    const ch = p[pi]!;
    if (ch === "?") return 1;
    if (ch === "\\" && pi + 1 < p.length) return p[pi + 1] === c ? 2 : 0;
    if (ch === "[") {
      let i = pi + 1;
      const neg = p[i] === "^";
      if (neg) i++;
      let hit = false;
      for (; i < p.length && p[i] !== "]"; i++) {
        if (p[i] === "\\" && i + 1 < p.length) {
          i++;
          if (p[i] === c) hit = true;
        } else if (p[i + 1] === "-" && i + 2 < p.length && p[i + 2] !== "]") {
          const [lo, hi] = p[i]! <= p[i + 2]! ? [p[i]!, p[i + 2]!] : [p[i + 2]!, p[i]!];
          if (c >= lo && c <= hi) hit = true;
          i += 2;
        } else if (p[i] === c) hit = true;
      }
      // stringmatch: an unterminated class ends at the pattern's end
      return hit !== neg ? Math.min(i + 1, p.length) - pi : 0;
    }
    return ch === c ? 1 : 0;
  };
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < str.length) {
    if (pi < p.length && p[pi] === "*") {
      starP = ++pi;
      starS = si;
      continue;
    }
    const n = pi < p.length ? one(pi, str[si]!) : 0;
    if (n > 0) {
      pi += n;
      si++;
    } else if (starP >= 0) {
      pi = starP;
      si = ++starS;
    } else return false;
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

type Value = { type: "string"; v: string } | { type: "list"; v: readonly string[] };

/** What a server holds: its configuration and its keyspace (db 0). */
export interface RedisState {
  readonly config: ReadonlyMap<string, string>;
  readonly keys: ReadonlyMap<string, Value>;
}

const wrongType: Reply = { t: "error", s: "WRONGTYPE Operation against a key holding the wrong kind of value" };
const ok: Reply = { t: "status", s: "OK" };

// server.c's command table: arity as there (negative: at least that many), for the commands modelled
const arity: Record<string, number> = {
  ping: -1, echo: 2, config: -2, set: -3, get: 2, del: -2, exists: -2, incr: 2, decr: 2, keys: 2, dbsize: 1, flushall: -1, flushdb: -1,
  rpush: -3, lpush: -3, lrange: 4, llen: 2, lpop: -2, rpop: -2, type: 2,
};

function withKeys(state: RedisState, keys: Map<string, Value>): RedisState {
  return { config: state.config, keys };
}

/** One command against the state: the reply and the state after it (the input is never changed). */
export function execute(state: RedisState, argv: readonly string[]): { reply: Reply; state: RedisState } {
  const name = (argv[0] ?? "").toLowerCase();
  const same = (reply: Reply) => ({ reply, state });
  if (!Object.hasOwn(arity, name)) {
    // server.c processCommand / commandCheckExistence
    let args = "";
    for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i]!.slice(0, 128 - args.length)}' `;
    return same({ t: "error", s: `ERR unknown command '${(argv[0] ?? "").slice(0, 128)}', with args beginning with: ${args}`.replace(/[\r\n]/g, " ") });
  }
  const a = arity[name]!;
  if ((a > 0 && argv.length !== a) || argv.length < -a) return same({ t: "error", s: `ERR wrong number of arguments for '${name}' command` });
  const keys = state.keys;
  const str = (k: string) => keys.get(k);
  const list = (k: string): readonly string[] | Reply => {
    const v = keys.get(k);
    if (!v) return [];
    return v.type === "list" ? v.v : wrongType;
  };
  switch (name) {
    case "ping":
      return argv.length > 2 ? same({ t: "error", s: "ERR wrong number of arguments for 'ping' command" }) : same(argv.length === 2 ? { t: "bulk", s: argv[1]! } : { t: "status", s: "PONG" });
    case "echo":
      return same({ t: "bulk", s: argv[1]! });
    case "config":
      return configCommand(state, argv);
    case "set": {
      const next = new Map(keys);
      next.set(argv[1]!, { type: "string", v: argv[2]! });
      return { reply: ok, state: withKeys(state, next) };
    }
    case "get": {
      const v = str(argv[1]!);
      if (!v) return same({ t: "nil" });
      return same(v.type === "string" ? { t: "bulk", s: v.v } : wrongType);
    }
    case "type": {
      const v = str(argv[1]!);
      return same({ t: "status", s: v ? v.type : "none" });
    }
    case "del": {
      const next = new Map(keys);
      let n = 0;
      for (const k of argv.slice(1)) if (next.delete(k)) n++;
      return { reply: { t: "int", n }, state: withKeys(state, next) };
    }
    case "exists":
      return same({ t: "int", n: argv.slice(1).filter((k) => keys.has(k)).length });
    case "incr":
    case "decr": {
      const v = str(argv[1]!);
      if (v && v.type !== "string") return same(wrongType);
      const cur = v ? v.v : "0";
      if (!/^-?\d+$/.test(cur)) return same({ t: "error", s: "ERR value is not an integer or out of range" });
      const n = Number(cur) + (name === "incr" ? 1 : -1);
      const next = new Map(keys);
      next.set(argv[1]!, { type: "string", v: String(n) });
      return { reply: { t: "int", n }, state: withKeys(state, next) };
    }
    case "keys":
      return same({ t: "array", a: [...keys.keys()].filter((k) => globMatch(argv[1]!, k)).map((s) => ({ t: "bulk", s })) });
    case "dbsize":
      return same({ t: "int", n: keys.size });
    case "flushall":
    case "flushdb":
      return { reply: ok, state: withKeys(state, new Map()) };
    case "rpush":
    case "lpush": {
      const cur = list(argv[1]!);
      if (!Array.isArray(cur)) return same(cur as Reply);
      const items = argv.slice(2);
      const v = name === "rpush" ? [...(cur as string[]), ...items] : [...items.reverse(), ...(cur as string[])];
      const next = new Map(keys);
      next.set(argv[1]!, { type: "list", v });
      return { reply: { t: "int", n: v.length }, state: withKeys(state, next) };
    }
    case "llen": {
      const cur = list(argv[1]!);
      return same(Array.isArray(cur) ? { t: "int", n: cur.length } : (cur as Reply));
    }
    case "lrange": {
      const cur = list(argv[1]!);
      if (!Array.isArray(cur)) return same(cur as Reply);
      if (!/^-?\d+$/.test(argv[2]!) || !/^-?\d+$/.test(argv[3]!)) return same({ t: "error", s: "ERR value is not an integer or out of range" });
      const len = cur.length;
      let start = Number(argv[2]);
      let end = Number(argv[3]);
      // t_list.c lrangeCommand: negative indexes from the end, clamped to the list
      if (start < 0) start = Math.max(len + start, 0);
      if (end < 0) end = len + end;
      if (end >= len) end = len - 1;
      return same({ t: "array", a: start > end || start >= len ? [] : (cur as string[]).slice(start, end + 1).map((s) => ({ t: "bulk", s })) });
    }
    case "lpop":
    case "rpop": {
      const cur = list(argv[1]!);
      if (!Array.isArray(cur)) return same(cur as Reply);
      const items = cur as string[];
      if (argv.length > 3) return same({ t: "error", s: `ERR wrong number of arguments for '${name}' command` });
      const count = argv.length === 3 ? Number(argv[2]) : undefined;
      if (count !== undefined && !(Number.isInteger(count) && count >= 0)) return same({ t: "error", s: "ERR value is out of range, must be positive" });
      if (items.length === 0) return same(count === undefined ? { t: "nil" } : { t: "nil" });
      const n = Math.min(count ?? 1, items.length);
      const taken = name === "lpop" ? items.slice(0, n) : items.slice(items.length - n).reverse();
      const rest = name === "lpop" ? items.slice(n) : items.slice(0, items.length - n);
      const next = new Map(keys);
      if (rest.length === 0) next.delete(argv[1]!); // an emptied list is removed
      else next.set(argv[1]!, { type: "list", v: rest });
      return { reply: count === undefined ? { t: "bulk", s: taken[0]! } : { t: "array", a: taken.map((s) => ({ t: "bulk", s })) }, state: withKeys(state, next) };
    }
  }
  return same({ t: "error", s: `ERR unknown command '${argv[0]}'` });
}

function configCommand(state: RedisState, argv: readonly string[]): { reply: Reply; state: RedisState } {
  const sub = (argv[1] ?? "").toLowerCase();
  const same = (reply: Reply) => ({ reply, state });
  if (sub === "get") {
    if (argv.length < 3) return same({ t: "error", s: "ERR wrong number of arguments for 'config|get' command" });
    const names: string[] = [];
    for (const pattern of argv.slice(2)) {
      const p = pattern.toLowerCase();
      for (const [n] of configTable) if (!names.includes(n) && (/[[*?]/.test(p) ? globMatch(p, n, true) : p === n)) names.push(n);
    }
    return same({ t: "array", a: names.flatMap((n) => [{ t: "bulk", s: n }, { t: "bulk", s: state.config.get(n) ?? "" }] as Reply[]) });
  }
  if (sub === "set") {
    if (argv.length < 4 || argv.length % 2 !== 0) return same({ t: "error", s: "ERR wrong number of arguments for 'config|set' command" });
    const next = new Map(state.config);
    for (let i = 2; i < argv.length; i += 2) {
      const n = argv[i]!.toLowerCase();
      if (!configKinds.has(n)) return same({ t: "error", s: `ERR Unknown option or number of arguments for CONFIG SET - '${argv[i]}'` });
      const r = setConfig(n, [argv[i + 1]!]);
      if ("error" in r) return same({ t: "error", s: `ERR CONFIG SET failed (possibly related to argument '${argv[i]}') - ${r.error}` });
      next.set(n, r.value);
    }
    return { reply: ok, state: { config: next, keys: state.keys } };
  }
  return same({ t: "error", s: `ERR unknown subcommand '${(argv[1] ?? "").slice(0, 128)}'. Try CONFIG HELP.` });
}

/** The configuration a server starts with: the defaults, then the file's directives, then `--name value` options. */
export function loadConfig(file: string | undefined, options: readonly string[]): { config: Map<string, string> } | { error: string; line?: number; text?: string } {
  const config = new Map(configTable.map(([n, , d]) => [n, d] as const));
  // config.c: the command line's options are appended to the file's text as "name value" lines
  const lines = (file ?? "").split("\n");
  const fileLines = lines.length;
  let opt = "";
  for (const o of options) {
    if (o.startsWith("--")) {
      if (opt) lines.push(opt);
      opt = o.slice(2);
    } else opt += ` "${o.replace(/["\\]/g, "\\$&")}"`;
  }
  if (opt) lines.push(opt);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const argv = splitArgs(line);
    const at = i < fileLines ? { line: i + 1, text: line } : { line: i + 1, text: line };
    if (argv === undefined) return { error: "Unbalanced quotes in configuration line", ...at };
    if (argv.length < 2) return { error: "Bad directive or wrong number of arguments", ...at };
    const name = argv[0]!.toLowerCase();
    const r = setConfig(name, argv.slice(1));
    if ("error" in r) return { error: r.error, ...at };
    if (configKinds.has(name)) config.set(name, r.value);
  }
  return { config };
}

/** redis-server [config-file] [--name value ...]: the start-up log, then commands on the configured port until killed. */
export function* redisServer(argv: string[], sh: ShellState, st: Streams, listeners: Map<number, Listener>, version: string): Gen {
  const t = () => strftime("%d %b %Y %H:%M:%S.000", sh.io.now());
  const [major = 8, minor = 0] = version.split(".").map(Number);
  // before 7.0 the start-up lines were logged at LL_WARNING ('#'), the modified flag was 0 for a release
  // tarball, and "Ready to accept connections" named no listener; the monotonic clock line came in 6.2
  const early = major < 7;
  const level = early ? "#" : "*";
  st.out(`1:C ${t()} ${level} oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n`);
  st.out(`1:C ${t()} ${level} Redis version=${version}, bits=64, commit=00000000, modified=${early ? 0 : 1}, pid=1, just started\n`);
  const args = argv.slice(1);
  const path = args[0] !== undefined && !args[0].startsWith("--") ? args[0] : undefined;
  let file: string | undefined;
  if (path !== undefined) {
    const r = sh.io.fs.read(path.startsWith("/") ? path : `${sh.cwd.replace(/\/$/, "")}/${path}`);
    if (typeof r !== "string") {
      // config.c loadServerConfig: serverLog(LL_WARNING, "Fatal error, can't open config file '%s': %s")
      st.out(`1:C ${t()} # Fatal error, can't open config file '${path}': No such file or directory\n`);
      return 1;
    }
    file = r;
  }
  const loaded = loadConfig(file, path !== undefined ? args.slice(1) : args);
  if ("error" in loaded) {
    // config.c loaderr
    st.err(`\n*** FATAL CONFIG FILE ERROR (Redis ${version}) ***\n${loaded.line !== undefined ? `Reading the configuration file, at line ${loaded.line}\n>>> '${loaded.text}'\n` : ""}${loaded.error}\n`);
    return 1;
  }
  // server.c main: argc == 1 warns, any argument (a config file, an option) loads a configuration
  st.out(args.length > 0 ? `1:C ${t()} # Configuration loaded\n` : `1:C ${t()} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf\n`);
  if (major > 6 || (major === 6 && minor >= 2)) st.out(`1:M ${t()} * monotonic clock: POSIX clock_gettime\n`);
  const port = Number(loaded.config.get("port"));
  st.out(`1:M ${t()} * Running mode=standalone, port=${port}.\n`);
  st.out(`1:M ${t()} ${level} Server initialized\n`);
  st.out(`1:M ${t()} * Ready to accept connections${early ? "" : " tcp"}\n`);
  let state: RedisState = { config: loaded.config, keys: new Map() };
  listeners.set(port, (req) => {
    if (req.kind !== "http") return req.kind === "tcp";
    const q = /[?&]argv=([^&]*)/.exec(req.path)?.[1];
    let cmd: unknown;
    try {
      cmd = q === undefined ? undefined : JSON.parse(decodeURIComponent(q));
    } catch {
      cmd = undefined;
    }
    // a request that carries no command (an HTTP probe) fails as it did against a plain TCP server
    if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((a) => typeof a === "string")) return false;
    const r = execute(state, cmd as string[]);
    state = r.state;
    return { status: 200, body: JSON.stringify(r.reply) };
  });
  yield* perform(sh, { type: "wait" });
  return 0;
}

/** sds.c sdscatrepr: a quoted string with \\ \" \n \r \t \a \b escaped and other bytes isprint() refuses (UTF-8's too) as \xHH. */
export function catrepr(s: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(s)) {
    const code = byte;
    const c = String.fromCharCode(byte);
    if (c === "\\" || c === '"') out += `\\${c}`;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (c === "\x07") out += "\\a";
    else if (c === "\b") out += "\\b";
    else if (code < 0x20 || code >= 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return `${out}"`;
}

/** redis-cli.c cliFormatReplyTTY. */
export function formatTTY(r: Reply, prefix = ""): string {
  switch (r.t) {
    case "error": return `(error) ${r.s}\n`;
    case "status": return `${r.s}\n`;
    case "int": return `(integer) ${r.n}\n`;
    case "bulk": return `${catrepr(r.s)}\n`;
    case "nil": return "(nil)\n";
    case "array": {
      if (r.a.length === 0) return "(empty array)\n";
      const idxlen = String(r.a.length).length;
      const inner = prefix + " ".repeat(idxlen + 2);
      return r.a.map((e, i) => `${i === 0 ? "" : prefix}${String(i + 1).padStart(idxlen)}) ${formatTTY(e, inner)}`).join("");
    }
  }
}

/** redis-cli.c cliFormatReplyRaw, with the command delimiter cliFormatReply appends. */
export function formatRaw(r: Reply): string {
  const raw = (x: Reply): string => {
    switch (x.t) {
      case "nil": return "";
      case "error": return `${x.s}\n`;
      case "status": case "bulk": return x.s;
      case "int": return String(x.n);
      case "array": return x.a.map(raw).join("\n");
    }
  };
  return `${raw(r)}\n`;
}

/** redis-cli [-h host] [-p port] [-n db] [--raw|--no-raw] [cmd args...]: one command, or each line of stdin. */
export function* redisCli(argv: string[], sh: ShellState, st: Streams, tty: boolean): Gen {
  let host = "127.0.0.1";
  let port = 6379;
  let raw = !tty; // redis-cli.c main: OUTPUT_RAW unless stdout is a terminal
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-h" && i + 1 < argv.length) host = argv[++i]!;
    else if (a === "-p" && i + 1 < argv.length) port = Number.parseInt(argv[++i]!, 10) || 0; // atoi
    else if (a === "--raw") raw = true;
    else if (a === "--no-raw") raw = false;
    else if (a === "-n" && i + 1 < argv.length) i++;
    else break;
  }
  const command = argv.slice(i);
  const send = function* (cmd: readonly string[]): Generator<Effect, Reply | string, EffectResult> {
    const r = (yield* perform(sh, { type: "http", url: `http://${host}:${port}/?argv=${encodeURIComponent(JSON.stringify(cmd))}` })) as HttpResult | undefined;
    if (!r || "error" in r) {
      // hiredis's errstr after connect(2) or getaddrinfo fails
      const why = !r ? "Connection refused" : r.error === "bad address" ? "Name or service not known" : r.error === "timeout" ? "Connection timed out" : "Connection refused";
      return `Could not connect to Redis at ${host}:${port}: ${why}\n`;
    }
    try {
      return JSON.parse(r.body ?? "") as Reply;
    } catch {
      return `Error: Protocol error, got "H" as reply type byte\n`;
    }
  };
  const print = (reply: Reply) => st.out(raw ? formatRaw(reply) : formatTTY(reply));
  if (command.length > 0) {
    const r = yield* send(command);
    if (typeof r === "string") {
      st.err(r);
      return 1;
    }
    print(r);
    return 0;
  }
  // no command: the REPL; with stdin not a terminal linenoise reads its lines without a prompt
  for (const line of st.stdin.split("\n")) {
    const words = splitArgs(line);
    if (words === undefined) {
      st.out("Invalid argument(s)\n");
      continue;
    }
    if (words.length === 0) continue;
    const first = words[0]!.toLowerCase();
    if (first === "quit" || first === "exit") return 0;
    const r = yield* send(words);
    if (typeof r === "string") {
      st.err(r);
      continue;
    }
    print(r);
  }
  return 0;
}

/** cliRefreshPrompt: `host:port`, `[db]` when not 0, then "> ". */
export function replPrompt(options: readonly string[]): string {
  const opt = (name: string) => {
    const i = options.indexOf(name);
    return i >= 0 ? options[i + 1] : undefined;
  };
  const db = Number(opt("-n") ?? 0);
  return `${opt("-h") ?? "127.0.0.1"}:${opt("-p") ?? "6379"}${db !== 0 ? `[${db}]` : ""}> `;
}

/** One line typed at redis-cli's REPL (a terminal): the command's reply as cliFormatReplyTTY prints it; "quit" when it ends the REPL. */
export function* redisReplLine(line: string, options: readonly string[], sh: ShellState, st: Streams): Generator<Effect, "quit" | undefined, EffectResult> {
  const words = splitArgs(line);
  if (words === undefined) {
    st.out("Invalid argument(s)\n");
    return undefined;
  }
  if (words.length === 0) return undefined;
  const first = words[0]!.toLowerCase();
  if (first === "quit" || first === "exit") return "quit";
  // a connection failure is reported and the REPL goes on (repl() retries at each command)
  yield* redisCli(["redis-cli", ...options, ...words], sh, st, true);
  return undefined;
}
