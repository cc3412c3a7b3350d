// An image pull in the runtime (containerd's PullImage behind the CRI ImageService): pulling for
// the time the registry and the layers take, then pulled (the image is in the store) or failed
// (containerd's error text). Requests for an image already being pulled join the pull and are all
// answered when it ends. The CRI keeps one snapshot per image in flight.

import { assign, emit, setup } from "xstate";
import type { ImageInfo, PullFailure } from "./registry.js";

export interface PullWaiter {
  id: number;
  from: string;
}

export interface ImagePullContext {
  waiters: PullWaiter[];
  /** what the registry will give at the end: the image, or why not */
  outcome: { ok: true; image: ImageInfo } | PullFailure;
  startedAt: number;
  /** the pull's time: the layers' download, or one registry round trip when it fails */
  durationMs: number;
}

export type ImagePullEvent = { type: "Join"; waiter: PullWaiter };

export type ImagePullOutput = { type: "PullEnded" };

export const imagePullMachine = setup({
  types: { context: {} as ImagePullContext, events: {} as ImagePullEvent, input: {} as ImagePullContext, emitted: {} as ImagePullOutput },
  delays: { pullDuration: ({ context }) => context.durationMs },
  guards: { isResolved: ({ context }) => context.outcome.ok },
  actions: {
    addWaiter: assign({ waiters: ({ context, event }) => [...context.waiters, event.waiter] }),
    answerWaiters: emit({ type: "PullEnded" } as const),
  },
}).createMachine({
  id: "cri-image-pull",
  description: "an image pull: pulling -> pulled (in the image store) or failed (ErrImagePull); concurrent requests share it.",
  context: ({ input }) => input,
  initial: "pulling",
  states: {
    pulling: {
      on: { Join: { actions: "addWaiter", description: "another PullImage of the same image waits for this pull" } },
      after: {
        pullDuration: [
          { guard: "isResolved", target: "pulled", description: "the layers are in: the image is stored" },
          { target: "failed", description: "the registry refused: pull access denied, not found" },
        ],
      },
    },
    pulled: { type: "final", entry: "answerWaiters" },
    failed: { type: "final", entry: "answerWaiters" },
  },
});
