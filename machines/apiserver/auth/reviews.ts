// The review APIs, answered as kube-apiserver's REST storage answers them and never stored:
// SelfSubjectAccessReview, SubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1,
// pkg/registry/authorization/*), SelfSubjectReview and TokenReview (authentication.k8s.io/v1). An
// access review asks the same authorizer chain a request meets; a rules review lists RBAC's rules for
// the user; a token review asks the authenticator a request meets about someone else's token.

import type { Status } from "kubernetes-types/meta/v1";
import { parseFieldSelector, parseSelector, type FieldRequirement } from "../../common/labels.js";
import type { ResourceInfo } from "../resources.js";
import * as S from "../status.js";
import { authorize } from "./index.js";
import { nodeIdentity, type NodeGraph } from "./node.js";
import { rulesFor } from "./rbac.js";
import { serviceAccountIssuer } from "./tokenrequest.js";
import { legacyIssuer } from "../../common/legacytoken.js";
import type { Attributes, UserInfo } from "./types.js";

/** The kinds answered here rather than stored. */
export const reviewKinds: ReadonlySet<string> = new Set(["SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview", "TokenReview"]);

export type ReviewAnswer = { object: any } | { error: Status };

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * The API server's token authenticators' answer on a token: the user it is and the audiences it was
 * accepted for, among those asked; the error of the authenticator that claims it and refuses it; or
 * undefined when none claims it.
 */
export type TokenReviewAnswer = { user: UserInfo; audiences: string[] } | { error: string } | undefined;

/** The API server's token authenticator for a TokenReview. */
export type TokenReviewer = (token: string, audiences: readonly string[]) => TokenReviewAnswer;

/** Answers a review of kind r.kind posted by user (its body already decoded against the kind's schema); namespace: the request's. */
export function answerReview(r: ResourceInfo, body: any, user: UserInfo, graph: NodeGraph, now: string, namespace = "", reviewToken?: TokenReviewer, apiAudiences: readonly string[] = []): ReviewAnswer {
  const b = isObject(body) ? body : {};
  const head = { kind: r.kind, apiVersion: `${r.group}/${r.version}` };
  switch (r.kind) {
    case "SelfSubjectAccessReview":
    case "SubjectAccessReview": {
      const spec = isObject(b.spec) ? b.spec : {};
      const errs = [...validateAccessReviewSpec(spec, r.kind === "SubjectAccessReview"), ...metadataMustBeEmpty(b.metadata)];
      if (errs.length > 0) return { error: S.invalid(r, "", errs) };
      const subject = r.kind === "SelfSubjectAccessReview" ? user : subjectOf(spec);
      const { attributes, selectorErrors } = attributesFrom(subject, spec);
      const d = authorize(attributes, graph);
      const status: Record<string, unknown> = { allowed: d.allowed };
      if (d.reason) status.reason = d.reason;
      if (selectorErrors.length > 0) status.evaluationError = selectorErrors.join("; ");
      return { object: { ...head, metadata: { creationTimestamp: null }, spec, status } };
    }
    case "LocalSubjectAccessReview": {
      // the create handler gave an object without a namespace the request's
      const spec = isObject(b.spec) ? b.spec : {};
      const meta = { ...(isObject(b.metadata) ? b.metadata : {}), namespace };
      const errs = [...validateAccessReviewSpec(spec, true), ...localMetadata(meta, spec)];
      if (errs.length > 0) return { error: S.invalid(r, "", errs) };
      const { attributes, selectorErrors } = attributesFrom(subjectOf(spec), spec);
      const d = authorize(attributes, graph);
      const status: Record<string, unknown> = { allowed: d.allowed };
      if (d.reason) status.reason = d.reason;
      if (selectorErrors.length > 0) status.evaluationError = selectorErrors.join("; ");
      return { object: { ...head, metadata: { namespace, creationTimestamp: null }, spec, status } };
    }
    case "SelfSubjectRulesReview": {
      const namespace = isObject(b.spec) ? str(b.spec.namespace) : "";
      if (namespace === "") return { error: S.badRequest("no namespace on request") };
      return { object: { ...head, metadata: { creationTimestamp: null }, spec: {}, status: rulesReviewStatus(user, namespace, graph) } };
    }
    case "SelfSubjectReview": {
      return { object: { ...head, metadata: { creationTimestamp: now }, status: { userInfo: userInfoOf(user) } } };
    }
    case "TokenReview": {
      // pkg/registry/authentication/tokenreview: the token is asked of the request authenticator for
      // the audiences the review names (the API server's when it names none); the review is answered 201
      // either way, authenticated or not.
      const spec = isObject(b.spec) ? b.spec : {};
      const token = str(spec.token);
      if (token === "") return { error: S.badRequest("token is required for TokenReview in authentication") };
      const asked = strings(spec.audiences);
      // the token travels in "Authorization: Bearer <token>" and is read back as bearertoken reads it
      const bearer = bearerTokenOf(token);
      const got = bearer ? reviewToken?.(bearer, asked.length > 0 ? asked : apiAudiences) : undefined;
      const meta = isObject(b.metadata) ? b.metadata : {};
      // status.user is a struct: Go writes it even when empty; authenticated is omitted when false.
      // A token no authenticator knows is bearertoken's invalidToken; a service account token's own
      // refusals (the JWT authenticator claims a token of its issuers) are the validator's words
      // (after the loopback token's authenticator, which genericapiserver's AuthorizeClientBearerToken puts
      // first: its "invalid bearer token" leads the union's aggregate, which drops repeated messages)
      const status: Record<string, unknown> =
        got && "user" in got
          ? { authenticated: true, user: userInfoOf(got.user), audiences: got.audiences }
          : { user: {}, ...(got ? { error: goAggregate([invalidBearerToken, got.error]) } : bearer && !hasServiceAccountIssuer(bearer) ? { error: invalidBearerToken } : {}) };
      return { object: { ...head, metadata: { ...meta, creationTimestamp: meta.creationTimestamp ?? null }, spec, status } };
    }
  }
  return { error: S.badRequest(`not a review: ${r.kind}`) };
}

