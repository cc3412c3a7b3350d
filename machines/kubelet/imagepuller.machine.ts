// One image's pulls for one pod (images/image_manager.go EnsureImageExists): a pull, and after a
// failed one (ErrImagePull) a back-off of 10 s doubling to 5 min during which no pull is tried
// (ImagePullBackOff). As in the kubelet, the back-off has no timer of its own: the pod worker's
// resync comes back when it ends, and the next pull asks. The back-off entry outlives a success: the next failure doubles it, unless
// 10 min passed without one (flowcontrol.Backoff).

import { assign, setup } from "xstate";
import { imageBackOffMaxMs, nextBackoff } from "./backoff.js";
import { mutant } from "../common/mutation.js";

export interface ImagePullContext {
  image: string;
  /** the back-off entry (flowcontrol.Backoff) */
  backOff?: { ms: number; lastUpdate: number };
  /** the last failure, shown after "Back-off pulling image": "ErrImagePull: <rpc error>" */
  lastError?: string;
}

export type ImagePullEvent =
  | { type: "Pull"; now: number }
  | { type: "Pulled" }
  | { type: "PullFailed"; now: number; error: string }
  /** the image name cannot be pulled at all (InvalidImageName): no back-off */
  | { type: "PullRefused" };

export const imagePullerMachine = setup({
  types: { context: {} as ImagePullContext, events: {} as ImagePullEvent, input: {} as { image: string } },
  guards: {
    /** IsInBackOffSinceUpdate no longer holds: the back-off counted from the last failure is over */
    isBackOffOver: ({ context, event }) => event.type === "Pull" && (!context.backOff || event.now - context.backOff.lastUpdate >= context.backOff.ms || mutant("kubelet.image-pull-ignores-backoff")),
  },
  actions: {
    countBackOff: assign(({ context, event }) => {
      const e = event as Extract<ImagePullEvent, { type: "PullFailed" }>;
      return { backOff: nextBackoff(context.backOff, e.now, imageBackOffMaxMs), lastError: `ErrImagePull: ${e.error}` };
    }),
  },
}).createMachine({
  id: "imagePuller",
  description: "EnsureImageExists: pull; ErrImagePull starts a back-off (10 s doubling to 5 min) shown as ImagePullBackOff.",
  context: ({ input }) => ({ image: input.image }),
  initial: "idle",
  states: {
    idle: { on: { Pull: "pulling" } },
    pulling: {
      on: {
        Pulled: "idle",
        PullFailed: { target: "imagePullBackOff", actions: "countBackOff", description: "ErrImagePull" },
        PullRefused: "idle",
      },
    },
    imagePullBackOff: { on: { Pull: { guard: "isBackOffOver", target: "pulling" } }, description: "no pull until the back-off ends: the pod worker shows ImagePullBackOff meanwhile" },
  },
});
