// CustomResourceDefinition validation (apiextensions-apiserver pkg/apis/apiextensions/validation
// and pkg/apiserver/schema's structural checks), for apiextensions.k8s.io/v1: the name is
// <spec.names.plural>.<spec.group>, names are DNS labels, exactly one storage version, and every
// version has a structural schema.

import { mutant } from "../../common/mutation.js";
import { duplicate, forbiddenField, invalidValue, notSupported, required, tooMany, type FieldError } from "../status.js";
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from "./names.js";
import { marshalled, validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";

type Obj = any;

const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** ValidateCustomResourceDefinition: metadata (the name must be <plural>.<group>), spec, status, storedVersions. */
export function validateCustomResourceDefinition(crd: Obj): FieldError[] {
  const spec = isObj(crd?.spec) ? crd.spec : {};
  const names = isObj(spec.names) ? spec.names : {};
  const requiredName = `${str(names.plural)}.${str(spec.group)}`;
  const nameFn = (name: string, prefix: boolean) => [...nameIsDNSSubdomain(name, prefix), ...(name !== requiredName ? [`must be spec.names.plural+"."+spec.group`] : [])];
  return [
    // apimachinery's ObjectMeta rules: no core finalizer-name rule (customresourcecleanup.apiextensions.k8s.io is unqualified)
    ...validateObjectMeta(crd?.metadata, false, nameFn, "metadata", false),
    ...validateSpec(spec),
    ...validateStatus(crd?.status),
    ...validateStoredVersions(crd?.status, spec),
  ];
}

/** ValidateCustomResourceDefinitionUpdate: as on create, and once established the scope and kind, always the group and plural, are immutable. */
export function validateCustomResourceDefinitionUpdate(crd: Obj, old: Obj): FieldError[] {
  const spec = isObj(crd?.spec) ? crd.spec : {};
  const oldSpec = isObj(old?.spec) ? old.spec : {};
  const established = (old?.status?.conditions ?? []).some((c: Obj) => c?.type === "Established" && c?.status === "True");
  const errs = [...validateObjectMetaUpdate(crd?.metadata, old?.metadata, "metadata", false), ...validateSpec(spec)];
  if (established) {
    errs.push(...validateImmutable(spec.scope, oldSpec.scope, "spec.scope"));
    errs.push(...validateImmutable(spec.names?.kind, oldSpec.names?.kind, "spec.names.kind"));
  }
  errs.push(...validateImmutable(spec.group, oldSpec.group, "spec.group"));
  errs.push(...validateImmutable(spec.names?.plural, oldSpec.names?.plural, "spec.names.plural"));
  errs.push(...validateStatus(crd?.status), ...validateStoredVersions(crd?.status, spec));
  return errs;
}

/** ValidateUpdateCustomResourceDefinitionStatus: metadata update rules and the accepted names. */
export function validateCustomResourceDefinitionStatusUpdate(crd: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(crd?.metadata, old?.metadata, "metadata", false), ...validateStatus(crd?.status)];
}

function validateSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const group = str(spec.group);
  if (group === "") errs.push(required("spec.group"));
  else {
    const msgs = isDNS1123Subdomain(group);
    if (msgs.length > 0) errs.push(invalidValue("spec.group", group, msgs.join(",")));
    else if (group.split(".").length < 2) errs.push(invalidValue("spec.group", group, "should be a domain with at least one dot"));
  }
  const scope = str(spec.scope);
  if (scope === "") errs.push(required("spec.scope"));
  else if (scope !== "Cluster" && scope !== "Namespaced") errs.push(notSupported("spec.scope", scope, ["Cluster", "Namespaced"]));
  // v1 has no preserveUnknownFields: true (x-kubernetes-preserve-unknown-fields in a schema instead)
  if (spec.preserveUnknownFields === true) errs.push(invalidValue("spec.preserveUnknownFields", true, "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
  const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const path = `spec.versions[${i}]`;
    if (v?.storage === true) storage++;
    const name = str(v?.name);
    if (seen.has(name)) unique = false;
    else seen.add(name);
    const msgs = isDNS1035Label(name);
    if (msgs.length > 0) errs.push(invalidValue(`${path}.name`, name, msgs.join(",")));
    errs.push(...validateVersion(v ?? {}, path));
  });
  if (!unique) errs.push(invalidValue("spec.versions", marshalled(versions), "must contain unique version names"));
  // the mutant asks for a storage version but not for only one: the CRD stores at whichever version the API server picks
  if (mutant("validation.crd-two-storage-versions-accepted") ? storage < 1 : storage !== 1) errs.push(invalidValue("spec.versions", marshalled(versions), "must have exactly one version marked as storage version"));
  const names = isObj(spec.names) ? spec.names : {};
  if (str(names.plural) === "") errs.push(required("spec.names.plural"));
  if (str(names.singular) === "") errs.push(required("spec.names.singular"));
  if (str(names.kind) === "") errs.push(required("spec.names.kind"));
  if (str(names.listKind) === "") errs.push(required("spec.names.listKind"));
  errs.push(...validateNames(names, "spec.names"));
  const conv = spec.conversion;
  if (isObj(conv)) {
    const strategy = str(conv.strategy);
    if (strategy !== "None" && strategy !== "Webhook") errs.push(notSupported("spec.conversion.strategy", strategy, ["None", "Webhook"]));
    if (strategy === "None" && conv.webhook != null) errs.push(forbiddenField("spec.conversion.webhook", "should be empty if conversion strategy is None"));
    if (strategy === "Webhook" && conv.webhook?.clientConfig == null) errs.push(required("spec.conversion.webhook.clientConfig", "required when strategy is set to Webhook"));
  }
  return errs;
}

