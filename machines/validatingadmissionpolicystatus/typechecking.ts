// The type check kube-controller-manager's policy status controller runs on a
// ValidatingAdmissionPolicy (k8s.io/apiserver v0.35 pkg/admission/plugin/policy/validating
// typechecking.go): the kinds its matchConstraints' resourceRules name (no wildcards, no
// subresources, at most 10), each one's schema (a built-in kind's Go type, a custom resource's
// structural schema), and every validation's expression and messageExpression compiled with
// `object`, `oldObject` and `params` typed by them. Pure: the cluster comes in as data.

import { compileTyped } from "../apiserver/cel/index.js";
import { BOOL, type CelT, DOUBLE, DYN, INT, list as listOf, map as mapOf, schemaType, STRING, TIMESTAMP, UINT } from "../apiserver/cel/types.js";
import { resources } from "../apiserver/resources.js";
import { servedVersions } from "../apiserver/conversion.js";
import { schemaData } from "../apiserver/schema/schemadata.js";
import { mutant } from "../common/mutation.js";

type Obj = any;

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

/** schema.GroupVersionKind's String(): "apps/v1, Kind=Deployment", "/v1, Kind=Pod". */
export function gvkString(g: GVK): string {
  return `${g.group}/${g.version}, Kind=${g.kind}`;
}

/** status.typeChecking.expressionWarnings' items. */
export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

/** What the check reads of the cluster: the CustomResourceDefinitions (its RESTMapper and schema resolver's custom half). */
export interface TypeWorld {
  crds: Iterable<Obj>;
}

// typechecking.go: maxTypesToCheck
const maxTypesToCheck = 10;

const established = (crd: Obj) => list(crd?.status?.conditions).some((c) => c?.type === "Established" && c?.status === "True");

/** RESTMapper.KindsFor: the kinds served at a group, version and resource (a built-in's, or an established CRD's). */
function kindsFor(world: TypeWorld, group: string, version: string, resource: string): GVK[] {
  const out: GVK[] = [];
  for (const r of resources) {
    if (r.group === group && r.resource === resource && servedVersions(r).includes(version)) out.push({ group, version, kind: r.kind });
  }
  for (const crd of world.crds) {
    const spec = crd?.spec;
    if (str(spec?.group) !== group || str(spec?.names?.plural) !== resource || !established(crd)) continue;
    if (list(spec.versions).some((v) => str(v?.name) === version && v?.served === true)) out.push({ group, version, kind: str(spec.names.kind) });
  }
  return out;
}

const compareGVK = (a: GVK, b: GVK) => (a.group !== b.group ? (a.group < b.group ? -1 : 1) : a.version !== b.version ? (a.version < b.version ? -1 : 1) : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);

/**
 * typesToCheck: for each resource rule of matchConstraints without a wildcard group or version,
 * its groups x versions x resources (sorted; `*` and subresources left out) mapped to kinds, each
 * kind once, sorted by group, version and kind; the count of kinds found (duplicates counted) stops
 * the search at 10.
 */
export function typesToCheck(policy: Obj, world: TypeWorld): GVK[] {
  const found = new Map<string, GVK>();
  let count = 0;
  for (const rule of list(policy?.spec?.matchConstraints?.resourceRules)) {
    const groups = list(rule?.apiGroups).map(str);
    const versions = list(rule?.apiVersions).map(str);
    const res = list(rule?.resources).map(str).filter((r) => !/[*/]/.test(r));
    if (groups.length === 0 || groups.some((g) => g.includes("*")) || versions.length === 0 || versions.some((v) => v.includes("*")) || res.length === 0) continue;
    for (const group of [...groups].sort()) {
      for (const version of [...versions].sort()) {
        for (const resource of [...res].sort()) {
          for (const gvk of kindsFor(world, group, version, resource)) {
            found.set(gvkString(gvk), gvk);
            if (++count === maxTypesToCheck) return [...found.values()].sort(compareGVK);
          }
        }
      }
    }
  }
  return [...found.values()].sort(compareGVK);
}

// the OpenAPI schemas of Go's scalar types and of the types with their own JSON form
const scalarSchemas: Record<string, object> = {
  string: { type: "string" }, bool: { type: "boolean" }, float32: { type: "number" }, float64: { type: "number" },
  int: { type: "integer" }, int8: { type: "integer" }, int16: { type: "integer" }, int32: { type: "integer" }, int64: { type: "integer" },
  uint8: { type: "integer" }, uint16: { type: "integer" }, uint32: { type: "integer" }, uint64: { type: "integer" },
};
const customSchemas: Record<string, object> = {
  time: { type: "string", format: "date-time" },
  microtime: { type: "string", format: "date-time" },
  // Quantity and IntOrString are one of two types: dyn to CEL
  quantity: { oneOf: [{ type: "string" }, { type: "number" }] },
  intorstring: { "x-kubernetes-int-or-string": true },
  raw: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
};
// past this depth a recursive type (JSONSchemaProps) is left untyped
const maxDepth = 24;

