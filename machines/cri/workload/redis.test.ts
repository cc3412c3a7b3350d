// redis.ts against redis' source: util.c memtoull, sds.c sdssplitargs and sdscatrepr,
// redis-cli.c's reply formats, config.c's load errors, t_list.c's list commands.
import { describe, expect, it } from "vitest";
import { catrepr, execute, formatRaw, formatTTY, loadConfig, memtoull, splitArgs, type RedisState, type Reply } from "./redis.js";

const empty = (): RedisState => {
  const c = loadConfig(undefined, []);
  if ("error" in c) throw new Error(c.error);
  return { config: c.config, keys: new Map() };
};

describe("redis", () => {
  it("memtoull: k and m are powers of 1000, kb and mb of 1024, any case; a bad unit or a sign is no memory value", () => {
    expect([memtoull("2mb"), memtoull("2MB"), memtoull("2m"), memtoull("1k"), memtoull("1kb"), memtoull("1gb"), memtoull("100")]).toEqual([2097152, 2097152, 2000000, 1000, 1024, 1073741824, 100]);
    expect([memtoull("2xb"), memtoull("-1"), memtoull("mb")]).toEqual([undefined, undefined, undefined]);
  });

  it("loadConfig: the file's directives over the defaults, --options after them; config.c's errors name the line", () => {
    const c = loadConfig("# comment\nmaxmemory 2mb\n\nmaxmemory-policy ALLKEYS-LRU\n", ["--port", "7000"]);
    expect("config" in c && [c.config.get("maxmemory"), c.config.get("maxmemory-policy"), c.config.get("port")]).toEqual(["2097152", "allkeys-lru", "7000"]);
    expect(loadConfig("maxmemory 2xb\n", [])).toEqual({ error: "argument must be a memory value", line: 1, text: "maxmemory 2xb" });
    expect(loadConfig("\nmaxmemory-policy lru\n", [])).toEqual({ error: "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction", line: 2, text: "maxmemory-policy lru" });
    expect(loadConfig("appendonly maybe", [])).toMatchObject({ error: "argument must be 'yes' or 'no'" });
    expect(loadConfig("maxmemory", [])).toMatchObject({ error: "Bad directive or wrong number of arguments" });
  });

  it("splitArgs: sdssplitargs' quotes and escapes", () => {
    expect(splitArgs(`set k "a b\\n" 'it\\'s'`)).toEqual(["set", "k", "a b\n", "it's"]);
    expect(splitArgs(`"\\x41"`)).toEqual(["A"]);
    expect(splitArgs(`"open`)).toBeUndefined();
    expect(splitArgs(`"a"b`)).toBeUndefined();
    expect(splitArgs("   ")).toEqual([]);
  });

  it("formats replies as redis-cli.c: TTY with quoted strings and right-aligned indexes, raw with one line each", () => {
    const arr = (n: number): Reply => ({ t: "array", a: Array.from({ length: n }, (_, i) => ({ t: "bulk", s: `v${i + 1}` })) });
    expect(formatTTY(arr(2))).toBe('1) "v1"\n2) "v2"\n');
    expect(formatTTY(arr(10)).split("\n").slice(0, 1).concat(formatTTY(arr(10)).split("\n").slice(9, 10))).toEqual([' 1) "v1"', '10) "v10"']);
    expect(formatTTY({ t: "array", a: [{ t: "array", a: [{ t: "int", n: 1 }, { t: "nil" }] }] })).toBe("1) 1) (integer) 1\n   2) (nil)\n");
    expect([formatTTY({ t: "array", a: [] }), formatTTY({ t: "status", s: "OK" }), formatTTY({ t: "error", s: "ERR x" }), formatTTY({ t: "nil" })]).toEqual(["(empty array)\n", "OK\n", "(error) ERR x\n", "(nil)\n"]);
    expect([formatRaw(arr(2)), formatRaw({ t: "int", n: 3 }), formatRaw({ t: "nil" }), formatRaw({ t: "error", s: "ERR x" })]).toEqual(["v1\nv2\n", "3\n", "\n", "ERR x\n\n"]);
    expect(catrepr('a"b\\\n\x01')).toBe('"a\\"b\\\\\\n\\x01"');
    // sdscatrepr works on bytes: UTF-8's are not isprint() in the C locale
    expect(catrepr("\u00e9")).toBe('"\\xc3\\xa9"');
  });

  it("execute: lists, strings, CONFIG GET/SET, unknown commands and arity as server.c words them, never changing its input", () => {
    const s0 = empty();
    const r1 = execute(s0, ["RPUSH", "job2", "apple", "banana"]);
    expect(r1.reply).toEqual({ t: "int", n: 2 });
    expect(s0.keys.size).toBe(0);
    const r2 = execute(r1.state, ["lpush", "job2", "x", "y"]);
    expect(execute(r2.state, ["lrange", "job2", "0", "-1"]).reply).toEqual({ t: "array", a: ["y", "x", "apple", "banana"].map((s) => ({ t: "bulk", s })) });
    expect(execute(r2.state, ["lrange", "job2", "-2", "100"]).reply).toEqual({ t: "array", a: ["apple", "banana"].map((s) => ({ t: "bulk", s })) });
    expect(execute(r2.state, ["get", "job2"]).reply).toEqual({ t: "error", s: "WRONGTYPE Operation against a key holding the wrong kind of value" });
    expect(execute(s0, ["lpop", "none"]).reply).toEqual({ t: "nil" });
    expect(execute(s0, ["config", "get", "maxmemory*"]).reply).toEqual({ t: "array", a: ["maxmemory", "0", "maxmemory-policy", "noeviction", "maxmemory-samples", "5"].map((s) => ({ t: "bulk", s })) });
    const set = execute(s0, ["config", "set", "maxmemory", "1mb"]);
    expect([set.reply, execute(set.state, ["config", "get", "maxmemory"]).reply]).toEqual([{ t: "status", s: "OK" }, { t: "array", a: [{ t: "bulk", s: "maxmemory" }, { t: "bulk", s: "1048576" }] }]);
    expect(execute(s0, ["foo", "bar", "baz"]).reply).toEqual({ t: "error", s: "ERR unknown command 'foo', with args beginning with: 'bar' 'baz' " });
    expect(execute(s0, ["get"]).reply).toEqual({ t: "error", s: "ERR wrong number of arguments for 'get' command" });
    expect(execute(s0, ["incr", "n"]).reply).toEqual({ t: "int", n: 1 });
  });
});

