// metav1.Status builders and field.ErrorList, worded as k8s.io/apimachinery words them
// (pkg/api/errors/errors.go and pkg/util/validation/field/errors.go), so clients see real messages.

import type { Status, StatusCause } from "kubernetes-types/meta/v1";
import { qualifiedKind, qualifiedResource, storedResource, type ResourceInfo } from "./resources.js";
import { goJsonMarshal } from "./schema/decode.js";
import { goQuote } from "../common/goquote.js";

export { goQuote };

/** The CauseType of a field error, one to one with field.ErrorType. */
export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

/** Marks a bad value that the message must not print (field's omitValue). */
export const omitValue: unique symbol = Symbol("omitValue");

/** A bad value that prints verbatim: what Go shows for Stringers and %#v structs (LabelSelector, IntOrString). */
export class GoValue {
  constructor(readonly text: string) {}
}

/** Wraps text that a message must print as-is, unquoted. */
export function goValue(text: string): GoValue {
  return new GoValue(text);
}

/** One field-level validation error, as field.Error. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue: unknown;
  detail: string;
}

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** field.Required: a value that must be set is missing. */
export function required(path: string, detail = ""): FieldError {
  return { type: "FieldValueRequired", field: path, badValue: "", detail };
}

/** field.Invalid: a malformed value. */
export function invalidValue(path: string, value: unknown, detail: string): FieldError {
  return { type: "FieldValueInvalid", field: path, badValue: value, detail };
}

/** field.NotSupported: a value outside an enumeration; validValues are quoted in the given order. */
export function notSupported(path: string, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(", ")}` : "";
  return { type: "FieldValueNotSupported", field: path, badValue: value, detail };
}

/** field.Duplicate: a value that must be unique is repeated. */
export function duplicate(path: string, value: unknown): FieldError {
  return { type: "FieldValueDuplicate", field: path, badValue: value, detail: "" };
}

/** field.Forbidden: a well-formed value that is not allowed here (named apart from the 403 builder `forbidden`). */
export function forbiddenField(path: string, detail: string): FieldError {
  return { type: "FieldValueForbidden", field: path, badValue: "", detail };
}

/** field.NotFound: a referenced value does not exist. */
export function notFoundField(path: string, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field: path, badValue: value, detail: "" };
}

/** field.TooLong (v1.32+ wording): the value is longer than maxLength bytes; the value is not printed. */
export function tooLong(path: string, value: unknown, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? "byte" : "bytes"}` : "value is too long";
  return { type: "FieldValueTooLong", field: path, badValue: value, detail };
}

/** field.TooMany: a list has more than maxQuantity items (negative counts are left out of the message). */
export function tooMany(path: string, actual: number, maxQuantity: number): FieldError {
  const detail = maxQuantity >= 0 ? `must have at most ${maxQuantity} items` : "has too many items";
  return { type: "FieldValueTooMany", field: path, badValue: actual >= 0 ? actual : omitValue, detail };
}

/** field.InternalError: a failure not caused by the input. */
export function internalFieldError(path: string, err: string): FieldError {
  return { type: "InternalError", field: path, badValue: null, detail: err };
}

/** The field-error constructors under field.* names, e.g. field.forbidden(path, detail). */
export const field = {
  required, invalid: invalidValue, notSupported, duplicate, forbidden: forbiddenField, notFound: notFoundField,
  tooLong, tooMany, internalError: internalFieldError,
} as const;

/** Prints a value as Go's %#v would for the shapes validation reports (maps of strings, slices). */
export function goSyntax(v: unknown): string {
  if (typeof v === "string") return goQuote(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return `[]string{${v.map((x) => goQuote(x as string)).join(", ")}}`;
    return `[]interface {}{${v.map(goSyntax).join(", ")}}`;
  }
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.every(([, x]) => typeof x === "string")) {
      return `map[string]string{${entries.map(([k, x]) => `${goQuote(k)}:${goQuote(x as string)}`).join(", ")}}`;
    }
    return `map[string]interface {}{${entries.map(([k, x]) => `${goQuote(k)}:${goSyntax(x)}`).join(", ")}}`;
  }
  return String(v);
}

