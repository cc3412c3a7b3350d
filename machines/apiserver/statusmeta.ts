// The metadata a write through /status stores: each kind's status strategy (PrepareForUpdate)
// decides which of the client's metadata fields survive.

type Meta = Record<string, unknown>;

// metav1.ResetObjectMetaForStatus (apimachinery/pkg/apis/meta/v1/meta.go): the stored labels,
// annotations, finalizers and ownerReferences (generation and deletionTimestamp are kept for every
// kind before this runs, as rest.BeforeUpdate does).
import { mutant } from "../common/mutation.js";
const resetForStatus = ["labels", "annotations", "finalizers", "ownerReferences"] as const;

/**
 * The metadata fields a kind's status strategy takes back from the stored object; a kind not named
 * here keeps the client's metadata (its PrepareForUpdate only restores the spec: nodes, services,
 * namespaces, PVs, PVCs, quotas, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, HPAs, PDBs,
 * Ingresses, CSRs, ReplicationControllers).
 */
const keptFromStored: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  // pkg/registry/core/pod/strategy.go podStatusStrategy: "old kubelets corrupt them"
  ["Pod", ["ownerReferences"]],
  // pkg/registry/apps/deployment/strategy.go deploymentStatusStrategy: newDeployment.Labels = oldDeployment.Labels
  ["Deployment", ["labels"]],
  // apiextensions-apiserver pkg/registry/customresourcedefinition/strategy.go statusStrategy
  ["CustomResourceDefinition", ["labels", "annotations", "ownerReferences"]],
  // pkg/registry/admissionregistration/validatingadmissionpolicy/strategy.go: ResetObjectMetaForStatus
  ["ValidatingAdmissionPolicy", resetForStatus],
]);

/**
 * statusWriteMeta: `given` is the client's metadata after rest.BeforeUpdate's common rules (name,
 * uid, creationTimestamp, namespace, deletion fields and generation already the stored ones); the
 * fields the kind's status strategy resets come back from `stored`, absent where it had none.
 */
export function statusWriteMeta(kind: string, given: Meta, stored: Meta): Meta {
  // the mutant stores the ownerReferences a pod status write sends (podStatusStrategy keeps the stored ones)
  const kept = kind === "Pod" && mutant("statusmeta.pod-owner-references-from-client") ? [] : keptFromStored.get(kind);
  if (kept === undefined) return given;
  const out: Meta = { ...given };
  for (const k of kept) {
    if (Object.hasOwn(stored, k)) out[k] = stored[k];
    else delete out[k];
  }
  return out;
}
