// CustomResourceDefinition conversion by webhook (apiextensions-apiserver v1.35
// pkg/apiserver/conversion/webhook_converter.go): the ConversionReview the API server posts, and
// what it makes of the answer (getConvertedObjectsFromResponse, validateConvertedObject,
// restoreObjectMeta) with Go's error texts. The HTTP call is the runtime's; this is data in, data out.

import { mutant } from "../common/mutation.js";
import { isJsonNumber } from "../common/numberliteral.js";
import { aggregateMessage, goQuote } from "./status.js";
import type { WebhookOutcome } from "./admission/webhooks.js";
import type { ResourceInfo } from "./resources.js";
import { validateAnnotations, validateLabels } from "./validation/meta.js";

type Obj = any;

/** The ConversionReview versions this API server speaks (createConversionReviewObjects). */
export type ReviewVersion = "v1" | "v1beta1";

/** A conversion awaiting the webhook's answer: what was sent, to judge what comes back. */
export interface ConversionCall {
  id: number;
  uid: string;
  review: ReviewVersion;
  /** the converted object's or list's GroupVersionKind as Go prints it ("g/v, Kind=K"), naming it in every error */
  label: string;
  desiredAPIVersion: string;
  /** the objects sent, in order (a list's items not yet at the desired version) */
  objects: readonly Obj[];
  isList: boolean;
}

/** True when objects of r's CRD at `fromAPIVersion` reach `toAPIVersion` only through its conversion webhook (equal versions: no call). */
export function needsWebhook(r: ResourceInfo | undefined, fromAPIVersion: unknown, toAPIVersion: string): boolean {
  return r?.custom?.conversion === "Webhook" && typeof fromAPIVersion === "string" && fromAPIVersion !== toAPIVersion;
}

/** schema.GroupVersionKind.String() of an apiVersion and kind. */
export function gvkString(apiVersion: string, kind: string): string {
  const i = apiVersion.indexOf("/");
  return i < 0 ? `/${apiVersion}, Kind=${kind}` : `${apiVersion}, Kind=${kind}`;
}

/** The first of the CRD's conversionReviewVersions the API server supports, or undefined (no supported version). */
export function reviewVersionOf(versions: readonly unknown[]): ReviewVersion | undefined {
  for (const v of versions) if (v === "v1" || v === "v1beta1") return v;
  return undefined;
}

/** createConversionReviewObjects: the review posted, with the empty response Go serializes beside the request. */
export function conversionReview(review: ReviewVersion, uid: string, desiredAPIVersion: string, objects: readonly Obj[]): Obj {
  return {
    kind: "ConversionReview", apiVersion: `apiextensions.k8s.io/${review}`,
    request: { uid, desiredAPIVersion, objects },
    response: { uid: "", convertedObjects: null, result: { metadata: {} } },
  };
}

/** The conversion error when the CRD names no ConversionReview version this server supports. */
export const noSupportedReviewVersions = "no supported conversion review versions";

/** Go's %T of a value decoded from JSON into interface{} (unstructured: integers are int64). */
function goType(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  if (isJsonNumber(v)) return /^-?\d+$/.test(String(v)) ? "int64" : "float64";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v) && !isJsonNumber(v);
const str = (v: unknown) => (typeof v === "string" ? v : "");
const meta = (o: Obj) => (isMap(o?.metadata) ? o.metadata : {});

/** getConvertedObjectsFromResponse: the converted objects, or why the answer is refused. */
function convertedObjectsOf(call: ConversionCall, body: unknown): unknown[] | string {
  const b: Obj = isMap(body) ? body : {};
  if (call.review === "v1") {
    const want = "apiextensions.k8s.io/v1, Kind=ConversionReview";
    const got = gvkString(str(b.apiVersion), str(b.kind));
    if (got !== want) return `expected webhook response of ${want}, got ${got}`;
  }
  if (!isMap(b.response)) return "no response provided";
  const res = b.response;
  // v1beta1 processing did not verify the uid, and still does not
  // the mutant takes any uid: an answer to another review (a proxy's cached one) converts this one
  if (call.review === "v1" && str(res.uid) !== call.uid && !mutant("conversion.v1-uid-unchecked")) return `expected response.uid=${goQuote(call.uid)}, got ${goQuote(str(res.uid))}`;
  const result = isMap(res.result) ? res.result : {};
  if (result.status !== "Success") {
    const message = str(result.message);
    return message.length > 0 ? message : `response.result.status was '${str(result.status)}', not 'Success'`;
  }
  return Array.isArray(res.convertedObjects) ? res.convertedObjects : [];
}

/** validateConvertedObject: a webhook changes no kind, name, namespace or uid. */
function convertedObjectError(original: Obj, converted: Obj): string | undefined {
  const pairs: Array<[string, string, string]> = [
    ["kind", str(original.kind), str(converted.kind)],
    ["name", str(meta(original).name), str(meta(converted).name)],
    ["namespace", str(meta(original).namespace), str(meta(converted).namespace)],
    ["UID", str(meta(original).uid), str(meta(converted).uid)],
  ];
  for (const [what, e, a] of pairs) if (e !== a) return `must have the same ${what}: ${e} != ${a}`;
  return undefined;
}

