// kubectl exec's processes (exec.ts) and the tar kubectl cp runs (tar.ts). The archive format is
// judged by GNU tar on this machine (an independent reader and writer), the wording by the tools'.

import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveImage, type ImageInfo } from "../registry.js";
import { MemFS } from "./memfs.js";
import { drive, recordingIO } from "./testkit.js";
import { execProcess, interactiveShell, promptOf, shellLine, type ShellSnapshot } from "./exec.js";
import { readArchive, tarHeader } from "./tar.js";
import { createRootfs } from "./images.js";

function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) throw new Error(r.message);
  return r.image;
}
const nginx = image("nginx:1.14.2");
const busybox = image("busybox:1.36");
const hasTar = spawnSync("tar", ["--version"], { encoding: "utf8" }).status === 0;

/** Runs argv as an exec in a container of `img` with stdin; returns stdout, stderr and the exit code. */
function exec(argv: string[], opts: { img?: ImageInfo; stdin?: string; fs?: MemFS; env?: Record<string, string>; bound?: (port: number) => boolean } = {}) {
  const io = recordingIO(opts.env ?? { HOSTNAME: "pod" }, opts.fs ?? MemFS.rootfs());
  let out = "";
  let err = "";
  const p = execProcess(argv, io, opts.img ?? nginx, { stdin: opts.stdin ?? "", out: (t) => void (out += t), err: (t) => void (err += t) }, opts.bound);
  if ("startError" in p) return { startError: p.startError, out, err, io };
  const r = drive(p.run, io);
  return { code: r.state === "exited" ? r.code : -1, out, err, io };
}

describe("exec'd processes", () => {
  it("printenv shows the container's env and HOME as runc sets it, without a shell's PWD", () => {
    const r = exec(["printenv"], { env: { HOSTNAME: "envar-demo", DEMO_GREETING: "Hello from the environment" } });
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual(expect.arrayContaining(["HOSTNAME=envar-demo", "DEMO_GREETING=Hello from the environment", "HOME=/root"]));
    expect(r.out).not.toContain("PWD=");
  });

  it("sh -c exports PWD as a shell does", () => {
    expect(exec(["sh", "-c", "printenv PWD"]).out).toBe("/\n");
  });

  it("stdout and stderr stay apart and keep their bytes (no line buffering)", () => {
    const r = exec(["sh", "-c", "printf 'a'; echo b >&2; printf 'c'"]);
    expect([r.out, r.err, r.code]).toEqual(["ac", "b\n", 0]);
  });

  it("sh with no script runs what stdin holds (kubectl exec -i ... -- sh < script)", () => {
    const r = exec(["sh"], { stdin: "echo one\necho two; exit 5\n" });
    expect([r.out, r.code]).toEqual(["one\ntwo\n", 5]);
  });

  it("a missing executable never starts: runc's error", () => {
    expect(exec(["nosuch"]).startError).toBe('OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown');
  });
});

// nginx's command line (src/core/nginx.c: ngx_get_options, main, ngx_show_version_info; the
// "syntax is ok" line is ngx_init_cycle's), run by kubectl exec beside the container's own nginx.
describe("the nginx binary's options", () => {
  const fs = () => createRootfs(nginx);
  it("-v prints the version to stderr and exits 0; -h adds the usage", () => {
    expect(exec(["nginx", "-v"], { fs: fs() })).toMatchObject({ code: 0, out: "", err: "nginx version: nginx/1.14.2\n" });
    const h = exec(["nginx", "-h"], { fs: fs() });
    expect(h.code).toBe(0);
    expect(h.err.split("\n").slice(0, 4)).toEqual(["nginx version: nginx/1.14.2", "Usage: nginx [-?hvVtTq] [-s signal] [-p prefix]", "             [-e filename] [-c filename] [-g directives]", ""]);
    expect(h.err).toContain("  -t            : test configuration and exit\n");
  });

  it("-t tests the configuration: two lines on stderr, exit 0; -q keeps quiet; a missing file fails the test", () => {
    expect(exec(["nginx", "-t"], { fs: fs() })).toMatchObject({
      code: 0, out: "",
      err: "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n",
    });
    expect(exec(["nginx", "-tq"], { fs: fs() })).toMatchObject({ code: 0, err: "" });
    expect(exec(["nginx", "-t", "-c", "/etc/nginx/other.conf"], { fs: fs() })).toMatchObject({
      code: 1,
      err: 'nginx: [emerg] open() "/etc/nginx/other.conf" failed (2: No such file or directory)\nnginx: configuration file /etc/nginx/other.conf test failed\n',
    });
  });

  it("bad options are refused by name, exit 1", () => {
    expect(exec(["nginx", "-x"], { fs: fs() })).toMatchObject({ code: 1, err: 'nginx: invalid option: "x"\n' });
    expect(exec(["nginx", "start"], { fs: fs() })).toMatchObject({ code: 1, err: 'nginx: invalid option: "start"\n' });
    expect(exec(["nginx", "-s", "restart"], { fs: fs() })).toMatchObject({ code: 1, err: 'nginx: invalid option: "-s restart"\n' });
    expect(exec(["nginx", "-c"], { fs: fs() })).toMatchObject({ code: 1, err: 'nginx: option "-c" requires file name\n' });
    expect(exec(["nginx", "-p"], { fs: fs() })).toMatchObject({ code: 1, err: 'nginx: option "-p" requires directory name\n' });
  });

  it("a second master while the pod's nginx holds port 80 cannot bind: five tries, then it gives up", () => {
    const r = exec(["nginx"], { fs: fs(), bound: (port) => port === 80 });
    expect(r.code).toBe(1);
    const lines = r.err.trimEnd().split("\n");
    expect(lines.filter((l) => l === "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)")).toHaveLength(5);
    expect(lines.filter((l) => l === "nginx: [emerg] bind() to [::]:80 failed (98: Address already in use)")).toHaveLength(5);
    expect(lines.at(-1)).toBe("nginx: [emerg] still could not bind()");
  });
});

