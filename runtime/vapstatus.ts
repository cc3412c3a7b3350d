// kube-controller-manager's ValidatingAdmissionPolicy status controller, started with the first
// ValidatingAdmissionPolicy stored. Kubernetes runs it from the start; its two list+watch pairs at
// boot would shift every seeded run of clusters that never hold a policy, where it has nothing to
// check (the same trade as kindnet's policy agent, runtime/policyagent.ts).

import type { Runtime } from "./runtime.js";
import type { EtcdRequest } from "../machines/messages.js";
import { resourceFor, storagePrefix } from "../machines/apiserver/resources.js";
import { controllerName, vapStatusControllerMachine } from "../machines/validatingadmissionpolicystatus/vapstatus.machine.js";

const prefix = storagePrefix(resourceFor("admissionregistration.k8s.io", "validatingadmissionpolicies")!);

/** A ValidatingAdmissionPolicy written to storage (a refused or dry-run request stores nothing and starts nothing). */
export function isPolicyStored(to: string, msg: unknown): boolean {
  if (to !== "etcd" || typeof msg !== "object" || msg === null) return false;
  const t = msg as Partial<EtcdRequest>;
  return t.type === "Txn" && Array.isArray(t.success) && t.success.some((op) => op.type === "put" && op.key.startsWith(prefix));
}

/** Spawns the controller as kube-controller-manager (its token), once. */
export function startPolicyStatusController(rt: Runtime, token: string): void {
  if (!rt.has(controllerName)) rt.spawn(controllerName, vapStatusControllerMachine, { token, address: controllerName });
}
