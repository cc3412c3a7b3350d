// controller.ComputeHash and rand.SafeEncodeString: the pod-template-hash of a Deployment's
// ReplicaSets and the controller-revision-hash of a DaemonSet's ControllerRevisions.

import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { fnv1a32 } from "./fnv.js";
import { mutant } from "./mutation.js";

const SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** rand.SafeEncodeString: maps every byte into an alphabet without vowels or look-alike digits. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) out += SAFE_ALPHANUMS[b % SAFE_ALPHANUMS.length];
  return out;
}

/** JSON with keys sorted and undefined fields left out: one text per value whatever its key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * A JSON value as Go decodes it into a struct: a field sent as null is the field's zero value, which
 * Go leaves out as if absent (kubectl's `rollout undo` sends `metadata.creationTimestamp: null`).
 */
export function withoutNullFields<T>(v: T): T {
  if (Array.isArray(v)) return v.map(withoutNullFields) as T;
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as object)) if (x !== null) out[k] = withoutNullFields(x);
  return out as T;
}

/**
 * The pod-template-hash (controller.ComputeHash): FNV-32a over the template, then the collision
 * count as 8 little-endian bytes, printed in decimal and safe-encoded. The template is printed as
 * canonical JSON, not Go's spew dump, so values differ from a real cluster's while staying stable.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv1a32(new TextEncoder().encode(canonical(withoutNullFields(template))));
  // the mutant leaves the collision count out: a hash collision is never resolved
  if (collisionCount !== undefined && !mutant("hash.ignores-collision-count")) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a32(b, h);
  }
  return safeEncodeString(String(h));
}