/** bearertoken's invalidToken: a token no token authenticator claims. */
const invalidBearerToken = "invalid bearer token";

/** utilerrors.NewAggregate(errs).Error(): one distinct message as itself, more joined by ", " in brackets. */
export function goAggregate(messages: readonly string[]): string {
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? distinct[0]! : `[${distinct.join(", ")}]`;
}

// Go's unicode.IsSpace, which strings.TrimSpace trims
const goSpace = "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/**
 * bearertoken.AuthenticateRequest's token in "Bearer " + token: the header trimmed (strings.TrimSpace),
 * split at single spaces into at most three parts, the second; "" (no token, and no error) when a
 * space starts it or nothing is left.
 */
function bearerTokenOf(token: string): string {
  let end = token.length;
  while (end > 0 && goSpace.includes(token[end - 1]!)) end--;
  const rest = token.slice(0, end);
  const space = rest.indexOf(" ");
  return space < 0 ? rest : rest.slice(0, space);
}

/** The service account JWT authenticators' hasCorrectIssuer: a compact JWT whose payload names one of their issuers. */
function hasServiceAccountIssuer(token: string): boolean {
  if (token.trimStart().startsWith("{")) return false;
  const parts = token.split(".");
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]*$/.test(parts[1]!)) return false;
  try {
    const iss = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"))?.iss;
    return iss === serviceAccountIssuer || iss === legacyIssuer;
  } catch {
    return false;
  }
}

/** authentication/v1.UserInfo as the reviews write it: empty fields omitted, extra as a map. */
function userInfoOf(user: UserInfo): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  if (user.name) info.username = user.name;
  if (user.uid) info.uid = user.uid;
  if (user.groups.length > 0) info.groups = [...user.groups];
  if (user.extra && user.extra.length > 0) info.extra = Object.fromEntries(user.extra.map(([k, v]) => [k, [...v]]));
  return info;
}

/** The user a SubjectAccessReview asks about: exactly the user, groups, uid and extra of its spec. */
function subjectOf(spec: Record<string, any>): UserInfo {
  const user: UserInfo = { name: str(spec.user), groups: strings(spec.groups) };
  if (str(spec.uid)) user.uid = str(spec.uid);
  if (isObject(spec.extra)) user.extra = Object.keys(spec.extra).map((k) => [k, strings(spec.extra[k])]);
  return user;
}

// ---- validation (pkg/apis/authorization/validation) ----------------------------------------

