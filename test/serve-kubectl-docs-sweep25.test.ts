// Sweep 25 of the docs' pages: the container userland their "open" rows shared. busybox's awk (the
// one-liners pages and scripts pipe through it), and user namespaces
// (tasks/configure-pod-container/user-namespaces: a hostUsers: false pod's uid_map and ns/user link).
// Each expectation is what the page shows, or what busybox's, the kubelet's and Linux's sources give.
// The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 25 (container userland)", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const running = (pod: string) => until(async () => ((await k(["get", "pod", pod, "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 60_000);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 5 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("busybox awk: fields of /etc/passwd by -F:, NR/NF, a BEGIN/END sum, printf and a pattern, through kubectl exec", { timeout: 120_000 }, async () => {
    expect((await k(["run", "awk-demo", "--image=busybox:1.37", "--", "sleep", "3600"])).out).toBe("pod/awk-demo created\n");
    await running("awk-demo");
    const users = await k(["exec", "awk-demo", "--", "awk", "-F:", "$3 == 0 || $1 == \"nobody\" {print $1, $3, NF}", "/etc/passwd"]);
    expect(users.err).toBe("");
    expect(users.out).toBe("root 0 7\nnobody 65534 7\n");
    const sum = await k(["exec", "awk-demo", "--", "sh", "-c", "seq 1 10 | awk '{ s += $1; if ($1 % 2) odd[$1] = 1 } END { printf \"sum=%d avg=%.2f odd=%d\\n\", s, s/NR, length(odd) }'"]);
    expect(sum.out).toBe("sum=55 avg=5.50 odd=5\n");
    const bad = await k(["exec", "awk-demo", "--", "awk", "{ print $1"]);
    expect(bad.err).toContain("awk: cmd. line:1: Unexpected end of string");
    expect(bad.code).toBe(1);
  });

  it("user-namespaces: userns (hostUsers: false, debian) maps 0 to a 65536-id range of its own from 65536 up; `id` is still root; its ns/user is not the host's", { timeout: 120_000 }, async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: userns
spec:
  hostUsers: false
  containers:
  - name: shell
    command: ["sleep", "infinity"]
    image: debian
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("pod/userns created\n");
    expect((await k(["run", "hostns", "--image=busybox:1.37", "--", "sleep", "3600"])).out).toBe("pod/hostns created\n");
    await running("userns");
    await running("hostns");
    const link = await k(["exec", "userns", "--", "readlink", "/proc/self/ns/user"]);
    expect(link.err).toBe("");
    expect(link.out).toMatch(/^user:\[\d+\]\n$/);
    const hostLink = await k(["exec", "hostns", "--", "readlink", "/proc/self/ns/user"]);
    expect(hostLink.out).toBe("user:[4026531837]\n");
    expect(link.out).not.toBe(hostLink.out);
    // uid_m_show's "%10u %10u %10u\n"
    const map = await k(["exec", "userns", "--", "cat", "/proc/self/uid_map"]);
    const m = /^ {9}0 ([ \d]{10}) {6}65536\n$/.exec(map.out);
    expect(m).not.toBeNull();
    const hostId = Number(m![1]!.trim());
    expect(hostId % 65536).toBe(0);
    expect(hostId).toBeGreaterThanOrEqual(65536);
    expect((await k(["exec", "userns", "--", "cat", "/proc/self/gid_map"])).out).toBe(map.out);
    expect((await k(["exec", "hostns", "--", "cat", "/proc/self/uid_map"])).out).toBe("         0          0 4294967295\n");
    expect((await k(["exec", "userns", "--", "id"])).out).toBe("uid=0(root) gid=0(root) groups=0(root)\n");
  });
});