/** The message of an error without its field, as field.Error.ErrorBody. */
export function fieldErrorBody(e: FieldError): string {
  let s = typeText[e.type];
  const bare = e.type === "FieldValueRequired" || e.type === "FieldValueForbidden" || e.type === "FieldValueTooLong" || e.type === "InternalError" || e.badValue === omitValue;
  if (!bare) s += `: ${formatBadValue(e.badValue)}`;
  return e.detail.length > 0 ? `${s}: ${e.detail}` : s;
}

// Simple values print plainly, strings quoted, lists and maps as their json.Marshal: ErrorBody's
// type switch since apimachinery v0.34 ("Nicer value rendering in API errors"; %#v before).
function formatBadValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (v instanceof GoValue) return v.text;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (typeof v === "string") return goQuote(v);
  return goJsonMarshal(v);
}

/** The full message of a field error, as field.Error.Error(): "<path>: <body>". */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** Formats an ErrorList as its Aggregate prints: one message alone, several as "[a, b]", duplicates dropped. */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map(fieldErrorMessage))];
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(", ")}]`;
}

/** The optimistic-concurrency message the registry puts in a Conflict. */
export const OptimisticLockErrorMsg = "the object has been modified; please apply your changes to the latest version and try again";

function failure(code: number, reason: string, message: string, details?: Status["details"]): Status {
  const s: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  if (details !== undefined) s.details = details;
  return s;
}

// StatusDetails for a group-resource: Kubernetes puts the resource (not the kind) in details.kind.
function resourceDetails(r: ResourceInfo, name?: string): NonNullable<Status["details"]> {
  const d: NonNullable<Status["details"]> = {};
  if (name) d.name = name;
  if (r.group) d.group = r.group;
  d.kind = r.resource;
  return d;
}

/** 404 NotFound: `pods "x" not found`. */
export function notFound(r: ResourceInfo, name: string): Status {
  return failure(404, "NotFound", `${qualifiedResource(r)} ${goQuote(name)} not found`, resourceDetails(r, name));
}

/** 409 AlreadyExists: `pods "x" already exists`. */
export function alreadyExists(r: ResourceInfo, name: string): Status {
  return failure(409, "AlreadyExists", `${qualifiedResource(r)} ${goQuote(name)} already exists`, resourceDetails(r, name));
}

/** 409 Conflict: `Operation cannot be fulfilled on pods "x": <err>` (err defaults to the optimistic-lock text). */
export function conflict(r: ResourceInfo, name: string, err: string = OptimisticLockErrorMsg): Status {
  return failure(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(r)} ${goQuote(name)}: ${err}`, resourceDetails(r, name));
}

/** 422 Invalid: `Pod "x" is invalid: <aggregate>`, with one cause per field error. */
export function invalid(r: ResourceInfo, name: string, errs: readonly FieldError[]): Status {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const group = storedResource(r).group;
  const details: NonNullable<Status["details"]> = { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: r.kind };
  if (causes.length > 0) details.causes = causes;
  const head = `${qualifiedKind(r)} ${goQuote(name)} is invalid`;
  return failure(422, "Invalid", errs.length === 0 ? head : `${head}: ${aggregateMessage(errs)}`, details);
}

/** 413 RequestEntityTooLarge (NewRequestEntityTooLargeError): `Request entity too large: <message>`. */
export function requestEntityTooLarge(message: string): Status {
  return failure(413, "RequestEntityTooLarge", `Request entity too large: ${message}`);
}

/** 400 BadRequest with the given message. */
export function badRequest(msg: string): Status {
  return failure(400, "BadRequest", msg);
}

/** 403 Forbidden from a message: `pods "x" is forbidden: <err>` (no name: `pods is forbidden: <err>`). */
export function forbiddenStatus(r: ResourceInfo, name: string, err: string): Status {
  const subject = name ? `${qualifiedResource(r)} ${goQuote(name)}` : qualifiedResource(r);
  return failure(403, "Forbidden", `${subject} is forbidden: ${err}`, resourceDetails(r, name));
}

/** 403 Forbidden as the RBAC authorizer words a denied request, namespaced or cluster-scoped. */
export function forbidden(user: string, verb: string, r: ResourceInfo, namespace?: string, name?: string): Status {
  const where = namespace ? `in the namespace ${goQuote(namespace)}` : "at the cluster scope";
  const reason = `User ${goQuote(user)} cannot ${verb} resource ${goQuote(r.resource)} in API group ${goQuote(r.group)} ${where}`;
  return forbiddenStatus(r, name ?? "", reason);
}

