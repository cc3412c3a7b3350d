// ObjectMeta validation (apimachinery/pkg/api/validation/objectmeta.go, metav1 validation):
// names, namespace, labels, annotations, and the immutable system fields on update.

import { isJsonNumber } from "../../common/numberliteral.js";
import { forbiddenField, goSyntax, goValue, invalidValue, required, tooLong, type FieldError, type GoValue } from "../status.js";
import { goJsonMarshal } from "../schema/decode.js";
import { utf8Length } from "../../common/bytes.js";
import { fieldImmutableErrorMsg, isDNS1123Label, isNegativeErrorMsg, isQualifiedName, isValidLabelValue, type NameFn } from "./names.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/**
 * A bad value as apimachinery v0.35's field.Error prints a non-scalar: json.Marshal of it (maps with
 * sorted keys; struct fields come out in the order the object holds them, which may differ from Go's).
 */
export function marshalled(v: unknown): GoValue {
  return goValue(goJsonMarshal(v));
}

/** Total size limit of an object's annotations (keys plus values), in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

type Kind = "labels" | "annotations" | "ownerReferences" | "managedFields";

// Frozen maps and lists already found clean, by identity: the checks below depend on nothing but their content
// (the path only names the errors, and a clean one has none), and a write validates the same metadata several times.
// Only the recent ones (the table is replaced every RECENT_CLEAN adds): a weak table of every stored version
// would be walked by every garbage collection (see common/equal.ts's marks). The bound is above what one
// kind's working set reaches at 150k pods (a value per pod: its labels, its endpoint in a slice): a smaller
// one is emptied before a pod's next write comes back to its value, so past a few thousand pods every
// check missed (at 4096, 9k pods validated every endpoint of a slice on every update).
const RECENT_CLEAN = 1 << 18;

export class RecentClean {
  private set = new WeakSet<object>();
  private adds = 0;
  has(v: object): boolean {
    return this.set.has(v);
  }
  add(v: object): void {
    if (++this.adds > RECENT_CLEAN) {
      this.set = new WeakSet();
      this.adds = 1;
    }
    this.set.add(v);
  }
}
const frozenClean: Record<Kind, RecentClean> = { labels: new RecentClean(), annotations: new RecentClean(), ownerReferences: new RecentClean(), managedFields: new RecentClean() };

// The same, for values that are not frozen, while one validation runs: nothing changes its input meanwhile.
let scoped: Record<Kind, WeakSet<object>> | undefined;

/** Runs f (one request's validation, which reads and never changes the object) remembering even unfrozen metadata found clean. */
export function withMetadataMemo<T>(f: () => T): T {
  const outer = scoped;
  scoped = outer ?? { labels: new WeakSet(), annotations: new WeakSet(), ownerReferences: new WeakSet(), managedFields: new WeakSet() };
  try {
    return f();
  } finally {
    scoped = outer;
  }
}

function isClean(kind: Kind, v: object): boolean {
  return frozenClean[kind].has(v) || (scoped !== undefined && scoped[kind].has(v));
}

// Remembers a clean value: while it is recent when it cannot change, else for the running validation only.
function remember(kind: Kind, v: object, unchangeable: boolean): void {
  if (unchangeable) frozenClean[kind].add(v);
  else scoped?.[kind].add(v);
}

function sortedKeys(m: Record<string, unknown> | undefined): string[] {
  return Object.keys(m ?? {}).sort();
}

/** ValidateLabelName: a qualified name; errors sit on the map's path, not the key's. */
export function validateLabelName(key: string, path: string): FieldError[] {
  return isQualifiedName(key).map((m) => invalidValue(path, key, m));
}

/** ValidateLabels: every key a qualified name, every value a label value (keys in sorted order). */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  if (typeof labels === "object" && labels !== null && isClean("labels", labels)) return [];
  const errs: FieldError[] = [];
  let strings = true;
  for (const k of sortedKeys(labels)) {
    errs.push(...validateLabelName(k, path));
    if (typeof labels![k] !== "string") strings = false;
    const v = String(labels![k] ?? "");
    for (const m of isValidLabelValue(v)) errs.push(invalidValue(path, v, m));
  }
  if (errs.length === 0 && strings && typeof labels === "object" && labels !== null) remember("labels", labels, Object.isFrozen(labels));
  return errs;
}

