import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { resolveImage, type ImageInfo } from "../registry.js";
import { freezeContext } from "../../common/freeze.js";
import { createRootfs } from "./index.js";
import { emptyTree, resolvePath, type FsTree } from "./memfs.js";
import { callListener, openTurn, park, procPathMatch, ProcessValue, replayStats, startProcess, type ProcessSpec, type World } from "./process.js";

// A process as a value: a turn never changes the value it started from, and resuming an older
// value (a fork, a snapshot stepped again) replays its history into the same state the live
// process was in, so both branches go on alike.

function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) throw new Error(r.message);
  return r.image;
}

/** A world over a container's trees and log, as the CRI keeps them in its context. */
function worldAt(now: number, state: { trees: Map<string, FsTree>; log: string[] }): World {
  return {
    now,
    log: (_s, line) => void state.log.push(line),
    tree: (key) => state.trees.get(key) ?? emptyTree,
    setTree: (key, t) => void state.trees.set(key, t),
  };
}

function spec(img: ImageInfo, command: string[] | undefined, startedAt = 1_000): ProcessSpec {
  return { image: img, command, env: {}, ports: [80], startedAt, layout: [] };
}

/** One turn: resumed until it sleeps, blocks or exits (no network here). */
function turn(v: ProcessValue, world: World): { v: ProcessValue; end: string } {
  const t = openTurn(v, world);
  let end = "";
  try {
    for (let i = 0; i < 1000 && !end; i++) {
      const r = t.next(undefined);
      if (r.done) end = `exit ${r.value}`;
      else if (r.value.type === "sleep") end = `sleep ${r.value.ms}`;
      else if (r.value.type === "wait") end = "wait";
    }
  } finally {
    v = t.close();
  }
  return { v, end };
}

const loop = ["sh", "-c", "touch /tmp/n; while true; do echo x >> /tmp/n; echo $(cat /tmp/n | wc -l) lines at $(date +%s); sleep 1; done"];

