// invalidObjectRefused: the API server persists only objects that pass validation; a create whose
// object breaks one of Kubernetes' field rules is refused with 422 Invalid (StatusReasonInvalid)
// and nothing is stored. The rules below are a few of k8s.io/kubernetes/pkg/apis/*/validation and
// apimachinery's name and label rules, written here from those sources, not from podflow's
// validation: the random workload sends objects that break them (run.ts invalidWorkload).

import { requestKey, storedObject, watching } from "./observe.js";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
/** ValidateNonnegativeField: "must be greater than or equal to 0". */
const negative = (v: unknown, path: string): string[] => (isInt(v) && v < 0 ? [`${path}: must be greater than or equal to 0`] : []);

/** The rules a pod spec (a pod's or a template's) breaks. */
function podSpecErrors(spec: any, path: string): string[] {
  const out: string[] = [];
  const containers = Array.isArray(spec?.containers) ? spec.containers : [];
  if (containers.length === 0) out.push(`${path}.containers: Required value`);
  for (const [i, c] of containers.entries()) {
    // validateContainers: the name is a DNS-1123 label, the image required (for a pod's containers)
    if (typeof c?.name !== "string" || c.name.length > 63 || !dns1123Label.test(c.name)) out.push(`${path}.containers[${i}].name: Invalid value: ${JSON.stringify(c?.name)}`);
    if (typeof c?.image !== "string" || c.image.trim() === "") out.push(`${path}.containers[${i}].image: Required value`);
  }
  // validateRestartPolicy
  if (spec?.restartPolicy !== undefined && !["Always", "OnFailure", "Never"].includes(spec.restartPolicy)) out.push(`${path}.restartPolicy: Unsupported value: ${JSON.stringify(spec.restartPolicy)}`);
  if (spec?.activeDeadlineSeconds !== undefined && isInt(spec.activeDeadlineSeconds) && spec.activeDeadlineSeconds < 1) out.push(`${path}.activeDeadlineSeconds: must be between 1 and 2147483647, inclusive`);
  return out;
}

/** ValidateObjectMeta: the name (DNS-1123 subdomain, a Service's a DNS-1035 label) and the label values. */
function metaErrors(obj: any): string[] {
  const out: string[] = [];
  const name = obj?.metadata?.name;
  if (typeof name === "string" && name !== "") {
    const ok = obj.kind === "Service" ? name.length <= 63 && dns1035Label.test(name) : name.length <= 253 && dns1123Subdomain.test(name);
    if (!ok) out.push(`metadata.name: Invalid value: ${JSON.stringify(name)}`);
  }
  for (const [k, v] of Object.entries(obj?.metadata?.labels ?? {})) {
    if (typeof v !== "string" || v.length > 63 || !labelValue.test(v)) out.push(`metadata.labels: Invalid value: ${JSON.stringify(v)} (label ${k})`);
  }
  return out;
}

/** The rules an object sent to be created breaks, by kind; [] when none of these rules is broken. */
export function validationErrors(obj: any): string[] {
  const out = metaErrors(obj);
  const spec = obj?.spec ?? {};
  switch (obj?.kind) {
    case "Pod":
      out.push(...podSpecErrors(spec, "spec"));
      break;
    case "Deployment":
      out.push(...negative(spec.replicas, "spec.replicas"), ...negative(spec.minReadySeconds, "spec.minReadySeconds"), ...negative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
      out.push(...podSpecErrors(spec.template?.spec, "spec.template.spec"));
      break;
    case "ReplicaSet":
    case "ReplicationController":
    case "StatefulSet":
      out.push(...negative(spec.replicas, "spec.replicas"), ...negative(spec.minReadySeconds, "spec.minReadySeconds"));
      out.push(...podSpecErrors(spec.template?.spec, "spec.template.spec"));
      break;
    case "Job":
      out.push(...negative(spec.parallelism, "spec.parallelism"), ...negative(spec.completions, "spec.completions"), ...negative(spec.backoffLimit, "spec.backoffLimit"));
      if (isInt(spec.activeDeadlineSeconds) && spec.activeDeadlineSeconds <= 0) out.push("spec.activeDeadlineSeconds: must be greater than 0");
      out.push(...podSpecErrors(spec.template?.spec, "spec.template.spec"));
      break;
    case "Service":
      // validateServicePort: port and a numeric targetPort in 1..65535
      for (const [i, p] of (Array.isArray(spec.ports) ? spec.ports : []).entries()) {
        if (!isInt(p?.port) || p.port < 1 || p.port > 65535) out.push(`spec.ports[${i}].port: Invalid value: ${JSON.stringify(p?.port)}: must be between 1 and 65535, inclusive`);
        if (isInt(p?.targetPort) && (p.targetPort < 1 || p.targetPort > 65535)) out.push(`spec.ports[${i}].targetPort: Invalid value: ${p.targetPort}: must be between 1 and 65535, inclusive`);
      }
      break;
  }
  return out;
}

export const invalidObjectRefused = watching(
  "invalidObjectRefused",
  "a create whose object breaks a validation rule (names, labels, negative counts, container names, restartPolicy, ports) is refused with 422 Invalid and nothing is stored",
  ({ rt, report }) => {
    /** request key -> what the object broke, for the creates kubectl sent that must be refused */
    const refusals = new Map<string, { what: string; errors: string[]; kind: string; namespace?: string; name?: string }>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "kubectl" && to === "apiserver" && msg.type === "ApiRequest" && msg.verb === "create" && !msg.subresource) {
        const errors = validationErrors(msg.body);
        if (errors.length > 0) refusals.set(requestKey(rt, from, msg.id), { what: `${msg.body?.kind} ${msg.namespace ? `${msg.namespace}/` : ""}${msg.body?.metadata?.name}`, errors, kind: msg.body?.kind, namespace: msg.namespace, name: msg.body?.metadata?.name });
        return;
      }
      if (from !== "apiserver" || to !== "kubectl" || msg.type !== "ApiResponse") return;
      const k = requestKey(rt, to, msg.id);
      const r = refusals.get(k);
      if (!r) return;
      refusals.delete(k);
      if (msg.ok) report(`the API server accepted ${r.what}, which breaks ${r.errors.join("; ")}: it must refuse it with 422 Invalid`);
      else if (storedObject(rt, r.kind, r.namespace, r.name) !== undefined) report(`the API server refused ${r.what} but stores an object of that name`);
      else if (msg.code !== 422 || msg.status?.reason !== "Invalid") report(`the API server refused ${r.what} (which breaks ${r.errors.join("; ")}) with ${msg.code} ${msg.status?.reason}, not 422 Invalid`);
    });
    return undefined;
  },
);
