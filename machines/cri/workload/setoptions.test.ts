// `set -e` and `set -x` (and `sh -ec`, `bash -x`) as busybox ash, dash and bash run them: scripts in
// the docs' manifests start with `set -ex` (run-replicated-stateful-application's init containers).
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";

function run(ref: string, command: string[]) {
  const found = resolveImage(ref);
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO();
  const p = startContainer({ image: found.image, command, env: {}, fs: io.fs }, io);
  const result = drive(p.run, io);
  return { out: io.out, err: io.err, result };
}

const ash = (script: string) => run("busybox:1.36", ["sh", "-c", script]);

describe("set -x writes each simple command behind PS4", () => {
  // shell/ash.c evalcommand: PS4, then the assignments and words on one line, maybe_single_quote'd
  // (control characters, space, !"#$%&'()*;<=>?`[\ and anything above z); ] is not quoted
  it("busybox ash: one line per command, quoted where maybe_single_quote quotes", () => {
    const r = ash(`set -ex; echo hi; x=$((1+2)); echo "$x" 'a b' "it's"; [ -d /tmp ] && echo yes; FOO=bar env >/dev/null; set +x; echo quiet`);
    expect(r.out).toEqual(["hi", "3 a b it's", "yes", "quiet"]);
    expect(r.err).toEqual(["+ echo hi", "+ x=3", `+ echo 3 'a b' 'it'"'"'s'`, "+ '[' -d /tmp ]", "+ echo yes", "+ FOO=bar env", "+ set +x"]);
  });

  // ash's preverrout_fd is saved before the command's own redirections: `2>/dev/null` does not hide its trace
  it("busybox ash: the trace goes to the stderr the command had before its redirections", () => {
    expect(ash("set -x; echo a 2>/dev/null; { echo b; } 2>/dev/null").err).toEqual(["+ echo a"]);
  });

  it("sh -x and sh -ex trace from the first command", () => {
    expect(run("busybox:1.36", ["sh", "-xc", "echo a"]).err).toEqual(["+ echo a"]);
    expect(run("busybox:1.36", ["sh", "-e", "-x", "-c", "echo a; false; echo b"])).toEqual({ out: ["a"], err: ["+ echo a", "+ false"], result: { state: "exited", code: 1 } });
  });

  // bash print_cmd.c: xtrace_print_word_list quotes words with shell metacharacters ('[' and ']'), '' for an empty word;
  // xtrace_print_assignment puts each assignment on its own line; a command substitution's commands get "++"
  it("bash: metacharacters single-quoted, assignments on their own line, ++ inside $(...)", () => {
    const r = run("debian:12", ["bash", "-c", `set -x; echo $(echo inner) 'a b' ""; y=; [ -n x ]; echo done`]);
    expect(r.out).toEqual(["inner a b ", "done"]);
    expect(r.err).toEqual(["++ echo inner", "+ echo inner 'a b' ''", "+ y=", "+ '[' -n x ']'", "+ echo done"]);
  });

  // dash eval.c evalcommand: eprintlist writes the words as they are, unquoted
  it("dash (Debian's sh): the words unquoted", () => {
    expect(run("debian:12", ["sh", "-c", "set -x; echo 'a b'"]).err).toEqual(["+ echo a b"]);
  });
});

describe("set -e ends the shell at a failing command", () => {
  // POSIX 2.8.1 and ash's evaltree (EV_TESTED): not in a condition, after !, or for any command of an AND-OR list but the last
  it("exits with the failing command's status, except where POSIX says -e is ignored", () => {
    expect(ash("set -e; false && echo no; echo a; if false; then :; fi; ! true; while false; do :; done; true || false; echo b; false; echo never")).toEqual({ out: ["a", "b"], err: [], result: { state: "exited", code: 1 } });
    expect(ash("set -e; true && false; echo never").result).toEqual({ state: "exited", code: 1 });
    expect(ash("set -e; sh -c 'exit 3'; echo never").result).toEqual({ state: "exited", code: 3 });
  });

  it("an assignment takes its command substitution's failure; a subshell's -e stays in the subshell", () => {
    expect(ash("set -e; x=$(false); echo never").result).toEqual({ state: "exited", code: 1 });
    expect(ash("(set -e; false; echo inner); echo outer $?; false; echo after").out).toEqual(["outer 1", "after"]);
  });

  it("sh -ec and set -o errexit alike; set +e turns it off; a nested sh starts without it", () => {
    expect(run("busybox:1.36", ["sh", "-ec", "echo a; false; echo b"])).toEqual({ out: ["a"], err: [], result: { state: "exited", code: 1 } });
    expect(ash("set -o errexit; set +e; false; echo on; set -o errexit; false; echo off").out).toEqual(["on"]);
    expect(ash("set -e; sh -c 'false; echo nested'; echo parent").out).toEqual(["nested", "parent"]);
  });

  it("set -- and set's operands set the positional parameters", () => {
    expect(ash("set -- a 'b c'; echo $# $2; set x y; echo $1$2").out).toEqual(["2 b c", "xy"]);
  });
});