/** ValidateAnnotations: keys are qualified names (checked lower-cased) and the total size is at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  if (typeof annotations === "object" && annotations !== null && isClean("annotations", annotations)) return [];
  const errs: FieldError[] = [];
  let size = 0;
  let strings = true;
  for (const k of sortedKeys(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(path, k, m));
    if (typeof annotations![k] !== "string") strings = false;
    size += utf8Length(k) + utf8Length(String(annotations![k] ?? ""));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(path, "", TOTAL_ANNOTATION_SIZE_LIMIT_B));
  if (errs.length === 0 && strings && typeof annotations === "object" && annotations !== null) remember("annotations", annotations, Object.isFrozen(annotations));
  return errs;
}

/** ValidateNonnegativeField: "must be greater than or equal to 0". */
export function validateNonnegative(value: unknown, path: string): FieldError[] {
  return isJsonNumber(value) && Number(value) < 0 ? [invalidValue(path, value, isNegativeErrorMsg)] : [];
}

// Finalizers without a '/' must be one of Kubernetes' own (validateKubeFinalizerName).
export const STANDARD_FINALIZERS: ReadonlySet<string> = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** ValidateFinalizers plus core's validateKubeFinalizerName: qualified names, not orphan and foregroundDeletion together. */
function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const m of isQualifiedName(f)) errs.push(invalidValue(path, f, m));
  if (list.includes("orphan") && list.includes("foregroundDeletion")) errs.push(invalidValue(path, marshalled(list), "finalizer orphan and foregroundDeletion cannot be both set"));
  return errs;
}

// core's wrapper of ValidateObjectMeta(Update): after apimachinery's checks, each unprefixed finalizer must be a standard one.
function validateKubeFinalizerNames(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) errs.push(invalidValue(`${path}[${i}]`, f, "name is neither a standard finalizer name nor is it fully qualified"));
  });
  return errs;
}

// schema.FromAPIVersionAndKind: the version of "group/version" (or "version"); empty when it does not parse.
function apiVersionOf(apiVersion: string): string {
  const parts = apiVersion.split("/");
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2 && parts[0] !== "") return parts[1]!;
  return "";
}

/** ValidateOwnerReferences: each reference complete, not an Event, and at most one controller. */
function validateOwnerReferences(refs: Obj[] | undefined, path: string): FieldError[] {
  if (Array.isArray(refs) && isClean("ownerReferences", refs)) return [];
  const errs: FieldError[] = [];
  let firstController = "";
  for (const r of refs ?? []) {
    const version = apiVersionOf(r.apiVersion ?? "");
    if (!version) errs.push(invalidValue(`${path}.apiVersion`, r.apiVersion ?? "", "version must not be empty"));
    if (!r.kind) errs.push(invalidValue(`${path}.kind`, r.kind ?? "", "must not be empty"));
    if (!r.name) errs.push(invalidValue(`${path}.name`, r.name ?? "", "must not be empty"));
    if (!r.uid) errs.push(invalidValue(`${path}.uid`, r.uid ?? "", "must not be empty"));
    if (r.apiVersion === "v1" && r.kind === "Event") errs.push(invalidValue(path, marshalled(r), "/v1, Kind=Event is disallowed from being an owner"));
    if (r.controller === true) {
      const name = `${r.kind ?? ""}/${r.name ?? ""}`;
      if (firstController && !mutant("validation.two-controller-refs-accepted")) errs.push(invalidValue(path, marshalled(refs), `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`));
      else firstController = name;
    }
  }
  if (errs.length === 0 && Array.isArray(refs)) remember("ownerReferences", refs, frozenList(refs));
  return errs;
}

// A list that cannot change: frozen, and so is each element the checks read.
function frozenList(list: unknown[]): boolean {
  return Object.isFrozen(list) && list.every((e) => e === null || typeof e !== "object" || Object.isFrozen(e));
}

