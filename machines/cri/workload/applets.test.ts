// The busybox applets docs and charts use most: cut, head -c, xargs, yes, du, dd, and /dev's devices.
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";

const found = resolveImage("busybox:1.36");
if (!found.ok) throw new Error(found.message);
const busybox = found.image;

function sh(script: string) {
  const io = recordingIO();
  const p = startContainer({ image: busybox, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
  const result = drive(p.run, io);
  return { out: io.out, err: io.err, result };
}

function shWith(env: Record<string, string>, script: string) {
  const io = recordingIO(env);
  const p = startContainer({ image: busybox, command: ["sh", "-c", script], env, fs: io.fs }, io);
  drive(p.run, io);
  return { out: io.out, err: io.err };
}

describe("busybox applets", () => {
  // shell/ash.c describe_command, typecmd, commandcmd; debianutils/which.c; the image links every applet into /bin
  it("ash's command -v/-V and type name keywords, builtins (special or not) and /bin's applets; which prints paths, status 1 for a miss", () => {
    const r = sh("command -v ls; command -v echo; command -v nosuch; echo $?; command -V wget; type echo export if nosuch; echo $?; type -p ls; command echo ran; which wget sh; which nosuch; echo $?; which /bin/ls");
    expect(r.out).toEqual(["/bin/ls", "echo", "127", "wget is /bin/wget", "echo is a shell builtin", "export is a special shell builtin", "if is a shell keyword", "nosuch: not found", "127", "/bin/ls", "ran", "/bin/wget", "/bin/sh", "1", "/bin/ls"]);
    expect(r.err).toEqual([]);
  });


  // networking/wget.c: "Connecting to %s (%s)" prints server.host, which parse_url leaves as the URL
  // writes host[:port] (the port only when written, :80 included), then the dialled address
  it("wget's Connecting line names the host as the URL writes it, with its port only when the URL has one", () => {
    const run = (url: string) => {
      const io = recordingIO();
      const p = startContainer({ image: busybox, command: ["wget", "-O-", url], env: {}, fs: io.fs }, io);
      drive(p.run, io, { answer: (e) => (e.type === "http" ? { type: "http", status: 200, body: "ok\n", peer: `10.96.0.7:${/:(\d+)\//.exec(e.url)?.[1] ?? (e.url.startsWith("https") ? "443" : "80")}` } : undefined) });
      return io.err[0];
    };
    expect(run("http://web/")).toBe("Connecting to web (10.96.0.7:80)");
    expect(run("http://web:80/")).toBe("Connecting to web:80 (10.96.0.7:80)");
    expect(run("http://web:8080/")).toBe("Connecting to web:8080 (10.96.0.7:8080)");
    expect(run("https://web/")).toBe("Connecting to web (10.96.0.7:443)");
  });

  // coreutils/tr.c: ranges, classes and escapes expanded; SET2 padded with its last character; -d, -s, -c
  it("tr translates, deletes and squeezes as busybox does", () => {
    const r = sh("echo hello | tr a-z A-Z; echo hello | tr '[:lower:]' '[:upper:]'; echo hello | tr el ip; echo abcdef | tr a-f xy; echo 'a  b   c' | tr -s ' '; echo hello | tr -d l; echo 'a1b2c3' | tr -cd '[:digit:]\\n'; printf 'a:b:c' | tr : '\\n'; echo; echo aabbcc | tr -s a-c x; tr; echo $?");
    expect(r.out).toEqual(["HELLO", "HELLO", "hippo", "xyyyyy", "a b c", "heo", "123", "a", "b", "c", "x", "1"]);
    expect(r.err).toEqual(["BusyBox v1.37.0 multi-call binary.", "", "Usage: tr [-cds] STRING1 [STRING2]"]);
  });

  // coreutils/uniq.c: adjacent runs; -c's count is "%7lu "
  it("uniq folds adjacent equal lines, counts them with -c, and keeps repeated (-d) or single (-u) runs", () => {
    expect(sh("printf 'b\\na\\nb\\nb\\n' | sort | uniq; printf 'a\\na\\nb\\n' | uniq -c; printf 'a\\na\\nb\\n' | uniq -d; printf 'a\\na\\nb\\n' | uniq -u").out)
      .toEqual(["a", "b", "      2 a", "      1 b", "a", "b"]);
  });

  // coreutils/expr.c: precedence | & comparisons + - * / % :, exit 1 for a null or zero value, 2 for an error
  it("expr does integer arithmetic with precedence, comparisons, length and : matches, with expr's exit codes", () => {
    const r = sh("i=0; i=$(expr $i + 1); echo $i; expr 2 + 3 \\* 4; expr \\( 2 + 3 \\) \\* 4; expr 7 / 2; expr 7 % 2; expr 3 \\> 2; expr abc = abd; echo $?; expr length hello; expr hello.txt : '.*\\.'; expr hello.txt : '\\(.*\\)\\.txt'; expr 1 / 0; echo $?; expr a + 1; echo $?");
    expect(r.out).toEqual(["1", "14", "20", "3", "1", "1", "0", "1", "5", "6", "hello", "2", "2"]);
    expect(r.err).toEqual(["expr: division by zero", "expr: non-numeric argument"]);
  });

  // coreutils/uname.c: fields in "snrvmpio" order, none asked is -s, -a skips the unknown processor and
  // platform; the nodename is the container's UTS hostname, the release its node's kernel
  it("uname prints the kernel release for -r, the pod's hostname for -n, and every known field for -a", () => {
    const r = shWith({ HOSTNAME: "bb" }, "uname; uname -r; uname -n; uname -m; uname -sm; uname -mp; uname -o; uname --kernel-release; uname -a; uname x; echo $?");
    expect(r.out.slice(0, 9)).toEqual(["Linux", "6.8.0-1017-gcp", "bb", "x86_64", "Linux x86_64", "x86_64 unknown", "GNU/Linux", "6.8.0-1017-gcp", "Linux bb 6.8.0-1017-gcp #1 SMP x86_64 GNU/Linux"]);
    expect(r.out[9]).toBe("1");
    expect(r.err).toEqual(["BusyBox v1.37.0 multi-call binary.", "", "Usage: uname [-amnrspvio]"]);
  });


  // coreutils/cut.c: the lists are sorted, each position printed once; a line without the delimiter prints whole unless -s
  it("cut -d -f picks fields in ascending order, ranges N-, -M and N-M, and -c characters", () => {
    expect(sh("echo a:b:c:d | cut -d: -f2; echo a:b:c:d | cut -d : -f3,1; echo a:b:c:d | cut -d: -f2-; echo a:b:c:d | cut -d: -f-2; echo abcdef | cut -c2-4; echo abcdef | cut -c1,3,3").out)
      .toEqual(["b", "a:c", "b:c:d", "a:b", "bcd", "ac"]);
    expect(sh("printf 'k\\tv\\nplain\\n' | cut -f2; echo plain | cut -s -d: -f1; echo x").out).toEqual(["v", "plain", "x"]);
    expect(sh("echo a | cut; echo $?").out).toEqual(["1"]);
    expect(sh("echo a | cut").err).toEqual(["cut: expected a list of bytes, characters, or fields"]);
    expect(sh("echo a | cut -c1 -d:").err).toEqual(["cut: a delimiter may be specified only when operating on fields"]);
  });

  // procps/kill.c: the applet at /bin/kill runs the builtin's code under its own name (bb_perror_msg "can't kill pid %d")
  it("/bin/kill is an applet beside the shell's builtin: it names itself in its errors", () => {
    expect(sh("/bin/kill -0 99; echo $?; kill -0 99; /bin/kill -FOO 1")).toMatchObject({ out: ["1"], err: ["kill: can't kill pid 99: No such process", "sh: can't kill pid 99: No such process", "kill: bad signal name 'FOO'"] });
  });

  it("a container's command `kill` (no shell to have a builtin) is the applet", () => {
    const io = recordingIO();
    const p = startContainer({ image: busybox, command: ["kill", "-0", "99"], env: {}, fs: io.fs }, io);
    expect(drive(p.run, io)).toEqual({ state: "exited", code: 1 });
    expect(io.err).toEqual(["kill: can't kill pid 99: No such process"]);
  });

  // coreutils/ls.c: file operands print as given, before the directories (ls_main sorts both: dnsort(dnd, dndirs)); runc's /dev holds its devices and links
  it("ls prints a file operand as given, files before directories, and /dev as runc makes it", () => {
    expect(sh("mkdir -p /etc; touch /etc/hostname; ls /etc/hostname; ls /dev/null").out).toEqual(["/etc/hostname", "/dev/null"]);
    expect(sh("ls /dev").out).toEqual(["core", "fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero"]);
    expect(sh("mkdir -p /a /b; touch /a/x /b/y /f; ls /b /f /a").out).toEqual(["/f", "", "/a:", "x", "", "/b:", "y"]);
    expect(sh("ls /dev/shm; echo $?").out).toEqual(["0"]);
  });

  it("head -c N writes the first N bytes, of a file or stdin", () => {
    expect(sh("echo hello | head -c 3; echo; echo 0123456789 > /tmp/f; head -c 4 /tmp/f; echo").out).toEqual(["hel", "0123"]);
    expect(sh("head -c 16 /dev/urandom | wc -c").out).toEqual(["16"]);
  });

  // findutils/xargs.c: echo by default; -n N arguments a command; -I R one line each, R replaced; 123 when a command failed
  it("xargs runs echo by default, -n at a time, -I per line, and says 123 when a command failed", () => {
    expect(sh("echo a b c | xargs; echo a b c | xargs -n 2; printf 'x\\ny\\n' | xargs -I {} echo item-{}.txt").out).toEqual(["a b c", "a b", "c", "item-x.txt", "item-y.txt"]);
    expect(sh("echo a | xargs false; echo $?; echo a | xargs nosuch; echo $?").out).toEqual(["123", "127"]);
  });

  it("yes into a pipe gives its reader as many lines as it reads; alone it never blocks and fails by name", () => {
    expect(sh("yes | head -n 3; yes ok | head -n 2").out).toEqual(["y", "y", "y", "ok", "ok"]);
    const alone = sh("yes");
    expect(alone.result).toEqual({ state: "exited", code: 2 });
    expect(alone.out).toEqual([]);
  });

  // coreutils/du.c: KiB by default, -h through make_human_readable_str (4.0K); a directory is a 4 KiB block, a file its 4 KiB blocks
  it("du -s and du -sh total a directory; du lists each directory under a path", () => {
    expect(sh("mkdir -p /d/e; echo hi > /d/a; echo there > /d/e/b; du -s /d; du -sh /d; du /d").out).toEqual(["16\t/d", "16.0K\t/d", "8\t/d/e", "16\t/d"]);
    expect(sh("du -s /nosuch; echo $?").out).toEqual(["1"]);
  });

  // coreutils/dd.c dd_output_status: records in, records out, then bytes (make_human_readable_str) copied, seconds (%f), rate
  it("dd if=/dev/zero of=F bs=1M count=2 writes 2 MiB and reports busybox's three stderr lines", () => {
    const r = sh("dd if=/dev/zero of=/tmp/zero bs=1M count=2; wc -c /tmp/zero");
    expect(r.err).toEqual(["2+0 records in", "2+0 records out", "2097152 bytes (2.0MB) copied, 0.001953 seconds, 1.0GB/s"]);
    expect(r.out).toEqual(["2097152 /tmp/zero"]);
    expect(sh("echo hello | dd bs=4 status=none").out).toEqual(["hello"]);
    expect(sh("echo hello | dd of=/tmp/h bs=4").err.slice(0, 2)).toEqual(["1+1 records in", "1+1 records out"]);
  });

  it("/dev/null, /dev/zero and /dev/urandom exist as character devices, not regular files", () => {
    expect(sh("test -e /dev/null && echo e; test -c /dev/zero && echo c; [ -e /dev/urandom ] && echo u; test -f /dev/null || echo notfile; test -e /dev/nosuch || echo none").out)
      .toEqual(["e", "c", "u", "notfile", "none"]);
  });
});

// editors/sed.c: s/RE/REPLACEMENT/ with g, p and N; p and d; line, $ and /RE/ addresses and ranges;
// -n, -e, -E; basic expressions' \( \) groups and & in the replacement (POSIX sed's own examples)
describe("busybox sed", () => {
  it("substitutes the first, the Nth or every match, with groups and &", () => {
    const r = sh("echo hello world | sed 's/o/0/'; echo hello world | sed 's/o/0/g'; echo hello world | sed 's/o/0/2'; echo key=value | sed 's/\\(.*\\)=\\(.*\\)/\\2=\\1/'; echo abc | sed 's/b/[&]/'; echo aaa | sed -E 's/a+/b/'; echo aaa | sed 's/a+/b/'; echo a/b | sed 's|/|:|'; echo Hello | sed 's/hello/bye/I'");
    expect(r.out).toEqual(["hell0 world", "hell0 w0rld", "hello w0rld", "value=key", "a[b]c", "b", "aaa", "a:b", "bye"]);
  });
  it("prints and deletes by line, last line and pattern; -n prints only what p prints", () => {
    const r = sh("printf 'a\\nb\\nc\\n' > /tmp/f; sed -n 2p /tmp/f; sed 2d /tmp/f; sed -n '/b/,$p' /tmp/f; sed '$d' /tmp/f; sed -n 's/a/A/p' /tmp/f; sed -e 1d -e 3d /tmp/f; sed '1,2s/^/> /' /tmp/f");
    expect(r.out).toEqual(["b", "a", "c", "b", "c", "a", "b", "A", "b", "> a", "> b", "c"]);
  });
  it("-i edits each file in place and writes nothing out", () => {
    const r = sh("printf 'a\\nb\\n' > /tmp/g; printf 'a\\n' > /tmp/h; sed -i -e 's/a/A/' -e 1p /tmp/g /tmp/h; cat /tmp/g /tmp/h");
    expect(r.out).toEqual(["A", "A", "b", "A", "A"]);
  });
  it("a file it cannot open is fopen_or_warn's message, and the status 1", () => {
    const r = sh("sed p /nope; echo $?");
    expect(r.err).toEqual(["sed: can't open '/nope': No such file or directory"]);
    expect(r.out).toEqual(["1"]);
  });
});