function validateAccessReviewSpec(spec: Record<string, any>, needsSubject: boolean): S.FieldError[] {
  const errs: S.FieldError[] = [];
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (isObject(ra) && isObject(nra)) errs.push(S.invalidValue("spec.nonResourceAttributes", S.goValue(goStruct("authorization.NonResourceAttributes", [["Path", nra.path], ["Verb", nra.verb]])), "cannot be specified in combination with resourceAttributes"));
  // Go prints the nil *NonResourceAttributes it was given as "null"
  if (!isObject(ra) && !isObject(nra)) errs.push(S.invalidValue("spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
  if (needsSubject && str(spec.user) === "" && strings(spec.groups).length === 0) errs.push(S.invalidValue("spec.user", str(spec.user), "at least one of user or group must be specified"));
  if (isObject(ra)) {
    errs.push(...validateSelector(ra.fieldSelector, "spec.resourceAttributes.fieldSelector"));
    errs.push(...validateSelector(ra.labelSelector, "spec.resourceAttributes.labelSelector"));
  }
  return errs;
}

/** validateFieldSelectorAttributes / validateLabelSelectorAttributes, unknown operators allowed. */
function validateSelector(sel: unknown, path: string): S.FieldError[] {
  if (!isObject(sel)) return [];
  const errs: S.FieldError[] = [];
  const raw = str(sel.rawSelector);
  const reqs = Array.isArray(sel.requirements) ? sel.requirements : [];
  if (raw !== "" && reqs.length > 0) errs.push(S.invalidValue(`${path}.rawSelector`, raw, "may not specified at the same time as requirements"));
  if (raw === "" && reqs.length === 0) errs.push(S.required(`${path}.requirements`, `when ${path} is specified, requirements or rawSelector is required`));
  reqs.forEach((req: any, i: number) => {
    const at = `${path}.requirements[${i}]`;
    if (str(req?.key) === "") errs.push(S.required(`${at}.key`, "must be specified"));
    const op = str(req?.operator);
    const n = strings(req?.values).length;
    if ((op === "In" || op === "NotIn") && n === 0) errs.push(S.required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    if ((op === "Exists" || op === "DoesNotExist") && n > 0) errs.push(S.forbiddenField(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  });
  return errs;
}

/** metadata must be empty but for managedFields; Go prints the whole ObjectMeta with %#v. */
function metadataMustBeEmpty(meta: unknown): S.FieldError[] {
  if (!isObject(meta)) return [];
  const { managedFields: _m, creationTimestamp, ...rest } = meta;
  const set = Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== 0 && !(Array.isArray(v) && v.length === 0) && !(isObject(v) && Object.keys(v).length === 0));
  if (set.length === 0 && (creationTimestamp === undefined || creationTimestamp === null)) return [];
  return [S.invalidValue("metadata", S.goValue(goObjectMeta(meta)), "must be empty")];
}

/** ValidateLocalSubjectAccessReview's own checks: metadata empty but for the namespace, which the resource attributes must name; no non-resource attributes. */
function localMetadata(meta: Record<string, any>, spec: Record<string, any>): S.FieldError[] {
  const errs: S.FieldError[] = [];
  const { namespace, ...rest } = meta;
  if (metadataMustBeEmpty(rest).length > 0) errs.push(S.invalidValue("metadata", S.goValue(goObjectMeta(meta)), "must be empty except for namespace"));
  if (isObject(spec.resourceAttributes) && str(spec.resourceAttributes.namespace) !== namespace) errs.push(S.invalidValue("spec.resourceAttributes.namespace", str(spec.resourceAttributes.namespace), "must match metadata.namespace"));
  if (isObject(spec.nonResourceAttributes)) {
    const nra = spec.nonResourceAttributes;
    errs.push(S.invalidValue("spec.nonResourceAttributes", S.goValue(goStruct("authorization.NonResourceAttributes", [["Path", nra.path], ["Verb", nra.verb]])), "disallowed on this kind of request"));
  }
  return errs;
}

const goq = (s: unknown) => JSON.stringify(typeof s === "string" ? s : "");
function goStruct(type: string, fields: Array<[string, unknown]>): string {
  return `${type}{${fields.map(([k, v]) => `${k}:${goq(v)}`).join(", ")}}`;
}
function goStringMap(m: unknown): string {
  if (!isObject(m)) return "map[string]string(nil)";
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goq(k)}:${goq(m[k])}`).join(", ")}}`;
}
function goObjectMeta(m: Record<string, any>): string {
  const fin = strings(m.finalizers);
  return `v1.ObjectMeta{Name:${goq(m.name)}, GenerateName:${goq(m.generateName)}, Namespace:${goq(m.namespace)}, SelfLink:${goq(m.selfLink)}, UID:${goq(m.uid)}, ResourceVersion:${goq(m.resourceVersion)}, Generation:${typeof m.generation === "number" ? m.generation : 0}, CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), Labels:${goStringMap(m.labels)}, Annotations:${goStringMap(m.annotations)}, OwnerReferences:[]v1.OwnerReference(nil), Finalizers:${fin.length ? `[]string{${fin.map(goq).join(", ")}}` : "[]string(nil)"}, ManagedFields:[]v1.ManagedFieldsEntry(nil)}`;
}

// ---- attributes (pkg/registry/authorization/util) -------------------------------------------

/**
 * ResourceAttributesFrom / NonResourceAttributesFrom, and BuildEvaluationError's words for a
 * selector that did not parse (ignored, or partly ignored when some requirements survived).
 */
function attributesFrom(user: UserInfo, spec: Record<string, any>): { attributes: Attributes; selectorErrors: string[] } {
  const base = { user, apiGroup: "", resource: "", subresource: "", namespace: "", name: "", path: "", fieldSelector: [] as FieldRequirement[] };
  const ra = spec.resourceAttributes;
  if (!isObject(ra)) {
    const nra = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
    return { attributes: { ...base, verb: str(nra.verb), resourceRequest: false, path: str(nra.path) }, selectorErrors: [] };
  }
  const selectorErrors: string[] = [];
  const fields = fieldRequirements(ra.fieldSelector);
  if (fields.failed) selectorErrors.push(`spec.resourceAttributes.fieldSelector ${fields.reqs.length > 0 ? "partially ignored" : "ignored"} due to parse error`);
  const labels = labelSelectorParses(ra.labelSelector);
  if (labels.failed) selectorErrors.push(`spec.resourceAttributes.labelSelector ${labels.kept > 0 ? "partially ignored" : "ignored"} due to parse error`);
  const attributes: Attributes = {
    ...base, verb: str(ra.verb), resourceRequest: true, apiGroup: str(ra.group), resource: str(ra.resource), subresource: str(ra.subresource),
    namespace: str(ra.namespace), name: str(ra.name), fieldSelector: fields.reqs,
  };
  return { attributes, selectorErrors };
}

/** A field selector's requirements: the raw selector parsed, or the structured ones (In and NotIn of one value). */
function fieldRequirements(sel: unknown): { reqs: FieldRequirement[]; failed: boolean } {
  if (!isObject(sel)) return { reqs: [], failed: false };
  let reqs: FieldRequirement[] = [];
  let failed = false;
  if (str(sel.rawSelector) !== "") {
    const p = parseFieldSelector(str(sel.rawSelector));
    if ("error" in p) failed = true;
    else reqs = p;
  }
  const structured = Array.isArray(sel.requirements) ? sel.requirements : [];
  if (structured.length > 0) {
    reqs = [];
    failed = false;
    for (const r of structured) {
      const values = strings(r?.values);
      const op = str(r?.operator);
      if (values.length !== 1 || (op !== "In" && op !== "NotIn")) failed = true;
      else reqs.push({ field: str(r?.key), operator: op === "In" ? "=" : "!=", value: values[0]! });
    }
  }
  return { reqs, failed };
}

/** Whether a label selector parses (no authorizer podflow runs reads label requirements; only the evaluation error shows). */
function labelSelectorParses(sel: unknown): { kept: number; failed: boolean } {
  if (!isObject(sel)) return { kept: 0, failed: false };
  let kept = 0;
  let failed = false;
  if (str(sel.rawSelector) !== "") {
    const p = parseSelector(str(sel.rawSelector));
    if ("error" in p) failed = true;
    else kept = p.length;
  }
  const structured = Array.isArray(sel.requirements) ? sel.requirements : [];
  if (structured.length > 0) {
    kept = 0;
    failed = false;
    for (const r of structured) {
      const op = str(r?.operator);
      const n = strings(r?.values).length;
      const ok = ((op === "In" || op === "NotIn") && n > 0) || ((op === "Exists" || op === "DoesNotExist") && n === 0);
      if (ok) kept++;
      else failed = true;
    }
  }
  return { kept, failed };
}

// ---- rules review ---------------------------------------------------------------------------

/**
 * The union of the rule resolvers (the system:masters authorizer has none): the Node authorizer
 * cannot enumerate a node's rules (incomplete), RBAC lists those of every binding to the user.
 */
function rulesReviewStatus(user: UserInfo, namespace: string, graph: NodeGraph): Record<string, unknown> {
  const resourceRules: object[] = [];
  const nonResourceRules: object[] = [];
  const isNode = nodeIdentity(user).isNode;
  for (const { rule } of rulesFor(user, namespace, graph.rbac)) {
    if ((rule.resources ?? []).length > 0) {
      resourceRules.push({
        verbs: [...rule.verbs],
        ...(rule.apiGroups?.length ? { apiGroups: [...rule.apiGroups] } : {}),
        resources: [...rule.resources!],
        ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
      });
    }
    if ((rule.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs!] });
  }
  const status: Record<string, unknown> = { resourceRules, nonResourceRules, incomplete: isNode };
  if (isNode) status.evaluationError = "node authorizer does not support user rule resolution";
  return status;
}
