// The warnings a write's response carries: each kind's strategy WarningsOnCreate / WarningsOnUpdate
// (pkg/registry/*/strategy.go), built from pkg/api/pod/warnings.go (GetWarningsForPod,
// GetWarningsForPodTemplate), pkg/api/node/util.go, pkg/api/job/warnings.go,
// pkg/api/persistentvolumeclaim/util.go, pkg/api/service/warnings.go and apimachinery's
// GetWarningsForIP / GetWarningsForCIDR. The write goes through; the server sends each text as a
// `Warning: 299 - "text"` header and kubectl prints it as `Warning: text`.
//
// They are computed once the strategy's validation passed (rest.BeforeCreate / BeforeUpdate), on
// the object as the strategy sees it: defaulted, admitted, its generation already bumped.

import { deepEqual } from "../common/equal.js";
import { goQuote } from "./status.js";
import { isDNS1123Label } from "./validation/names.js";
import { formatIP, parseIPSloppy } from "./validation/ip.js";
import { isWholeInMilli, parseGoQuantity, quantityString } from "./validation/quantity.js";

type Obj = Record<string, any>;

/** field.Path's String(): a child joined with a dot, unless the path so far is empty. */
function child(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** The strategy's WarningsOnCreate for an object of this kind (none for kinds that have none). */
export function warningsOnCreate(kind: string, obj: Obj): string[] {
  switch (kind) {
    case "Pod":
      // the AppArmor annotations' warnings come earlier, from PrepareForCreate (appArmorVersionSkewWarnings)
      return [...podNameWarnings(obj), ...podWarnings(obj)];
    case "Deployment":
    case "ReplicaSet":
    case "ReplicationController":
      // a ReplicationController's template is a pointer: absent, it has no warnings
      return [...workloadNameWarnings(obj), ...podTemplateWarnings("spec.template", obj.spec?.template)];
    case "StatefulSet":
      return statefulSetWarnings(obj, "");
    case "DaemonSet":
      return podTemplateWarnings("spec.template", obj.spec?.template);
    case "PodTemplate":
      return podTemplateWarnings("template", obj.template);
    case "Job":
      return [...workloadNameWarnings(obj), ...jobSpecWarnings("spec", obj.spec)];
    case "CronJob":
      return [...workloadNameWarnings(obj), ...jobSpecWarnings("spec.jobTemplate.spec", obj.spec?.jobTemplate?.spec)];
    case "Ingress":
      return ingressWarnings(obj);
    case "EndpointSlice":
      return [...(obj.addressType === "FQDN" ? ["spec.addressType: FQDN endpoints are deprecated"] : []), ...endpointSliceIPWarnings(obj)];
    default:
      return objectWarnings(kind, obj);
  }
}

/** The kinds whose strategy warns alike on create and on update, of the object as it is. */
function objectWarnings(kind: string, obj: Obj): string[] {
  switch (kind) {
    case "Service":
      return serviceWarnings(obj);
    case "PersistentVolumeClaim":
      return pvcWarnings(obj);
    case "PersistentVolume":
      return pvWarnings(obj);
    case "RuntimeClass":
      return runtimeClassWarnings(obj);
    case "Node":
      return nodeWarnings(obj);
    case "Endpoints":
      return endpointsWarnings(obj);
    case "ServiceAccount":
      return mountableSecretsWarnings(obj, undefined);
    default:
      return [];
  }
}

/** warnIfHasEnforceMountableSecretsAnnotation (serviceaccount/strategy.go): only when the write newly sets the annotation. */
function mountableSecretsWarnings(sa: Obj, old: Obj | undefined): string[] {
  const key = "kubernetes.io/enforce-mountable-secrets";
  if (old !== undefined && Object.hasOwn(old.metadata?.annotations ?? {}, key)) return [];
  return Object.hasOwn(sa.metadata?.annotations ?? {}, key) ? [`metadata.annotations[${key}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`] : [];
}

/** The strategy's WarningsOnUpdate; pods have none ("humans don't typically interact directly with pods"). */
export function warningsOnUpdate(kind: string, obj: Obj, old: Obj): string[] {
  const regenerated = obj.metadata?.generation !== old.metadata?.generation;
  switch (kind) {
    case "Deployment":
    case "ReplicaSet":
      return regenerated ? podTemplateWarnings("spec.template", obj.spec?.template) : [];
    case "PodTemplate":
      return regenerated ? podTemplateWarnings("template", obj.template) : [];
    case "ReplicationController":
      // rcStrategy.WarningsOnUpdate passes the old template where the new one belongs: the warnings
      // are those of the template being replaced
      return regenerated ? podTemplateWarnings("spec.template", old.spec?.template) : [];
    case "StatefulSet":
      return [...(regenerated ? podTemplateWarnings("spec.template", obj.spec?.template) : []), ...statefulSetClaimWarnings(obj, ".Spec")];
    case "DaemonSet":
      // PrepareForUpdate bumps spec.templateGeneration exactly when the template changed
      return deepEqual(obj.spec?.template, old.spec?.template) ? [] : podTemplateWarnings("spec.template", obj.spec?.template);
    case "Job":
      return regenerated ? jobSpecWarnings("spec", obj.spec) : [];
    case "EndpointSlice":
      return endpointSliceIPWarnings(obj);
    case "ServiceAccount":
      return mountableSecretsWarnings(obj, old);
    case "CronJob":
      return [
        ...(regenerated ? jobSpecWarnings("spec.jobTemplate.spec", obj.spec?.jobTemplate?.spec) : []),
        // the path is spelled "spec.spec.schedule" there
        ...(String(obj.spec?.schedule ?? "").includes("TZ") ? ["cannot use TZ or CRON_TZ in spec.spec.schedule, use timeZone instead, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details"] : []),
      ];
    default:
      return objectWarnings(kind, obj);
  }
}

/** endpointsStrategy's endpointsWarnings: each address's IP, unless the endpoints controller (which writes canonical IPs) manages the object. */
function endpointsWarnings(ep: Obj): string[] {
  if (ownString(ep.metadata?.labels, "endpoints.kubernetes.io/managed-by") === "endpoint-controller") return [];
  const out: string[] = [];
  arrayOf(ep.subsets).forEach((s, i) => {
    for (const list of ["addresses", "notReadyAddresses"]) {
      arrayOf(s?.[list]).forEach((a, j) => out.push(...ipWarnings(`subsets[${i}].${list}[${j}].ip`, String(a?.ip ?? ""))));
    }
  });
  return out;
}

/** endpointSliceStrategy's warnOnBadIPs: skipped for the slices its controllers write. */
function endpointSliceIPWarnings(es: Obj): string[] {
  const by = ownString(es.metadata?.labels, "endpointslice.kubernetes.io/managed-by");
  if (by === "endpointslice-controller.k8s.io" || by === "endpointslicemirroring-controller.k8s.io") return [];
  const out: string[] = [];
  arrayOf(es.endpoints).forEach((e, i) => arrayOf(e?.addresses).forEach((a, j) => out.push(...ipWarnings(`endpoints[${i}].addresses[${j}]`, String(a)))));
  return out;
}

/** serviceStatusStrategy.WarningsOnUpdate: the load balancer's ingress IPs (the path names the entry, not its ip). */
export function serviceStatusWarnings(svc: Obj): string[] {
  const out: string[] = [];
  arrayOf(svc.status?.loadBalancer?.ingress).forEach((ing, i) => {
    if (typeof ing?.ip === "string" && ing.ip.length > 0) out.push(...ipWarnings(`status.loadBalancer.ingress[${i}]`, ing.ip));
  });
  return out;
}

/** podStatusStrategy.WarningsOnUpdate: each of status.podIPs and status.hostIPs, by GetWarningsForIP. */
export function podStatusWarnings(pod: Obj): string[] {
  const out: string[] = [];
  arrayOf(pod.status?.podIPs).forEach((p, i) => out.push(...ipWarnings(`status.podIPs[${i}].ip`, String(p?.ip ?? ""))));
  arrayOf(pod.status?.hostIPs).forEach((h, i) => out.push(...ipWarnings(`status.hostIPs[${i}].ip`, String(h?.ip ?? ""))));
  return out;
}

function arrayOf(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

function ownString(m: unknown, key: string): string | undefined {
  if (m === null || typeof m !== "object" || !Object.hasOwn(m, key)) return undefined;
  const v = (m as Record<string, unknown>)[key];
  return typeof v === "string" ? v : undefined;
}

/** nodeStrategy's fieldIsDeprecatedWarnings, of the node as PrepareForCreate / PrepareForUpdate left it. */
function nodeWarnings(node: Obj): string[] {
  const out: string[] = [];
  if (node.spec?.configSource != null) out.push("spec.configSource: the feature is removed");
  if (typeof node.spec?.externalID === "string" && node.spec.externalID.length > 0) out.push("spec.externalID: this field is deprecated, and is unused by Kubernetes");
  return out;
}

// ---- names --------------------------------------------------------------------------------

/** podStrategy.WarningsOnCreate: a pod's name is its hostname. */
function podNameWarnings(pod: Obj): string[] {
  const msgs = isDNS1123Label(String(pod.metadata?.name ?? ""));
  return msgs.length === 0 ? [] : [`metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(" ")}]`];
}

/** The Deployment, ReplicaSet, ReplicationController, Job and CronJob strategies: their names prefix their pods'. */
function workloadNameWarnings(obj: Obj): string[] {
  const msgs = isDNS1123Label(String(obj.metadata?.name ?? ""));
  return msgs.length === 0 ? [] : [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(" ")}]`];
}

// ---- pods and pod templates ---------------------------------------------------------------

/** GetWarningsForPod. */
export function podWarnings(pod: Obj): string[] {
  return podSpecAndMetaWarnings("", pod.spec ?? {}, pod.metadata ?? {});
}

/** GetWarningsForPodTemplate, the template at path (none when it is absent). */
export function podTemplateWarnings(path: string, template: Obj | undefined): string[] {
  if (!template) return [];
  return podSpecAndMetaWarnings(path, template.spec ?? {}, template.metadata ?? {}, true);
}

/** pkg/api/node/util.go's deprecatedNodeLabels. */
const deprecatedNodeLabels: Record<string, string> = {
  "beta.kubernetes.io/arch": `deprecated since v1.14; use "kubernetes.io/arch" instead`,
  "beta.kubernetes.io/os": `deprecated since v1.14; use "kubernetes.io/os" instead`,
  "failure-domain.beta.kubernetes.io/region": `deprecated since v1.17; use "topology.kubernetes.io/region" instead`,
  "failure-domain.beta.kubernetes.io/zone": `deprecated since v1.17; use "topology.kubernetes.io/zone" instead`,
  "beta.kubernetes.io/instance-type": `deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`,
};

function nodeLabelDeprecation(key: unknown): string | undefined {
  return typeof key === "string" && Object.hasOwn(deprecatedNodeLabels, key) ? deprecatedNodeLabels[key] : undefined;
}

/** GetWarningsForNodeSelectorTerm. */
function nodeSelectorTermWarnings(term: Obj | undefined, path: string): string[] {
  const out: string[] = [];
  (term?.matchExpressions ?? []).forEach((e: Obj, i: number) => {
    const msg = nodeLabelDeprecation(e?.key);
    if (msg) out.push(`${path}.matchExpressions[${i}].key: ${e.key} is ${msg}`);
  });
  return out;
}

const deprecatedAnnotations: { key: string; message: string }[] = [
  { key: "scheduler.alpha.kubernetes.io/critical-pod", message: `non-functional in v1.16+; use the "priorityClassName" field instead` },
  { key: "security.alpha.kubernetes.io/sysctls", message: `non-functional in v1.11+; use the "sysctls" field instead` },
  { key: "security.alpha.kubernetes.io/unsafe-sysctls", message: `non-functional in v1.11+; use the "sysctls" field instead` },
];

/** Volume plugins removed from Kubernetes, with the API field they are spelled as and what became of them. */
const deprecatedVolumes: [string, string][] = [
  ["photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+"],
  ["gitRepo", "deprecated in v1.11"],
  ["scaleIO", "deprecated in v1.16, non-functional in v1.22+"],
  ["flocker", "deprecated in v1.22, non-functional in v1.25+"],
  ["storageos", "deprecated in v1.22, non-functional in v1.25+"],
  ["quobyte", "deprecated in v1.22, non-functional in v1.25+"],
  ["glusterfs", "deprecated in v1.25, non-functional in v1.26+"],
];

const seccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
const seccompContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/";
const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

function has(o: Obj | undefined, key: string): boolean {
  return o !== null && typeof o === "object" && Object.hasOwn(o, key) && o[key] !== undefined && o[key] !== null;
}

/** pods.VisitContainersWithPath: init containers, containers, then ephemeral containers, each with its path. */
function containersWithPath(spec: Obj, specPath: string): [Obj, string][] {
  const out: [Obj, string][] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    (Array.isArray(spec[list]) ? spec[list] : []).forEach((c: Obj, i: number) => out.push([c ?? {}, `${child(specPath, list)}[${i}]`]));
  }
  return out;
}

/** The fractional-byte warning for a memory, ephemeral-storage or storage quantity that is not whole. */
function fractionalBytes(list: Obj | undefined, resource: string, path: string): string[] {
  if (!has(list, resource)) return [];
  const q = parseGoQuantity(list![resource]);
  if (!q || isWholeInMilli(q)) return [];
  return [`${path}[${resource}]: fractional byte value ${goQuote(quantityString(q))} is invalid, must be an integer`];
}

/** warningsForPodSpecAndMeta: what a pod or a pod template asks for that Kubernetes ignores, drops or no longer honours. */
function podSpecAndMetaWarnings(path: string, spec: Obj, meta: Obj, isTemplate = false): string[] {
  const out: string[] = [];
  const annotations: Obj = meta.annotations ?? {};
  const specPath = child(path, "spec");

  // deprecated node labels in selectors, affinity and topology
  for (const k of Object.keys(spec.nodeSelector ?? {})) {
    const msg = nodeLabelDeprecation(k);
    if (msg) out.push(`${child(specPath, "nodeSelector")}[${k}]: ${msg}`);
  }
  const nodeAffinity = spec.affinity?.nodeAffinity;
  if (nodeAffinity) {
    const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) {
      (required.nodeSelectorTerms ?? []).forEach((t: Obj, i: number) => out.push(...nodeSelectorTermWarnings(t, `${specPath}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`)));
    }
    (nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Obj, i: number) =>
      out.push(...nodeSelectorTermWarnings(t?.preference, `${specPath}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`)),
    );
  }
  (spec.topologySpreadConstraints ?? []).forEach((t: Obj, i: number) => {
    const at = `${specPath}.topologySpreadConstraints[${i}]`;
    const msg = nodeLabelDeprecation(t?.topologyKey);
    if (msg) out.push(`${at}.topologyKey: ${t.topologyKey} is ${msg}`);
    if (!has(t, "labelSelector")) out.push(`${at}.labelSelector: a null labelSelector results in matching no pod`);
  });

  // deprecated annotations
  for (const d of deprecatedAnnotations) {
    if (Object.hasOwn(annotations, d.key)) out.push(`${child(path, "metadata.annotations")}[${d.key}]: ${d.message}`);
  }

  // deprecated and removed volume plugins
  (spec.volumes ?? []).forEach((v: Obj, i: number) => {
    const at = `${specPath}.volumes[${i}]`;
    for (const [source, msg] of deprecatedVolumes) {
      // the internal field is StorageOS; its path is spelled storageOS
      if (has(v, source)) out.push(`${at}.${source === "storageos" ? "storageOS" : source}: ${msg}`);
    }
    const claimTemplate = v?.ephemeral?.volumeClaimTemplate;
    if (claimTemplate) out.push(...pvcSpecWarnings(`${at}.ephemeral.volumeClaimTemplate.spec`, claimTemplate.spec ?? {}));
    if (has(v, "cephfs")) out.push(`${at}.cephfs: deprecated in v1.28, non-functional in v1.31+`);
    if (has(v, "rbd")) out.push(`${at}.rbd: deprecated in v1.28, non-functional in v1.31+`);
  });
  out.push(...overlappingVirtualPathWarnings(spec.volumes ?? []));

  // addresses in forms StrictIPCIDRValidation will refuse (KEP-4858's warnings, as on Services)
  arrayOf(spec.dnsConfig?.nameservers).forEach((ns, i) => out.push(...ipWarnings(`${specPath}.dnsConfig.nameservers[${i}]`, String(ns))));
  arrayOf(spec.hostAliases).forEach((a, i) => out.push(...ipWarnings(`${specPath}.hostAliases[${i}].ip`, String(a?.ip ?? ""))));

  // duplicate hostAliases and imagePullSecrets, and imagePullSecrets without a name
  const hostAliases: Obj[] = spec.hostAliases ?? [];
  if (hostAliases.length > 1) {
    const seen = new Set<string>();
    hostAliases.forEach((a, i) => {
      const ip = String(a?.ip ?? "");
      if (seen.has(ip)) out.push(`${specPath}.hostAliases[${i}].ip: duplicate ip ${goQuote(ip)}`);
      else seen.add(ip);
    });
  }
  const pullSecrets: Obj[] = spec.imagePullSecrets ?? [];
  if (pullSecrets.length > 1) {
    const seen = new Set<string>();
    pullSecrets.forEach((s, i) => {
      const name = String(s?.name ?? "");
      if (seen.has(name)) out.push(`${specPath}.imagePullSecrets[${i}].name: duplicate name ${goQuote(name)}`);
      else seen.add(name);
    });
  }
  pullSecrets.forEach((s, i) => {
    if (String(s?.name ?? "") === "") out.push(`${specPath}.imagePullSecrets[${i}].name: invalid empty name ""`);
  });

  // fractional memory and ephemeral-storage
  out.push(...fractionalBytes(spec.overhead, "memory", `${specPath}.overhead`), ...fractionalBytes(spec.overhead, "ephemeral-storage", `${specPath}.overhead`));

  // the pod seccomp annotation without the field
  if (!has(spec.securityContext, "seccompProfile") && Object.hasOwn(annotations, seccompPodAnnotation)) {
    out.push(`${child(path, "metadata.annotations")}[${seccompPodAnnotation}]: non-functional in v1.27+; use the "seccompProfile" field instead`);
  }
  const hasPodAppArmorProfile = has(spec.securityContext, "appArmorProfile");
  const containers = containersWithPath(spec, specPath);
  for (const [c, p] of containers) {
    const name = String(c.name ?? "");
    if (!has(c.securityContext, "seccompProfile") && Object.hasOwn(annotations, seccompContainerAnnotationPrefix + name)) {
      out.push(`${child(path, "metadata.annotations")}[${seccompContainerAnnotationPrefix + name}]: non-functional in v1.27+; use the "seccompProfile" field instead`);
    }
    // a pod's AppArmor annotations are warned about as the strategy copies them to fields (appArmorVersionSkewWarnings)
    if (isTemplate && !hasPodAppArmorProfile && !has(c.securityContext, "appArmorProfile") && Object.hasOwn(annotations, appArmorAnnotationPrefix + name)) {
      out.push(`${child(path, "metadata.annotations")}[${appArmorAnnotationPrefix + name}]: deprecated since v1.30; use the "appArmorProfile" field instead`);
    }
    const res = c.resources ?? {};
    out.push(
      ...fractionalBytes(res.limits, "memory", `${p}.resources.limits`),
      ...fractionalBytes(res.requests, "memory", `${p}.resources.requests`),
      ...fractionalBytes(res.limits, "ephemeral-storage", `${p}.resources.limits`),
      ...fractionalBytes(res.requests, "ephemeral-storage", `${p}.resources.requests`),
    );
    out.push(...duplicateEnvWarnings(c.env ?? [], p));
  }
  out.push(...portWarnings(containers));

  if (typeof spec.terminationGracePeriodSeconds === "number" && spec.terminationGracePeriodSeconds < 0) {
    out.push(`${specPath}.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1`);
  }
  for (const kind of ["podAffinity", "podAntiAffinity"]) {
    const a = spec.affinity?.[kind];
    if (!a) continue;
    const at = `${specPath}.affinity.${kind}`;
    (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Obj, i: number) => {
      if (!has(t, "labelSelector")) out.push(`${at}.requiredDuringSchedulingIgnoredDuringExecution[${i}].labelSelector: a null labelSelector results in matching no pod`);
    });
    (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Obj, i: number) => {
      if (!has(t?.podAffinityTerm, "labelSelector")) out.push(`${at}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm.labelSelector: a null labelSelector results in matching no pod`);
    });
  }
  return out;
}

/** A later env entry of the same name hides the earlier one unless it only extends it with $(NAME). */
function duplicateEnvWarnings(env: Obj[], containerPath: string): string[] {
  if (env.length <= 1) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  env.forEach((e, i) => {
    const name = String(e?.name ?? "");
    if (!seen.has(name)) {
      seen.add(name);
      return;
    }
    const value = String(e?.value ?? "");
    const ref = `$(${name})`;
    if (has(e, "valueFrom") || value === ref || !value.includes(ref)) {
      out.push(`${containerPath}.env[${i}]: hides previous definition of ${goQuote(name)}, which may be dropped when using apply`);
    }
  });
  return out;
}

/** Go's %+v of a core ContainerPort. */
function portString(p: Obj): string {
  return `{Name:${p.name ?? ""} HostPort:${p.hostPort ?? 0} ContainerPort:${p.containerPort ?? 0} Protocol:${p.protocol ?? "TCP"} HostIP:${p.hostIP ?? ""}}`;
}

/** Ports of all containers that repeat, overlap or are ambiguous with an earlier one of the same port and protocol. */
function portWarnings(containers: [Obj, string][]): string[] {
  const out: string[] = [];
  const byPort = new Map<string, { path: string; hostIP: string; hostPort: number }[]>();
  for (const [c, p] of containers) {
    (Array.isArray(c.ports) ? c.ports : []).forEach((port: Obj, i: number) => {
      const at = `${p}.ports[${i}]`;
      const hostIP = String(port?.hostIP ?? "");
      const hostPort = Number(port?.hostPort ?? 0);
      if (hostIP !== "" && hostPort === 0) out.push(`${at}: hostIP set without hostPort: ${portString(port ?? {})}`);
      const key = `${port?.containerPort ?? 0}/${port?.protocol ?? "TCP"}`;
      const others = byPort.get(key) ?? [];
      for (const o of others) {
        if (hostIP === o.hostIP && hostPort === o.hostPort) out.push(`${at}: duplicate port definition with ${o.path}`);
        else if (hostPort === 0 || o.hostPort === 0) out.push(`${at}: overlapping port definition with ${o.path}`);
        else if (hostPort === o.hostPort && (hostIP === "") !== (o.hostIP === "")) out.push(`${at}: dangerously ambiguous port definition with ${o.path}`);
      }
      byPort.set(key, [...others, { path: at, hostIP, hostPort }]);
    });
  }
  return out;
}

// ---- overlapping paths in configMap, secret, downwardAPI and projected volumes -----------------

/** checkForOverlap: an earlier path equal to this one, or one of them a prefix of the other followed by "/". */
function overlapWith(paths: readonly string[], path: string): string {
  for (const item of paths) {
    if (item === "" || path === "") return "";
    // kept as Kubernetes tests it: "test" also overlaps "testing"
    if (item === path || `${item}/`.startsWith(path) || `${path}/`.startsWith(item)) return item;
  }
  return "";
}

/** checkVolumeMappingForOverlap: each path (trailing slashes dropped) against those before it. */
function mappingOverlaps(paths: readonly string[], message: string): string[] {
  const out: string[] = [];
  const seen: string[] = [];
  for (const p of paths) {
    const normalized = p.replace(/\/+$/, "");
    const collision = overlapWith(seen, normalized);
    if (collision !== "") out.push(`${message}: ${goQuote(normalized)} with ${goQuote(collision)}`);
    if (!seen.includes(normalized)) seen.push(normalized);
  }
  return out;
}

function itemPaths(items: Obj[]): string[] {
  return items.map((it) => String(it?.path ?? ""));
}

/** warningsForOverlappingVirtualPaths. */
function overlappingVirtualPathWarnings(volumes: Obj[]): string[] {
  const out: string[] = [];
  for (const v of volumes) {
    const name = String(v?.name ?? "");
    if (Array.isArray(v?.configMap?.items)) out.push(...mappingOverlaps(itemPaths(v.configMap.items), `volume ${goQuote(name)} (ConfigMap ${goQuote(String(v.configMap.name ?? ""))}): overlapping paths`));
    if (Array.isArray(v?.secret?.items)) out.push(...mappingOverlaps(itemPaths(v.secret.items), `volume ${goQuote(name)} (Secret ${goQuote(String(v.secret.secretName ?? ""))}): overlapping paths`));
    if (Array.isArray(v?.downwardAPI?.items)) out.push(...mappingOverlaps(itemPaths(v.downwardAPI.items), `volume ${goQuote(name)} (DownwardAPI): overlapping paths`));
    if (v?.projected) out.push(...projectedOverlaps(name, v.projected.sources ?? []));
  }
  return out;
}

/**
 * A projected volume's sources, each against itself and against the paths of the sources before it.
 * As in Kubernetes, a source that names no paths (a configMap without items) is checked with the
 * paths and message of the source before it, which then collide with themselves.
 */
function projectedOverlaps(volume: string, sources: Obj[]): string[] {
  const out: string[] = [];
  let sourcePaths: string[] = [];
  let message = "";
  const allPaths: string[] = [];
  for (const s of sources) {
    if (!s || Object.keys(s).every((k) => s[k] === undefined || s[k] === null)) {
      out.push(`volume ${goQuote(volume)} (Projected) has no sources provided`);
      continue;
    }
    if (Array.isArray(s.configMap?.items)) {
      sourcePaths = itemPaths(s.configMap.items);
      message = `volume ${goQuote(volume)} (Projected ConfigMap ${goQuote(String(s.configMap.name ?? ""))}): overlapping paths`;
    } else if (Array.isArray(s.secret?.items)) {
      sourcePaths = itemPaths(s.secret.items);
      message = `volume ${goQuote(volume)} (Projected Secret ${goQuote(String(s.secret.name ?? ""))}): overlapping paths`;
    } else if (Array.isArray(s.downwardAPI?.items)) {
      sourcePaths = itemPaths(s.downwardAPI.items);
      message = `volume ${goQuote(volume)} (Projected DownwardAPI): overlapping paths`;
    } else if (s.serviceAccountToken) {
      sourcePaths = [String(s.serviceAccountToken.path ?? "")];
      message = `volume ${goQuote(volume)} (Projected ServiceAccountToken): overlapping paths`;
    } else if (s.clusterTrustBundle) {
      sourcePaths = [String(s.clusterTrustBundle.path ?? "")];
      const which = s.clusterTrustBundle.name ?? s.clusterTrustBundle.signerName ?? "";
      message = `volume ${goQuote(volume)} (Projected ClusterTrustBundle ${goQuote(String(which))}): overlapping paths`;
    }
    if (sourcePaths.length === 0) continue;
    out.push(...mappingOverlaps(sourcePaths, message));
    const unique = [...new Set(sourcePaths)];
    const ordered = [...unique, ...new Set(allPaths)].sort(compareBytes);
    out.push(...mappingOverlaps(ordered, message));
    for (const p of unique) if (!allPaths.includes(p)) allPaths.push(p);
  }
  return out;
}

/** sort.Strings: byte order, which for these ASCII paths is UTF-16 order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** AppArmor annotation values as the strategy turns them into fields (ApparmorFieldForAnnotation). */
function appArmorFieldForAnnotation(value: string): Obj | undefined {
  if (value === "runtime/default") return { type: "RuntimeDefault" };
  if (value === "unconfined") return { type: "Unconfined" };
  if (value.startsWith("localhost/")) {
    const profile = value.slice("localhost/".length);
    // ValidateAppArmorProfileField: a Localhost profile needs a name of at most 4095 bytes
    return profile.trim() === "" || profile.length > 4095 ? undefined : { type: "Localhost", localhostProfile: profile };
  }
  return undefined;
}

/**
 * applyAppArmorVersionSkew's warnings (a pod's PrepareForCreate): each container whose AppArmor
 * annotation is not matched by a field, unless the annotation says what the pod-level field says.
 */
export function appArmorVersionSkewWarnings(pod: Obj): string[] {
  const spec = pod.spec ?? {};
  if (spec.os?.name === "windows") return [];
  const annotations: Obj = pod.metadata?.annotations ?? {};
  const podProfile = spec.securityContext?.appArmorProfile;
  const out: string[] = [];
  for (const [c] of containersWithPath(spec, "spec")) {
    const key = appArmorAnnotationPrefix + String(c.name ?? "");
    if (!Object.hasOwn(annotations, key) || has(c.securityContext, "appArmorProfile")) continue;
    const field = appArmorFieldForAnnotation(String(annotations[key]));
    if (field === undefined || !deepEqual(field, podProfile)) out.push(`metadata.annotations[${key}]: deprecated since v1.30; use the "appArmorProfile" field instead`);
  }
  return out;
}

// ---- workloads ----------------------------------------------------------------------------

/** job.WarningsForJobSpec: the Indexed Job soft limits, then the pod template. */
function jobSpecWarnings(path: string, spec: Obj | undefined): string[] {
  if (!spec) return [];
  const out: string[] = [];
  if (spec.completionMode === "Indexed" && (spec.completions ?? 0) > 100_000 && (spec.parallelism ?? 0) > 10_000) {
    out.push(`${path}: In Indexed Jobs with a number of completions higher than 10^5 and a parallelism higher than 10^4, Kubernetes might not be able to track completedIndexes when a big number of indexes fail`);
  }
  return [...out, ...podTemplateWarnings(child(path, "template"), spec.template)];
}

/** statefulSetStrategy.WarningsOnCreate. */
function statefulSetWarnings(sts: Obj, claimSuffix: string): string[] {
  return [...podTemplateWarnings("spec.template", sts.spec?.template), ...statefulSetClaimWarnings(sts, claimSuffix)];
}

/** The claim templates' and revisionHistoryLimit's warnings; on update the claim path ends in ".Spec", as Kubernetes spells it. */
function statefulSetClaimWarnings(sts: Obj, claimSuffix: string): string[] {
  const out: string[] = [];
  (sts.spec?.volumeClaimTemplates ?? []).forEach((t: Obj, i: number) => out.push(...pvcSpecWarnings(`spec.volumeClaimTemplates[${i}]${claimSuffix}`, t?.spec ?? {})));
  if (typeof sts.spec?.revisionHistoryLimit === "number" && sts.spec.revisionHistoryLimit < 0) {
    out.push("spec.revisionHistoryLimit: a negative value retains all historical revisions; a value >= 0 is recommended");
  }
  return out;
}

// ---- storage ------------------------------------------------------------------------------

/** GetWarningsForPersistentVolumeClaimSpec: a storage request or limit that is not a whole number of bytes. */
function pvcSpecWarnings(path: string, spec: Obj): string[] {
  return [...fractionalBytes(spec.resources?.requests, "storage", `${path}.resources.requests`), ...fractionalBytes(spec.resources?.limits, "storage", `${path}.resources.limits`)];
}

/** GetWarningsForPersistentVolumeClaim. */
function pvcWarnings(pvc: Obj): string[] {
  const key = "volume.beta.kubernetes.io/storage-class";
  const out = Object.hasOwn(pvc.metadata?.annotations ?? {}, key) ? [`metadata.annotations[${key}]: deprecated since v1.8; use "storageClassName" attribute instead`] : [];
  return [...out, ...pvcSpecWarnings("spec", pvc.spec ?? {})];
}

/** GetWarningsForPersistentVolume: the beta storage-class annotation, Recycle, deprecated node labels and volume plugins. */
function pvWarnings(pv: Obj): string[] {
  const spec = pv.spec ?? {};
  const key = "volume.beta.kubernetes.io/storage-class";
  const out = Object.hasOwn(pv.metadata?.annotations ?? {}, key) ? [`metadata.annotations[${key}]: deprecated since v1.8; use "storageClassName" attribute instead`] : [];
  if (spec.persistentVolumeReclaimPolicy === "Recycle") out.push("spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.");
  (spec.nodeAffinity?.required?.nodeSelectorTerms ?? []).forEach((t: Obj, i: number) => out.push(...nodeSelectorTermWarnings(t, `spec.nodeAffinity.required.nodeSelectorTerms[${i}]`)));
  const plugins: [string, string, string][] = [
    ["cephfs", "cephfs", "deprecated in v1.28, non-functional in v1.31+"],
    ["photonPersistentDisk", "photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+"],
    ["scaleIO", "scaleIO", "deprecated in v1.16, non-functional in v1.22+"],
    ["storageos", "storageOS", "deprecated in v1.22, non-functional in v1.25+"],
    ["glusterfs", "glusterfs", "deprecated in v1.25, non-functional in v1.26+"],
    ["rbd", "rbd", "deprecated in v1.28, non-functional in v1.31+"],
  ];
  for (const [source, path, msg] of plugins) if (has(spec, source)) out.push(`spec.${path}: ${msg}`);
  return out;
}

/** GetWarningsForRuntimeClass: one warning per deprecated node label its scheduling selects on, each under the selector's path. */
function runtimeClassWarnings(rc: Obj): string[] {
  const out: string[] = [];
  for (const k of Object.keys(rc.scheduling?.nodeSelector ?? {})) {
    const msg = nodeLabelDeprecation(k);
    if (msg) out.push(`scheduling.nodeSelector: ${msg}`);
  }
  return out;
}

// ---- networking ---------------------------------------------------------------------------

/** ingressStrategy.WarningsOnCreate. */
function ingressWarnings(ing: Obj): string[] {
  const key = "kubernetes.io/ingress.class";
  return Object.hasOwn(ing.metadata?.annotations ?? {}, key) && !has(ing.spec, "ingressClassName") ? [`annotation "${key}" is deprecated, please use 'spec.ingressClassName' instead`] : [];
}

/** netip.ParseAddr's acceptance: no leading zeros in an IPv4 part (sloppy parsing already passed). */
function isStrictAddr(value: string): boolean {
  const v4 = value.includes(":") ? value.slice(value.lastIndexOf(":") + 1) : value;
  return !v4.includes(".") || v4.split(".").every((p) => p.length === 1 || p[0] !== "0");
}

function isV4InV6(bytes: number[]): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** validation.GetWarningsForIP: a sloppy or IPv4-mapped address, or an IPv6 one not in RFC 5952 form. */
export function ipWarnings(path: string, value: string): string[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [];
  if (!isStrictAddr(value) || isV4InV6(ip.bytes)) {
    return [`${path}: non-standard IP address ${goQuote(value)} will be considered invalid in a future Kubernetes release: use ${goQuote(formatIP(ip))}`];
  }
  if (ip.bytes.length === 16 && formatIP(ip) !== value) return [`${path}: IPv6 address ${goQuote(value)} should be in RFC 5952 canonical format (${goQuote(formatIP(ip))})`];
  return [];
}

/** validation.GetWarningsForCIDR: host bits set, a sloppy or IPv4-mapped address, or IPv6 not in RFC 5952 form. */
export function cidrWarnings(path: string, value: string): string[] {
  const slash = value.indexOf("/");
  const ip = slash > 0 ? parseIPSloppy(value.slice(0, slash)) : undefined;
  const lenText = slash > 0 ? value.slice(slash + 1) : "";
  if (!ip || !/^[0-9]+$/.test(lenText)) return [];
  // ParseCIDRSloppy: an IPv4-mapped address is an IPv4 network
  const v4 = ip.bytes.length === 4 || isV4InV6(ip.bytes);
  const bytes = v4 ? ip.bytes.slice(-4) : ip.bytes;
  const bits = bytes.length * 8;
  const len = Number(lenText) - (v4 && ip.bytes.length === 16 ? 96 : 0);
  if (len < 0 || len > bits) return [];
  const masked = bytes.map((b, i) => b & ((0xff << (8 - Math.max(0, Math.min(8, len - i * 8)))) & 0xff));
  const network = `${formatIP({ bytes: masked, leadingZeros: false })}/${len}`;
  const out: string[] = [];
  if (masked.some((b, i) => b !== bytes[i])) {
    out.push(`${path}: CIDR value ${goQuote(value)} is ambiguous in this context (should be ${goQuote(network)} or ${goQuote(`${formatIP({ bytes, leadingZeros: false })}/${bits}`)}?)`);
  }
  const strict = isStrictAddr(value.slice(0, slash)) && (lenText.length === 1 || lenText[0] !== "0");
  if (!strict || isV4InV6(ip.bytes)) out.push(`${path}: non-standard CIDR value ${goQuote(value)} will be considered invalid in a future Kubernetes release: use ${goQuote(network)}`);
  if (out.length === 0 && !v4) {
    const prefix = `${formatIP(ip)}/${len}`;
    if (prefix !== value) out.push(`${path}: IPv6 CIDR value ${goQuote(value)} should be in RFC 5952 canonical format (${goQuote(prefix)})`);
  }
  return out;
}

/** GetWarningsForService. */
export function serviceWarnings(svc: Obj): string[] {
  const spec = svc.spec ?? {};
  const out: string[] = [];
  if (Object.hasOwn(svc.metadata?.annotations ?? {}, "service.kubernetes.io/topology-aware-hints")) {
    out.push("annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead");
  }
  // helper.IsServiceIPSet: the addresses the client gave (allocation comes after the warnings)
  if (spec.clusterIP && spec.clusterIP !== "None") (spec.clusterIPs ?? []).forEach((ip: string, i: number) => out.push(...ipWarnings(`spec.clusterIPs[${i}]`, String(ip))));
  // type and sessionAffinity are defaulted by then (ClusterIP, None)
  if ((spec.type ?? "ClusterIP") === "ClusterIP" && spec.clusterIP === "None") {
    if (spec.loadBalancerIP) out.push("spec.loadBalancerIP is ignored for headless services");
    if ((spec.externalIPs ?? []).length > 0) out.push("spec.externalIPs is ignored for headless services");
    if ((spec.sessionAffinity ?? "None") !== "None") out.push("spec.SessionAffinity is ignored for headless services");
  }
  (spec.externalIPs ?? []).forEach((ip: string, i: number) => out.push(...ipWarnings(`spec.externalIPs[${i}]`, String(ip))));
  if (spec.loadBalancerIP) out.push(...ipWarnings("spec.loadBalancerIP", String(spec.loadBalancerIP)));
  (spec.loadBalancerSourceRanges ?? []).forEach((c: string, i: number) => out.push(...cidrWarnings(`spec.loadBalancerSourceRanges[${i}]`, String(c))));
  if (spec.type === "ExternalName" && (spec.externalIPs ?? []).length > 0) out.push(`spec.externalIPs is ignored when spec.type is "ExternalName"`);
  if (spec.type !== "ExternalName" && spec.externalName) out.push(`spec.externalName is ignored when spec.type is not "ExternalName"`);
  if (spec.trafficDistribution === "PreferClose") out.push(`spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"`);
  return out;
}