describe("redis-cli's REPL", () => {
  it("prompts host:port, with [db] when not 0 (cliRefreshPrompt)", async () => {
    const { replPrompt } = await import("./redis.js");
    expect([replPrompt([]), replPrompt(["-h", "redis", "-p", "7000"]), replPrompt(["-n", "2"])]).toEqual(["127.0.0.1:6379> ", "redis:7000> ", "127.0.0.1:6379[2]> "]);
  });

  it("is what a terminal exec of redis-cli with connection options only starts; a command or another image's runs once", async () => {
    const { interactiveShell } = await import("./exec.js");
    const redisImage = { kind: "redis", userland: "gnu" } as Parameters<typeof interactiveShell>[1];
    expect(interactiveShell(["redis-cli"], redisImage)).toMatchObject({ name: "redis-cli", options: [] });
    expect(interactiveShell(["redis-cli", "-h", "redis"], redisImage)).toMatchObject({ name: "redis-cli", options: ["-h", "redis"] });
    expect(interactiveShell(["redis-cli", "ping"], redisImage)).toBeUndefined();
    expect(interactiveShell(["redis-cli"], { kind: "nginx", userland: "gnu" } as Parameters<typeof interactiveShell>[1])).toBeUndefined();
  });
});

describe("stringmatch", () => {
  it("matches * ? [a-c] [^x] and escapes as util.c does, and a client's odd pattern neither throws nor hangs", async () => {
    const { globMatch } = await import("./redis.js");
    expect([globMatch("h?llo", "hello"), globMatch("h*llo", "heeeello"), globMatch("h[ae]llo", "hallo"), globMatch("h[^e]llo", "hello"), globMatch("h[a-b]llo", "hbllo")]).toEqual([true, true, true, false, true]);
    expect([globMatch("maxmemory*", "maxmemory-policy"), globMatch("*", ""), globMatch("a\\*", "a*"), globMatch("a\\*", "ab"), globMatch("MAX*", "maxmemory", true)]).toEqual([true, true, true, false, true]);
    expect([globMatch("[z-a]", "m"), globMatch("[", "x"), globMatch("a[", "a")]).toEqual([true, false, false]);
    expect(globMatch("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(3000))).toBe(false);
  });
});