/** 401 Unauthorized, "Unauthorized" as the authentication filter sends it. */
export function unauthorized(msg = "Unauthorized"): Status {
  return failure(401, "Unauthorized", msg || "not authorized");
}

/** 410 Expired (NewResourceExpired), e.g. "too old resource version: 5 (10)". */
export function gone(msg: string): Status {
  return failure(410, "Expired", msg);
}

/** storage.NewTooLargeResourceVersionError, as the watch cache answers a read it waited for in vain. */
export function tooLargeResourceVersion(wanted: bigint | number, current: number): Status {
  return failure(504, "Timeout", `Timeout: Too large resource version: ${wanted}, current: ${current}`, { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 });
}

/** etcd3's interpretListError of a compacted revision: an exact list's, and a continued one's with a token that goes on at the latest revision. */
export const listExpiredMessage = "The resourceVersion for the provided list is too old.";
export const inconsistentContinueMessage =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/** handleCompactedErrorForPaging: 410 Expired whose ListMeta carries a token for the rest at the latest revision (rv -1). */
export function continueExpired(newToken: string): Status {
  return { ...gone(inconsistentContinueMessage), metadata: { continue: newToken } };
}

/** The watch cache's message for a resourceVersion older than the oldest it keeps. */
export function tooOldResourceVersionMessage(requested: number, oldest: number): string {
  return `too old resource version: ${requested} (${oldest})`;
}

/** 405 MethodNotAllowed: `<action> is not supported on resources of kind "pods"`. */
export function methodNotSupported(r: ResourceInfo, action: string): Status {
  return failure(405, "MethodNotAllowed", `${action} is not supported on resources of kind ${goQuote(qualifiedResource(r))}`, resourceDetails(r));
}

/** 405 as go-restful answers a method with no route on a served path (NewGenericServerResponse: no causes, empty details). */
export function methodNotAllowed(): Status {
  return failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
}

/** 406 NotAcceptable for an Accept header the server cannot satisfy. */
export function notAcceptable(accepted: readonly string[] = ["application/json", "application/yaml"]): Status {
  return failure(406, "NotAcceptable", `only the following media types are accepted: ${accepted.join(", ")}`);
}

/** 415 UnsupportedMediaType for a request body content type the server does not decode. */
export function unsupportedMediaType(accepted: readonly string[] = ["application/json", "application/yaml"]): Status {
  return failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`);
}

/** 500 InternalError: "Internal error occurred: <msg>". */
export function internalError(msg: string): Status {
  return failure(500, "InternalError", `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
}

/** The text WithPanicRecovery (staging/src/k8s.io/apiserver/pkg/server/filters/wrap.go) answers a handler's panic with. */
export const panicRecoveredText = "This request caused apiserver to panic. Look in the logs for details.";

/**
 * A handler's panic: kube-apiserver sends http.Error's plain text, not a Status; this is the Status a
 * client reading that 500 makes of it (client-go's NewGenericServerResponse: InternalError).
 */
export function panicRecovered(): Status {
  return failure(500, "InternalError", `an error on the server (${goQuote(panicRecoveredText)}) has prevented the request from succeeding`, { causes: [{ reason: "UnexpectedServerResponse", message: panicRecoveredText }] });
}

/** 429 TooManyRequests as the max-in-flight filter sends it. */
export function tooManyRequests(msg = "Too many requests, please try again later.", retryAfterSeconds = 1): Status {
  return failure(429, "TooManyRequests", msg, { retryAfterSeconds });
}

/** 404 for a request into a namespace that does not exist: `namespaces "foo" not found`. */
export function namespaceNotFound(ns: string): Status {
  return failure(404, "NotFound", `namespaces ${goQuote(ns)} not found`, { name: ns, kind: "namespaces" });
}

/** 403 from NamespaceLifecycle when creating in a terminating namespace. */
export function namespaceTerminating(r: ResourceInfo, name: string, ns: string): Status {
  const s = forbiddenStatus(r, name, `unable to create new content in namespace ${ns} because it is being terminated`);
  s.details!.causes = [{ reason: "NamespaceTerminating", message: `namespace ${ns} is being terminated`, field: "metadata.namespace" }];
  return s;
}