const MAX_SUBRESOURCE_NAME_LENGTH = 256;
const printableAscii = /^[\x20-\x7e]*$/;
const FIELD_MANAGER_MAX_LENGTH = 128;

// fmt's %#U: U+0009 with the quoted character when it is printable.
function goRuneU(r: string): string {
  const cp = r.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}${/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\p{Zs}/u.test(r) ? ` '${r}'` : ""}`;
}

/** ValidateFieldManager: at most 128 characters, all printable (unicode.IsPrint). */
export function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (manager.length > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(path, "", FIELD_MANAGER_MAX_LENGTH));
  // Printable ASCII is all letters, digits, punctuation, symbols or the space: nothing to look at per character.
  if (printableAscii.test(manager)) return errs;
  let i = 0;
  for (const r of manager) {
    // unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    if (!/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}/u.test(r) && r !== " ") errs.push(invalidValue(path, manager, `invalid character ${goRuneU(r)} (at position ${i})`));
    i += Buffer.byteLength(r, "utf8");
  }
  return errs;
}

/** ValidateManagedFields: Apply or Update, FieldsV1, a printable manager, a subresource name of at most 256 bytes. */
export function validateManagedFields(entries: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list: Obj[] = Array.isArray(entries) ? entries : [];
  if (isClean("managedFields", list)) return errs;
  // Every write carries a few entries, nearly always valid: those are passed over without building their paths.
  if (list.every(validManagedFieldsEntry)) {
    remember("managedFields", list, frozenList(list));
    return errs;
  }
  list.forEach((e: Obj, i: number) => {
    const at = `${path}[${i}]`;
    const op = typeof e?.operation === "string" ? e.operation : "";
    if (op !== "Apply" && op !== "Update") errs.push(invalidValue(`${at}.operation`, op, "must be `Apply` or `Update`"));
    const ft = typeof e?.fieldsType === "string" ? e.fieldsType : "";
    if (ft.length > 0 && ft !== "FieldsV1") errs.push(invalidValue(`${at}.fieldsType`, ft, "must be `FieldsV1`"));
    errs.push(...validateFieldManager(typeof e?.manager === "string" ? e.manager : "", `${at}.manager`));
    if (typeof e?.subresource === "string" && e.subresource.length > MAX_SUBRESOURCE_NAME_LENGTH) errs.push(tooLong(`${at}.subresource`, "", MAX_SUBRESOURCE_NAME_LENGTH));
  });
  return errs;
}

// An entry validateManagedFields finds nothing wrong with, decided without building a message.
function validManagedFieldsEntry(e: Obj): boolean {
  const op = typeof e?.operation === "string" ? e.operation : "";
  if (op !== "Apply" && op !== "Update") return false;
  const ft = typeof e?.fieldsType === "string" ? e.fieldsType : "";
  if (ft.length > 0 && ft !== "FieldsV1") return false;
  const manager = typeof e?.manager === "string" ? e.manager : "";
  if (manager.length > FIELD_MANAGER_MAX_LENGTH || !printableAscii.test(manager)) return false;
  return !(typeof e?.subresource === "string" && e.subresource.length > MAX_SUBRESOURCE_NAME_LENGTH);
}

/** ValidateObjectMeta: name (or generateName), namespace presence for the scope, generation, labels, annotations, owners, finalizers. */
export function validateObjectMeta(meta: Obj, namespaced: boolean, nameFn: NameFn, path = "metadata", kubeFinalizers = true): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) for (const msg of nameFn(m.generateName, true)) errs.push(invalidValue(`${path}.generateName`, m.generateName, msg));
  if (!m.name) errs.push(required(`${path}.name`, "name or generateName is required"));
  else for (const msg of nameFn(m.name, false)) errs.push(invalidValue(`${path}.name`, m.name, msg));
  if (namespaced) {
    if (!m.namespace) errs.push(required(`${path}.namespace`, ""));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(invalidValue(`${path}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbiddenField(`${path}.namespace`, "not allowed on this type"));
  }
  errs.push(...validateNonnegative(m.generation, `${path}.generation`));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  errs.push(...validateManagedFields(m.managedFields, `${path}.managedFields`));
  if (kubeFinalizers) errs.push(...validateKubeFinalizerNames(m.finalizers, `${path}.finalizers`));
  return errs;
}