function validateVersion(v: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (v.deprecated !== true && v.deprecationWarning != null) errs.push(forbiddenField(`${path}.deprecationWarning`, "can only be set for deprecated versions"));
  else if (typeof v.deprecationWarning === "string" && v.deprecationWarning.length > 256) errs.push(invalidValue(`${path}.deprecationWarning`, v.deprecationWarning, "must be <= 256 characters long"));
  const schema = v.schema?.openAPIV3Schema;
  // v1 requires a structural schema per version
  if (schema === undefined || schema === null) errs.push(required(`${path}.schema.openAPIV3Schema`, "schemas are required"));
  else {
    const at = `${path}.schema.openAPIV3Schema`;
    const statusEnabled = v.subresources?.status != null;
    errs.push(...validateSchemaProps(schema, at), ...structuralErrors(schema, at));
    if (statusEnabled && isObj(schema)) {
      const extra = Object.keys(schema).filter((k) => !["properties", "required", "type", "description", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations"].includes(k));
      if (extra.length > 0) errs.push(invalidValue(at, marshalled(schema), `must only have "properties", "required" or "description" at the root if the status subresource is enabled`));
    }
  }
  const scale = v.subresources?.scale;
  if (isObj(scale)) {
    const sp = `${path}.subresources.scale`;
    errs.push(...replicasPath(scale.specReplicasPath, `${sp}.specReplicasPath`, ".spec."));
    errs.push(...replicasPath(scale.statusReplicasPath, `${sp}.statusReplicasPath`, ".status."));
    if (scale.labelSelectorPath != null) {
      const lp = str(scale.labelSelectorPath);
      if (!lp.startsWith(".spec.") && !lp.startsWith(".status.")) errs.push(invalidValue(`${sp}.labelSelectorPath`, lp, "should be a json path under either .spec or .status"));
    }
  }
  (Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : []).forEach((c: Obj, i: number) => {
    const cp = `${path}.additionalPrinterColumns[${i}]`;
    if (str(c?.name) === "") errs.push(required(`${cp}.name`));
    const type = str(c?.type);
    if (type === "") errs.push(required(`${cp}.type`));
    else if (!printerColumnTypes.includes(type)) errs.push(notSupported(`${cp}.type`, type, printerColumnTypes));
    if (c?.format != null && c.format !== "" && !printerColumnFormats.includes(c.format)) errs.push(notSupported(`${cp}.format`, c.format, printerColumnFormats));
    if (str(c?.jsonPath) === "") errs.push(required(`${cp}.JSONPath`));
  });
  if (Array.isArray(v.selectableFields)) errs.push(...selectableFieldErrors(v.selectableFields, schema, `${path}.selectableFields`));
  return errs;
}

const maxSelectableFields = 8;

/**
 * ValidateCustomResourceSelectableFields: each jsonPath a simple path (no array notation) to a
 * field of the version's schema, outside metadata, of type string, boolean or integer, once; 8 at most.
 */
function selectableFieldErrors(fields: readonly Obj[], schema: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Set<string>();
  fields.forEach((f: Obj, i: number) => {
    const at = `${path}[${i}].jsonPath`;
    const jp = str(f?.jsonPath);
    if (jp === "") return void errs.push(required(at, ""));
    const segments = jp.startsWith(".") && !/[[\]]/.test(jp) ? jp.slice(1).split(".") : undefined;
    let s: Obj = schema;
    for (const seg of segments ?? []) s = seg !== "" && isObj(s?.properties) && Object.hasOwn(s.properties, seg) ? s.properties[seg] : undefined;
    if (segments === undefined || !isObj(s)) return void errs.push(invalidValue(at, jp, "is an invalid path: does not refer to a valid field"));
    if (segments[0] === "metadata") errs.push(invalidValue(at, jp, "must not point to fields in metadata"));
    if (!["string", "boolean", "integer"].includes(s.type)) errs.push(invalidValue(at, jp, "must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed."));
    const key = segments.join(".");
    if (unique.has(key)) errs.push(duplicate(at, jp));
    else unique.add(key);
  });
  if (unique.size > maxSelectableFields) errs.push(tooMany(path, unique.size, maxSelectableFields));
  return errs;
}

const printerColumnTypes = ["integer", "number", "string", "boolean", "date"];
const printerColumnFormats = ["int32", "int64", "float", "double", "byte", "date", "date-time", "password"];

function replicasPath(p: unknown, path: string, prefix: string): FieldError[] {
  const s = str(p);
  if (s === "") return [required(path)];
  const under = prefix === ".spec." ? "should be a json path under .spec" : "should be a json path under .status";
  return s.startsWith(prefix) ? [] : [invalidValue(path, s, under)];
}

/** ValidateCustomResourceDefinitionNames: each name a DNS-1035 label (kinds in any case), kind and listKind different. */
function validateNames(n: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (field: string, value: string, lower: boolean) => {
    if (value === "") return;
    const msgs = isDNS1035Label(lower ? value.toLowerCase() : value);
    if (msgs.length > 0) errs.push(invalidValue(`${path}.${field}`, value, lower ? `may have mixed case, but should otherwise match: ${msgs.join(",")}` : msgs.join(",")));
  };
  label("plural", str(n.plural), false);
  label("singular", str(n.singular), false);
  label("kind", str(n.kind), true);
  label("listKind", str(n.listKind), true);
  strList(n.shortNames).forEach((s, i) => {
    const msgs = isDNS1035Label(s);
    if (msgs.length > 0) errs.push(invalidValue(`${path}.shortNames[${i}]`, s, msgs.join(",")));
  });
  if (str(n.kind) !== "" && n.kind === n.listKind) errs.push(invalidValue(`${path}.listKind`, n.listKind, "kind and listKind may not be the same"));
  strList(n.categories).forEach((s, i) => {
    const msgs = isDNS1035Label(s);
    if (msgs.length > 0) errs.push(invalidValue(`${path}.categories[${i}]`, s, msgs.join(",")));
  });
  return errs;
}

function validateStatus(status: Obj): FieldError[] {
  return isObj(status) && isObj(status.acceptedNames) ? validateNames(status.acceptedNames, "status.acceptedNames") : [];
}

function validateStoredVersions(status: Obj, spec: Obj): FieldError[] {
  const stored = strList(status?.storedVersions);
  const names = new Set((Array.isArray(spec.versions) ? spec.versions : []).map((v: Obj) => v?.name));
  const errs: FieldError[] = [];
  stored.forEach((v, i) => {
    if (!names.has(v)) errs.push(invalidValue(`status.storedVersions[${i}]`, v, "must appear in spec.versions"));
  });
  return errs;
}

// ---- the schema ---------------------------------------------------------------------------------

const schemaTypes = ["array", "boolean", "integer", "number", "object", "string"];

/** The openAPIV3Schema rules of ValidateCustomResourceDefinitionOpenAPISchema that podflow checks, walked through every nested schema. */
function validateSchemaProps(s: unknown, path: string, depth = 0): FieldError[] {
  if (!isObj(s) || depth > 64) return [];
  const errs: FieldError[] = [];
  if (s.uniqueItems === true) errs.push(forbiddenField(`${path}.uniqueItems`, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
  if (s.$ref !== undefined) errs.push(forbiddenField(`${path}.$ref`, "$ref is not supported"));
  if (s.additionalProperties !== undefined && isObj(s.properties) && Object.keys(s.properties).length > 0 && (s.additionalProperties === false || isObj(s.additionalProperties))) {
    errs.push(forbiddenField(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"));
  }
  if (s.type !== undefined && (typeof s.type !== "string" || !schemaTypes.includes(s.type))) errs.push(notSupported(`${path}.type`, s.type, schemaTypes));
  if (s["x-kubernetes-preserve-unknown-fields"] === false) errs.push(invalidValue(`${path}.x-kubernetes-preserve-unknown-fields`, false, "must be true or undefined"));
  if (isObj(s.properties)) for (const [k, sub] of Object.entries(s.properties)) errs.push(...validateSchemaProps(sub, `${path}.properties[${k}]`, depth + 1));
  if (isObj(s.additionalProperties)) errs.push(...validateSchemaProps(s.additionalProperties, `${path}.additionalProperties`, depth + 1));
  if (isObj(s.items)) errs.push(...validateSchemaProps(s.items, `${path}.items`, depth + 1));
  for (const k of ["allOf", "anyOf", "oneOf"] as const) if (Array.isArray(s[k])) s[k].forEach((sub: unknown, i: number) => errs.push(...validateSchemaProps(sub, `${path}.${k}[${i}]`, depth + 1)));
  if (isObj(s.not)) errs.push(...validateSchemaProps(s.not, `${path}.not`, depth + 1));
  return errs;
}

/**
 * The structural schema rules (pkg/apiserver/schema validation.go): every specified field has a
 * type (but under x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields), the root is
 * an object, an array has items, and metadata at the root says at most name and generateName.
 */
function structuralErrors(root: unknown, path: string): FieldError[] {
  if (!isObj(root)) return [];
  const errs: FieldError[] = [];
  const typeless = (s: Obj) => s["x-kubernetes-int-or-string"] === true || s["x-kubernetes-preserve-unknown-fields"] === true;
  const walk = (s: unknown, p: string, where: "root" | "property" | "item" | "additional", depth: number): void => {
    if (!isObj(s) || depth > 64) return;
    if ((s.type === undefined || s.type === "") && !typeless(s)) {
      const detail = where === "root" ? "must not be empty at the root" : where === "item" ? "must not be empty for specified array items" : where === "additional" ? "must not be empty for specified additionalProperties" : "must not be empty for specified object fields";
      errs.push(required(`${p}.type`, detail));
    }
    if (s["x-kubernetes-int-or-string"] === true && s.type !== undefined && s.type !== "") errs.push(invalidValue(`${p}.type`, s.type, "must be empty if x-kubernetes-int-or-string is true"));
    if (s.type === "array" && s.items === undefined) errs.push(required(`${p}.items`, "must be specified"));
    if (s["x-kubernetes-embedded-resource"] === true && s.type !== "object") errs.push(invalidValue(`${p}.type`, s.type ?? "", "must be object if x-kubernetes-embedded-resource is true"));
    if (isObj(s.properties)) for (const [k, sub] of Object.entries(s.properties)) walk(sub, `${p}.properties[${k}]`, "property", depth + 1);
    if (isObj(s.items)) walk(s.items, `${p}.items`, "item", depth + 1);
    if (isObj(s.additionalProperties)) walk(s.additionalProperties, `${p}.additionalProperties`, "additional", depth + 1);
  };
  walk(root, path, "root", 0);
  if (typeof root.type === "string" && root.type !== "" && root.type !== "object") errs.push(invalidValue(`${path}.type`, root.type, "must be object at the root"));
  const meta = isObj(root.properties) ? root.properties.metadata : undefined;
  if (isObj(meta)) {
    const allowed = (k: string) => k === "type" || k === "properties" || k === "description";
    const props = isObj(meta.properties) ? Object.keys(meta.properties) : [];
    const bad = Object.keys(meta).some((k) => !allowed(k)) || (meta.type !== undefined && meta.type !== "object") || props.some((k) => k !== "name" && k !== "generateName");
    if (bad) errs.push(forbiddenField(`${path}.properties[metadata]`, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
  }
  return errs;
}