describe("an interactive shell (exec -it)", () => {
  it("bash is interactive in a Debian image, not in busybox; sh -c is never", () => {
    expect(interactiveShell(["/bin/bash"], nginx)?.name).toBe("bash");
    expect(interactiveShell(["/bin/bash"], busybox)).toBeUndefined();
    expect(interactiveShell(["sh"], busybox)?.name).toBe("sh");
    expect(interactiveShell(["sh", "-c", "ls"], busybox)).toBeUndefined();
  });

  it("prompts as Debian's bash, dash and busybox ash do", () => {
    const bash = interactiveShell(["bash"], nginx)!;
    expect(promptOf(bash, "shell-demo")).toBe("root@shell-demo:/# ");
    expect(promptOf({ ...bash, cwd: "/root/x" }, "p")).toBe("root@p:~/x# ");
    expect(promptOf(interactiveShell(["sh"], nginx)!, "p")).toBe("# ");
    expect(promptOf({ ...interactiveShell(["sh"], busybox)!, cwd: "/tmp" }, "p")).toBe("/tmp # ");
    // ash's \$ and dash's PS1: $ for a user not root
    expect(promptOf({ ...interactiveShell(["sh"], busybox)!, cwd: "/tmp" }, "p", 1000)).toBe("/tmp $ ");
    expect(promptOf(interactiveShell(["sh"], nginx)!, "p", 101)).toBe("$ ");
  });

  it("keeps its directory and variables from line to line; bash's errors name no line; exit ends it", () => {
    const fs = MemFS.rootfs();
    const io = recordingIO({ HOSTNAME: "p" }, fs);
    const line = (l: string, snap: ShellSnapshot) => {
      let out = "";
      const gen = shellLine(l, snap, io, nginx, { stdin: "", out: (t) => void (out += t), err: (t) => void (out += t) });
      let r = gen.next();
      while (!r.done) r = gen.next();
      return { out, ...r.value };
    };
    let snap = interactiveShell(["bash"], nginx)!;
    let r = line("cd /tmp; X=42", snap);
    snap = r.snap;
    r = line("echo $X; pwd; nosuch", snap);
    expect(r.out).toBe("42\n/tmp\nbash: nosuch: command not found\n");
    expect(r.exited).toBeUndefined();
    r = line("exit 3", r.snap);
    expect([r.out, r.exited]).toEqual(["exit\n", 3]);
  });
});

