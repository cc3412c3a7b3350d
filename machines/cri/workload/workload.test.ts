import { describe, it, expect } from "vitest";
import { resolveImage, type ImageInfo } from "../registry.js";
import { createRootfs, effectiveArgv, MemFS, runExec, startContainer } from "./index.js";
import { drive, recordingIO, resume } from "./testkit.js";
import type { Effect, EffectResult } from "./types.js";

function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) throw new Error(r.message);
  return r.image;
}

const busybox = image("busybox:1.36");

/** Starts `sh -c script` in a busybox container and runs it until it exits or blocks. */
function sh(script: string, opts: { env?: Record<string, string>; answer?: (e: Effect) => EffectResult; img?: ImageInfo } = {}) {
  const io = recordingIO(opts.env);
  const effects: Effect[] = [];
  const p = startContainer({ image: opts.img ?? busybox, command: ["sh", "-c", script], env: opts.env ?? {}, fs: io.fs }, io);
  const result = drive(p.run, io, { effects, ...(opts.answer ? { answer: opts.answer } : {}) });
  return { io, result, effects, start: 1_735_689_600_000 };
}

describe("effectiveArgv", () => {
  const img = { entrypoint: ["/docker-entrypoint.sh"], cmd: ["nginx", "-g", "daemon off;"] };
  const rows: Array<[string, string[] | undefined, string[] | undefined, string[]]> = [
    ["neither command nor args runs the image's ENTRYPOINT and CMD", undefined, undefined, ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]],
    ["command replaces ENTRYPOINT and drops CMD", ["sleep", "10"], undefined, ["sleep", "10"]],
    ["args replace CMD and keep ENTRYPOINT", undefined, ["nginx", "-T"], ["/docker-entrypoint.sh", "nginx", "-T"]],
    ["command and args together replace both", ["echo"], ["hi"], ["echo", "hi"]],
  ];
  for (const [name, command, args, want] of rows) it(name, () => expect(effectiveArgv(img, command, args)).toEqual(want));
});

