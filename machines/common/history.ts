// pkg/controller/history and the workload controllers' getPatch: a ControllerRevision's data is a
// strategic merge patch that puts the template back ({"spec":{"template":{...,"$patch":"replace"}}},
// json.Marshal of a map, so keys sorted), named <parent>-<HashControllerRevision>.

import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { fnv132 } from "./fnv.js";
import { canonical, safeEncodeString } from "./hash.js";

/** getPatch: the revision data that restores this template. */
export function revisionTemplatePatch(template: PodTemplateSpec): unknown {
  return JSON.parse(canonical({ spec: { template: { ...template, $patch: "replace" } } }));
}

/** HashControllerRevision: FNV-1 over the data's JSON, then the collision count in decimal, safe-encoded. */
export function revisionHashOf(data: unknown, collisionCount: number): string {
  const enc = new TextEncoder();
  const h = fnv132(enc.encode(String(collisionCount)), fnv132(enc.encode(canonical(data))));
  return safeEncodeString(String(h));
}
