// The status controller's reconcile (pkg/controller/validatingadmissionpolicystatus controller.go):
// a policy whose metadata.generation is past status.observedGeneration gets the apply of its
// status, the generation and the type check's warnings. Pure.

import { typeCheck, type TypeWorld } from "./typechecking.js";
import { mutant } from "../common/mutation.js";

type Obj = any;

/** The ApplyStatus body for a policy, or undefined when its generation is already observed. */
export function statusApply(policy: Obj, world: TypeWorld): Obj | undefined {
  const generation = typeof policy?.metadata?.generation === "number" ? policy.metadata.generation : 0;
  const observed = typeof policy?.status?.observedGeneration === "number" ? policy.status.observedGeneration : 0;
  // the mutant applies the status again for a generation already observed
  if (mutant("vapstatus.observed-generation-reapplied") ? generation < observed : generation <= observed) return undefined;
  const warnings = typeCheck(policy, world);
  // WithExpressionWarnings() of none leaves the list out: typeChecking is {}
  return {
    apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name: policy.metadata.name },
    status: { observedGeneration: generation, typeChecking: warnings.length > 0 ? { expressionWarnings: warnings } : {} },
  };
}
