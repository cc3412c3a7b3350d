// Kubernetes' own definitions, written here from its source so that an invariant never asks the
// code it judges what is right. Each function names the Go function it follows; none imports
// from machines/ (test/invariants-independent.test.ts checks that).

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: any): boolean {
  return (pod?.status?.conditions ?? []).some((c: any) => c?.type === "Ready" && c?.status === "True");
}

/** podutil.IsPodTerminal: phase Succeeded or Failed. */
export function isPodTerminal(pod: any): boolean {
  const p = pod?.status?.phase;
  return p === "Succeeded" || p === "Failed";
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(pod: any): boolean {
  return !isPodTerminal(pod) && !pod?.metadata?.deletionTimestamp;
}

/** endpointutil.ShouldPodBeInEndpoints: not terminal, has an IP, and terminating only when asked. */
export function shouldPodBeInEndpoints(pod: any, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod?.status?.podIP && !(pod?.status?.podIPs?.length > 0)) return false;
  if (!includeTerminating && pod?.metadata?.deletionTimestamp) return false;
  return true;
}

/** The pod's IPv4 address (the family of a single-stack IPv4 Service): from status.podIPs, else status.podIP. */
export function podIPv4(pod: any): string | undefined {
  for (const p of pod?.status?.podIPs ?? []) if (typeof p?.ip === "string" && !p.ip.includes(":")) return p.ip;
  const ip = pod?.status?.podIP;
  return typeof ip === "string" && ip !== "" && !ip.includes(":") ? ip : undefined;
}

/** labels.SelectorFromSet(service.spec.selector).Matches(pod labels): every key=value is among the labels. */
export function selectorSetMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  for (const k of Object.keys(selector ?? {})) {
    if (!labels || !Object.hasOwn(labels, k) || labels[k] !== selector![k]) return false;
  }
  return true;
}

/**
 * podutil.FindPort: a named targetPort is the containerPort of that name and protocol among the
 * containers (then the restartable init containers, the sidecars); a number is itself.
 */
