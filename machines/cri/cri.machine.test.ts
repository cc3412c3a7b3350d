import { describe, expect, it } from "vitest";
import { createActor, transition } from "xstate";
import { criMachine } from "./cri.machine.js";
import { pauseImage, type CriContext } from "./cri.logic.js";
import { freezeContext } from "../common/freeze.js";
import { replayStats } from "./workload/process.js";

// The chart as containerd's CRI plugin behaves: it serves only after recovering its store (a new
// node's store holds the pause image kind preloads), and its ImageService has a pull in flight
// from the first PullImage of an image until the pull ends; concurrent PullImage calls for one
// image share that pull (containerd's pull deduplication), a reference that does not parse is
// refused at once without any pull.

const pullEnded = { type: "xstate.after.pullDuration.cri-image-pull.pulling" };

function cri() {
  const actor = createActor(criMachine, { input: { node: "node-1" } });
  const sent: Array<{ type: string; id?: number; [k: string]: unknown }> = [];
  actor.on("effects", (e: { send: Array<{ msg: { type: string } }> }) => void sent.push(...e.send.map((s) => s.msg)));
  actor.start();
  const imageState = () => (actor.getSnapshot().value as { serving: { imageService: string } }).serving.imageService;
  return { actor, sent, imageState };
}

describe("the CRI chart", () => {
  it("has recovered its store before it serves: the pause image is there without a pull", () => {
    const { actor, sent } = cri();
    expect(actor.getSnapshot().matches("serving")).toBe(true);
    actor.send({ type: "ImageStatus", id: 1, image: pauseImage, from: "kubelet/node-1", now: 0 });
    expect(sent).toEqual([expect.objectContaining({ type: "ImageStatusResult", id: 1, present: expect.objectContaining({ ref: pauseImage }) })]);
  });

  it("is pulling from the first PullImage until the shared pull ends, then idle with both requests answered", () => {
    const { actor, sent, imageState } = cri();
    expect(imageState()).toBe("idle");
    actor.send({ type: "PullImage", id: 1, image: "nginx:1.27", from: "kubelet/node-1", now: 0 });
    actor.send({ type: "PullImage", id: 2, image: "nginx:1.27", from: "kubelet/node-1", now: 10 });
    expect(imageState()).toBe("pulling");
    expect(sent).toEqual([]);
    actor.send({ type: "PullTimer", image: "nginx:1.27", event: pullEnded, now: 2_000 });
    expect(imageState()).toBe("idle");
    expect(sent.map((m) => [m.type, m.id, m.ok])).toEqual([["PullImageResult", 1, true], ["PullImageResult", 2, true]]);
  });

  it("stays pulling while another image's pull is still in flight", () => {
    const { actor, imageState } = cri();
    actor.send({ type: "PullImage", id: 1, image: "nginx:1.27", from: "kubelet/node-1", now: 0 });
    actor.send({ type: "PullImage", id: 2, image: "busybox:1.36", from: "kubelet/node-1", now: 0 });
    actor.send({ type: "PullTimer", image: "nginx:1.27", event: pullEnded, now: 2_000 });
    expect(imageState()).toBe("pulling");
    actor.send({ type: "PullTimer", image: "busybox:1.36", event: pullEnded, now: 2_000 });
    expect(imageState()).toBe("idle");
  });

  it("refuses a reference that does not parse at once, InvalidImageName, and never starts pulling", () => {
    const { actor, sent, imageState } = cri();
    actor.send({ type: "PullImage", id: 1, image: "Nginx:Latest!", from: "kubelet/node-1", now: 0 });
    expect(imageState()).toBe("idle");
    expect(sent).toEqual([expect.objectContaining({ type: "PullImageResult", id: 1, ok: false, failure: expect.objectContaining({ reason: "InvalidImageName" }) })]);
  });
});

