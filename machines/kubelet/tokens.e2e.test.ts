// The kubelet's projected tokens in a simulated cluster: the file holds the token the API server
// issued for the pod (TokenRequest), which authenticates as the pod's account until it expires
// (claims.go: exp, past go-jose's one-minute leeway) or its pod is gone (the bound-object check).

import { beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import type { CriStreamAnswer, StreamOutput } from "../cri/messages.js";

const me = "test/kubelet-tokens";
let c: Cluster;
const inbox: Array<CriStreamAnswer | StreamOutput> = [];

/** Runs a command in the pod's container (named like the pod) and returns what it wrote to stdout. */
async function exec(pod: string, cmd: string[]): Promise<string> {
  const node = c.get("Pod", pod, "default")?.spec?.nodeName ?? "";
  inbox.length = 0;
  c.runtime.send(me, `kubelet/${node}`, { type: "GetExec", id: 1, podNamespace: "default", podName: pod, container: pod, cmd, tty: false, stdin: false, stdout: true, stderr: true });
  await c.settle();
  const ready = inbox.find((m) => m.type === "StreamReady") as Extract<CriStreamAnswer, { type: "StreamReady" }>;
  inbox.length = 0;
  c.runtime.send(me, `cri/${node}`, { type: "ExecRun", session: ready.session, stdin: "" });
  await c.settle();
  return inbox.filter((m): m is Extract<StreamOutput, { type: "ExecOutput" }> => m.type === "ExecOutput").map((m) => m.stdout).join("");
}

const SA = "/var/run/secrets/kubernetes.io/serviceaccount";

beforeAll(async () => {
  c = createCluster({ nodes: 1, seed: 3, clock: "simulated", trace: false });
  c.runtime.external(me, (m: any) => void inbox.push(m));
  await c.apply([{
    apiVersion: "v1", kind: "Pod", metadata: { name: "reader", namespace: "default" },
    spec: {
      containers: [{ name: "reader", image: "busybox:1.36", command: ["sleep", "36000"], volumeMounts: [{ name: "short", mountPath: "/short" }] }],
      // a token asked for ten minutes is not extended (token.go extends only the 3607 s one)
      volumes: [{ name: "short", projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 600 } }] } }],
    },
  }]);
  await c.settle();
});

describe("the kubelet's projected service account tokens", () => {
  it("are the API server's tokens for the pod's account, bound to the pod", async () => {
    const token = await exec("reader", ["cat", `${SA}/token`]);
    const short = await exec("reader", ["cat", "/short/token"]);
    expect(c.authenticate(token)?.name).toBe("system:serviceaccount:default:default");
    expect(c.authenticate(short)?.extra).toEqual(expect.arrayContaining([["authentication.kubernetes.io/pod-name", ["reader"]]]));
  });

  it("a ten-minute token is refused once it expired (past the leeway), the extended one is not; both go with their pod", async () => {
    const token = await exec("reader", ["cat", `${SA}/token`]);
    const short = await exec("reader", ["cat", "/short/token"]);
    c.advance(600_000 + 60_000 - 1_000);
    await c.settle();
    expect(c.authenticate(short)).toBeDefined();
    c.advance(2_000);
    await c.settle();
    expect(c.authenticate(short)).toBeUndefined();
    expect(c.authenticate(token)).toBeDefined();
    await c.delete("Pod", "reader", "default");
    await c.settle();
    expect(c.get("Pod", "reader", "default")).toBeUndefined();
    expect(c.authenticate(token)).toBeUndefined();
  });
});