/** A Go type expression of the generated type table as an inline OpenAPI schema. */
function goSchema(expr: string, depth: number): object {
  if (depth > maxDepth) return {};
  if (expr.startsWith("*")) return goSchema(expr.slice(1), depth);
  if (expr === "[]uint8") return { type: "string", format: "byte" };
  if (expr.startsWith("[]")) return { type: "array", items: goSchema(expr.slice(2), depth + 1) };
  if (expr.startsWith("map[")) return { type: "object", additionalProperties: goSchema(expr.slice(expr.indexOf("]") + 1), depth + 1) };
  if (Object.hasOwn(scalarSchemas, expr)) return scalarSchemas[expr]!;
  const def = Object.hasOwn(schemaData.types, expr) ? schemaData.types[expr]! : undefined;
  if (def === undefined) return {};
  if ("custom" in def) return customSchemas[def.custom] ?? {};
  if ("underlying" in def) return goSchema(def.underlying, depth);
  if ("alias" in def) return goSchema(def.alias, depth);
  const properties: Record<string, object> = {};
  for (const [name, t] of Object.entries(def.fields)) properties[name] = goSchema(t, depth + 1);
  return { type: "object", properties };
}

/** The Go type of a built-in kind at a version it is served at. */
function builtinTypeKey(g: GVK): string | undefined {
  const r = resources.find((x) => x.group === g.group && x.kind === g.kind && servedVersions(x).includes(g.version));
  if (r === undefined) return undefined;
  if (g.version === r.version && !r.storedAs && Object.hasOwn(schemaData.roots, g.kind)) return schemaData.roots[g.kind];
  const gv = g.group === "" ? g.version : `${g.group}/${g.version}`;
  const kinds = Object.hasOwn(schemaData.versioned, gv) ? schemaData.versioned[gv]! : undefined;
  return kinds !== undefined && Object.hasOwn(kinds, g.kind) ? kinds[g.kind] : undefined;
}

const builtinMemo = new Map<string, object>();
const objectMeta = () => goSchema("meta/v1.ObjectMeta", 1);

/**
 * SchemaResolver.ResolveSchema: a built-in kind's schema from its Go type, a custom kind's from
 * its CRD's structural schema as the API server publishes it (apiVersion, kind and ObjectMeta's
 * metadata added); undefined when none is found (ErrSchemaNotFound: the kind is skipped).
 */
export function resolveSchema(g: GVK, world: TypeWorld): object | undefined {
  const key = builtinTypeKey(g);
  if (key !== undefined) {
    let s = builtinMemo.get(key);
    if (s === undefined) builtinMemo.set(key, (s = goSchema(key, 0)));
    return s;
  }
  for (const crd of world.crds) {
    const spec = crd?.spec;
    if (str(spec?.group) !== g.group || str(spec?.names?.kind) !== g.kind || !established(crd)) continue;
    const v = list(spec.versions).find((x) => str(x?.name) === g.version && x?.served === true);
    const schema = v?.schema?.openAPIV3Schema;
    if (schema === null || typeof schema !== "object") continue;
    return { ...schema, properties: { ...(schema.properties ?? {}), apiVersion: { type: "string" }, kind: { type: "string" }, metadata: objectMeta() } };
  }
  return undefined;
}

/** The params' kind (ParseGroupVersion of paramKind.apiVersion), or undefined. */
function paramsGVK(policy: Obj): GVK | undefined {
  const pk = policy?.spec?.paramKind;
  if (pk === null || typeof pk !== "object") return undefined;
  const av = str(pk.apiVersion);
  const parts = av.split("/");
  if (av === "" || parts.length > 2 || (parts.length === 2 && parts[0] === "")) return undefined;
  return parts.length === 1 ? { group: "", version: av, kind: str(pk.kind) } : { group: parts[0]!, version: parts[1]!, kind: str(pk.kind) };
}

const outputTypes = new Map<string, CelT>([["int", INT], ["uint", UINT], ["double", DOUBLE], ["bool", BOOL], ["string", STRING]]);

const objType = (name: string, fields: [string, CelT][]): CelT => ({ k: "obj", name, fields: new Map(fields) });
const strings = listOf(STRING);

