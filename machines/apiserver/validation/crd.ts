// CustomResourceDefinition validation (apiextensions-apiserver pkg/apis/apiextensions/validation
// and pkg/apiserver/schema's structural checks), for apiextensions.k8s.io/v1: the name is
// <spec.names.plural>.<spec.group>, names are DNS labels, exactly one storage version, and every
// version has a structural schema.

import { mutant } from "../../common/mutation.js";
import { duplicate, forbiddenField, invalidValue, notSupported, required, tooMany, type FieldError } from "../status.js";
import { crdValidationRuleErrors } from "../cel/crdrules.js";
import { re2CompileError } from "../cel/regex.js";
import { deepEqual } from "../../common/equal.js";
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
    ...validateSpec(spec, strictListTypes),
    ...validateStatus(crd?.status),
    ...validateStoredVersions(crd?.status, spec),
  ];
}

/** ValidateCustomResourceDefinitionUpdate: as on create, and once established the scope and kind, always the group and plural, are immutable. */
export function validateCustomResourceDefinitionUpdate(crd: Obj, old: Obj): FieldError[] {
  const spec = isObj(crd?.spec) ? crd.spec : {};
  const oldSpec = isObj(old?.spec) ? old.spec : {};
  const established = (old?.status?.conditions ?? []).some((c: Obj) => c?.type === "Established" && c?.status === "True");
  const opts: ListTypeRules = { ...listTypeRatchet(oldSpec), unchangedSchemas: versionsWithUnchangedSchemas(spec, oldSpec) };
  const errs = [...validateObjectMetaUpdate(crd?.metadata, old?.metadata, "metadata", false), ...validateSpec(spec, opts)];
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

/** Two list-type rules kube-apiserver tightened later, so an update keeps a schema that broke them before it. */
interface ListTypeRules {
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
  /** On update, the versions whose schema is unchanged: their rules' per-expression cost limit is not applied. */
  unchangedSchemas?: ReadonlySet<string>;
}

/** findVersionsWithUnchangedSchemas: a stored rule whose cost estimate grew (an upgrade) does not block other edits. */
function versionsWithUnchangedSchemas(spec: Obj, oldSpec: Obj): Set<string> {
  const byName = (vs: unknown) => new Map<string, unknown>((Array.isArray(vs) ? vs : []).filter(isObj).map((v) => [str(v.name), v.schema]));
  const olds = byName(oldSpec.versions);
  const out = new Set<string>();
  for (const [name, schema] of byName(spec.versions)) if (olds.has(name) && deepEqual(schema, olds.get(name))) out.add(name);
  return out;
}

const strictListTypes: ListTypeRules = { requireAtomicSetType: true, requireMapListKeysMapSetValidation: true };
const looseListTypes: ListTypeRules = { requireAtomicSetType: false, requireMapListKeysMapSetValidation: false };

/** ValidateCustomResourceDefinitionUpdate's options: a rule is required unless a schema of the old spec already breaks it. */
function listTypeRatchet(oldSpec: Obj): ListTypeRules {
  const schemas = (Array.isArray(oldSpec.versions) ? oldSpec.versions : []).map((v: Obj) => v?.schema?.openAPIV3Schema);
  // a schema breaks a rule when checking it adds errors to those found without it
  const breaks = (only: keyof ListTypeRules) => schemas.some((sc: unknown) => validateSchemaProps(sc, "", { ...looseListTypes, [only]: true }).length > validateSchemaProps(sc, "", looseListTypes).length);
  return { requireAtomicSetType: !breaks("requireAtomicSetType"), requireMapListKeysMapSetValidation: !breaks("requireMapListKeysMapSetValidation") };
}

function validateSpec(spec: Obj, opts: ListTypeRules): FieldError[] {
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
    errs.push(...validateVersion(v ?? {}, path, opts));
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

function validateVersion(v: Obj, path: string, opts: ListTypeRules): FieldError[] {
  const errs: FieldError[] = [];
  if (v.deprecated !== true && v.deprecationWarning != null) errs.push(forbiddenField(`${path}.deprecationWarning`, "can only be set for deprecated versions"));
  else if (typeof v.deprecationWarning === "string" && v.deprecationWarning.length > 256) errs.push(invalidValue(`${path}.deprecationWarning`, v.deprecationWarning, "must be <= 256 characters long"));
  const schema = v.schema?.openAPIV3Schema;
  // v1 requires a structural schema per version
  if (schema === undefined || schema === null) errs.push(required(`${path}.schema.openAPIV3Schema`, "schemas are required"));
  else {
    const at = `${path}.schema.openAPIV3Schema`;
    const statusEnabled = v.subresources?.status != null;
    // structuralschema.NewStructural first: when it cannot read the schema the structural rules are not
    // checked, and its error is shown only if nothing else is wrong with the version's schema
    const initError = structuralInitError(schema);
    const schemaErrs = [...(initError === undefined ? structuralErrors(schema, at) : []), ...validateSchemaProps(schema, at, opts)];
    errs.push(...schemaErrs);
    if (initError !== undefined && schemaErrs.length === 0) errs.push(invalidValue(at, "", initError));
    // x-kubernetes-validations are compiled against a sound structural schema only
    if (initError === undefined && schemaErrs.length === 0) errs.push(...crdValidationRuleErrors(schema, at, { suppressPerExpressionCost: opts.unchangedSchemas?.has(str(v.name)) === true }));
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

/**
 * The openAPIV3Schema rules of ValidateCustomResourceDefinitionOpenAPISchema that podflow checks,
 * through every nested schema in its order (apiextensions validation.go): the standard validator's
 * rules, uniqueItems, additionalProperties, the nested schemas, then the x-kubernetes-* rules that
 * follow them. The walk keeps its own stack: kube-apiserver checks a schema as deep as its JSON
 * decoder takes, so no level is skipped and none costs a call frame.
 */
function validateSchemaProps(root: unknown, rootPath: string, opts: ListTypeRules): FieldError[] {
  const errs: FieldError[] = [];
  type Task = { s: unknown; path: string; after: boolean };
  const stack: Task[] = [{ s: root, path: rootPath, after: false }];
  while (stack.length > 0) {
    const { s, path, after } = stack.pop()!;
    if (!isObj(s)) continue;
    if (after) {
      errs.push(...extensionErrors(s, path, opts));
      continue;
    }
    errs.push(...standardErrors(s, path));
    if (s.uniqueItems === true) errs.push(forbiddenField(`${path}.uniqueItems`, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
    if (s.additionalProperties !== undefined && isObj(s.properties) && Object.keys(s.properties).length > 0 && (s.additionalProperties === false || isObj(s.additionalProperties))) {
      errs.push(forbiddenField(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"));
    }
    const children: Task[] = [];
    const child = (sub: unknown, p: string) => void children.push({ s: sub, path: p, after: false });
    if (isObj(s.additionalProperties)) child(s.additionalProperties, `${path}.additionalProperties`);
    if (isObj(s.properties)) for (const [k, sub] of Object.entries(s.properties)) child(sub, `${path}.properties[${k}]`);
    child(s.not, `${path}.not`);
    for (const k of ["allOf", "oneOf", "anyOf"] as const) if (Array.isArray(s[k])) s[k].forEach((sub: unknown, i: number) => child(sub, `${path}.${k}[${i}]`));
    if (isObj(s.definitions)) for (const [k, sub] of Object.entries(s.definitions)) child(sub, `${path}.definitions[${k}]`);
    if (isObj(s.items)) child(s.items, `${path}.items`);
    else if (Array.isArray(s.items)) s.items.forEach((sub: unknown, i: number) => child(sub, `${path}.items[${i}]`));
    if (isObj(s.dependencies)) for (const [k, sub] of Object.entries(s.dependencies)) if (isObj(sub)) child(sub, `${path}.dependencies[${k}]`);
    // the rules after the nested schemas are checked once they are all done
    stack.push({ s, path, after: true });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return errs;
}

/** specStandardValidatorV3.validate: what OpenAPI v3 allows and a CRD's schema does not. */
function standardErrors(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s.type !== undefined && s.type !== "" && (typeof s.type !== "string" || !schemaTypes.includes(s.type))) errs.push(notSupported(`${path}.type`, s.type, schemaTypes));
  if (typeof s.id === "string" && s.id !== "") errs.push(forbiddenField(`${path}.id`, "id is not supported"));
  if (s.additionalItems !== undefined && s.additionalItems !== null) errs.push(forbiddenField(`${path}.additionalItems`, "additionalItems is not supported"));
  if (isObj(s.patternProperties) && Object.keys(s.patternProperties).length > 0) errs.push(forbiddenField(`${path}.patternProperties`, "patternProperties is not supported"));
  if (isObj(s.definitions) && Object.keys(s.definitions).length > 0) errs.push(forbiddenField(`${path}.definitions`, "definitions is not supported"));
  if (s.dependencies !== undefined && s.dependencies !== null) errs.push(forbiddenField(`${path}.dependencies`, "dependencies is not supported"));
  if (s.$ref !== undefined && s.$ref !== null) errs.push(forbiddenField(`${path}.$ref`, "$ref is not supported"));
  if (s.type === "null") errs.push(forbiddenField(`${path}.type`, "type cannot be set to null, use nullable as an alternative"));
  if (Array.isArray(s.items) && s.items.length > 0) errs.push(forbiddenField(`${path}.items`, "items must be a schema object and not an array"));
  return errs;
}

/** The x-kubernetes-preserve-unknown-fields, -map-type, -list-type and -list-map-keys rules of one schema. */
function extensionErrors(s: Obj, path: string, opts: ListTypeRules): FieldError[] {
  const errs: FieldError[] = [];
  if (s["x-kubernetes-preserve-unknown-fields"] === false) errs.push(invalidValue(`${path}.x-kubernetes-preserve-unknown-fields`, false, "must be true or undefined"));
  const type = str(s.type);
  const mapType = typeof s["x-kubernetes-map-type"] === "string" ? (s["x-kubernetes-map-type"] as string) : undefined;
  const listType = typeof s["x-kubernetes-list-type"] === "string" ? (s["x-kubernetes-list-type"] as string) : undefined;
  const keys = strList(s["x-kubernetes-list-map-keys"]);
  const item: Obj | undefined = isObj(s.items) ? s.items : undefined;
  if (mapType !== undefined && type !== "object") errs.push(type === "" ? required(`${path}.type`, "must be object if x-kubernetes-map-type is specified") : invalidValue(`${path}.type`, type, "must be object if x-kubernetes-map-type is specified"));
  if (mapType !== undefined && mapType !== "atomic" && mapType !== "granular") errs.push(notSupported(`${path}.x-kubernetes-map-type`, mapType, ["atomic", "granular"]));
  if (listType !== undefined && type !== "array") errs.push(type === "" ? required(`${path}.type`, "must be array if x-kubernetes-list-type is specified") : invalidValue(`${path}.type`, type, "must be array if x-kubernetes-list-type is specified"));
  else if (opts.requireAtomicSetType && listType === "set" && item !== undefined) {
    // requireAtomicSetType: a set's items are compared whole
    const itemList = typeof item["x-kubernetes-list-type"] === "string" ? item["x-kubernetes-list-type"] : undefined;
    const itemMap = typeof item["x-kubernetes-map-type"] === "string" ? item["x-kubernetes-map-type"] : undefined;
    if (item.type === "array" && itemList !== undefined && itemList !== "atomic") errs.push(invalidValue(`${path}.items.x-kubernetes-list-type`, itemList, "must be atomic as item of a list with x-kubernetes-list-type=set"));
    // kube passes the item's list type here, not its map type: nil for an object item
    if (item.type === "object" && itemMap !== "atomic") errs.push(invalidValue(`${path}.items.x-kubernetes-map-type`, itemList ?? null, "must be atomic as item of a list with x-kubernetes-list-type=set"));
  }
  if (listType !== undefined && listType !== "atomic" && listType !== "set" && listType !== "map") errs.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ["atomic", "set", "map"]));
  if (keys.length > 0) {
    if (listType === undefined) errs.push(required(`${path}.x-kubernetes-list-type`, "must be map if x-kubernetes-list-map-keys is non-empty"));
    else if (listType !== "map") errs.push(invalidValue(`${path}.x-kubernetes-list-type`, listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
  }
  if (listType === "map") {
    if (keys.length === 0) errs.push(required(`${path}.x-kubernetes-list-map-keys`, "must not be empty if x-kubernetes-list-type is map"));
    if (s.items === undefined || s.items === null) errs.push(required(`${path}.items`, "must have a schema if x-kubernetes-list-type is map"));
    if (item !== undefined && item.type !== "object") errs.push(invalidValue(`${path}.items.type`, str(item.type), "must be object if parent array's x-kubernetes-list-type is map"));
    if (item !== undefined && item.type === "object") {
      const props = isObj(item.properties) ? item.properties : {};
      const seen = new Set<string>();
      for (const k of keys) {
        if (Object.hasOwn(props, k)) {
          const kt = isObj(props[k]) ? props[k].type : undefined;
          // kube prints the item's type here, not the key's
          if (kt === "array" || kt === "object") errs.push(invalidValue(`${path}.items.properties[${k}].type`, "object", "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        } else errs.push(invalidValue(`${path}.x-kubernetes-list-map-keys`, keys, "entries must all be names of item properties"));
        if (seen.has(k)) errs.push(invalidValue(`${path}.x-kubernetes-list-map-keys`, keys, "must not contain duplicate entries"));
        seen.add(k);
      }
    }
  }
  // validateMapListKeysMapSet (requireMapListKeysMapSetValidation): a set's or map's items are never
  // null, and each map key is required or defaulted, and never null
  if (opts.requireMapListKeysMapSetValidation && (listType === "set" || listType === "map") && item !== undefined) {
    if (item.nullable === true) errs.push(forbiddenField(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === "map") {
      const props = isObj(item.properties) ? item.properties : {};
      const requiredKeys = new Set(strList(item.required));
      for (const k of keys) {
        if (!Object.hasOwn(props, k) || !isObj(props[k])) continue;
        if (!requiredKeys.has(k) && props[k].default === undefined) errs.push(required(`${path}.items.properties[${k}].default`, "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
        if (props[k].nullable === true) errs.push(forbiddenField(`${path}.items.properties[${k}].nullable`, "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
      }
    }
  }
  return errs;
}

/**
 * Why structuralschema.NewStructural cannot read a schema (pkg/apiserver/schema/convert.go): a field
 * validateUnsupportedFields refuses, x-kubernetes-preserve-unknown-fields false, or items that are
 * an array, anywhere it walks; undefined when it can.
 */
function structuralInitError(root: unknown): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const s = stack.pop();
    if (!isObj(s)) continue;
    if (typeof s.id === "string" && s.id !== "") return "OpenAPIV3Schema 'id' is not supported";
    if (typeof s.$schema === "string" && s.$schema !== "") return "OpenAPIV3Schema 'schema' is not supported";
    if (typeof s.$ref === "string" && s.$ref !== "") return "OpenAPIV3Schema '$ref' is not supported";
    if (isObj(s.patternProperties) && Object.keys(s.patternProperties).length > 0) return "OpenAPIV3Schema 'patternProperties' is not supported";
    if (isObj(s.dependencies) && Object.keys(s.dependencies).length > 0) return "OpenAPIV3Schema 'dependencies' is not supported";
    if (s.additionalItems !== undefined && s.additionalItems !== null) return "OpenAPIV3Schema 'additionalItems' is not supported";
    if (isObj(s.definitions) && Object.keys(s.definitions).length > 0) return "OpenAPIV3Schema 'definitions' is not supported";
    if (s["x-kubernetes-preserve-unknown-fields"] === false) return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
    if (Array.isArray(s.items) && s.items.length > 0) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
    const children: unknown[] = [s.not, ...["allOf", "anyOf", "oneOf"].flatMap((k) => (Array.isArray(s[k]) ? s[k] : [])), s.additionalProperties, s.items, ...(isObj(s.properties) ? Object.values(s.properties) : [])];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return undefined;
}

/** validateValueValidation: a schema's pattern must compile as Go's regexp (RE2: no backreferences, no lookaround). */
function patternErrors(s: Obj, p: string): FieldError[] {
  const bad = typeof s.pattern === "string" && s.pattern !== "" ? re2CompileError(s.pattern) : undefined;
  return bad === undefined ? [] : [invalidValue(`${p}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${bad}`)];
}

/** The schemas under a schema's anyOf, allOf, oneOf and not, in validateValueValidation's order. */
function junctorSchemas(s: Obj, p: string): Array<{ s: unknown; p: string; where: "nested" }> {
  const out: Array<{ s: unknown; p: string; where: "nested" }> = [];
  for (const k of ["anyOf", "allOf", "oneOf"] as const) if (Array.isArray(s[k])) s[k].forEach((sub: unknown, i: number) => out.push({ s: sub, p: `${p}.${k}[${i}]`, where: "nested" }));
  if (isObj(s.not)) out.push({ s: s.not, p: `${p}.not`, where: "nested" });
  return out;
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
  // its own stack, depth-first as the recursion in kube's: every level is checked, none costs a call frame
  // "nested": a schema under allOf, anyOf, oneOf or not (validateNestedValueValidation), where only
  // the value validations are checked
  type Where = "root" | "property" | "item" | "additional" | "nested";
  const stack: Array<{ s: unknown; p: string; where: Where }> = [{ s: root, p: path, where: "root" }];
  while (stack.length > 0) {
    const { s, p, where } = stack.pop()!;
    if (!isObj(s)) continue;
    if (where === "nested") {
      const nested: Array<{ s: unknown; p: string; where: Where }> = [...junctorSchemas(s, p)];
      if (isObj(s.items)) nested.push({ s: s.items, p: `${p}.items`, where: "nested" });
      if (isObj(s.properties)) for (const [k, sub] of Object.entries(s.properties)) nested.push({ s: sub, p: `${p}.properties[${k}]`, where: "nested" });
      if (isObj(s.additionalProperties)) nested.push({ s: s.additionalProperties, p: `${p}.additionalProperties`, where: "nested" });
      errs.push(...patternErrors(s, p));
      for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
      continue;
    }
    if ((s.type === undefined || s.type === "") && !typeless(s)) {
      const detail = where === "root" ? "must not be empty at the root" : where === "item" ? "must not be empty for specified array items" : where === "additional" ? "must not be empty for specified additionalProperties" : "must not be empty for specified object fields";
      errs.push(required(`${p}.type`, detail));
    }
    if (s["x-kubernetes-int-or-string"] === true && s.type !== undefined && s.type !== "") errs.push(invalidValue(`${p}.type`, s.type, "must be empty if x-kubernetes-int-or-string is true"));
    if (s.type === "array" && s.items === undefined) errs.push(required(`${p}.items`, "must be specified"));
    if (s["x-kubernetes-embedded-resource"] === true && s.type !== "object") errs.push(invalidValue(`${p}.type`, s.type ?? "", "must be object if x-kubernetes-embedded-resource is true"));
    errs.push(...patternErrors(s, p));
    const children: Array<{ s: unknown; p: string; where: Where }> = [...junctorSchemas(s, p)];
    if (isObj(s.properties)) for (const [k, sub] of Object.entries(s.properties)) children.push({ s: sub, p: `${p}.properties[${k}]`, where: "property" });
    if (isObj(s.items)) children.push({ s: s.items, p: `${p}.items`, where: "item" });
    if (isObj(s.additionalProperties)) children.push({ s: s.additionalProperties, p: `${p}.additionalProperties`, where: "additional" });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
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
