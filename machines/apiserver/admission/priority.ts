// The Priority admission plugin (plugin/pkg/admission/priority): a pod's spec.priority and
// preemptionPolicy come from its PriorityClass (or the global default class, or 0); a class that
// does not exist, or a priority the pod sets itself that differs, is refused; at most one
// PriorityClass is the global default. The system classes are stored objects (the scheduling
// REST storage's post-start hook creates them).

import { mutant } from "../../common/mutation.js";

type Obj = any;

/** What the plugin reads of a PriorityClass. */
export interface PriorityClassInfo {
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/** Built-in PriorityClasses every cluster has: name -> value (scheduling.SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: ReadonlyMap<string, number> = new Map([
  ["system-node-critical", 2000001000],
  ["system-cluster-critical", 2000000000],
]);

/** The system classes as the API server's post-start hook creates them (scheduling/bootstrap-system-priority-classes). */
export function systemPriorityClassObjects(): Obj[] {
  const description: Record<string, string> = {
    "system-node-critical": "Used for system critical pods that must not be moved from their current node.",
    "system-cluster-critical": "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
  };
  return [...SYSTEM_PRIORITY_CLASSES].map(([name, value]) => ({
    apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, description: description[name],
  }));
}

type Classes = ReadonlyMap<string, number | PriorityClassInfo> | undefined;

function info(v: number | PriorityClassInfo | undefined): PriorityClassInfo | undefined {
  return typeof v === "number" ? { value: v } : v;
}

function classNamed(name: string, classes: Classes): PriorityClassInfo | undefined {
  // Before the post-start hook's classes are in the cache (and in unit tests), the system ones are known.
  return info(classes?.get(name)) ?? info(SYSTEM_PRIORITY_CLASSES.get(name));
}

/** getDefaultPriorityClass: of the classes marked globalDefault, the one with the lowest value. */
export function defaultPriorityClass(classes: Classes): { name: string; pc: PriorityClassInfo } | undefined {
  let best: { name: string; pc: PriorityClassInfo } | undefined;
  for (const [name, v] of classes ?? []) {
    const pc = info(v)!;
    if (pc.globalDefault && (!best || best.pc.value > pc.value)) best = { name, pc };
  }
  return best;
}

/** What the plugin computes for a new pod: the class name, priority and preemption policy, or its Forbidden reason. */
function resolve(pod: Obj, classes: Classes): { name: string; priority: number; policy: string } | { refused: string } {
  const name: string = pod.spec?.priorityClassName ?? "";
  // The mutant keeps the class name but takes the default priority, as if no class were named.
  if (name === "" || (mutant("apiserver.priority-ignores-class-name") && !SYSTEM_PRIORITY_CLASSES.has(name))) {
    const d = defaultPriorityClass(classes);
    // getDefaultPriority without a default class: priority 0, preemption policy PreemptLowerPriority.
    return d ? { name: d.name, priority: d.pc.value, policy: d.pc.preemptionPolicy ?? "PreemptLowerPriority" } : { name: "", priority: 0, policy: "PreemptLowerPriority" };
  }
  const pc = classNamed(name, classes);
  if (!pc) return { refused: `no PriorityClass with name ${name} was found` };
  return { name, priority: pc.value, policy: pc.preemptionPolicy ?? "PreemptLowerPriority" };
}

/** The Priority plugin's Forbidden reason for a pod being created, or undefined when it admits it. */
export function priorityAdmissionError(pod: Obj, classes?: Classes): string | undefined {
  const r = resolve(pod, classes);
  if ("refused" in r) return r.refused;
  const given = pod.spec?.priority;
  if (given !== undefined && given !== null && given !== r.priority) {
    return `the integer value of priority (${given}) must not be provided in pod spec; priority admission controller computed ${r.priority} from the given PriorityClass name`;
  }
  const policy = pod.spec?.preemptionPolicy;
  if (policy !== undefined && policy !== null && policy !== r.policy) {
    return `the string value of PreemptionPolicy (${policy}) must not be provided in pod spec; priority admission controller computed ${r.policy} from the given PriorityClass name`;
  }
  return undefined;
}

/** Priority admission on create: class name (the default's when none), priority and preemption policy. */
export function admitPriority(pod: Obj, classes?: Classes): void {
  const r = resolve(pod, classes);
  if ("refused" in r) return; // refused by priorityAdmissionError
  if (r.name !== "") pod.spec.priorityClassName = r.name;
  pod.spec.priority = r.priority;
  pod.spec.preemptionPolicy = r.policy;
}

/** On update the plugin keeps the priority it set at create (validation refuses any other change to it). */
export function keepPriorityOnUpdate(pod: Obj, old: Obj): void {
  if (!pod.spec || !old.spec) return;
  if (pod.spec.priority === undefined && old.spec.priority !== undefined) pod.spec.priority = old.spec.priority;
  if (pod.spec.preemptionPolicy === undefined && old.spec.preemptionPolicy !== undefined) pod.spec.preemptionPolicy = old.spec.preemptionPolicy;
}

/** validatePriorityClass: a second global default is refused, naming the one there is. */
export function priorityClassAdmissionError(pc: Obj, operation: "CREATE" | "UPDATE", classes?: Classes): string | undefined {
  if (pc.globalDefault !== true) return undefined;
  const d = defaultPriorityClass(classes);
  if (d && (operation === "CREATE" || d.name !== pc.metadata?.name)) return `PriorityClass ${d.name} is already marked as default. Only one default can exist`;
  return undefined;
}
