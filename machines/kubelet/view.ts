// Reading the kubelet's context inside a draft step (machines/common/step.ts) makes a proxy for
// every object read. The values the kubelet replaces whole and never changes in place (a Pod, a
// container's spec, a lifecycle snapshot) are read from their original instead: the same data.

import { isDraft, original } from "mutative";

/** The plain value behind a draft of a replaced-whole value (the value itself outside a draft). Never write to it. */
export function view<T>(x: T): T {
  return isDraft(x) ? (original(x as object) as T) : x;
}