export function findPort(pod: any, svcPort: any): number | undefined {
  const target = svcPort?.targetPort ?? svcPort?.port;
  const protocol = svcPort?.protocol ?? "TCP";
  if (typeof target === "number") return target;
  if (typeof target !== "string") return undefined;
  const sidecars = (pod?.spec?.initContainers ?? []).filter((c: any) => c?.restartPolicy === "Always");
  for (const c of [...(pod?.spec?.containers ?? []), ...sidecars]) {
    for (const p of c?.ports ?? []) if (p?.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
  }
  return undefined;
}

const binarySuffix: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffix: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

// Invariants parse the same few quantities at every step: remember them (bounded: they come from clients).
const parsedQuantities = new Map<string, number>();

/** resource.Quantity's value in base units ("100m" is 0.1, "1Gi" is 2^30); NaN when it does not parse. */
export function quantity(q: unknown): number {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return NaN;
  let v = parsedQuantities.get(q);
  if (v === undefined) {
    v = parseQuantity(q);
    if (parsedQuantities.size > 10_000) parsedQuantities.clear();
    parsedQuantities.set(q, v);
  }
  return v;
}

function parseQuantity(q: string): number {
  const m = /^([+-]?[0-9]*\.?[0-9]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const s = m[3] ?? "";
  return n * (binarySuffix[s] ?? decimalSuffix[s]!);
}

/** Quantity.MilliValue: thousandths, rounded up. */
export function milli(q: unknown): number {
  return Math.ceil(quantity(q) * 1000 - 1e-6);
}

/** A container's request for a resource: requests, else limits (API defaulting copies limits into absent requests). */
function containerRequest(c: any, resource: string): number {
  const r = c?.resources?.requests?.[resource] ?? c?.resources?.limits?.[resource];
  if (r === undefined) return 0;
  return resource === "cpu" ? milli(r) : quantity(r);
}

/**
 * resourcehelper.PodRequests for one resource (cpu in millicores, the rest in base units): the sum
 * of the containers and sidecars, or the largest init container plus the sidecars started before
 * it if that is more, plus the pod overhead; pod-level requests replace the containers' sum.
 */
export function podRequest(pod: any, resource: string): number {
  const spec = pod?.spec ?? {};
  let sum = 0;
  for (const c of spec.containers ?? []) sum += containerRequest(c, resource);
  let sidecars = 0;
  let initMax = 0;
  for (const c of spec.initContainers ?? []) {
    const r = containerRequest(c, resource);
    if (c?.restartPolicy === "Always") {
      sidecars += r;
      sum += r;
      initMax = Math.max(initMax, sidecars);
    } else initMax = Math.max(initMax, r + sidecars);
  }
  let total = Math.max(sum, initMax);
  const podLevel = spec.resources?.requests?.[resource];
  if (podLevel !== undefined) total = resource === "cpu" ? milli(podLevel) : quantity(podLevel);
  const overhead = spec.overhead?.[resource];
  if (overhead !== undefined) total += resource === "cpu" ? milli(overhead) : quantity(overhead);
  return total;
}

/** v1helper.TolerationsTolerateTaint for one toleration (ToleratesTaint): effect, key and value. */
export function tolerates(t: any, taint: any): boolean {
  if (t?.effect && t.effect !== taint?.effect) return false;
  if (t?.key && t.key !== taint?.key) return false;
  const op = t?.operator ?? "Equal";
  if (op === "Exists") return true;
  if (op === "Equal") return (t?.value ?? "") === (taint?.value ?? "");
  return false;
}

/**
 * How long a pod may stay on a node with this NoExecute taint (the taint eviction controller's
 * getMinTolerationTime over the matching tolerations): 0 when not tolerated, Infinity when
 * tolerated forever, else the smallest tolerationSeconds (negative counts as 0).
 */
export function toleratedSeconds(pod: any, taint: any): number {
  const matching = (pod?.spec?.tolerations ?? []).filter((t: any) => tolerates(t, taint));
  if (matching.length === 0) return 0;
  let min = Infinity;
  for (const t of matching) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    min = Math.min(min, Math.max(0, t.tolerationSeconds));
  }
  return min;
}

/** One NodeSelectorRequirement against a value (nodeaffinity's nodeSelectorRequirementsAsSelector): In, NotIn, Exists, DoesNotExist, Gt, Lt. */
function nodeRequirementMatches(r: any, has: boolean, value: string | undefined): boolean {
  const values: string[] = r?.values ?? [];
  switch (r?.operator) {
    case "In": return has && values.includes(value!);
    case "NotIn": return !has || !values.includes(value!);
    case "Exists": return has;
    case "DoesNotExist": return !has;
    case "Gt": case "Lt": {
      const a = Number(value), b = Number(values[0]);
      if (!has || !Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.operator === "Gt" ? a > b : a < b;
    }
    default: return false;
  }
}

/**
 * Whether a node satisfies a pod's spec.nodeSelector and required node affinity
 * (nodeaffinity.GetRequiredNodeAffinity(pod).Match): every nodeSelector label, and some
 * nodeSelectorTerm whose matchExpressions (node labels) and matchFields (metadata.name) all hold;
 * a term with neither matches nothing.
 */
export function nodeMatchesPodAffinity(pod: any, node: any): boolean {
  const labels: Record<string, string> = node?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod?.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t: any) => {
    const exprs: any[] = t?.matchExpressions ?? [];
    const fields: any[] = t?.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return exprs.every((r) => nodeRequirementMatches(r, Object.hasOwn(labels, r.key), labels[r.key]))
      && fields.every((r) => r.key === "metadata.name" && nodeRequirementMatches(r, true, node?.metadata?.name));
  });
}

/** A parsed label selector requirement (labels.Requirement). */
interface Requirement {
  key: string;
  op: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

/** labels.Parse for the forms clients send (k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k); undefined when it does not parse. */
export function parseLabelSelector(s: string): Requirement[] | undefined {
  const out: Requirement[] = [];
  // split on commas outside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) parts.push(cur), (cur = "");
    else cur += ch;
  }
  if (cur.trim() !== "") parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) out.push({ key: m[1]!, op: m[2] as "in" | "notin", values: m[3]!.split(",").map((x) => x.trim()) });
    else if ((m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(p))) out.push({ key: m[1]!, op: m[2] === "!=" ? "!=" : "=", values: [m[3]!] });
    else if ((m = /^!\s*([^\s!=(),]+)$/.exec(p))) out.push({ key: m[1]!, op: "!", values: [] });
    else if ((m = /^([^\s!=(),]+)$/.exec(p))) out.push({ key: m[1]!, op: "exists", values: [] });
    else return undefined;
  }
  return out;
}

