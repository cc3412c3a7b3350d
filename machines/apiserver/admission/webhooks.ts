// Dynamic admission webhooks (k8s.io/apiserver pkg/admission/plugin/webhook v0.35): which webhooks a
// request calls (generic.ShouldCallHook with the predicates' rules, namespace and object matchers),
// the AdmissionReview v1 it sends (request.CreateV1AdmissionReview), and what the answer does to the
// request (request.VerifyAdmissionResponse, the dispatchers, errors.ToStatusErr). The HTTP call is
// the runtime's; everything here is data in, data out.

import type { Status } from "kubernetes-types/meta/v1";
import { selectorMatches } from "../validation/selector.js";
import { jsonPatch } from "../patch.js";
import { mutant } from "../../common/mutation.js";
import { resources, type ResourceInfo } from "../resources.js";
import { goQuote } from "../../common/goquote.js";
import type { MatchResult } from "./celadmission.js";

type Obj = any;

/** One webhook of a configuration, in the order the API server calls them. */
export interface WebhookRef {
  configuration: string;
  hook: Obj;
}

/** What a webhook is told of a request (admission.Attributes at the version the request was made). */
export interface WebhookAttributes {
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  group: string;
  version: string;
  resource: string;
  subresource: string;
  kind: string;
  name: string;
  namespace: string;
  object?: Obj;
  oldObject?: Obj;
  options?: Obj;
  dryRun: boolean;
  user: { name: string; groups: string[]; uid?: string; extra?: Array<[string, string[]]> };
}

/** Where the runtime sends the AdmissionReview: a URL, and the address to dial when a service stands for the host. */
export interface WebhookTarget {
  url: string;
  /** host:port to connect to instead of the URL's host (a service's ExternalName or endpoint) */
  dial?: string;
  /** the TLS server name to verify (a service's name.namespace.svc) */
  serverName?: string;
  /** a dial error Kubernetes' service resolver gives before any connection */
  resolveError?: string;
  /** a ClusterIP with no endpoint podflow's host can reach: kube-proxy rejects the connection */
  refused?: boolean;
}

/** rules.IsExemptAdmissionConfigurationResource: webhooks never see the objects that configure admission. */
export function isExemptFromWebhooks(group: string, kind: string): boolean {
  return group === "admissionregistration.k8s.io" && ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"].includes(kind);
}

/** The webhook source's list: configurations sorted by name, each one's webhooks in their order. */
export function webhooksOf(configurations: Iterable<Obj>): WebhookRef[] {
  const sorted = [...configurations].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return sorted.flatMap((c) => (Array.isArray(c.webhooks) ? c.webhooks : []).map((hook: Obj) => ({ configuration: c.metadata.name, hook })));
}

const exactOrWildcard = (items: unknown, requested: string) => Array.isArray(items) && items.some((i) => i === "*" || i === requested);

/** rules.Matcher.Matches: scope, operation, group, version, resource with its subresource. */
export function ruleMatches(rule: Obj, a: WebhookAttributes): boolean {
  const isNamespace = a.group === "" && a.version === "v1" && a.resource === "namespaces";
  const scope = rule?.scope ?? "*";
  // the mutant forgets that a Namespace object is cluster-scoped though it names itself
  const scoped = scope === "*" ? true : scope === "Namespaced" ? (mutant("webhook.namespaced-scope-matches-namespaces") ? a.namespace !== "" : !isNamespace && a.namespace !== "") : scope === "Cluster" ? isNamespace || a.namespace === "" : false;
  if (!scoped) return false;
  if (!(Array.isArray(rule.operations) && rule.operations.some((op: unknown) => op === "*" || op === a.operation))) return false;
  if (!exactOrWildcard(rule.apiGroups, a.group) || !exactOrWildcard(rule.apiVersions, a.version)) return false;
  return (Array.isArray(rule.resources) ? rule.resources : []).some((rs: unknown) => {
    const s = String(rs);
    const slash = s.indexOf("/");
    const res = slash < 0 ? s : s.slice(0, slash);
    const sub = slash < 0 ? "" : s.slice(slash + 1);
    // the mutant lets a rule for the resource alone match its subresources too
    return (res === "*" || res === a.resource) && (sub === "*" || sub === a.subresource || (mutant("webhook.rule-resource-matches-subresources") && slash < 0));
  });
}