describe("a process as a value", () => {
  it("resumed from an older value, it replays its history and goes on exactly as the live process did", () => {
    const busybox = image("busybox:1.36");
    const state = { trees: new Map([["", createRootfs(busybox).tree]]), log: [] as string[] };
    let v = startProcess(spec(busybox, loop));
    for (let i = 0; i < 3; i++) v = turn(v, worldAt(1_000_000 + i * 1000, state)).v;
    const fork = { trees: new Map(state.trees), log: [...state.log] };
    const before = replayStats.replays;
    const live = turn(v, worldAt(1_003_000, state));
    expect(replayStats.replays).toBe(before);
    // the same value again (the live generator has moved on): a replay, then the same turn
    const again = turn(v, worldAt(1_003_000, fork));
    expect(replayStats.replays).toBe(before + 1);
    expect(again.end).toBe(live.end);
    expect(fork.log).toEqual(state.log);
    expect(state.log).toEqual(["1 lines at 1000", "2 lines at 1001", "3 lines at 1002", "4 lines at 1003"]);
    expect(fork.trees.get("")!.equals(state.trees.get("")!)).toBe(true);
  });

  it("a turn never changes the value it started from, which may be deeply frozen", () => {
    const busybox = image("busybox:1.36");
    const state = { trees: new Map([["", createRootfs(busybox).tree]]), log: [] as string[] };
    const v0 = freezeContext(startProcess(spec(busybox, loop)));
    const v1 = freezeContext(turn(v0, worldAt(5_000, state)).v);
    expect(v0.turns).toBe(0);
    expect(v0.history).toBeUndefined();
    expect(v1.turns).toBe(1);
    const v2 = turn(v1, worldAt(6_000, state)).v;
    expect(v2.history!.prev).toBe(v1.history);
  });

  it("a copy of a value (as a fork's deep copy makes) serves its listeners after replaying: nginx answers from its filesystem", () => {
    const nginx = image("nginx:1.27");
    const state = { trees: new Map([["", createRootfs(nginx).tree]]), log: [] as string[] };
    const v = turn(startProcess(spec(nginx, undefined)), worldAt(2_000, state));
    expect(v.end).toBe("wait");
    const copy = new ProcessValue(v.v.spec, v.v.history, v.v.turns);
    const before = replayStats.replays;
    const res = callListener(copy, 80, worldAt(3_000, state), { kind: "http", path: "/", now: 3_000 });
    expect(replayStats.replays).toBe(before + 1);
    expect(res).toMatchObject({ status: 200, body: expect.stringContaining("Welcome to nginx!") });
    expect(callListener(copy, 81, worldAt(3_000, state), { kind: "tcp" })).toBeUndefined();
  });

  it("a parked server's generator is rebuilt from its history and serves as before; one a listener ran in is kept, since what a listener changed does not replay", () => {
    const nginx = image("nginx:1.27");
    const state = { trees: new Map([["", createRootfs(nginx).tree]]), log: [] as string[] };
    const v = turn(startProcess(spec(nginx, undefined)), worldAt(2_000, state));
    expect(v.end).toBe("wait");
    const logged = [...state.log];
    park(v.v);
    const before = replayStats.replays;
    const res = callListener(v.v, 80, worldAt(3_000, state), { kind: "http", path: "/", now: 3_000 });
    expect(replayStats.replays).toBe(before + 1);
    expect(res).toMatchObject({ status: 200, body: expect.stringContaining("Welcome to nginx!") });
    // the replay logged nothing again: only the request's access line was added
    expect(state.log.slice(0, logged.length)).toEqual(logged);
    expect(state.log.length).toBe(logged.length + 1);
    park(v.v);
    callListener(v.v, 80, worldAt(4_000, state), { kind: "http", path: "/", now: 4_000 });
    expect(replayStats.replays).toBe(before + 1);
  });

  it("a loop that sleeps the same time and reads nothing new keeps a history of one turn, and replays into the same state", () => {
    const busybox = image("busybox:1.36");
    const state = { trees: new Map([["", createRootfs(busybox).tree]]), log: [] as string[] };
    const script = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i at $(date +%s); sleep 10; done"];
    let v = startProcess(spec(busybox, script));
    for (let i = 0; i < 50; i++) v = turn(v, worldAt(10_000 * (i + 1), state)).v;
    const history: unknown[] = [];
    for (let h = v.history; h; h = h.prev) history.push(h.turn);
    expect(history).toEqual([{ now: 10_000, n: 1, answers: undefined, fs: undefined, times: 50, every: 10_000 }]);
    const fork = { trees: new Map(state.trees), log: [] as string[] };
    turn(new ProcessValue(v.spec, v.history, v.turns), worldAt(510_000, fork));
    turn(v, worldAt(510_000, state));
    expect(fork.log).toEqual(["tick 51 at 510"]);
    expect(state.log.at(-1)).toBe("tick 51 at 510");
    // a turn at another interval starts a new entry
    const late = turn(v, worldAt(525_000, state)).v;
    expect(late.history!.prev).toBe(v.history);
  });

  it("a loop that appends to a file every turn keeps a history of one turn too: it never sees what it wrote", () => {
    const busybox = image("busybox:1.36");
    const state = { trees: new Map([["", createRootfs(busybox).tree]]), log: [] as string[] };
    let v = startProcess(spec(busybox, ["sh", "-c", "while true; do date +%s >> /tmp/dates; sleep 1; done"]));
    for (let i = 0; i < 20; i++) v = turn(v, worldAt(1_000 * (i + 1), state)).v;
    expect(v.history!.prev).toBeUndefined();
    expect(v.history!.turn.times).toBe(20);
    const fork = { trees: new Map(state.trees), log: [] as string[] };
    turn(new ProcessValue(v.spec, v.history, v.turns), worldAt(21_000, fork));
    const dates = (s: typeof state) => s.trees.get("")!.getIn(["tmp", "dates"]);
    expect(dates(fork)).toBe(Array.from({ length: 21 }, (_, i) => `${i + 1}\n`).join(""));
  });

  it("a process that could not start is a value with containerd's StartError", () => {
    const v = startProcess(spec(image("busybox:1.36"), ["no-such-program"]));
    expect(v.startError).toContain(`exec: "no-such-program": executable file not found in $PATH`);
  });
});

describe("which paths are a process's /proc/<pid>/cmdline or root", () => {
  it("the match for any path is the one of the path normalised (a path without \"proc\" skips the normalising and names none)", () => {
    // procfs's per-pid entries as the kernel names them, on the path the walk takes
    const kernel = /^\/proc\/(\d{1,9})\/(cmdline|root)(\/.*)?$/;
    const piece = fc.constantFrom("", ".", "..", "proc", "pro", "proc1", "1", "42", "1234567890", "cmdline", "root", "etc", "self", "xproc");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.boolean(), (pieces, absolute) => {
        const path = (absolute ? "/" : "") + pieces.join("/");
        const full = kernel.exec(resolvePath("/", path));
        const got = procPathMatch(path);
        expect(got === null ? null : [...got]).toEqual(full === null ? null : [...full]);
      }),
      { numRuns: 2000 },
    );
    expect(procPathMatch("/etc/../proc/7/root/etc")?.slice(1)).toEqual(["7", "root", "/etc"]);
  });
});