describe("the shell subset", () => {
  it("echo hi; sleep 5; exit 1 prints hi, sleeps five simulated seconds and exits 1", () => {
    const { io, result, effects, start } = sh("echo hi; sleep 5; exit 1");
    expect(io.out).toEqual(["hi"]);
    expect(effects).toEqual([{ type: "sleep", ms: 5000 }]);
    expect(io.clock.now - start).toBe(5000);
    expect(result).toEqual({ state: "exited", code: 1 });
  });

  it("the docs' exec liveness example: cat /tmp/healthy succeeds at 10 s and fails at 35 s", () => {
    const io = recordingIO();
    const p = startContainer({ image: busybox, args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"], env: {}, fs: io.fs }, io);
    const start = io.clock.now;
    expect(drive(p.run, io, { untilMs: start + 10_000 }).state).toBe("sleeping");
    const probe = () => {
      const probeIO = { ...recordingIO({}, io.fs), clock: io.clock };
      const r = drive(runExec(["cat", "/tmp/healthy"], probeIO, busybox), io);
      return { r, err: probeIO.err };
    };
    expect(probe().r).toEqual({ state: "exited", code: 0 });
    expect(resume(p.run, io, { untilMs: start + 35_000 }).state).toBe("sleeping");
    const late = probe();
    expect(late.r).toEqual({ state: "exited", code: 1 });
    expect(late.err).toEqual(["cat: can't open '/tmp/healthy': No such file or directory"]);
  });

  it("an unknown command writes busybox's not-found message and has status 127", () => {
    const { io, result } = sh("frobnicate --now; echo $?");
    expect(io.err).toEqual(["sh: frobnicate: not found"]);
    expect(io.out).toEqual(["127"]);
    expect(result).toEqual({ state: "exited", code: 0 });
  });

  it("on a Debian-based image the not-found message is dash's, with the line number", () => {
    const { io, result } = sh("true\nfrobnicate", { img: image("ubuntu:24.04") });
    expect(io.err).toEqual(["sh: 2: frobnicate: not found"]);
    expect(result).toEqual({ state: "exited", code: 127 });
  });

  // The init-container conformance tests run command ["/bin/true"] and ["/bin/false"] as the container's argv.
  it("/bin/true and /bin/false exist as programs: true exits 0, false exits 1, by path and as a container's argv", () => {
    expect(sh("/bin/true && /bin/false; echo $?").io.out).toEqual(["1"]);
    for (const [argv, code] of [[["/bin/true"], 0], [["/bin/false"], 1], [["/usr/bin/true"], 0]] as const) {
      const io = recordingIO();
      const p = startContainer({ image: busybox, command: [...argv], env: {}, fs: io.fs }, io);
      expect(p.startError, argv[0]).toBeUndefined();
      expect(drive(p.run, io, {}), argv[0]).toEqual({ state: "exited", code });
    }
  });

  it("a while loop with sleep runs one turn per simulated interval", () => {
    const { io, result, start } = sh("i=0; while [ $i -lt 3 ]; do echo tick $i; i=$((i+1)); sleep 2; done; echo done");
    expect(io.out).toEqual(["tick 0", "tick 1", "tick 2", "done"]);
    expect(io.clock.now - start).toBe(6000);
    expect(result).toEqual({ state: "exited", code: 0 });
  });

  it("an until loop stops when its condition succeeds", () => {
    const { io } = sh("n=0; until [ $n -ge 2 ]; do n=$((n+1)); done; echo $n");
    expect(io.out).toEqual(["2"]);
  });

  it("an endless loop without sleep fails by name instead of hanging", () => {
    const { io, result } = sh("while true; do :; done");
    expect(io.err).toEqual(["sh: loop bound exceeded: 10000 iterations without sleeping or waiting"]);
    expect(result).toEqual({ state: "exited", code: 2 });
  });

  it("a forever loop with sleep keeps sleeping", () => {
    const io = recordingIO();
    const p = startContainer({ image: busybox, command: ["sh", "-c", "while true; do echo $(date +%s); sleep 10; done"], env: {}, fs: io.fs }, io);
    expect(drive(p.run, io, { untilMs: io.clock.now + 25_000 }).state).toBe("sleeping");
    expect(io.out).toEqual(["1735689600", "1735689610", "1735689620"]);
  });

  it("$(date) prints busybox's default date format from the simulated clock", () => {
    const { io } = sh('echo "now: $(date)"');
    expect(io.out).toEqual(["now: Wed Jan  1 00:00:00 UTC 2025"]);
  });

  it("redirections write, append and are read back by cat", () => {
    const { io } = sh("echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; cat /nope 2>&1; echo err >&2");
    expect(io.out).toEqual(["one", "two", "cat: can't open '/nope': No such file or directory"]);
    expect(io.err).toEqual(["err"]);
  });

  it("a redirection into a missing directory fails the command", () => {
    const { io } = sh("echo x > /missing/f; echo $?");
    expect(io.err).toEqual(["sh: can't create /missing/f: nonexistent directory"]);
    expect(io.out).toEqual(["1"]);
  });

  it("if/elif/else, && and || choose branches by status", () => {
    const { io } = sh("if false; then echo a; elif [ -d /tmp ]; then echo b; else echo c; fi; false && echo x || echo y");
    expect(io.out).toEqual(["b", "y"]);
  });

  it("for loops, quoting and variables expand as a shell does", () => {
    const { io } = sh(`X="a b"; for w in $X "$X" 'lit $X' \${X}; do echo "[$w]"; done`);
    expect(io.out).toEqual(["[a]", "[b]", "[a b]", "[lit $X]", "[a]", "[b]"]);
  });

  it("echo -n joins output onto one line", () => {
    const { io } = sh("echo -n a; echo b");
    expect(io.out).toEqual(["ab"]);
  });

  it("a pipeline feeds one command's output to the next", () => {
    const { io } = sh("printf 'x\\ny\\nz\\n' | grep -v y | wc -l");
    expect(io.out).toEqual(["2"]);
  });

  it("sort orders lines by byte (uppercase first), -n by number, -r reversed, -u once each", () => {
    const { io } = sh("printf 'b\\nB\\na\\n' | sort; printf '10\\n9\\n9\\n' | sort -n -u; printf 'x\\ny\\n' | sort -r; sort /nope; echo $?");
    expect(io.out).toEqual(["B", "a", "b", "9", "10", "y", "x", "2"]);
    expect(io.err).toEqual(["sort: can't open '/nope': No such file or directory"]);
  });

  it("printenv shows the container's env and hostname reads HOSTNAME", () => {
    const { io } = sh("printenv KUBERNETES_PORT; hostname; printenv MISSING; echo $?", { env: { KUBERNETES_PORT: "tcp://10.96.0.1:443", HOSTNAME: "web-0" } });
    expect(io.out).toEqual(["tcp://10.96.0.1:443", "web-0", "1"]);
  });

  it("a program run as the container's process has no PWD (runc sets none); a shell exports its own; one from the pod is kept", () => {
    const run = (command: string[], env: Record<string, string>) => {
      const io = recordingIO();
      const p = startContainer({ image: busybox, command, env, fs: io.fs }, io);
      drive(p.run, io, { untilMs: io.clock.now + 1_000 });
      return io.out;
    };
    expect(run(["printenv"], { A: "1" }).some((l) => l.startsWith("PWD="))).toBe(false);
    expect(run(["printenv"], { A: "1" })).toContain("A=1");
    expect(run(["sh", "-c", "printenv PWD"], { A: "1" })).toEqual(["/"]);
    expect(run(["printenv", "PWD"], { PWD: "/data" })).toEqual(["/data"]);
  });

  it("test and [ handle files, strings and integers", () => {
    const { io } = sh('touch /tmp/a; [ -f /tmp/a ] && echo f; [ -e /tmp/b ] || echo noe; [ -z "" ] && echo z; [ 3 -gt 2 ] && echo gt; [ abc = abc ] && echo eq; [ x != x ] || echo ne');
    expect(io.out).toEqual(["f", "noe", "z", "gt", "eq", "ne"]);
  });

  it("mkdir -p, ls and rm -rf work on the in-memory filesystem", () => {
    const { io } = sh("mkdir -p /data/a/b; touch /data/a/x; ls /data/a; rm -rf /data/a; ls /data; mkdir /data; echo $?");
    expect(io.out).toEqual(["b", "x", "1"]);
    expect(io.err).toEqual(["mkdir: can't create directory '/data': File exists"]);
  });

  it("tail -f follows its file until the container is killed: it reads it again every second and writes what was appended", () => {
    const io = recordingIO();
    const p = startContainer({ image: busybox, command: ["sh", "-c", "echo started > /tmp/log; tail -f /tmp/log"], env: {}, fs: io.fs }, io);
    const start = io.clock.now;
    expect(drive(p.run, io, { untilMs: start + 500 })).toEqual({ state: "sleeping", wakeAt: start + 1_000 });
    expect(io.out).toEqual(["started"]);
    io.fs.write("/tmp/log", "started\nmore\n");
    expect(resume(p.run, io, { untilMs: start + 1_500 })).toEqual({ state: "sleeping", wakeAt: start + 2_000 });
    expect(io.out).toEqual(["started", "more"]);
  });

  // ash's wait builtin (shell/ash.c waitcmd): with no operands it waits for every background job;
  // the docs' pods keep running with `trap : TERM INT; sleep infinity & wait` and `sleep 1000 & wait`
  it("wait blocks until the background jobs end: a timed one runs on to its end, `sleep infinity &` blocks for good", () => {
    const timed = sh("(sleep 2; echo job done) & echo started; wait; echo after $?");
    expect([timed.io.out, timed.result]).toEqual([["started", "job done", "after 0"], { state: "exited", code: 0 }]);
    expect(timed.io.clock.now - timed.start).toBe(2000);
    const two = sh("sleep 3 & sleep 1 & wait; echo woke");
    expect([two.io.out, two.io.clock.now - two.start]).toEqual([["woke"], 3000]);
    const forever = sh("trap : TERM INT; sleep infinity & wait; echo never");
    expect([forever.io.out, forever.result]).toEqual([[], { state: "blocked" }]);
    expect(sh("wait; echo $?").io.out).toEqual(["0"]);
  });

  // busybox shell/ash.c trapcmd: `trap` lists `trap -- 'action' NAME`; `trap - SIG` resets; an unknown signal is "bad trap"
  it("trap records its commands, lists them as ash does, resets with -, and tells the runtime which signals it handles", () => {
    const set = sh(String.raw`trap 'exit 0' TERM; trap 'echo it'\''s' INT HUP; trap - HUP; trap`);
    expect(set.io.out).toEqual(["trap -- 'exit 0' TERM", String.raw`trap -- 'echo it'"'"'s' INT`]);
    expect(set.effects.filter((e) => e.type === "trap")).toEqual([{ type: "trap", signals: [15] }, { type: "trap", signals: [15, 2, 1] }, { type: "trap", signals: [15, 2] }]);
    const bad = sh("trap 'exit 0' NOSUCH; echo $?");
    expect([bad.io.err, bad.io.out]).toEqual([["sh: trap: NOSUCH: bad trap"], ["1"]]);
  });

  it("a trap set in a subshell or a background job is that process's: PID 1 is not told to take the signal", () => {
    const r = sh("(trap 'exit 0' TERM; sleep 1) & wait; (trap 'exit 0' TERM); trap");
    expect([r.effects.filter((e) => e.type === "trap"), r.io.out, r.result]).toEqual([[], [], { state: "exited", code: 0 }]);
  });

  it("a trapped signal interrupts wait with 128 + its number, the trap runs, and $? stays wait's", () => {
    const io = recordingIO();
    const p = startContainer({ image: busybox, command: ["sh", "-c", "trap 'echo caught' TERM; sleep infinity & wait; echo after $?"], env: {}, fs: io.fs }, io);
    expect(drive(p.run, io)).toEqual({ state: "blocked" });
    // the runtime answers the pending wait with the signal
    const r = p.run.next({ type: "interrupt", signal: 15 });
    expect([io.out, r]).toEqual([["caught", "after 143"], { done: true, value: 0 }]);
  });

  // busybox shell/ash.c varvalue: $! is backgndpid, empty (unset) before any background job
  it("$! is the last background job's pid from the process table, asked once; kill $! ends that job, so wait returns", () => {
    const forks: Effect[] = [];
    const answer = (e: Effect): EffectResult => { if (e.type === "fork") { forks.push(e); return { type: "fork", pid: 7 + forks.length - 1 }; } return undefined; };
    const r = sh("echo \"[$!]\"; sleep 1000 & echo $! $!; sleep 2000 & p=$!; kill $p; echo killed $?; wait; echo waited $?", { answer });
    expect([r.io.out, r.io.err, r.result]).toEqual([["[]", "7 7", "killed 0", "waited 0"], [], { state: "exited", code: 0 }]);
    expect(forks).toHaveLength(2);
    // the first job (pid 7) still runs: wait waited for it
    expect(r.io.clock.now - r.start).toBe(1_000_000);
    expect(sh("sleep 5 & kill -0 $!; echo $?; wait").io.out).toEqual(["0"]);
  });

  // docs concepts/storage/volumes' configmap-pod: `echo "The app is running!" && tail -f /dev/null`;
  // /dev/null is a character device that reads empty, so tail prints nothing and keeps following
  it("tail -f /dev/null keeps the container running silently; head, wc and grep read /dev/null as empty", () => {
    const io = recordingIO();
    const p = startContainer({ image: busybox, command: ["sh", "-c", 'echo "The app is running!" && tail -f /dev/null'], env: {}, fs: io.fs }, io);
    const start = io.clock.now;
    expect(drive(p.run, io, { untilMs: start + 2_500 })).toEqual({ state: "sleeping", wakeAt: start + 3_000 });
    expect([io.out, io.err]).toEqual([["The app is running!"], []]);
    expect(sh("wc -l /dev/null; head -n 1 /dev/null; grep x /dev/null; echo $?").io.out).toEqual(["0 /dev/null", "1"]);
  });

  // busybox ash's read builtin (shell/shell_common.c shell_builtin_read): IFS whitespace trimmed,
  // the last name takes the rest, backslashes escape without -r, status 1 at end of input.
  it("read splits a line into names; while read consumes a pipe line by line", () => {
    expect(sh("printf 'a  b c \\n' | { read x y; echo \"[$x][$y]\"; }").io.out).toEqual(["[a][b c]"]);
    expect(sh("printf 'one\\ntwo\\nthree' | while read l; do echo \"got $l\"; done; echo end").io.out).toEqual(["got one", "got two", "end"]);
    expect(sh("printf 'a\\\\b\\n' | while read -r l; do echo \"$l\"; done").io.out).toEqual(["a\\b"]);
    expect(sh("printf 'a\\\\b\\n' | while read l; do echo \"$l\"; done").io.out).toEqual(["ab"]);
    const { io, result } = sh("echo x > /tmp/f; while read l; do echo \"<$l>\"; done < /tmp/f; read z; echo $?");
    expect([io.out, result]).toEqual([["<x>", "1"], { state: "exited", code: 0 }]);
  });

  // docs pods/multi-container/adapter.yaml: `tail -F raw.log | while read line; do echo "adapted: $line"; done`
  // never ends its first command; the loop still prints each line as tail writes it.
  it("a loop fed by a command that never ends reads each line as it is written", () => {
    const io = recordingIO();
    const p = startContainer({ image: busybox, command: ["sh", "-c", 'touch /tmp/raw.log; tail -F /tmp/raw.log | while read line; do echo "adapted: $line"; done'], env: {}, fs: io.fs }, io);
    const start = io.clock.now;
    expect(drive(p.run, io, { untilMs: start + 500 })).toEqual({ state: "sleeping", wakeAt: start + 1_000 });
    expect(io.out).toEqual([]);
    io.fs.write("/tmp/raw.log", "first event\n");
    expect(resume(p.run, io, { untilMs: start + 1_500 })).toEqual({ state: "sleeping", wakeAt: start + 2_000 });
    expect(io.out).toEqual(["adapted: first event"]);
    io.fs.write("/tmp/raw.log", "first event\nsecond event\nthird\n");
    resume(p.run, io, { untilMs: start + 2_500 });
    expect(io.out).toEqual(["adapted: first event", "adapted: second event", "adapted: third"]);
  });

  it("a loop's reader that ends gives its writer SIGPIPE on the next write (status 141 seen by no one; the loop's is the pipeline's)", () => {
    const { io, result } = sh("(while true; do echo y; sleep 1; done) | while read l; do echo \"$l\"; break; done; echo \"status $?\"");
    expect([io.out, result]).toEqual([["y", "status 0"], { state: "exited", code: 0 }]);
  });

  it("sleep infinity blocks; sleep accepts fractions and suffixes", () => {
    expect(sh("sleep 0.5; sleep 1m; sleep infinity").effects).toEqual([{ type: "sleep", ms: 500 }, { type: "sleep", ms: 60_000 }, { type: "wait" }]);
  });

  it("a syntax error exits 2 with the shell's message", () => {
    const { io, result } = sh("if true; then echo x");
    expect(io.err).toEqual(["sh: syntax error: unexpected end of file"]);
    expect(result).toEqual({ state: "exited", code: 2 });
  });

  it("an emptyDir mounted in two containers shares files", () => {
    const shared = new MemFS();
    const fsA = MemFS.rootfs();
    const fsB = MemFS.rootfs();
    fsA.mount("/pod-data", shared);
    fsB.mount("/usr/share/nginx/html", shared);
    const io = recordingIO({}, fsA);
    drive(startContainer({ image: busybox, command: ["sh", "-c", "echo Hello from the debian container > /pod-data/index.html"], env: {}, fs: fsA }, io).run, io);
    expect(fsB.read("/usr/share/nginx/html/index.html")).toBe("Hello from the debian container\n");
  });
});

describe("network utilities", () => {
  const dns = (e: Effect): EffectResult => (e.type === "dns" ? { type: "dns", server: "10.96.0.10", fqdn: `${e.name}.default.svc.cluster.local`, addresses: e.name === "web" ? ["10.96.12.34"] : [] } : undefined);

  it("nslookup prints busybox's answer and succeeds for a Service", () => {
    const { io, result } = sh("nslookup web", { answer: dns });
    expect(io.out).toEqual(["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "", "Name:\tweb.default.svc.cluster.local", "Address: 10.96.12.34", ""]);
    expect(result).toEqual({ state: "exited", code: 0 });
  });

  it("nslookup of an unknown name reports NXDOMAIN and exits 1", () => {
    const { io, result } = sh("nslookup nosuch", { answer: dns });
    expect(io.out).toContain("** server can't find nosuch.default.svc.cluster.local: NXDOMAIN");
    expect(result).toEqual({ state: "exited", code: 1 });
  });

  it("until nslookup succeeds, an init container keeps waiting", () => {
    let calls = 0;
    const answer = (e: Effect): EffectResult => (e.type === "dns" ? { type: "dns", server: "10.96.0.10", addresses: ++calls >= 3 ? ["10.96.0.5"] : [] } : undefined);
    const { result, start, io } = sh("until nslookup myservice; do echo waiting for myservice; sleep 2; done", { answer });
    expect(result).toEqual({ state: "exited", code: 0 });
    expect(io.clock.now - start).toBe(4000);
  });

  it("wget -qO- prints the body; a refused connection and an HTTP error exit 1 with busybox's words", () => {
    const answer = (e: Effect): EffectResult => e.type !== "http" ? undefined : e.url.includes("down") ? { type: "http", error: "connection refused", address: "10.96.0.7:80" } : e.url.includes("missing") ? { type: "http", status: 404 } : { type: "http", status: 200, body: "hello\n" };
    const { io } = sh("wget -qO- http://web; wget -qO- http://down; echo $?; wget -qO- http://web/missing; echo $?", { answer });
    expect(io.out).toEqual(["hello", "1", "1"]);
    expect(io.err).toEqual(["wget: can't connect to remote host (10.96.0.7:80): Connection refused", "wget: server returned error: HTTP/1.1 404 Not Found"]);
  });

  it("curl takes its options anywhere, long ones with their values (--cacert, --header), as the access-api-from-pod task writes them", () => {
    const urls: string[] = [];
    const answer = (e: Effect): EffectResult => (e.type !== "http" ? undefined : (urls.push(e.url), { type: "http", status: 200, body: "ok\n" }));
    const { io, result } = sh('echo pem > /tmp/ca.crt; curl --cacert /tmp/ca.crt --header "Authorization: Bearer t" -X GET https://kubernetes.default.svc/api; curl http://web -s --max-time 2', { answer, img: image("curlimages/curl:8.5.0") });
    expect(result).toEqual({ state: "exited", code: 0 });
    expect(urls).toEqual(["https://kubernetes.default.svc/api", "http://web"]);
    expect(io.out).toEqual(["ok", "ok"]);
  });

  it("busybox has no curl", () => {
    const { io } = sh("curl http://web");
    expect(io.err).toEqual(["sh: curl: not found"]);
  });
});

describe("image entrypoints", () => {
  function start(ref: string, spec: { command?: string[]; args?: string[]; env?: Record<string, string>; ports?: number[] } = {}) {
    const img = image(ref);
    const io = recordingIO(spec.env, createRootfs(img));
    const p = startContainer({ image: img, env: spec.env ?? {}, fs: io.fs, ...spec }, io);
    const result = drive(p.run, io);
    return { io, p, result };
  }

  it("nginx logs its start lines, keeps running and serves its welcome page on 80 (404 elsewhere)", () => {
    const { io, p, result } = start("nginx:1.27");
    expect(result).toEqual({ state: "blocked" });
    expect(io.out[io.out.length - 1]).toBe("/docker-entrypoint.sh: Configuration complete; ready for start up");
    expect(io.err).toContain("2025/01/01 00:00:00 [notice] 1#1: nginx/1.27.5");
    const serve = p.listeners.get(80)!;
    expect(serve({ kind: "http", path: "/", now: io.clock.now })).toMatchObject({ status: 200 });
    expect(serve({ kind: "http", path: "/healthz", now: io.clock.now })).toMatchObject({ status: 404 });
    expect(serve({ kind: "tcp" })).toBe(true);
  });

  it("busybox with no command exits 0 at once, as sh without a terminal does", () => {
    expect(start("busybox").result).toEqual({ state: "exited", code: 0 });
  });

  it("the pause image waits for ever", () => {
    expect(start("registry.k8s.io/pause:3.10").result).toEqual({ state: "blocked" });
  });

  it("redis listens on 6379 for TCP only", () => {
    const { p, result } = start("redis:7.4");
    expect(result).toEqual({ state: "blocked" });
    expect(p.listeners.get(6379)!({ kind: "tcp" })).toBe(true);
    expect(p.listeners.get(6379)!({ kind: "http", path: "/", now: 0 })).toBe(false);
  });

  it("postgres without a password exits 1 with the entrypoint's message", () => {
    const { io, result } = start("postgres:17");
    expect(result).toEqual({ state: "exited", code: 1 });
    expect(io.err[0]).toBe("Error: Database is uninitialized and superuser password is not specified.");
  });

  it("postgres with POSTGRES_PASSWORD initialises, then listens on 5432", () => {
    const { p, result } = start("postgres:17", { env: { POSTGRES_PASSWORD: "secret" } });
    expect(result).toEqual({ state: "blocked" });
    expect(p.listeners.get(5432)!({ kind: "tcp" })).toBe(true);
  });

  it("agnhost liveness answers /healthz 200 for ten seconds, then 500", () => {
    const { io, p } = start("registry.k8s.io/e2e-test-images/agnhost:2.53", { args: ["liveness"] });
    const healthz = p.listeners.get(8080)!;
    expect(healthz({ kind: "http", path: "/healthz", now: io.clock.now + 3_000 })).toEqual({ status: 200, body: "ok" });
    expect(healthz({ kind: "http", path: "/healthz", now: io.clock.now + 10_000 })).toEqual({ status: 200, body: "ok" });
    expect(healthz({ kind: "http", path: "/healthz", now: io.clock.now + 12_000 })).toEqual({ status: 500, body: "error: 12" });
  });

  it("agnhost netexec serves /hostname and /echo on its --http-port", () => {
    const { p } = start("registry.k8s.io/e2e-test-images/agnhost:2.53", { args: ["netexec", "--http-port=8081"], env: { HOSTNAME: "pod-1" } });
    const http = p.listeners.get(8081)!;
    expect(http({ kind: "http", path: "/hostname", now: 0 })).toEqual({ status: 200, body: "pod-1" });
    expect(http({ kind: "http", path: "/echo?msg=hi", now: 0 })).toEqual({ status: 200, body: "hi" });
  });

  it("agnhost netexec logs through klog as the hello-minikube tutorial shows: its two start lines, then a line per request", () => {
    const { io, p } = start("registry.k8s.io/e2e-test-images/agnhost:2.39", { args: ["netexec", "--http-port=8080"], env: { HOSTNAME: "pod-1" } });
    const stamp = (ms: number) => { const d = new Date(ms); const p2 = (n: number) => String(n).padStart(2, "0"); return `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, "0")}000`; };
    // the page: "I0911 09:19:26.677397       1 log.go:195] Started HTTP server on port 8080" and
    // "... Started UDP server on port  8081" (netexec.go's "%s %d" with an empty listen address)
    expect(io.err).toEqual([`I${stamp(io.clock.now)}       1 log.go:195] Started HTTP server on port 8080`, `I${stamp(io.clock.now)}       1 log.go:195] Started UDP server on port  8081`]);
    const http = p.listeners.get(8080)!;
    const at = io.clock.now + 1_234;
    http({ kind: "http", path: "/echo?msg=hi", now: at });
    http({ kind: "http", path: "/", now: at });
    expect(io.err.slice(2)).toEqual([`I${stamp(at)}       1 log.go:195] GET /echo?msg=hi&code=`, `I${stamp(at)}       1 log.go:195] GET /`]);
  });

  it("agnhost's log line: klog's header with Go 1.21's log.go:245 from 2.47, the standard logger's date before cli.Run (2.36)", async () => {
    const { agnhostLogLine } = await import("./images.js");
    const t = Date.UTC(2024, 3, 28, 16, 44, 25, 432);
    expect(agnhostLogLine("registry.k8s.io/e2e-test-images/agnhost:2.53", t, "Started HTTP server on port 8080")).toBe("I0428 16:44:25.432000       1 log.go:245] Started HTTP server on port 8080");
    expect(agnhostLogLine("registry.k8s.io/e2e-test-images/agnhost:2.45", t, "GET /")).toBe("I0428 16:44:25.432000       1 log.go:195] GET /");
    expect(agnhostLogLine("registry.k8s.io/e2e-test-images/agnhost:2.33", t, "GET /")).toBe("2024/04/28 16:44:25 GET /");
  });

  it("agnhost porter serves each SERVE_PORT_<n> and writes nothing while its servers run", () => {
    const { io, p } = start("registry.k8s.io/e2e-test-images/agnhost:2.53", { args: ["porter"], env: { SERVE_PORT_8080: "foo" } });
    expect(p.listeners.get(8080)!({ kind: "http", path: "/", now: 0 })).toEqual({ status: 200, body: "foo" });
    expect(io.err).toEqual([]);
  });

  it("an unknown agnhost subcommand exits 1 with cobra's message", () => {
    const { io, result } = start("registry.k8s.io/e2e-test-images/agnhost:2.53", { args: ["nosuch"] });
    expect(result).toEqual({ state: "exited", code: 1 });
    expect(io.err).toEqual(['Error: unknown command "nosuch" for "agnhost"', "Run 'agnhost --help' for usage."]);
  });

  it("the docs' memory-limit example allocates 250Mi through the allocate effect, then hangs", () => {
    const img = image("polinux/stress");
    const io = recordingIO();
    const effects: Effect[] = [];
    const p = startContainer({ image: img, command: ["stress"], args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], env: {}, fs: io.fs }, io);
    expect(drive(p.run, io, { effects })).toEqual({ state: "blocked" });
    expect(effects).toEqual([{ type: "allocate", bytes: 250 * 2 ** 20 }, { type: "wait" }]);
    expect(io.out).toEqual(["stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"]);
  });

  it("a command that is not in the image is a start error, not a process", () => {
    const img = image("busybox:1.36");
    const io = recordingIO();
    const p = startContainer({ image: img, command: ["bash", "-c", "echo hi"], env: {}, fs: io.fs }, io);
    expect(p.startError).toBe('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "bash": executable file not found in $PATH: unknown');
    expect(drive(p.run, io)).toEqual({ state: "exited", code: 128 });
  });

  it("runs command and args as given: $(VAR) references are the kubelet's to expand, never the runtime's", () => {
    const { io } = start("busybox:1.36", { command: ["echo", "$(GREETING) $(MISSING) $$(GREETING)"], env: { GREETING: "hello" } });
    expect(io.out).toEqual(["$(GREETING) $(MISSING) $$(GREETING)"]);
  });

  it("an image outside the catalogue answers 200 on its declared ports and keeps running", () => {
    const { p, result } = start("myorg/app:v1", { ports: [8080] });
    expect(result).toEqual({ state: "blocked" });
    expect(p.listeners.get(8080)!({ kind: "http", path: "/ready", now: 0 })).toEqual({ status: 200, body: "" });
  });
});

describe("bash's indexed arrays and rev (the docs' Indexed Job)", () => {
  const bashImage = image("docker.io/library/bash");
  const bash = (script: string, env: Record<string, string> = {}) => {
    const io = recordingIO(env);
    const p = startContainer({ image: bashImage, command: ["bash", "-c", script], env, fs: io.fs }, io);
    return { io, result: drive(p.run, io) };
  };
  it("items=(foo bar baz qux xyz) then ${items[$JOB_COMPLETION_INDEX]} is the element at that index", () => {
    const { io, result } = bash("items=(foo bar baz qux xyz)\necho ${items[$JOB_COMPLETION_INDEX]} ${items[1+1]} $items ${items[9]}.\necho ${items[@]}", { JOB_COMPLETION_INDEX: "3" });
    expect(result).toEqual({ state: "exited", code: 0 });
    // bash: $items is element 0; an unset element is empty
    expect(io.out).toEqual(["qux baz foo .", "foo bar baz qux xyz"]);
  });
  it("sh has no arrays: the ( is a syntax error", () => {
    const { io, result } = sh("items=(a b)");
    expect(result).toEqual({ state: "exited", code: 2 });
    expect(io.err.join("")).toMatch(/syntax error: unexpected "\("/);
  });
  it("rev prints each line of a file reversed; a missing file is an error", () => {
    const { io, result } = sh("printf 'qux\\nabc\\n' > /tmp/d; rev /tmp/d; rev /nope");
    expect(result).toEqual({ state: "exited", code: 1 });
    expect(io.out).toEqual(["xuq", "cba"]);
    expect(io.err).toEqual(["rev: can't open '/nope': No such file or directory"]);
  });
});

describe("head and tail line counts (busybox and GNU alike)", () => {
  const five = "printf '1\\n2\\n3\\n4\\n5\\n'";
  it("take the obsolete -K form as -n K: head -1 prints the first line, tail -2 the last two", () => {
    expect(sh(`${five} | head -1; ${five} | tail -2`).io.out).toEqual(["1", "4", "5"]);
  });
  it("tail -n +K prints from the K-th line on; head -n -K all but the last K (GNU)", () => {
    expect(sh(`${five} | tail -n +4; ${five} | tail -n +0 | head -n 1`).io.out).toEqual(["4", "5", "1"]);
    expect(sh(`${five} | head -n -3`, { img: image("nginx:1.27") }).io.out).toEqual(["1", "2"]);
  });
});