// bash's [[ ]] (execute_cmd.c execute_cond_command, cond.c's grammar): no word splitting or globbing
// of its operands; == matches a glob (quoted parts literally); =~ an ERE, filling BASH_REMATCH;
// -eq and friends compare arithmetic values, < and > strings; && || ! ( ) combine them.
describe("bash's [[ ]] conditional", () => {
  const bash = (script: string) => run("debian:12", ["bash", "-c", script]);

  it("runs run-replicated-stateful-application's init-mysql ordinal extraction", () => {
    const r = bash("set -e; h=mysql-2; [[ $h =~ -([0-9]+)$ ]] || exit 1; ordinal=${BASH_REMATCH[1]}; echo server-id=$((100 + $ordinal)); if [[ $ordinal -eq 0 ]]; then echo primary; else echo secondary; fi; [[ web =~ -([0-9]+)$ ]] || echo nomatch ${#BASH_REMATCH[@]}");
    expect(r.out).toEqual(["server-id=102", "secondary", "nomatch 0"]);
    expect(r.result).toEqual({ state: "exited", code: 0 });
  });

  it("== globs unless quoted, operands are not split, file tests and !, && combine", () => {
    expect(bash(`x='a b'; [[ $x == 'a b' ]] && echo nosplit; [[ abc == a* ]] && echo glob; [[ abc == "a*" ]] || echo literal; [[ abc != a?c ]] || echo qmark`).out).toEqual(["nosplit", "glob", "literal", "qmark"]);
    expect(bash("[[ -d /tmp && ! -f /tmp ]] && echo dir; [[ -n '' || ( -z '' && -e /etc ) ]] && echo grouped; [[ $UNSET ]] || echo empty").out).toEqual(["dir", "grouped", "empty"]);
  });

  it("-lt compares numbers (arithmetic), < compares strings", () => {
    expect(bash("[[ 2 -lt 10 ]] && echo int; [[ 2 < 10 ]] || echo string; n=3; [[ n+1 -eq 4 ]] && echo arith").out).toEqual(["int", "string", "arith"]);
  });

  // the xtrabackup sidecar's `^(.*?)[[:space:]]+(.*?)$`: POSIX classes, and glibc reads *? as a greedy (X*)?
  it("=~ takes POSIX classes and unquoted ( ) |, a quoted part literally; BASH_REMATCH has every group", () => {
    expect(bash(`[[ "mysql-bin.000003	154" =~ ^(.*?)[[:space:]]+(.*?)$ ]] && echo "\${BASH_REMATCH[1]}|\${BASH_REMATCH[2]}"`).out).toEqual(["mysql-bin.000003|154"]);
    expect(bash(`[[ foo =~ ^(f)(x)?o+$ ]]; echo \${BASH_REMATCH[0]}:\${BASH_REMATCH[1]}:\${BASH_REMATCH[2]}:; [[ a.c =~ "a.c" ]] && [[ abc =~ a.c ]] && ! [[ abc =~ "a.c" ]] && echo quoted; [[ x =~ a|x ]] && echo alt`).out).toEqual(["foo:f::", "quoted", "alt"]);
  });

  it("sh is not bash: busybox ash and dash read [[ ... =~ (...) ]] as plain words, ( a syntax error", () => {
    expect(ash("[[ a =~ -([0-9]+)$ ]]; echo $?")).toEqual({ out: [], err: [`sh: syntax error: unexpected "("`], result: { state: "exited", code: 2 } });
  });
});

// print_cmd.c xtrace_print_cond_term: one line per primary evaluated, "! " when inverted, '' for an empty operand
describe("bash's trace of [[ ]]", () => {
  it("traces init-mysql as bash -x does", () => {
    const r = run("debian:12", ["bash", "-c", "set -ex\nh=mysql-0\n[[ $h =~ -([0-9]+)$ ]] || exit 1\nordinal=${BASH_REMATCH[1]}\nif [[ $ordinal -eq 0 ]]; then\n  echo primary\nfi\n[[ ! -f /nope && $UNSET ]] || true"]);
    expect(r.out).toEqual(["primary"]);
    expect(r.err).toEqual(["+ h=mysql-0", "+ [[ mysql-0 =~ -([0-9]+)$ ]]", "+ ordinal=0", "+ [[ 0 -eq 0 ]]", "+ echo primary", "+ [[ ! -f /nope ]]", "+ [[ -n '' ]]", "+ true"]);
  });
});