describe("the CRI's context is a value", () => {
  // A busybox container whose loop appends to an emptyDir and logs what it reads back.
  function running() {
    const { actor, sent } = cri();
    const k = { from: "kubelet/node-1", now: 0 };
    actor.send({ type: "RunPodSandbox", id: 1, podUid: "u1", podName: "p", podNamespace: "default", volumes: ["data"], ...k });
    const sandboxId = sent.find((m) => m.type === "RunPodSandboxResult")!.sandboxId as string;
    actor.send({ type: "PullImage", id: 2, image: "busybox:1.36", ...k });
    actor.send({ type: "PullTimer", image: "busybox:1.36", event: pullEnded, now: 1_000 });
    const script = "while true; do echo x >> /data/n; echo $(cat /data/n | wc -l); sleep 10; done";
    const container = { name: "c", image: "busybox:1.36", command: ["sh", "-c", script], volumeMounts: [{ name: "data", mountPath: "/data" }] };
    actor.send({ type: "CreateContainer", id: 3, sandboxId, container, attempt: 0, env: {}, podIP: "10.244.0.2", ...k, now: 1_000 });
    const containerId = sent.find((m) => m.type === "CreateContainerResult")!.containerId as string;
    actor.send({ type: "StartContainer", id: 4, containerId, ...k, now: 1_000 });
    actor.send({ type: "ProcessWake", containerId, now: 11_000 });
    return { actor, containerId };
  }
  const logsOf = (c: CriContext, id: string) => c.containers.get(id)!.logs.toArray().map((l) => l.line);

  it("XState's pure transition from one deep-frozen snapshot, taken twice, gives the same next state and leaves the snapshot as it was", () => {
    const { actor, containerId } = running();
    const s = actor.getSnapshot();
    freezeContext(s.context);
    expect(logsOf(s.context, containerId)).toEqual(["1", "2"]);
    const wake = { type: "ProcessWake", containerId, now: 21_000 } as const;
    const replays = replayStats.replays;
    const [a] = transition(criMachine, s, wake);
    // the latest value resumes its live generator: no replay
    expect(replayStats.replays).toBe(replays);
    // the second transition resumes a process the first already moved on: it replays its history
    const [b] = transition(criMachine, s, wake);
    expect(replayStats.replays).toBe(replays + 1);
    expect(logsOf(a.context, containerId)).toEqual(["1", "2", "3"]);
    expect(logsOf(b.context, containerId)).toEqual(["1", "2", "3"]);
    expect(logsOf(s.context, containerId)).toEqual(["1", "2"]);
    const volume = (c: CriContext) => [...c.sandboxes.values()][0]!.volumes.get("data")!;
    expect(volume(a.context).equals(volume(b.context))).toBe(true);
    expect(volume(a.context).get("n")).toBe("x\nx\nx\n");
    expect(volume(s.context).get("n")).toBe("x\nx\n");
  });

  it("an exec suspended on a DNS query is part of the value: the answer taken twice from one frozen snapshot replays it alike", () => {
    const { actor, containerId } = running();
    const sent: Array<{ type: string; [k: string]: unknown }> = [];
    actor.on("effects", (e: { send: Array<{ msg: { type: string } }> }) => void sent.push(...e.send.map((m) => m.msg)));
    const k = { from: "kubelet/node-1", now: 12_000 };
    actor.send({ type: "Exec", id: 5, containerId, cmd: ["sh", "-c", "echo asked >> /data/q; nslookup kubernetes.default; cat /data/q"], tty: false, stdin: false, replyTo: "test", ...k });
    const session = sent.find((m) => m.type === "StreamReady")!.session as string;
    actor.send({ type: "ExecRun", session, stdin: "", ...k });
    const query = sent.find((m) => m.type === "DnsQuery") as { id: number };
    expect(query).toMatchObject({ name: "kubernetes.default", namespace: "default" });
    const s = actor.getSnapshot();
    freezeContext(s.context);
    const answer = { type: "DnsAnswer", id: query.id, addresses: ["10.96.0.1"], fqdn: "kubernetes.default.svc.cluster.local", now: 12_010 } as const;
    const replays = replayStats.replays;
    const [a, fxA] = transition(criMachine, s, answer);
    const [b, fxB] = transition(criMachine, s, answer);
    expect(replayStats.replays).toBe(replays + 1);
    const outputOf = (actions: unknown[]) => JSON.stringify(actions).match(/"type":"ExecOutput"[^}]*/g);
    expect(outputOf(fxA)).toEqual(outputOf(fxB));
    expect(JSON.stringify(fxA)).toContain("Address: 10.96.0.1\\n\\nasked\\n");
    // the file was written once, before the query, in every branch
    const volume = (c: CriContext) => [...c.sandboxes.values()][0]!.volumes.get("data")!;
    expect(volume(a.context).get("q")).toBe("asked\n");
    expect(volume(b.context).get("q")).toBe("asked\n");
    expect(a.context.streams.get(session)).toMatchObject({ running: false });
  });
});
