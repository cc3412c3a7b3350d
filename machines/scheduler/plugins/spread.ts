// helper.DefaultSelector (pkg/scheduler/framework/plugins/helper/spread.go): the selector a pod's
// system-default spreading counts with, made from the Services that select the pod and the
// ReplicationController, ReplicaSet or StatefulSet that controls it.
import type { Pod } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { labelSelectorAsRequirements, type Requirement } from "../../common/labels.js";
import { controllerRefOf } from "../../common/owners.js";
import { mutant } from "../../common/mutation.js";

/** The kinds whose selector DefaultSelector reads from a pod's controller. */
export type SelectorOwnerKind = "ReplicationController" | "ReplicaSet" | "StatefulSet";

/**
 * What DefaultSelector reads through its listers: the Services of a namespace, and one
 * ReplicationController, ReplicaSet or StatefulSet by namespace and name. The scheduler puts them
 * in the cycle state under SpreadListersKey; without them no pod has a default selector.
 */
export interface SpreadListers {
  services(namespace: string): readonly { spec?: { selector?: Record<string, string> | null } }[];
  controller(kind: SelectorOwnerKind, namespace: string, name: string): { spec?: { selector?: unknown } } | undefined;
}
export const SpreadListersKey = "SpreadListers";

/** The listers in the cycle state, if the scheduler gave any. */
export function spreadListersOf(state: ReadonlyMap<string, unknown>): SpreadListers | undefined {
  return state.get(SpreadListersKey) as SpreadListers | undefined;
}

/** schema.ParseGroupVersion: "" is the empty version, "v1" the core group, "g/v" a group; more slashes is an error. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === "" || apiVersion === "/") return { group: "", version: "" };
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/** The owner kinds DefaultSelector knows, by group/version/kind (rcKind, rsKind, ssKind). */
function ownerKind(group: string, version: string, kind: string): SelectorOwnerKind | undefined {
  if (version !== "v1") return undefined;
  if (group === "" && kind === "ReplicationController") return kind;
  if (group === "apps" && (kind === "ReplicaSet" || kind === "StatefulSet")) return kind;
  return undefined;
}

/**
 * DefaultSelector as requirements (empty: the selector is Empty, and the pod gets no default
 * constraints). The matching Services' selectors are merged as one label set, a
 * ReplicationController's selector merged into it; a ReplicaSet's or StatefulSet's selector adds
 * its requirements beside them (an unparseable or nil one adds nothing).
 */
export function defaultSelector(pod: Pod, listers: SpreadListers | undefined): Requirement[] {
  if (listers === undefined) return [];
  const ns = pod.metadata?.namespace ?? "default";
  const podLabels = pod.metadata?.labels ?? {};
  // labels.Merge: a later map's value wins; the services all select this pod, so they agree
  const set = new Map<string, string>();
  for (const svc of listers.services(ns)) {
    const sel = svc.spec?.selector;
    // services with nil selectors match nothing, not everything (GetPodServices)
    if (sel === undefined || sel === null) continue;
    // AsSelectorPreValidated: each key present with the same value (an empty selector matches)
    // the mutant merges every Service's selector of the namespace, selecting the pod or not
    if (!mutant("scheduler.default-selector-every-service") && !Object.entries(sel).every(([k, v]) => Object.hasOwn(podLabels, k) && podLabels[k] === v)) continue;
    for (const [k, v] of Object.entries(sel)) set.set(k, v);
  }
  const fromSet = (): Requirement[] => [...set].map(([key, v]) => ({ key, operator: "=", values: [v] }));
  const owner = controllerRefOf(pod);
  if (owner === undefined) return fromSet();
  const gv = parseGroupVersion(owner.apiVersion ?? "");
  const kind = gv === undefined ? undefined : ownerKind(gv.group, gv.version, owner.kind);
  if (kind === undefined) return fromSet();
  const ctl = listers.controller(kind, ns, owner.name);
  if (ctl === undefined) return fromSet();
  if (kind === "ReplicationController") {
    const sel = ctl.spec?.selector as Record<string, string> | undefined | null;
    for (const [k, v] of Object.entries(sel ?? {})) set.set(k, v);
    return fromSet();
  }
  const reqs = labelSelectorAsRequirements(ctl.spec?.selector as LabelSelector | undefined);
  if (reqs === null || "error" in reqs) return fromSet();
  return [...fromSet(), ...reqs];
}