/** labels.Selector.Matches over a pod's (or any object's) labels. */
export function labelsMatch(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  const has = (k: string) => labels !== undefined && Object.hasOwn(labels, k);
  for (const r of reqs) {
    const v = has(r.key) ? labels![r.key] : undefined;
    if (r.op === "=" && v !== r.values[0]) return false;
    if (r.op === "!=" && v === r.values[0]) return false;
    if (r.op === "in" && (v === undefined || !r.values.includes(v))) return false;
    if (r.op === "notin" && v !== undefined && r.values.includes(v)) return false;
    if (r.op === "exists" && v === undefined) return false;
    if (r.op === "!" && v !== undefined) return false;
  }
  return true;
}

/** fields.ParseSelector for k=v, k==v and k!=v terms; undefined when it does not parse. */
export function parseFieldSelector(s: string): Array<{ key: string; neg: boolean; value: string }> | undefined {
  const out: Array<{ key: string; neg: boolean; value: string }> = [];
  for (const raw of s.split(",")) {
    const p = raw.trim();
    if (p === "") continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(p);
    if (!m) return undefined;
    out.push({ key: m[1]!, neg: m[2] === "!=", value: m[3]! });
  }
  return out;
}

/** The value of a selectable field, as the registries' GetAttrs give it (absent is ""; booleans as "true"/"false"). */
export function fieldValue(obj: any, path: string): string {
  let v: any = obj;
  for (const k of path.split(".")) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k)) {
      v = undefined;
      break;
    }
    v = v[k];
  }
  if (path === "spec.hostNetwork") return v === true ? "true" : "false";
  return v === undefined || v === null ? "" : String(v);
}

/** fields.Selector.Matches over an object. */
export function fieldsMatch(reqs: ReadonlyArray<{ key: string; neg: boolean; value: string }>, obj: any): boolean {
  for (const r of reqs) if ((fieldValue(obj, r.key) === r.value) === r.neg) return false;
  return true;
}

/** meta.UnsafeGuessKindToResource, with the one registered exception this model serves (Endpoints). */
export function resourceOfKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === "endpoints") return "endpoints";
  if (lower.endsWith("s")) return lower + "es";
  if (lower.endsWith("y")) return lower.slice(0, -1) + "ies";
  return lower + "s";
}

/** The API group of an object, from its apiVersion ("" for the core group). */
export function groupOf(obj: any): string {
  const av: string = obj?.apiVersion ?? "";
  const i = av.indexOf("/");
  return i < 0 ? "" : av.slice(0, i);
}

/** A CRI sandbox's state as runtime.v1 names it, read from the runtime's snapshot (the world a kubelet acts on). */
export function sandboxReady(sb: any): boolean {
  return sb?.lifecycle?.value === "SANDBOX_READY";
}

/** A CRI container's state as runtime.v1 names it (the top state of its lifecycle). */
export function containerStateOf(c: any): string | undefined {
  const v = c?.lifecycle?.value;
  if (typeof v === "string") return v;
  return v && typeof v === "object" ? Object.keys(v)[0] : undefined;
}

/** intstr.GetScaledValueFromIntOrPercent: an int as is, "N%" of total rounded up or down; NaN when it does not parse. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const m = typeof v === "string" ? /^(\d+)%$/.exec(v) : null;
  if (!m) return NaN;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/**
 * deploymentutil.ResolveFenceposts: a RollingUpdate Deployment's maxSurge (rounded up) and
 * maxUnavailable (rounded down), each defaulting to 25%; both 0 makes maxUnavailable 1. A Recreate
 * Deployment never surges.
 */
export function resolveFenceposts(d: any): { maxSurge: number; maxUnavailable: number } {
  const replicas = d?.spec?.replicas ?? 1;
  if (d?.spec?.strategy?.type === "Recreate") return { maxSurge: 0, maxUnavailable: replicas };
  const ru = d?.spec?.strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge ?? "25%", replicas, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? "25%", replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}
