// python3 -c in the python image: the docs' Job scripts decide their exit status from
// JOB_COMPLETION_INDEX (controllers/job-backoff-limit-per-index-example.yaml,
// job-backoff-limit-per-index-failindex.yaml, job-success-policy.yaml). Expectations are
// CPython 3's: sys.exit(n) exits n, sys.exit("text") prints it and exits 1, sys.exit() and the
// end of the script exit 0 (docs.python.org/3/library/sys.html#sys.exit); an uncaught exception
// prints a traceback ending "Type: message" to stderr and exits 1.
import { describe, expect, it } from "vitest";
import { resolveImage, type ImageInfo } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";
import type { Effect } from "./types.js";
import { compilePython } from "./python.js";

function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) throw new Error(r.message);
  return r.image;
}
const python = image("python:3");

function run(script: string, env: Record<string, string> = {}) {
  const io = recordingIO(env);
  const effects: Effect[] = [];
  const p = startContainer({ image: python, command: ["python3", "-c", script], env, fs: io.fs }, io);
  const result = drive(p.run, io, { effects });
  return { out: io.out, err: io.err, result, effects };
}

const backoffLimitPerIndexExample = `import os, sys
print("Hello world")
if int(os.environ.get("JOB_COMPLETION_INDEX")) % 2 == 0:
  sys.exit(1)
`;

const failIndexExample = `import os, sys
index = int(os.environ.get("JOB_COMPLETION_INDEX"))
if index == 0:
  sys.exit(1)
elif index == 1:
  sys.exit(42)
else:
  sys.exit(0)
`;

const successPolicyExample = `import os, sys
if os.environ.get("JOB_COMPLETION_INDEX") == "2":
  sys.exit(0)
else:
  sys.exit(1)
`;

describe("the docs' Job scripts exit as the index decides", () => {
  const rows: [string, string, string, number, string[]][] = [
    ["backoffLimitPerIndex example, even index 4: prints Hello world, exits 1", backoffLimitPerIndexExample, "4", 1, ["Hello world"]],
    ["backoffLimitPerIndex example, odd index 3: prints Hello world, exits 0", backoffLimitPerIndexExample, "3", 0, ["Hello world"]],
    ["failindex example, index 0 exits 1", failIndexExample, "0", 1, []],
    ["failindex example, index 1 exits 42", failIndexExample, "1", 42, []],
    ["failindex example, index 3 exits 0", failIndexExample, "3", 0, []],
    ["success policy example, index 2 exits 0", successPolicyExample, "2", 0, []],
    ["success policy example, index 5 exits 1", successPolicyExample, "5", 1, []],
  ];
  it.each(rows)("%s", (_n, script, index, code, out) => {
    const r = run(script, { JOB_COMPLETION_INDEX: index });
    expect(r.result).toEqual({ state: "exited", code });
    expect(r.out).toEqual(out);
  });
});

describe("the subset follows CPython", () => {
  const rows: [string, string, Record<string, string>, number, string[], string[]][] = [
    ["sys.exit() exits 0", "import sys\nsys.exit()", {}, 0, [], []],
    ["sys.exit with a string prints it to stderr and exits 1", "import sys\nsys.exit('bad input')", {}, 1, [], ["bad input"]],
    ["sys.exit(256) exits 0: the status is taken modulo 256", "import sys; sys.exit(256)", {}, 0, [], []],
    ["int() of a missing variable is a TypeError traceback, exit 1", "import os\nx = int(os.environ.get('NOPE'))", {}, 1, [],
      ["Traceback (most recent call last):", '  File "<string>", line 2, in <module>', "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"]],
    ["int('abc') is a ValueError", "int('abc')", {}, 1, [],
      ["Traceback (most recent call last):", '  File "<string>", line 1, in <module>', "ValueError: invalid literal for int() with base 10: 'abc'"]],
    ["os.environ['X'] of a missing key is a KeyError", "import os\nprint(os.environ['X'])", {}, 1, [],
      ["Traceback (most recent call last):", '  File "<string>", line 2, in <module>', "KeyError: 'X'"]],
    ["a module used without import is a NameError", "sys.exit(3)", {}, 1, [],
      ["Traceback (most recent call last):", '  File "<string>", line 1, in <module>', "NameError: name 'sys' is not defined"]],
    ["/ gives a float, // and % floor", "print(7 / 2, 7 // 2, -7 // 2, -7 % 3, 2 ** 10)", {}, 0, ["3.5 3 -4 2 1024"], []],
    ["print takes sep and end; f-strings format values", "import os\nn = int(os.getenv('N', '3'))\nprint('a', 'b', sep='-', end='!\\n')\nprint(f'n={n} twice={n * 2} ok={n > 2}')", {}, 0, ["a-b!", "n=3 twice=6 ok=True"], []],
    ["a for loop over range and a while loop with break", "t = 0\nfor i in range(5):\n    t += i\nwhile True:\n    t = t + 1\n    if t > 11:\n        break\nprint(t, [1, 'x'])", {}, 0, ["12 [1, 'x']"], []],
  ];
  it.each(rows)("%s", (_n, script, env, code, out, err) => {
    const r = run(script, env);
    expect(r.result).toEqual({ state: "exited", code });
    expect(r.out).toEqual(out);
    expect(r.err).toEqual(err);
  });

  it("time.sleep(2.5) takes two and a half simulated seconds", () => {
    const r = run("import time\ntime.sleep(2.5)\nprint('done')");
    expect(r.effects).toEqual([{ type: "sleep", ms: 2500 }]);
    expect(r.out).toEqual(["done"]);
  });
});

describe("a script outside the subset keeps the image's old behaviour", () => {
  it.each([
    ["a function definition", "def f():\n  return 1\nimport sys\nsys.exit(f())"],
    ["an unmodelled module", "import json, sys\nsys.exit(3)"],
    ["a try block", "try:\n  x = 1\nexcept Exception:\n  pass"],
  ])("%s is not compiled, and runs as exit 0", (_n, script) => {
    expect(compilePython(script)).toBeUndefined();
    expect(run(script).result).toEqual({ state: "exited", code: 0 });
  });
});
