// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration
// (pkg/apis/admissionregistration/validation validation.go, k8s.io/apiserver/pkg/util/webhook
// validation.go). The matchConditions' CEL is checked only for being there, as for the policies.

import { duplicate, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { marshalled, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1035Label, isDNS1123Subdomain, isFullyQualifiedName, isValidPortNum, nameIsDNSSubdomain } from "./names.js";
import { validateLabelSelector } from "./selector.js";
import { validateMatchConditions, validateRuleWithOperations } from "./admissionpolicy.js";
import { mutant } from "../../common/mutation.js";
import { deepEqual } from "../../common/equal.js";
import { type GoURL, parseURL, URLError } from "../../common/gourl.js";

type Obj = any;

const supportedFailurePolicies = ["Fail", "Ignore"];
const supportedMatchPolicies = ["Equivalent", "Exact"];
const noSideEffectClasses = ["None", "NoneOnDryRun"];
const supportedSideEffectClasses = ["None", "NoneOnDryRun", "Some", "Unknown"];
const supportedReinvocationPolicies = ["IfNeeded", "Never"];
const acceptedReviewVersions = ["v1", "v1beta1"];

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** What the options of validate*WebhookConfiguration relax on an update of a configuration that already broke the rule. */
interface Options {
  requireNoSideEffects: boolean;
  requireRecognizedAdmissionReviewVersion: boolean;
  requireUniqueWebhookNames: boolean;
  allowInvalidLabelValueInSelector: boolean;
  /** An update that leaves every webhook's matchConditions as they were does not judge them again. */
  ignoreMatchConditions: boolean;
}

const strict: Options = { requireNoSideEffects: true, requireRecognizedAdmissionReviewVersion: true, requireUniqueWebhookNames: true, allowInvalidLabelValueInSelector: false, ignoreMatchConditions: false };

/** ValidateWebhookURL with forceHttps. */
function validateWebhookURL(path: string, url: string): FieldError[] {
  const form = "; desired format: https://host[/path]";
  let u: GoURL;
  try {
    u = parseURL(url);
  } catch (e) {
    if (e instanceof URLError) return [required(path, `url must be a valid URL: ${e.message}${form}`)];
    throw e;
  }
  const errs: FieldError[] = [];
  if (u.scheme !== "https") errs.push(invalidValue(path, u.scheme, `'https' is the only allowed URL scheme${form}`));
  // "specified" since apiserver b304fee29 (2022); v0.35.0 says so.
  if (u.host.length === 0) errs.push(invalidValue(path, u.host, `host must be specified${form}`));
  if (u.user !== undefined) errs.push(invalidValue(path, u.user, "user information is not permitted in the URL"));
  if (u.fragment.length !== 0) errs.push(invalidValue(path, u.fragment, "fragments are not permitted in the URL"));
  if (u.rawQuery.length !== 0) errs.push(invalidValue(path, u.rawQuery, "query parameters are not permitted in the URL"));
  return errs;
}

/** ValidateWebhookService: a name, a namespace, a port, a path of DNS-subdomain segments. */
function validateWebhookService(path: string, svc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  // Bare Required causes since apiserver af5056a3d (v0.34): the detail only repeated the field's name.
  if (str(svc?.name) === "") errs.push(required(`${path}.name`));
  if (str(svc?.namespace) === "") errs.push(required(`${path}.namespace`));
  const port = typeof svc?.port === "number" ? svc.port : 0;
  const portErrs = isValidPortNum(port);
  if (portErrs.length > 0) errs.push(invalidValue(`${path}.port`, port, `port is not valid: ${portErrs.join(", ")}`));
  if (svc?.path == null) return errs;
  const urlPath = str(svc.path);
  if (urlPath === "/" || urlPath.length === 0) return errs;
  if (urlPath === "//") return [...errs, invalidValue(`${path}.path`, urlPath, "segment[0] may not be empty")];
  if (!urlPath.startsWith("/")) errs.push(invalidValue(`${path}.path`, urlPath, "must start with a '/'"));
  let check = urlPath.slice(1);
  if (check.endsWith("/")) check = check.slice(0, -1);
  check.split("/").forEach((step, i) => {
    if (step.length === 0) {
      errs.push(invalidValue(`${path}.path`, urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const failure of isDNS1123Subdomain(step)) errs.push(invalidValue(`${path}.path`, urlPath, `segment[${i}]: ${failure}`));
  });
  return errs;
}

/** validateAdmissionReviewVersions: present, unique DNS-1035 labels, one of them v1 or v1beta1. */
function validateAdmissionReviewVersions(versions: unknown[], requireRecognized: boolean, path: string): FieldError[] {
  if (versions.length < 1) return [required(path, `must specify one of ${acceptedReviewVersions.join(", ")}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    const s = str(v);
    if (seen.has(s)) {
      errs.push(invalidValue(`${path}[${i}]`, s, "duplicate version"));
      return;
    }
    seen.add(s);
    for (const e of isDNS1035Label(s)) errs.push(invalidValue(`${path}[${i}]`, s, e));
    if (acceptedReviewVersions.includes(s)) accepted = true;
  });
  if (requireRecognized && !accepted) errs.push(invalidValue(path, marshalled(versions), `must include at least one of ${acceptedReviewVersions.join(", ")}`));
  return errs;
}

/** validateValidatingWebhook / validateMutatingWebhook (the mutating one also checks reinvocationPolicy). */
function validateWebhook(hook: Obj, opts: Options, mutating: boolean, path: string): FieldError[] {
  const errs = isFullyQualifiedName(`${path}.name`, str(hook?.name));
  list(hook?.rules).forEach((r, i) => errs.push(...validateRuleWithOperations(r, `${path}.rules[${i}]`)));
  if (hook?.failurePolicy != null && !supportedFailurePolicies.includes(str(hook.failurePolicy))) errs.push(notSupported(`${path}.failurePolicy`, hook.failurePolicy, supportedFailurePolicies));
  if (hook?.matchPolicy != null && !supportedMatchPolicies.includes(str(hook.matchPolicy))) errs.push(notSupported(`${path}.matchPolicy`, hook.matchPolicy, supportedMatchPolicies));
  const allowedSideEffects = opts.requireNoSideEffects ? noSideEffectClasses : supportedSideEffectClasses;
  if (hook?.sideEffects == null) errs.push(required(`${path}.sideEffects`, `must specify one of ${allowedSideEffects.join(", ")}`));
  else if (!allowedSideEffects.includes(str(hook.sideEffects))) errs.push(notSupported(`${path}.sideEffects`, hook.sideEffects, allowedSideEffects));
  // the mutant takes 0 as "no timeout" and lets it through
  if (typeof hook?.timeoutSeconds === "number" && (hook.timeoutSeconds > 30 || hook.timeoutSeconds < (mutant("validation.webhook-timeout-zero-accepted") ? 0 : 1))) {
    errs.push(invalidValue(`${path}.timeoutSeconds`, hook.timeoutSeconds, "the timeout value must be between 1 and 30 seconds"));
  }
  if (hook?.namespaceSelector != null) errs.push(...validateLabelSelector(hook.namespaceSelector, `${path}.namespaceSelector`, opts.allowInvalidLabelValueInSelector));
  if (hook?.objectSelector != null) errs.push(...validateLabelSelector(hook.objectSelector, `${path}.objectSelector`, opts.allowInvalidLabelValueInSelector));
  if (mutating && hook?.reinvocationPolicy != null && !supportedReinvocationPolicies.includes(str(hook.reinvocationPolicy))) {
    errs.push(notSupported(`${path}.reinvocationPolicy`, hook.reinvocationPolicy, supportedReinvocationPolicies));
  }
  const cc = hook?.clientConfig ?? {};
  if ((cc.url == null) === (cc.service == null)) errs.push(required(`${path}.clientConfig`, "exactly one of url or service is required"));
  else if (cc.url != null) errs.push(...validateWebhookURL(`${path}.clientConfig.url`, str(cc.url)));
  else errs.push(...validateWebhookService(`${path}.clientConfig.service`, cc.service));
  if (!opts.ignoreMatchConditions) errs.push(...validateMatchConditions(list(hook?.matchConditions), `${path}.matchConditions`));
  return errs;
}

/** validate{Mutating,Validating}WebhookConfiguration: metadata, each webhook, its review versions, unique names. */
function validateConfiguration(c: Obj, opts: Options, mutating: boolean): FieldError[] {
  const errs = validateObjectMeta(c.metadata, false, nameIsDNSSubdomain);
  const names = new Set<string>();
  list(c.webhooks).forEach((hook: Obj, i) => {
    errs.push(...validateWebhook(hook, opts, mutating, `webhooks[${i}]`));
    errs.push(...validateAdmissionReviewVersions(list(hook?.admissionReviewVersions), opts.requireRecognizedAdmissionReviewVersion, `webhooks[${i}].admissionReviewVersions`));
    const name = str(hook?.name);
    if (opts.requireUniqueWebhookNames && name.length > 0 && !mutant("validation.webhook-duplicate-names-accepted")) {
      if (names.has(name)) errs.push(duplicate(`webhooks[${i}].name`, name));
      else names.add(name);
    }
  });
  return errs;
}

/** ignore{Mutating,Validating}WebhookMatchConditions: as many webhooks, each with the matchConditions it had. */
function matchConditionsUnchanged(c: Obj, old: Obj): boolean {
  const now = list(c?.webhooks) as Obj[];
  const was = list(old?.webhooks) as Obj[];
  return now.length === was.length && was.every((h, i) => deepEqual(now[i]?.matchConditions ?? null, h?.matchConditions ?? null));
}

/** The options an update gets: a rule the stored configuration already broke is not enforced again. */
function updateOptions(c: Obj, old: Obj): Options {
  const hooks = list(old?.webhooks) as Obj[];
  const names = hooks.map((h) => str(h?.name));
  return {
    requireNoSideEffects: hooks.every((h) => noSideEffectClasses.includes(str(h?.sideEffects))),
    requireRecognizedAdmissionReviewVersion: hooks.every((h) => list(h?.admissionReviewVersions).length === 0 || list(h?.admissionReviewVersions).some((v) => acceptedReviewVersions.includes(str(v)))),
    requireUniqueWebhookNames: new Set(names).size === names.length,
    allowInvalidLabelValueInSelector: hooks.some((h) => ["namespaceSelector", "objectSelector"].some((k) => h?.[k] != null && validateLabelSelector(h[k], k).length > 0)),
    ignoreMatchConditions: matchConditionsUnchanged(c, old),
  };
}

/** ValidateMutatingWebhookConfiguration. */
export function validateMutatingWebhookConfiguration(c: Obj): FieldError[] {
  return validateConfiguration(c, strict, true);
}

/** ValidateValidatingWebhookConfiguration. */
export function validateValidatingWebhookConfiguration(c: Obj): FieldError[] {
  return validateConfiguration(c, strict, false);
}

/** ValidateMutatingWebhookConfigurationUpdate (with the strategy's ValidateObjectMetaUpdate). */
export function validateMutatingWebhookConfigurationUpdate(c: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(c.metadata, old.metadata), ...validateConfiguration(c, updateOptions(c, old), true)];
}

/** ValidateValidatingWebhookConfigurationUpdate (with the strategy's ValidateObjectMetaUpdate). */
export function validateValidatingWebhookConfigurationUpdate(c: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(c.metadata, old.metadata), ...validateConfiguration(c, updateOptions(c, old), false)];
}
