// busybox sed in a container, through kubectl exec (editors/sed.c: s///, -n, p, d).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("busybox sed through kubectl exec", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000 });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["run", "bb", "--image=busybox:1.36", "--", "sleep", "3600"])).code).toBe(0);
    expect((await k(["wait", "--for=condition=Ready", "pod/bb", "--timeout=60s"])).code).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("edits a stream and a file as busybox does", async () => {
    expect((await k(["exec", "bb", "--", "sh", "-c", "echo hello world | sed 's/o/0/g'"])).out).toBe("hell0 w0rld\n");
    expect((await k(["exec", "bb", "--", "sh", "-c", "printf 'a\\nb\\nc\\n' > /tmp/f; sed -n '2,$p' /tmp/f; sed /b/d /tmp/f"])).out).toBe("b\nc\na\nc\n");
    // the last line's missing newline stays missing
    expect((await k(["exec", "bb", "--", "sh", "-c", "printf 'x\\ny' | sed s/y/z/"])).out).toBe("x\nz");
  }, 60_000);
});