const isEmptySelector = (sel: Obj) => sel == null || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
const labelsOf = (o: Obj): Record<string, string> | undefined => (o !== null && typeof o === "object" && o.metadata !== null && typeof o.metadata === "object" ? (o.metadata.labels ?? {}) : undefined);

/**
 * The namespace and object matchers (predicates/namespace, predicates/object) of a webhook or a
 * policy's match resources: false when either excludes the request; a missing namespace is its 404,
 * which counts only once the rules matched (ShouldCallHook and matching.Matcher both wait for them).
 */
export function selectorsMatch(criteria: Obj, a: WebhookAttributes, namespaceLabels: (ns: string) => Record<string, string> | undefined): boolean | { error: Status } {
  let nsError: Status | undefined;
  // the mutant judges a cluster-scoped object by the labels of a namespace it does not have
  if ((mutant("webhook.cluster-scoped-checks-namespace-selector") || !(a.namespace === "" && a.resource !== "namespaces")) && !isEmptySelector(criteria.namespaceSelector)) {
    // a namespace's own request is judged on its labels (GetNamespaceLabels)
    const labels = a.resource === "namespaces" && a.group === "" ? (labelsOf(a.object) ?? labelsOf(a.oldObject)) : namespaceLabels(a.namespace);
    if (labels === undefined) nsError = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `namespaces "${a.namespace}" not found`, reason: "NotFound", details: { name: a.namespace, kind: "namespaces" }, code: 404 };
    else if (!selectorMatches(criteria.namespaceSelector, labels)) return false;
  }
  if (!isEmptySelector(criteria.objectSelector)) {
    const matchObject = (o: Obj) => labelsOf(o) !== undefined && selectorMatches(criteria.objectSelector, labelsOf(o));
    // the mutant matches the new object only: a DELETE (old object alone) never calls the hook
    if (!matchObject(a.object) && (mutant("webhook.object-selector-new-object-only") || !matchObject(a.oldObject))) return false;
  }
  return nsError ? { error: nsError } : true;
}

/**
 * ShouldCallHook: the namespace selector (cluster-scoped objects other than namespaces always match;
 * a missing namespace is its 404), the object selector on the new or the old object, the rules,
 * then the matchConditions (`conditions` evaluates them: any false skips the webhook, an error under
 * failurePolicy Fail refuses the request as Forbidden, under Ignore skips it).
 */
export function shouldCallHook(hook: Obj, a: WebhookAttributes, namespaceLabels: (ns: string) => Record<string, string> | undefined, conditions?: (hook: Obj) => MatchResult): boolean | { error: Status } {
  const selected = selectorsMatch(hook, a, namespaceLabels);
  if (selected === false) return false;
  // matchPolicy Equivalent also tries the equivalent resources: podflow serves each resource at one group and version
  if (!(Array.isArray(hook.rules) ? hook.rules : []).some((r: Obj) => ruleMatches(r, a))) return false;
  if (selected !== true) return selected;
  if (!Array.isArray(hook.matchConditions) || hook.matchConditions.length === 0 || conditions === undefined) return true;
  const matched = conditions(hook);
  if ("error" in matched) return { error: forbiddenFor(a, matched.error) };
  return matched.matches;
}

/** apierrors.NewForbidden for the request's group-resource and name (no subresource), as ShouldCallHook words a failed match condition. */
function forbiddenFor(a: WebhookAttributes, err: string): Status {
  const gr = a.group === "" ? a.resource : `${a.resource}.${a.group}`;
  const message = a.name !== "" ? `${gr} ${goQuote(a.name)} is forbidden: ${err}` : `${gr} is forbidden: ${err}`;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Forbidden", details: { ...(a.name !== "" ? { name: a.name } : {}), ...(a.group !== "" ? { group: a.group } : {}), kind: a.resource }, code: 403 };
}