/** restoreObjectMeta: the original's metadata, with the labels and annotations the webhook answered (checked when they changed). */
function restoredMeta(original: Obj, converted: Obj): Obj | string {
  if (!Object.hasOwn(converted, "metadata")) return "missing metadata in converted object";
  const response = converted.metadata;
  if (!isMap(response)) return `invalid metadata of type ${goType(response)} in converted object`;
  // a copy of the original's (nothing below edits what it shares with it)
  // the mutant keeps what the webhook answered for the rest of metadata too (finalizers, ownerReferences, resourceVersion)
  const out: Record<string, unknown> = { ...(isMap(original.metadata) ? original.metadata : {}), ...(mutant("conversion.webhook-metadata-kept") ? response : {}) };
  for (const fld of ["labels", "annotations"] as const) {
    const given = Object.hasOwn(response, fld) ? response[fld] : undefined;
    if (given === undefined || given === null) {
      delete out[fld];
      continue;
    }
    if (!isMap(given)) return `invalid metadata.${fld} of type ${goType(given)} in converted object`;
    const before = out[fld];
    if (before !== undefined && before !== null && !isMap(before)) return `invalid metadata.${fld} of type ${goType(before)} in original object`;
    const originalField: Record<string, unknown> = isMap(before) ? before : {};
    let changed = Object.keys(originalField).length !== Object.keys(given).length;
    for (const [k, v] of Object.entries(given)) {
      if (typeof v !== "string") return `metadata.${fld}[${k}] must be a string, but is ${goType(v)} in converted object`;
      if (!Object.hasOwn(originalField, k) || originalField[k] !== v) changed = true;
    }
    if (changed) {
      // the annotations' path is "metadata.annotation", as the converter names it
      const errs = fld === "labels" ? validateLabels(given as Record<string, string>, "metadata.labels") : validateAnnotations(given as Record<string, string>, "metadata.annotation");
      if (errs.length > 0) return aggregateMessage(errs);
    }
    out[fld] = given;
  }
  return out;
}

/** A converted object as Unstructured decodes it: a JSON object with a kind. */
function decodedObject(raw: unknown): Obj | string {
  if (!isMap(raw)) return `json: cannot unmarshal ${Array.isArray(raw) ? "array" : raw === null ? "null" : typeof raw === "string" ? "string" : typeof raw === "boolean" ? "bool" : "number"} into Go value of type map[string]interface {}`;
  if (typeof raw.kind !== "string" || raw.kind === "") return `Object 'Kind' is missing in '${JSON.stringify(raw)}'`;
  return raw;
}

/**
 * webhookConverter.Convert after the post: the objects at the desired version, in the order sent,
 * each keeping its original metadata but for labels and annotations; or the converter's error.
 */
export function judgeConversion(call: ConversionCall, outcome: WebhookOutcome): { objects: Obj[] } | { error: string } {
  const failed = (why: string) => ({ error: `conversion webhook for ${call.label} failed: ${why}` });
  if ("error" in outcome) return failed(outcome.error);
  const converted = convertedObjectsOf(call, outcome.body);
  if (typeof converted === "string") return failed(converted);
  if (converted.length !== call.objects.length) return { error: `conversion webhook for ${call.label} returned ${converted.length} objects, expected ${call.objects.length}` };
  const out: Obj[] = [];
  for (let i = 0; i < converted.length; i++) {
    const original = call.objects[i];
    const decoded = decodedObject(converted[i]);
    // a list's messages name the index after it was counted (convertedIndex++ comes first), a single object's index 0
    const at = call.isList ? `converted object at index ${i + 1}` : "object at index 0";
    if (typeof decoded === "string") return { error: call.isList ? `conversion webhook for ${call.label} returned invalid converted object at index ${i}: ${decoded}` : decoded };
    const gv = str(decoded.apiVersion);
    if (gv !== call.desiredAPIVersion) return { error: `conversion webhook for ${call.label} returned invalid ${at}: invalid groupVersion (expected ${call.desiredAPIVersion}, received ${gv})` };
    if (decoded.kind !== original.kind) return { error: `conversion webhook for ${call.label} returned invalid ${at}: invalid kind (expected ${str(original.kind)}, received ${decoded.kind})` };
    const invalid = convertedObjectError(original, decoded);
    if (invalid !== undefined) return { error: `conversion webhook for ${call.label} returned invalid ${call.isList ? `converted object at index ${i + 1}` : "object"}: ${invalid}` };
    const restored = restoredMeta(original, decoded);
    if (typeof restored === "string") return { error: `conversion webhook for ${call.label} returned invalid metadata${call.isList ? ` in object at index ${i + 1}` : ""}: ${restored}` };
    out.push({ ...decoded, metadata: restored });
  }
  return { objects: out };
}
