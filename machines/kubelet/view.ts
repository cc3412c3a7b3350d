// Reading the kubelet's context inside a draft step (machines/common/step.ts) makes a proxy for
// every object read. The values the kubelet replaces whole and never changes in place (a Pod, a
// container's spec, a lifecycle snapshot) are read from their original instead: the same data.

import { isDraft, original } from "mutative";

/** The plain value behind a draft of a replaced-whole value (the value itself outside a draft). Never write to it. */
export function view<T>(x: T): T {
  return isDraft(x) ? (original(x as object) as T) : x;
}

/**
 * A replaced-whole value as the kubelet keeps it: frozen at its top (a shallow copy when it is not
 * frozen yet; what it holds is shared). The end of a draft step walks every object newly put into
 * the context looking for drafts and stops at a frozen one: a kept pod is not walked again on
 * every step that copies its worker. `x` must hold no draft.
 */
export function sealed<T extends object>(x: T): T {
  const v = view(x);
  return Object.isFrozen(v) ? v : Object.freeze({ ...v });
}
