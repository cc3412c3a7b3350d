// Here-documents (POSIX 2.7.4) and bash's here-strings, as busybox ash, dash and bash read them:
// docs pages' scripts write files with `cat <<EOF > file ... EOF` inside their command: blocks.
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";

function run(ref: string, command: string[], env: Record<string, string> = {}) {
  const found = resolveImage(ref);
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO();
  const p = startContainer({ image: found.image, command, env, fs: io.fs }, io);
  const result = drive(p.run, io);
  // the recording io keeps lines without their newlines: joined back for a byte-for-byte comparison
  const text = (l: string[]) => l.map((x) => `${x}\n`).join("");
  return { out: text(io.out), err: text(io.err), result, fs: io.fs };
}

const shells = [["busybox ash", "busybox:1.36", "sh"], ["dash", "debian:12", "sh"], ["bash", "debian:12", "bash"]] as const;

describe.each(shells)("%s: here-documents", (_name, image, shell) => {
  const sh = (script: string, env: Record<string, string> = {}) => run(image, [shell, "-c", script], env);

  it("the lines up to the delimiter are the command's stdin, with parameters and substitutions expanded", () => {
    const r = sh("X=world\ncat <<EOF\nhello $X\n$(echo sub) ${X}!\nEOF\necho after");
    expect(r.out).toBe("hello world\nsub world!\nafter\n");
  });

  it("a quoted delimiter ('EOF', \"EOF\", \\EOF) leaves the body as written", () => {
    for (const d of ["'EOF'", "\"EOF\"", "\\EOF", "E'O'F"]) {
      expect(sh(`X=1\ncat <<${d}\n$X \`date\` \\$ \\\\\nEOF`).out).toBe("$X `date` \\$ \\\\\n");
    }
  });

  // POSIX 2.7.4: a backslash in an unquoted body quotes only $ ` \ and newline; a " stays as written
  it("in an unquoted body a backslash quotes $ ` \\ and joins lines; quotes are ordinary characters", () => {
    expect(sh("X=1\ncat <<EOF\n\\$X \"$X\" '$X' \\\"\na\\\nb\nEOF").out).toBe("$X \"1\" '1' \\\"\nab\n");
  });

  it("<<- strips leading tabs from the body and the delimiter line", () => {
    expect(sh("if true; then\n\tcat <<-EOF\n\t\tindented\n\t  spaces kept\n\tEOF\nfi").out).toBe("indented\n  spaces kept\n");
  });

  it("a here-document redirects into a file, and two on one line are read in order", () => {
    const r = sh("cat <<EOF > /tmp/conf\nport 6379\nEOF\ncat /tmp/conf; cat <<A; cat <<B\none\nA\ntwo\nB");
    expect(r.out).toBe("port 6379\none\ntwo\n");
  });

  it("a loop reads a here-document line by line", () => {
    expect(sh("while read k v; do echo \"$k=$v\"; done <<EOF\na 1\nb 2\nEOF").out).toBe("a=1\nb=2\n");
  });

  it("a line that only contains the delimiter with more around it does not end the body", () => {
    expect(sh("cat <<EOF\n EOF\nEOF2\nEOF").out).toBe(" EOF\nEOF2\n");
  });
});

describe("here-strings", () => {
  // bash's redir.c write_here_string: the word expanded without field splitting, then a newline
  it("bash: <<< gives its expanded word and a newline as stdin", () => {
    const r = run("debian:12", ["bash", "-c", "X='a  b'; cat <<< $X; wc -l <<< \"x\"; read v <<< 'q r'; echo $v"]);
    expect(r.out).toBe("a  b\n1\nq r\n");
  });

  // ash's parseredir and dash's read `<<<` as `<<` (a here-document) and then `<`: a syntax error
  it("busybox ash has none: <<< is a syntax error", () => {
    expect(run("busybox:1.36", ["sh", "-c", "cat <<< hi"])).toMatchObject({ out: "", err: "sh: syntax error: unexpected redirection\n", result: { state: "exited", code: 2 } });
  });
});