describe("tar (kubectl cp)", () => {
  it("a ustar header's checksum is the sum of its bytes with the checksum field as spaces", () => {
    const h = tarHeader({ name: "tmp/a.txt", size: 6, dir: false, mtimeSeconds: 0 });
    expect(h.length).toBe(512);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h.charCodeAt(i);
    expect(parseInt(h.slice(148, 155), 8)).toBe(sum);
  });

  it("tar cf - PATH: what GNU tar lists and unpacks, with GNU tar's warning about the leading /", () => {
    const fs = MemFS.rootfs();
    fs.mkdir("/data/sub", true);
    fs.write("/data/a.txt", "hello\n");
    fs.write("/data/sub/b.txt", "é unicode\n");
    const r = exec(["tar", "cf", "-", "/data"], { fs });
    expect(r.code).toBe(0);
    expect(r.err).toBe("tar: Removing leading `/' from member names\n");
    // GNU tar pads an archive to its 10 KiB record
    expect(Buffer.byteLength(r.out) % 10240).toBe(0);
    if (!hasTar) return;
    const dir = mkdtempSync(join(tmpdir(), "podflow-tar-"));
    const listed = spawnSync("tar", ["tf", "-"], { input: Buffer.from(r.out, "utf8"), encoding: "utf8" });
    expect(listed.stdout.split("\n").filter(Boolean).sort()).toEqual(["data/", "data/a.txt", "data/sub/", "data/sub/b.txt"]);
    const x = spawnSync("tar", ["xf", "-", "-C", dir], { input: Buffer.from(r.out, "utf8") });
    expect(x.status).toBe(0);
    expect(readFileSync(join(dir, "data/sub/b.txt"), "utf8")).toBe("é unicode\n");
  });

  it.skipIf(!hasTar)("tar -xmf - -C DIR unpacks what GNU tar packed (long names included)", () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-tar-"));
    const long = "d".repeat(120);
    mkdirSync(join(dir, "src", long), { recursive: true });
    writeFileSync(join(dir, "src", "a.txt"), "hello\n");
    writeFileSync(join(dir, "src", long, "b.txt"), "deep\n");
    // ustar cannot hold a 120-byte name part at all (GNU tar refuses it): gnu and posix only
    for (const format of ["gnu", "posix"]) {
      const packed = spawnSync("tar", ["-c", "-f", "-", `--format=${format}`, "-C", dir, "src"]);
      const fs = MemFS.rootfs();
      const r = exec(["tar", "-xmf", "-", "-C", "/tmp"], { fs, stdin: packed.stdout.toString("utf8") });
      expect([format, r.code, r.err]).toEqual([format, 0, ""]);
      expect(fs.read("/tmp/src/a.txt")).toBe("hello\n");
      // gnu carries a long name in a ././@LongLink entry, posix in a PAX header
      expect(fs.read(`/tmp/src/${long}/b.txt`)).toBe("deep\n");
    }
  });

  it("a missing path is GNU tar's error and exit 2; a missing -C directory too; garbage is not an archive", () => {
    const r = exec(["tar", "cf", "-", "/nope"]);
    expect([r.code, r.err]).toEqual([2, "tar: Removing leading `/' from member names\ntar: /nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n"]);
    const c = exec(["tar", "-xmf", "-", "-C", "/nonexist"], { stdin: "\0".repeat(1024) });
    expect([c.code, c.err]).toEqual([2, "tar: /nonexist: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n"]);
    expect(readArchive("x".repeat(600))).toEqual({ error: "invalid tar header checksum" });
  });

  it("busybox's tar: a missing path is reported without the leading-/ warning, then the delayed exit 1; its -C and magic errors die with 1", () => {
    const fs = MemFS.rootfs();
    fs.mkdir("/data", true);
    fs.write("/data/a.txt", "a\n");
    const r = exec(["tar", "cf", "-", "/nope", "/data/a.txt"], { img: busybox, fs });
    expect([r.code, r.err]).toEqual([1, "tar: /nope: No such file or directory\ntar: removing leading '/' from member names\ntar: error exit delayed from previous errors\n"]);
    const c = exec(["tar", "-xmf", "-", "-C", "/nonexist"], { img: busybox, stdin: "x".repeat(600) });
    expect([c.code, c.err]).toEqual([1, "tar: can't change directory to '/nonexist': No such file or directory\n"]);
    const m = exec(["tar", "-xmf", "-", "-C", "/tmp"], { img: busybox, stdin: "x".repeat(600) });
    expect([m.code, m.err]).toEqual([1, "tar: invalid tar magic\n"]);
  });

  it("a name climbing out with .. stays under the directory it is unpacked in", () => {
    const h = tarHeader({ name: "../../etc/evil", size: 1, dir: false, mtimeSeconds: 0 });
    const fs = MemFS.rootfs();
    const r = exec(["tar", "xf", "-", "-C", "/tmp"], { fs, stdin: h + "x" + "\0".repeat(511) + "\0".repeat(1024) });
    expect(r.code).toBe(0);
    expect(fs.read("/tmp/etc/evil")).toBe("x");
    expect(fs.exists("/etc/evil")).toBe(false);
  });
});
