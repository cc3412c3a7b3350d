// busybox awk through the busybox image's shell: cases from busybox's testsuite/awk.tests and POSIX
// awk's semantics (fields, patterns, printf, string functions, arrays), and the docs' one-liners.
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

describe("busybox awk", () => {
  // testsuite/awk.tests "awk -F case 0..7": a bracket regexp FS, empty fields kept
  it("splits by a regexp FS keeping empty fields, and an empty record has no fields", () => {
    const r = sh("printf '\\n#\\n#abc#\\n#abc#zz\\n#abc##zz\\nz#abc##zz\\nz##abc##zz\\n' | awk -F '[#]' '{ print NF }'");
    expect(r.out).toEqual(["0", "2", "3", "3", "4", "4", "5"]);
  });

  // awk.tests "long field seps requiring regex", "$NF is empty", "FS regex which can match empty string", "-F handles escapes"
  it("takes a longer FS as a regexp matching non-empty separators only, and unescapes -F", () => {
    expect(sh("printf 'a--\\na--b--\\na--b--c--\\na--b--c--d--' | awk -F-- '{ print NF, length($NF), $NF }'").out).toEqual(["2 0 ", "3 0 ", "4 0 ", "5 0 "]);
    expect(sh("echo 'a=====123=' | awk -F '=+' '{print $NF}'").out).toEqual([""]);
    expect(sh("echo 'foo--bar' | awk -F '-*' '{print $1 \"-\" $2 \"=\" $3 \"*\" $4}'").out).toEqual(["foo-bar=*"]);
    expect(sh("echo 'a!b' | awk -F'\\x21' '{print $1}'").out).toEqual(["a"]);
  });

  // awk.tests "awk FS assignment": the record already read is split by the FS it was read with
  it("splits each record by the FS in force when it was read", () => {
    expect(sh("printf 'a:b c:d\\ne:f g:h' | awk '{FS=\":\"; print $1}'").out).toEqual(["a:b", "e"]);
  });

  // the docs' one-liners: fields, -F:, NR/NF, BEGIN/END, sums, a pattern alone
  it("runs the usual one-liners: $N, -F, NR and NF, BEGIN/END sums, patterns", () => {
    expect(sh("printf 'root:x:0:0\\nbin:x:1:1\\n' | awk -F: '{print $1}'").out).toEqual(["root", "bin"]);
    expect(sh("printf 'a b c\\nd e\\n' | awk '{print NR, NF, $NF}'").out).toEqual(["1 3 c", "2 2 e"]);
    expect(sh("printf '10\\n20\\n12\\n' | awk '{s += $1} END {print \"sum\", s, \"avg\", s/NR}'").out).toEqual(["sum 42 avg 14"]);
    expect(sh("printf 'x 1\\ny 5\\nz 3\\n' | awk '$2 > 2'").out).toEqual(["y 5", "z 3"]);
    expect(sh("printf 'one\\ntwo\\nthree\\n' | awk '/t/ {print toupper($0)} NR==1 {print length}'").out).toEqual(["3", "TWO", "THREE"]);
    expect(sh("printf '  lead   and  trail  \\n' | awk '{print $1 \"|\" $2 \"|\" $3; print NF}'").out).toEqual(["lead|and|trail", "3"]);
    expect(sh("awk 'BEGIN { print 1/3, 2^10, 7%3, -7%3, int(-3.7), 1e6, 1e20, 0.1+0.2 }'").out).toEqual(["0.333333 1024 1 -1 -3 1000000 1e+20 0.3"]);
  });

  it("formats printf's conversions as C's printf does", () => {
    const r = sh("awk 'BEGIN { printf \"%5s|%-5s|%.2s|%05d|%-4d|%+d|%x|%X|%o|%c|%c|%e|%.3f|%g|%g|%G|%%|%*d\\n\", \"ab\", \"ab\", \"abc\", 42, 7, 3, 255, 255, 8, 65, \"hi\", 1234.5, 3.14159, 0.0001, 123456789, 1e-10, 4, 9 }'");
    expect(r.out).toEqual(["   ab|ab   |ab|00042|7   |+3|ff|FF|10|A|h|1.234500e+03|3.142|0.0001|1.23457e+08|1E-10|%|   9"]);
    // awk.tests "printf %% prints one %", "backslash+newline eaten with no trace", "print + redirect"
    expect(sh("awk 'BEGIN { printf \"%%\\n\" }'").out).toEqual(["%"]);
    expect(sh("awk 'BEGIN { printf \"Hello\\\n world\\n\" }'").out).toEqual(["Hello world"]);
    expect(sh("awk 'BEGIN { print \"STDERR %s\" >\"/dev/stderr\" }'").err).toEqual(["STDERR %s"]);
  });

  it("has POSIX's string functions: length, substr, index, split, sub, gsub, match, toupper, tolower, sprintf", () => {
    const r = sh(`awk 'BEGIN {
      s = "hello world"
      print length(s), substr(s, 7), substr(s, 0, 3), substr(s, -1, 3), substr(s, 4, 100), index(s, "o"), index(s, "z")
      n = split("a:b:c", parts, ":"); print n, parts[1], parts[3]
      n = split("  x  y ", w); print n, w[1] w[2]
      t = "aaa"; print gsub(/a/, "<&>", t), t
      t = "banana"; print sub(/an/, "[\\\\&]", t), t
      t = "foo bar"; gsub(/o/, "0", t); print t
      print match("xxabcx", /ab+c/), RSTART, RLENGTH
      print toupper("MiXeD"), tolower("MiXeD"), sprintf("%03d-%s", 7, "x")
      x = "abc"; gsub(//, "-", x); print x
    }'`);
    expect(r.out).toEqual(["11 world he h lo world 5 0", "3 a c", "2 xy", "3 <a><a><a>", "1 b[&]ana", "f00 bar", "3 3 3", "MIXED mixed 007-x", "-a-b-c-"]);
  });

  // awk.tests "length(array)", "length()", "print length 1", "nested loops with the same variable", "'delete a[v--]' evaluates v-- once"
  it("keeps arrays: for (k in a), in, delete, length(a), multi-subscripts with SUBSEP", () => {
    expect(sh("awk 'BEGIN{ A[1]=2; A[\"qwe\"]=\"asd\"; print length(A)}'").out).toEqual(["2"]);
    expect(sh("echo qwe | awk '{print length; print length(); print length(\"qwe\"); print length(99+9)}'").out).toEqual(["3", "3", "3", "3"]);
    expect(sh("echo | awk '{ print length 1 }'").out).toEqual(["01"]);
    expect(sh("awk 'BEGIN{ cnt = 0; a[cnt] = \"zeroth\"; a[++cnt] = \"first\"; delete a[cnt--]; print cnt; print \"[0]:\" a[0]; print \"[1]:\" a[1] }'").out).toEqual(["0", "[0]:zeroth", "[1]:"]);
    expect(sh("printf 'b\\na\\nb\\nc\\nb\\n' | awk '{c[$1]++} END {for (k in c) print k, c[k]; print (\"a\" in c), (\"z\" in c); delete c; print length(c)}'").out).toEqual(["b 3", "a 1", "c 1", "1 0", "0"]);
    expect(sh("awk 'BEGIN { m[1,2] = \"x\"; if ((1,2) in m) print \"yes\"; for (k in m) { split(k, p, SUBSEP); print p[1], p[2] } }'").out).toEqual(["yes", "1 2"]);
  });

  // awk.tests: functions (empty bodies, other scope, unused args evaluated, undefined), 'v (a)' concatenation, string cast (bug 725)
  it("calls user functions with local parameters, arrays by reference, and return values", () => {
    expect(sh("awk 'function empty_fun(count) {\n}\nEND { i=1; print \"L\" i; empty_fun(i + i + ++i); print \"L\" i }' </dev/null").out).toEqual(["L1", "L2"]);
    expect(sh("awk 'func f(){print\"F\"};func g(){print\"G\"};BEGIN{f(g(),g())}'").out).toEqual(["G", "G", "F"]);
    expect(sh("awk 'BEGIN { v=1; a=2; print v (a) }'").out).toEqual(["12"]);
    expect(sh("awk 'function b(tmp) { tmp = 0; print \"\" tmp; return tmp }\nfunction c(tmpc) { tmpc = b(); return tmpc }\nBEGIN { print (c() ? \"string\" : \"number\") }'").out).toEqual(["0", "number"]);
    expect(sh("awk 'function fill(arr, n,  i) { for (i = 1; i <= n; i++) arr[i] = i * i; return n } BEGIN { fill(sq, 4); print sq[3], length(sq), i \"\" }'").out).toEqual(["9 4 "]);
    expect(sh("awk 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } BEGIN { print fact(10) }'").out).toEqual(["3628800"]);
  });

  it("runs while, do-while, for, break, continue, next and exit; exit N outlives END's bare exit", () => {
    expect(sh("awk 'BEGIN { i = 0; while (i < 5) { i++; if (i == 2) continue; if (i == 4) break; printf \"%d \", i }; do { j++ } while (j < 3); for (;;) { k++; if (k > 2) break } print j, k }'").out).toEqual(["1 3 3 3"]);
    expect(sh("printf '1\\n2\\n3\\n' | awk '$1 == 2 { next } { print } END { print \"end\", NR }'").out).toEqual(["1", "3", "end 3"]);
    expect(sh("awk 'BEGIN { exit 42 } END { exit }'; echo $?").out).toEqual(["42"]);
    expect(sh("printf 'a\\nb\\n' | awk '{ print; exit 3 } END { print \"in END\" }'; echo $?").out).toEqual(["a", "in END", "3"]);
  });

  it("compares numbers from input numerically and strings as strings; uninitialised values are 0 and \"\"", () => {
    expect(sh("printf '10 9\\nabc abd\\n 2  2.0\\n' | awk '{ print ($1 < $2), ($1 == $2) }'").out).toEqual(["0 0", "1 0", "0 1"]);
    expect(sh("awk 'BEGIN { print (\"10\" < \"9\"), (10 < 9), (x == 0), (x == \"\"), length(x), x + 0 }'").out).toEqual(["1 0 1 1 0 0"]);
    // awk.tests "input is never oct", "floating const with leading zeroes"
    expect(sh("echo 011 | awk '{ print $1, $1+1 }'").out).toEqual(["011 12"]);
    expect(sh("echo | awk '{ printf \"%f %f\\n\", \"000.123\", \"009.123\" }'").out).toEqual(["0.123000 9.123000"]);
  });

  it("assigns fields and NF, rebuilding $0 with OFS; -v, var=value operands, ranges, getline", () => {
    expect(sh("echo 'a b c' | awk '{ $2 = \"X\"; print; print NF }'").out).toEqual(["a X c", "3"]);
    expect(sh("echo 'a b c' | awk 'BEGIN { OFS = \"-\" } { $1 = $1; print; NF = 2; print; $5 = \"e\"; print; print NF }'").out).toEqual(["a-b-c", "a-b", "a-b---e", "5"]);
    expect(sh("echo 'x y' | awk -v pre='>>' -v n=3 '{ print pre, $2, n * 2 }'").out).toEqual([">> y 6"]);
    expect(sh("printf 'a\\n' > /tmp/f1; printf 'b\\n' > /tmp/f2; awk '{ print v, $0, FILENAME, FNR, NR }' v=1 /tmp/f1 v=2 /tmp/f2").out).toEqual(["1 a /tmp/f1 1 1", "2 b /tmp/f2 1 2"]);
    expect(sh("printf '1\\nSTART\\n2\\nEND\\n3\\n' | awk '/START/,/END/'").out).toEqual(["START", "2", "END"]);
    expect(sh("printf 'h\\n1\\n2\\n' | awk 'NR == 1 { getline line; print \"after\", $0, line, NR }'").out).toEqual(["after h 1 2"]);
    // awk.tests "NF in BEGIN", "do not allow \"str\"++", "assign while test", "whitespace before array subscript"
    expect(sh("awk 'BEGIN { print \":\" NF \":\" $0 \":\" $1 \":\" $2 \":\" }'").out).toEqual([":0::::"]);
    expect(sh("awk -v i=1 'BEGIN {print \"str\" ++i}'").out).toEqual(["str2"]);
    expect(sh("echo foo | awk '$1==$1=\"foo\" {print $1}'").out).toEqual(["foo"]);
    expect(sh("awk 'BEGIN { arr [3] = 1; print arr [3] }'").out).toEqual(["1"]);
  });

  it("writes print > FILE (truncating once) and >> (appending), and reads -f programs", () => {
    const r = sh("echo old > /tmp/o; printf 'a\\nb\\n' | awk '{ print $0 > \"/tmp/o\"; print NR >> \"/tmp/p\" }'; cat /tmp/o /tmp/p; echo '{ print \"prog:\" $1 }' > /tmp/prog.awk; echo z | awk -f /tmp/prog.awk");
    expect(r.out).toEqual(["a", "b", "1", "2", "prog:z"]);
  });

  // awk.tests "awk break", "awk continue" (-f -: the program from stdin, its errors named "-")
  it("reads -f - from stdin and names its errors after it", () => {
    const r = sh("echo 'BEGIN { if (1) break; else a = 1 }' | awk -f - 2>&1; echo $?; echo 'BEGIN { if (1) continue; else a = 1 }' | awk -f - 2>&1; echo 'BEGIN { print \"from stdin\" }' | awk -f -");
    expect(r.out).toEqual(["awk: -:1: 'break' not in a loop", "1", "awk: -:1: 'continue' not in a loop", "from stdin"]);
  });

  // busybox's error words: syntax_error's "awk: cmd. line:N: ...", xfopen's "can't open", status 1
  it("reports syntax and runtime errors as busybox does", () => {
    const r = sh("awk 'func f(,) { }'; echo $?; awk 'func f(a b) { }'; awk 'BEGIN {print()}'; awk '{delete}'; echo x | awk '{ $(-1) }'; awk 'BEGIN { if (1) break }'; awk 'BEGIN { print 1/0 }'; echo $?; awk '{print}' /nosuch; echo $?; awk 'END {\n  i + nofun()\n}' </dev/null; awk; echo $?");
    expect(r.out).toEqual(["1", "1", "1", "1"]);
    expect(r.err).toEqual([
      "awk: cmd. line:1: Unexpected token", "awk: cmd. line:1: Unexpected token", "awk: cmd. line:1: Empty sequence", "awk: cmd. line:1: Too few arguments",
      "awk: cmd. line:1: Access to negative field", "awk: cmd. line:1: 'break' not in a loop", "awk: cmd. line:1: Division by zero",
      "awk: can't open '/nosuch': No such file or directory", "awk: cmd. line:2: Call to undefined function",
      "BusyBox v1.37.0 multi-call binary.", "", "Usage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...", "", "\t-v VAR=VAL\tSet variable", "\t-F SEP\t\tUse SEP as field separator", "\t-f FILE\t\tRead program from FILE", "\t-e AWK_PROGRAM",
    ]);
  });

  // the model's bounds: a string or output past 16 MiB is libbb's "out of memory"; a loop that never ends is the shell's loop bound
  it("stops a program whose strings grow without end, and one that loops for ever", () => {
    const grow = sh("awk 'BEGIN { s = \"x\"; while (1) s = s s }'; echo $?");
    expect(grow.err).toEqual(["awk: out of memory"]);
    expect(grow.out).toEqual(["1"]);
    expect(sh("awk 'BEGIN { printf \"%.3f|%.120f\\n\", 2.5, 0.5 }'").out).toEqual([`2.500|0.5${"0".repeat(119)}`]);
    expect(sh("awk 'BEGIN { while (1) x++ }'").err.join("\n")).toContain("loop bound exceeded");
  });
});