// k8s.io/apiserver pkg/admission/plugin/cel compile.go BuildRequestType: the `request` variable's type
const requestType = (() => {
  const gvk = objType("kubernetes.GroupVersionKind", [["group", STRING], ["version", STRING], ["kind", STRING]]);
  const gvr = objType("kubernetes.GroupVersionResource", [["group", STRING], ["version", STRING], ["resource", STRING]]);
  const userInfo = objType("kubernetes.UserInfo", [["username", STRING], ["uid", STRING], ["groups", strings], ["extra", mapOf(STRING, strings)]]);
  return objType("kubernetes.AdmissionRequest", [
    ["kind", gvk], ["resource", gvr], ["subResource", STRING], ["requestKind", gvk], ["requestResource", gvr], ["requestSubResource", STRING],
    ["name", STRING], ["namespace", STRING], ["operation", STRING], ["userInfo", userInfo], ["dryRun", BOOL], ["options", DYN],
  ]);
})();

// BuildNamespaceType: `namespaceObject`'s type (its metadata's uid is spelled UID there)
const namespaceType = (() => {
  const condition = objType("kubernetes.NamespaceCondition", [["status", STRING], ["type", STRING], ["lastTransitionTime", TIMESTAMP], ["message", STRING], ["reason", STRING]]);
  const metadata = objType("kubernetes.NamespaceMetadata", [
    ["name", STRING], ["generateName", STRING], ["namespace", STRING], ["labels", mapOf(STRING, STRING)], ["annotations", mapOf(STRING, STRING)], ["UID", STRING],
    ["creationTimestamp", TIMESTAMP], ["deletionGracePeriodSeconds", INT], ["deletionTimestamp", TIMESTAMP], ["generation", INT], ["resourceVersion", STRING], ["finalizers", strings],
  ]);
  return objType("kubernetes.Namespace", [["metadata", metadata], ["spec", objType("kubernetes.NamespaceSpec", [["finalizers", strings]])], ["status", objType("kubernetes.NamespaceStatus", [["conditions", listOf(condition)], ["phase", STRING]])]]);
})();

/** The compile environment of one matched kind: object and oldObject of its type, params of the paramKind's (undeclared when not resolved). */
interface CheckEnv {
  types: Map<string, CelT>;
}

function envFor(objectType: CelT, paramsType: CelT | undefined, variables: readonly Obj[]): CheckEnv {
  const types = new Map<string, CelT>([
    ["object", objectType],
    ["oldObject", objectType],
    ["request", requestType],
    ["namespaceObject", namespaceType],
    ["authorizer", DYN],
  ]);
  if (paramsType !== undefined) types.set("params", paramsType);
  // CompileAndStoreVariables: each variable typed by what it compiles to, seeing those before it
  const fields = new Map<string, CelT>();
  types.set("variables", { k: "obj", name: "kubernetes.variables", fields });
  for (const v of variables) {
    const r = compileTyped(str(v?.expression), new Map([...types, ["variables", { k: "obj", name: "kubernetes.variables", fields: new Map(fields) }]]), new Map());
    fields.set(str(v?.name), r.ok ? (outputTypes.get(r.outputType) ?? DYN) : DYN);
  }
  types.set("variables", { k: "obj", name: "kubernetes.variables", fields });
  return { types };
}

/** CheckExpression: for each kind the expression does not compile against, "<gvk>: <issues>\n", joined by newlines. */
function checkExpression(expression: string, envs: readonly { gvk: GVK; env: CheckEnv }[]): string {
  const messages: string[] = [];
  for (const { gvk, env } of envs) {
    const r = compileTyped(expression, env.types, new Map());
    if (!r.ok) messages.push(`${gvkString(gvk)}: ${r.message}\n`);
  }
  return messages.join("\n");
}

/** TypeChecker.Check: the warnings of every validation's expression and messageExpression, in order. */
export function typeCheck(policy: Obj, world: TypeWorld): ExpressionWarning[] {
  const envs: { gvk: GVK; env: CheckEnv }[] = [];
  const pg = paramsGVK(policy);
  const paramsSchema = pg === undefined ? undefined : resolveSchema(pg, world);
  const paramsType = pg === undefined || paramsSchema === undefined ? undefined : schemaType(paramsSchema, pg.kind);
  const variables = list(policy?.spec?.variables);
  for (const gvk of typesToCheck(policy, world)) {
    const schema = resolveSchema(gvk, world);
    if (schema !== undefined) envs.push({ gvk, env: envFor(schemaType(schema, gvk.kind), paramsType, variables) });
  }
  const warnings: ExpressionWarning[] = [];
  list(policy?.spec?.validations).forEach((v, i) => {
    const w = checkExpression(str(v?.expression), envs);
    if (w !== "") warnings.push({ fieldRef: `spec.validations[${i}].expression`, warning: w });
    const me = str(v?.messageExpression);
    // the mutant checks the expression alone, never the messageExpression
    if (me === "" || mutant("vapstatus.message-expression-unchecked")) return;
    const mw = checkExpression(me, envs);
    if (mw !== "") warnings.push({ fieldRef: `spec.validations[${i}].messageExpression`, warning: mw });
  });
  return warnings;
}