function sameValue(a: unknown, b: unknown): boolean {
  // Two strings (names, uids, timestamps) are the same JSON exactly when they are the same string.
  if (typeof a === "string" && typeof b === "string") return a === b;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** ValidateImmutableField: "field is immutable" with the new value. */
export function validateImmutable(newVal: unknown, oldVal: unknown, path: string, shown: unknown = newVal ?? ""): FieldError[] {
  return sameValue(newVal, oldVal) ? [] : [invalidValue(path, shown, fieldImmutableErrorMsg)];
}

// validateImmutable with the value shown worked out only when the field did change.
function validateImmutableShown(newVal: unknown, oldVal: unknown, path: string, shown: () => unknown): FieldError[] {
  return sameValue(newVal, oldVal) ? [] : [invalidValue(path, shown(), fieldImmutableErrorMsg)];
}

/** ValidateObjectMetaUpdate: name, namespace, uid, creationTimestamp and deletion fields never change; no new finalizers while deleting. */
export function validateObjectMetaUpdate(meta: Obj, old: Obj, path = "metadata", kubeFinalizers = true): FieldError[] {
  const m = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const had = new Set<string>(o.finalizers ?? []);
    const extra = [...new Set<string>((m.finalizers ?? []).filter((f: string) => !had.has(f)))].sort();
    if (extra.length > 0) errs.push(forbiddenField(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goSyntax(extra)}`));
  }
  if ((m.generation ?? 0) < (o.generation ?? 0)) errs.push(invalidValue(`${path}.generation`, m.generation ?? 0, "must not be decremented"));
  errs.push(...validateImmutable(m.name, o.name, `${path}.name`));
  errs.push(...validateImmutable(m.namespace, o.namespace, `${path}.namespace`));
  errs.push(...validateImmutable(m.uid, o.uid, `${path}.uid`));
  // Times print through json.Marshal: RFC 3339, or null for an unset pointer.
  errs.push(...validateImmutableShown(m.creationTimestamp, o.creationTimestamp, `${path}.creationTimestamp`, () => marshalled(m.creationTimestamp ?? null)));
  errs.push(...validateImmutable(m.deletionTimestamp, o.deletionTimestamp, `${path}.deletionTimestamp`, m.deletionTimestamp ?? null));
  errs.push(...validateImmutable(m.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, `${path}.deletionGracePeriodSeconds`, m.deletionGracePeriodSeconds ?? null));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateManagedFields(m.managedFields, `${path}.managedFields`));
  if (kubeFinalizers) errs.push(...validateKubeFinalizerNames(m.finalizers, `${path}.finalizers`));
  return errs;
}

/** path.ValidatePathSegmentName: a name that is safe as one segment of a REST or etcd path. */
export const nameIsPathSegment: NameFn = (name, prefix) => {
  if (!prefix && (name === "." || name === "..")) return [`may not be '${name}'`];
  const slash = name.includes("/");
  const percent = name.includes("%");
  if (!slash && !percent) return [];
  return [...(slash ? ["may not contain '/'"] : []), ...(percent ? ["may not contain '%'"] : [])];
};

/**
 * The registry's own ObjectMeta checks for every kind (rest.BeforeCreate after the strategy's Validate;
 * rest.BeforeUpdate's validateCommonFields before ValidateUpdate): apimachinery's rules with path-segment
 * names, without core's finalizer-name rule. On update both the create-style and the update checks run.
 */
export function validateCommonObjectMeta(meta: Obj, namespaced: boolean, old?: Obj): FieldError[] {
  const errs = validateObjectMeta(meta, namespaced, nameIsPathSegment, "metadata", false);
  if (old !== undefined) errs.push(...validateObjectMetaUpdate(meta, old, "metadata", false));
  return errs;
}
