import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { criMachine } from "./cri.machine.js";
import { pauseImage } from "./cri.logic.js";

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
