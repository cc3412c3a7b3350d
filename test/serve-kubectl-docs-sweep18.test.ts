// Sweep 18 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' (here redis') source does where the page is silent. The verdicts are in
// test/fixtures/docs/TASKS.md.

import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim() || undefined;

// content/en/examples/pods/config/redis-pod.yaml
const redisPod = (name: string, configMap: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  containers:
  - name: redis
    image: redis:8.0.2
    command:
      - redis-server
      - "/redis-master/redis.conf"
    env:
    - name: MASTER
      value: "true"
    ports:
    - containerPort: 6379
    resources:
      limits:
        cpu: "0.1"
    volumeMounts:
    - mountPath: /redis-master-data
      name: data
    - mountPath: /redis-master
      name: config
  volumes:
    - name: data
      emptyDir: {}
    - name: config
      configMap:
        name: ${configMap}
        items:
        - key: redis-config
          path: redis.conf
`;

const redisConfig = (name: string, body: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  redis-config: ${body === "" ? '""' : `|\n${body.split("\n").map((l) => `    ${l}`).join("\n")}`}
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 18", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const running = (pod: string) =>
    until(async () => ((await k(["get", "pod", pod, "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 60_000);
  /** kubectl exec -it on a pseudo-terminal (test/support/ptyrun.py): what the terminal showed. */
  const onTerminal = (args: string[], typed: string[] = []) =>
    new Promise<string>((resolve) => {
      execFile(python!, [join(__dirname, "support", "ptyrun.py"), "0.8", ...typed, "--", bin!, ...args], { env: kubectlEnv(s.kubeconfigPath), timeout: 30_000 }, (_e, out) => resolve(out.replace(/\r\n/g, "\n")));
    });

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("tutorials/configuration/configure-redis-using-configmap: CONFIG GET shows redis' defaults, then the ConfigMap's values once the pod is recreated", { timeout: 150_000 }, async () => {
    expect((await k(["apply", "-f", "-"], redisConfig("example-redis-config", ""))).out).toBe("configmap/example-redis-config created\n");
    expect((await k(["apply", "-f", "-"], redisPod("redis", "example-redis-config"))).out).toBe("pod/redis created\n");
    expect(await running("redis")).toBe(true);
    // without a terminal redis-cli prints raw replies (redis-cli.c: OUTPUT_RAW unless isatty(stdout))
    const get = (key: string) => k(["exec", "redis", "--", "redis-cli", "CONFIG", "GET", key]).then((r) => r.out);
    expect(await get("maxmemory")).toBe("maxmemory\n0\n");
    expect(await get("maxmemory-policy")).toBe("maxmemory-policy\nnoeviction\n");
    if (python) {
      // the page's output, on a terminal (cliFormatReplyTTY)
      expect(await onTerminal(["exec", "-it", "redis", "--", "redis-cli", "CONFIG", "GET", "maxmemory"])).toContain('1) "maxmemory"\n2) "0"\n');
    }
    // the page's REPL fed from stdin: linenoise reads each line, no prompt without a terminal
    expect((await k(["exec", "-i", "redis", "--", "redis-cli"], "CONFIG GET maxmemory-policy\nPING\n")).out).toBe("maxmemory-policy\nnoeviction\nPONG\n");

    expect((await k(["apply", "-f", "-"], redisConfig("example-redis-config", "maxmemory 2mb\nmaxmemory-policy allkeys-lru"))).out).toBe("configmap/example-redis-config configured\n");
    // "The configuration values do not grab updated values from the associated ConfigMaps until you restart the Pod"
    const file = await until(async () => ((await k(["exec", "redis", "--", "cat", "/redis-master/redis.conf"])).out.includes("2mb") ? true : undefined), 90_000);
    expect(file).toBe(true);
    expect(await get("maxmemory")).toBe("maxmemory\n0\n");
    expect((await k(["delete", "pod", "redis", "--grace-period=1"])).code).toBe(0);
    expect((await k(["apply", "-f", "-"], redisPod("redis", "example-redis-config"))).out).toBe("pod/redis created\n");
    expect(await running("redis")).toBe(true);
    // util.c memtoull: "mb" is 1024*1024
    expect(await get("maxmemory")).toBe("maxmemory\n2097152\n");
    expect(await get("maxmemory-policy")).toBe("maxmemory-policy\nallkeys-lru\n");
    if (python) {
      // the page's session: `kubectl exec -it redis -- redis-cli`, then the commands typed at its prompt
      const screen = await onTerminal(["exec", "-it", "redis", "--", "redis-cli"], ["CONFIG GET maxmemory\\r", "CONFIG GET maxmemory-policy\\r", "quit\\r"]);
      expect(screen).toContain('127.0.0.1:6379> CONFIG GET maxmemory\n1) "maxmemory"\n2) "2097152"\n127.0.0.1:6379> CONFIG GET maxmemory-policy\n1) "maxmemory-policy"\n2) "allkeys-lru"\n127.0.0.1:6379> quit\n');
      expect(screen).toMatch(/\[exit 0\]\n$/);
    }
  });

  it("redis-server refuses a configuration it cannot parse: config.c's FATAL CONFIG FILE ERROR, exit 1, CrashLoopBackOff", { timeout: 90_000 }, async () => {
    expect((await k(["apply", "-f", "-"], redisConfig("bad-redis-config", "maxmemory 2xb"))).code).toBe(0);
    expect((await k(["apply", "-f", "-"], redisPod("badredis", "bad-redis-config"))).code).toBe(0);
    const log = await until(async () => {
      const r = await k(["logs", "badredis"]);
      return r.out.includes("FATAL") ? r.out : undefined;
    }, 60_000);
    // config.c loaderr: the version, the line number, the line, the setter's error
    expect(log).toContain("\n*** FATAL CONFIG FILE ERROR (Redis 8.0.2) ***\nReading the configuration file, at line 1\n>>> 'maxmemory 2xb'\nargument must be a memory value\n");
    const code = await until(async () => {
      const c = (await k(["get", "pod", "badredis", "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}"])).out;
      return c === "" ? undefined : c;
    }, 60_000);
    expect(code).toBe("1");
    expect((await k(["delete", "pod", "badredis", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("tasks/job/fine-parallel-processing-work-queue: redis-cli -h redis fills the job2 list through the Service and lrange reads it back", { timeout: 90_000 }, async () => {
    expect((await k(["apply", "-f", "-"], redisConfig("queue-redis-config", ""))).code).toBe(0);
    expect((await k(["apply", "-f", "-"], redisPod("queue", "queue-redis-config"))).code).toBe(0);
    expect((await k(["expose", "pod", "queue", "--port=6379", "--name=redis-queue"])).code).toBe(0);
    expect((await k(["run", "temp", "--image=redis:8.0.2", "--command", "--", "sleep", "3600"])).code).toBe(0);
    expect(await running("queue")).toBe(true);
    expect(await running("temp")).toBe(true);
    const cli = (...args: string[]) => k(["exec", "temp", "--", "redis-cli", "-h", "redis-queue", ...args]);
    // the page's pushes, one reply each: the list's length (t_list.c pushGenericCommand)
    const lengths: string[] = [];
    for (const item of ["apple", "banana", "cherry", "date", "fig", "grape", "lemon", "melon", "orange"]) lengths.push((await cli("rpush", "job2", item)).out.trim());
    expect(lengths).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect((await cli("lrange", "job2", "0", "-1")).out).toBe("apple\nbanana\ncherry\ndate\nfig\ngrape\nlemon\nmelon\norange\n");
    if (python) {
      // the page's redis:6379> lrange output: the index right-aligned to the widest (cliFormatReplyTTY's idxlen)
      expect((await cli("rpush", "job2", "kiwi")).out).toBe("10\n");
      const screen = await onTerminal(["exec", "-it", "temp", "--", "redis-cli", "-h", "redis-queue", "lrange", "job2", "0", "-1"]);
      expect(screen).toContain(' 1) "apple"\n 2) "banana"\n');
      expect(screen).toContain(' 9) "orange"\n10) "kiwi"\n');
      expect(await onTerminal(["exec", "-it", "temp", "--", "redis-cli", "-h", "redis-queue", "lpop", "nosuch"])).toContain("(nil)\n");
    }
    // an unknown command is the server's error, printed on stdout, exit 0 (no -e); cliFormatReplyRaw
    // ends an error with a newline and cliFormatReply adds the command delimiter after it
    const bad = await cli("foo", "bar");
    expect([bad.out, bad.code]).toEqual(["ERR unknown command 'foo', with args beginning with: 'bar' \n\n", 0]);
    // hiredis: getaddrinfo's error for a name the cluster DNS does not know
    const nohost = await k(["exec", "temp", "--", "redis-cli", "-h", "nosuch", "ping"]);
    expect(nohost.err).toBe("Could not connect to Redis at nosuch:6379: Name or service not known\ncommand terminated with exit code 1\n");
  });
});