/** CreateV1AdmissionReview: the request a webhook gets, with its uid. */
export function admissionReview(uid: string, a: WebhookAttributes): Obj {
  // fromEntries defines own properties: an impersonated extra key "__proto__" stays a key
  const extra: Record<string, string[]> = Object.fromEntries(a.user.extra ?? []);
  const request: Obj = {
    uid,
    kind: { group: a.group, version: a.version, kind: a.kind },
    resource: { group: a.group, version: a.version, resource: a.resource },
    ...(a.subresource ? { subResource: a.subresource } : {}),
    requestKind: { group: a.group, version: a.version, kind: a.kind },
    requestResource: { group: a.group, version: a.version, resource: a.resource },
    ...(a.subresource ? { requestSubResource: a.subresource } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    operation: a.operation,
    userInfo: { username: a.user.name, ...(a.user.uid ? { uid: a.user.uid } : {}), groups: a.user.groups, ...(Object.keys(extra).length > 0 ? { extra } : {}) },
    object: a.object ?? null,
    oldObject: a.oldObject ?? null,
    dryRun: a.dryRun,
    options: a.options ?? null,
  };
  return { kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", request };
}

/** The URL the API server posts to (the rest client adds ?timeout=Ns), and where it connects. */
export function webhookTarget(hook: Obj, service: (ns: string, name: string) => Obj | undefined, endpoint: (ns: string, name: string) => string | undefined): WebhookTarget {
  const timeout = `?timeout=${hook.timeoutSeconds ?? 10}s`;
  const cc = hook.clientConfig ?? {};
  if (typeof cc.url === "string") return { url: `${cc.url}${timeout}` };
  const svc = cc.service ?? {};
  const port = svc.port ?? 443;
  const serverName = `${svc.name}.${svc.namespace}.svc`;
  const path = typeof svc.path === "string" ? svc.path : "";
  const url = `https://${serverName}:${port}${path}${timeout}`;
  // aggregator's ClusterIP service resolver (ResolveCluster)
  const s = service(svc.namespace, svc.name);
  if (s === undefined) return { url, serverName, resolveError: `service "${svc.name}" not found` };
  if (s.spec?.type === "ExternalName") return { url, serverName, dial: `${s.spec.externalName}:${port}` };
  if (s.spec?.clusterIP === "None") return { url, serverName, resolveError: `cannot route to service with ClusterIP None` };
  const svcPort = (s.spec?.ports ?? []).find((p: Obj) => p.port === port);
  if (svcPort === undefined) return { url, serverName, resolveError: `no service port ${port} found for service "${svc.name}"` };
  // the ClusterIP reaches what kube-proxy sends it to: an endpoint podflow's host can connect to, else nothing listens
  const ep = endpoint(svc.namespace, svc.name);
  return { url, serverName, dial: ep ?? `${s.spec?.clusterIP}:${port}`, ...(ep === undefined ? { refused: true } : {}) };
}

/** How a call ended, as the runtime reports it. */
export type WebhookOutcome = { body: unknown; status: number } | { error: string };

/** What one webhook's answer does: a patched object, warnings, a refusal, or a failure the failure policy judges. */
export interface WebhookVerdict {
  obj?: Obj;
  warnings?: string[];
  /** the request is refused with this Status */
  error?: Status;
}

const internal = (msg: string): Status => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Internal error occurred: ${msg}`, reason: "InternalError", details: { causes: [{ message: msg }] }, code: 500 });
const badRequest = (msg: string): Status => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: msg, reason: "BadRequest", code: 400 });

/** NewDryRunUnsupportedErr, when a dry run would reach a webhook with side effects. */
export function dryRunRefusal(hook: Obj): Status | undefined {
  if (hook.sideEffects === "None" || hook.sideEffects === "NoneOnDryRun") return undefined;
  return badRequest(`admission webhook "${hook.name}" does not support dry run`);
}

/** ToStatusErr: a webhook's refusal, its status sanitized (code at least 400, Failure) and its message prefixed. */
export function deniedStatus(name: string, result: Obj): Status {
  const r = result !== null && typeof result === "object" && !Array.isArray(result) ? result : {};
  const deniedBy = `admission webhook "${name}" denied the request`;
  const message = typeof r.message === "string" && r.message.length > 0 ? `${deniedBy}: ${r.message}` : typeof r.reason === "string" && r.reason.length > 0 ? `${deniedBy}: ${r.reason}` : `${deniedBy} without explanation`;
  const code = typeof r.code === "number" && Number.isInteger(r.code) && (r.code >= 400 || (mutant("webhook.denied-code-below-400-kept") && r.code >= 100)) && r.code <= 999 ? r.code : 400;
  const status = r.status === "" || r.status === "Success" || typeof r.status !== "string" ? "Failure" : r.status;
  return {
    kind: "Status", apiVersion: "v1", metadata: {}, status, message,
    ...(typeof r.reason === "string" && r.reason.length > 0 ? { reason: r.reason } : {}),
    ...(r.details !== null && typeof r.details === "object" && !Array.isArray(r.details) ? { details: r.details } : {}),
    code,
  };
}

/** An ErrCallingWebhook: refused as an internal error under failurePolicy Fail, passed over under Ignore. */
function callingError(hook: Obj, reason: string): WebhookVerdict {
  return hook.failurePolicy === "Ignore" ? {} : { error: internal(`failed calling webhook "${hook.name}": ${reason}`) };
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The answer judged as the dispatchers do: a transport failure or an invalid AdmissionReview is the
 * failure policy's; a refusal is ToStatusErr's; a mutating webhook's JSONPatch applies to the object
 * (then defaulted again by `redefault`).
 */
export function judgeWebhookAnswer(hook: Obj, uid: string, mutating: boolean, obj: Obj, outcome: WebhookOutcome, redefault: (o: Obj) => Obj): WebhookVerdict {
  if ("error" in outcome) return callingError(hook, `failed to call webhook: ${outcome.error}`);
  const review = outcome.body;
  if (!isObj(review)) return callingError(hook, "failed to call webhook: couldn't get version/kind; json parse error: json: cannot unmarshal into Go value of type struct");
  if (!isObj(review.response)) return callingError(hook, "received invalid webhook response: webhook response was absent");
  const res = review.response;
  if (res.uid !== uid) return callingError(hook, `received invalid webhook response: expected response.uid="${uid}", got "${typeof res.uid === "string" ? res.uid : ""}"`);
  if (review.apiVersion !== "admission.k8s.io/v1" || review.kind !== "AdmissionReview") {
    return callingError(hook, `received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${goGVK(review)}`);
  }
  const patch = typeof res.patch === "string" ? res.patch : "";
  const hasPatchType = res.patchType != null;
  if (mutating) {
    if (patch.length > 0 && !hasPatchType) return callingError(hook, "received invalid webhook response: webhook returned response.patch but not response.patchType");
    if (patch.length === 0 && hasPatchType) return callingError(hook, "received invalid webhook response: webhook returned response.patchType but not response.patch");
  } else {
    if (patch.length > 0) return callingError(hook, "received invalid webhook response: validating webhook may not return response.patch");
    if (hasPatchType) return callingError(hook, "received invalid webhook response: validating webhook may not return response.patchType");
  }
  const warnings = Array.isArray(res.warnings) ? res.warnings.filter((w: unknown): w is string => typeof w === "string") : [];
  const withWarnings = (v: WebhookVerdict): WebhookVerdict => (warnings.length > 0 ? { ...v, warnings } : v);
  // the mutant lets failurePolicy Ignore pass over a webhook's explicit refusal too
  if (res.allowed !== true) return mutant("webhook.ignore-policy-swallows-denial") && hook.failurePolicy === "Ignore" ? withWarnings({}) : withWarnings({ error: deniedStatus(hook.name, res.status) });
  if (!mutating || patch.length === 0) return withWarnings({});
  let ops: unknown;
  try {
    ops = JSON.parse(Buffer.from(patch, "base64").toString("utf8"));
  } catch (e) {
    return callingError(hook, `received undecodable patch in webhook response: ${(e as Error).message}`);
  }
  if (Array.isArray(ops) && ops.length === 0) return withWarnings({});
  if (obj === undefined) return withWarnings({ error: internal(`admission webhook "${hook.name}" attempted to modify the object, which is not supported for this operation`) });
  if (res.patchType !== "JSONPatch") return callingError(hook, `unsupported patch type "${String(res.patchType)}"`);
  try {
    return withWarnings({ obj: redefault(jsonPatch(obj, ops)) });
  } catch (e) {
    return withWarnings({ error: internal((e as Error).message) });
  }
}

/** schema.GroupVersionKind's String(): "group/version, Kind=kind". */
function goGVK(review: Obj): string {
  const av = typeof review.apiVersion === "string" ? review.apiVersion : "";
  const slash = av.indexOf("/");
  const [group, version] = slash < 0 ? ["", av] : [av.slice(0, slash), av.slice(slash + 1)];
  return `${group}/${version}, Kind=${typeof review.kind === "string" ? review.kind : ""}`;
}

/** The Go package of a group's internal types (a registry's object after the codec's conversion). */
export function internalPackage(group: string): string {
  if (group === "" || group === "events.k8s.io") return "core";
  if (group === "internal.apiserver.k8s.io") return "apiserverinternal";
  return group.split(".")[0]!;
}

/**
 * The type a mutating webhook's patched JSON decodes as (callAttrMutatingHook's jsonSerializer.Decode
 * into the request's versioned kind): an empty apiVersion or kind is the request's
 * (gvkWithDefaults); another kind of the same group and version decodes as that kind, which the
 * dispatcher's conversion to the internal type, once every webhook ran, refuses as a plain error
 * (a 500 without a reason); a version serving no kind at all is the scheme's not-registered error,
 * an internal error at once. Custom resources decode as unstructured, whatever they say.
 */
export function mutatedKindError(r: ResourceInfo, patched: Obj): { at: "decode" | "convert"; status: Status } | undefined {
  if (r.custom || !isObj(patched)) return undefined;
  const av = typeof patched.apiVersion === "string" ? patched.apiVersion : "";
  const kind = typeof patched.kind === "string" && patched.kind !== "" ? patched.kind : r.kind;
  const slash = av.indexOf("/");
  const [group, version] = av === "" ? [r.group, r.version] : slash < 0 ? ["", av] : [av.slice(0, slash), av.slice(slash + 1)];
  if (group === r.group && version === r.version && kind === r.kind) return undefined;
  const served = resources.filter((x) => x.group === group && x.version === version);
  if (group === r.group && version === r.version && served.some((x) => x.kind === kind)) {
    return { at: "convert", status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `converting (${version}.${kind}) to (${internalPackage(r.group)}.${r.kind}): unknown conversion`, code: 500 } };
  }
  if (served.length === 0) {
    const gv = group === "" ? version : `${group}/${version}`;
    return { at: "decode", status: internal(`no kind "${kind}" is registered for version "${gv}" in scheme "pkg/api/legacyscheme/scheme.go:30"`) };
  }
  return undefined;
}

/**
 * rest.BeforeCreate and BeforeUpdate after mutating admission: EnsureObjectNamespaceMatchesRequestNamespace
 * gives an unset namespace the request's, clears a cluster-scoped object's, and refuses another.
 */
export function mutatedNamespace(r: ResourceInfo, requestNamespace: string | undefined, obj: Obj): { obj: Obj } | { error: Status } {
  const expected = r.namespaced ? (requestNamespace ?? "") : "";
  const meta = isObj(obj?.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === "string" ? meta.namespace : "";
  if (ns === expected) return { obj };
  if (ns === "" || expected === "") {
    const { namespace: _dropped, ...rest } = meta;
    return { obj: { ...obj, metadata: expected === "" ? rest : { ...meta, namespace: expected } } };
  }
  return { error: badRequest("the namespace of the provided object does not match the namespace sent on the request") };
}
