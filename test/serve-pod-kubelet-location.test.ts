// pods/<name>/log, exec, attach and portforward reach the kubelet where kube-apiserver dials it:
// LogLocation and streamLocation (pkg/registry/core/pod/strategy.go) ask GetConnectionInfo
// (pkg/kubelet/client/kubelet_client.go) for the Node's preferred address (kubeadm's
// --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname) and the kubelet's port.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("the kubelet a pod's streams are sent to", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const node = (name: string, status: unknown) => k(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name }, status }));
  const pod = (name: string, nodeName: string) => k(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName, containers: [{ name: "c", image: "busybox" }] } }));
  beforeAll(async () => {
    // real time: PodGC's 40s quarantine keeps a pod of a missing node long enough to be asked
    s = await serve({ nodes: 1, speed: 1 });
    expect((await node("bare", {})).code).toBe(0);
    expect((await node("faraway", { addresses: [{ type: "Hostname", address: "faraway.example" }] })).code).toBe(0);
    for (const [p, n] of [["on-bare", "bare"], ["on-faraway", "faraway"]]) expect((await pod(p!, n!)).code).toBe(0);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("a pod bound to a Node with no preferred address: GetPreferredNodeAddress's error, 500 without a reason, as nodes/proxy", async () => {
    const want = "Error from server: no preferred addresses found; known addresses: []\n";
    expect((await k(["logs", "on-bare"])).err).toBe(want);
    expect((await k(["get", "--raw", "/api/v1/nodes/bare/proxy/healthz"])).err).toBe(want);
    expect((await k(["exec", "on-bare", "--", "ls"])).err).toBe(want);
    // kubectl attach says this before it connects
    expect((await k(["attach", "on-bare"])).err).toBe(`If you don't see a command prompt, try pressing enter.\n${want}`);
  }, 60_000);

  it("a pod bound to a Node that does not exist: the Node's Get is NotFound", async () => {
    // made here: PodGC deletes a pod of a missing node once its quarantine passes
    expect((await pod("on-ghost", "ghost")).code).toBe(0);
    expect((await k(["logs", "on-ghost"])).err).toBe('Error from server (NotFound): nodes "ghost" not found\n');
    expect((await k(["exec", "on-ghost", "--", "ls"])).err).toBe('Error from server (NotFound): nodes "ghost" not found\n');
  }, 60_000);

  it("a Node whose only address is a name nobody resolves: the dial's lookup fails at the node's resolver", async () => {
    const lookup = "dial tcp: lookup faraway.example on 172.18.0.1:53: no such host";
    // LocationStreamer's client.Do: a *url.Error, 500 without a reason
    expect((await k(["logs", "on-faraway", "--tail=5", "--timestamps"])).err).toBe(`Error from server: Get "https://faraway.example:10250/containerLogs/default/on-faraway/c?tailLines=5&timestamps=true": ${lookup}\n`);
    // v5 goes through the stream translator: upgraded, then spdy.Negotiate's error on the error channel
    expect((await k(["exec", "on-faraway", "--", "ls", "-l", "/a b"])).err).toBe(`error: Internal error occurred: error sending request: Post "https://faraway.example:10250/exec/default/on-faraway/c?command=ls&command=-l&command=%2Fa+b&error=1&output=1": ${lookup}\n`);
    // the proxy's responder for nodes/proxy
    expect((await k(["get", "--raw", "/api/v1/nodes/faraway/proxy/healthz"])).err).toBe(`Error from server (ServiceUnavailable): error trying to reach service: ${lookup}\n`);
  }, 60_000);
});
