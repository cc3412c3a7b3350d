// CRD x-kubernetes-validations: the checks apiextensions-apiserver makes of each rule when a CRD
// is written (validation.go's validateSchema, cel/compilation.go), and the evaluation of the rules
// at every schema node when a custom resource is written (schema/cel/validation.go), with its
// field paths, messages, reasons, transition rules, ratcheting and cost budget.
import { deepEqual } from "../../common/equal.js";
import { duplicate, fieldErrorMessage, forbiddenField, type FieldError, invalidValue, notSupported, required } from "../status.js";
import { children, type Expr } from "./parser.js";
import { compileTyped, estimateCelCost, evaluateCelWithCost, PER_CALL_LIMIT, RUNTIME_CEL_COST_BUDGET, type CelProgram } from "./index.js";
import { declOf, maxCardinality, schemaSizes } from "./costschema.js";
import { satAdd, satMul } from "./cost.js";
import { type CelT, opt, schemaType } from "./types.js";
import { CelOptional } from "./values.js";
import { toCel } from "./convert.js";
import { mutant } from "../../common/mutation.js";

type Schema = Record<string, any>;
const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);

export interface Rule {
  rule?: unknown;
  message?: unknown;
  messageExpression?: unknown;
  reason?: unknown;
  fieldPath?: unknown;
  optionalOldSelf?: unknown;
}

const SUPPORTED_REASONS = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];
const NEWLINES = /[\n\r]+/;
/** celconfig.MaxEvaluatedMessageExpressionSizeBytes */
const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;

/** A resource root's schema as its rules see it: apiVersion, kind and metadata.name/generateName (model.WithTypeAndObjectMeta). */
export function withTypeAndObjectMeta(s: Schema): Schema {
  return {
    ...s,
    type: "object",
    properties: {
      ...(isObj(s.properties) ? s.properties : {}),
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object", properties: { name: { type: "string" }, generateName: { type: "string" } } },
    },
  };
}

interface CompiledRule {
  program?: CelProgram;
  error?: string;
  usesOldSelf: boolean;
  message?: CelProgram;
  messageError?: string;
}

interface RuleCost {
  /** The estimated worst-case cost of one evaluation (cel.EstimateCost's max), of the rule and of its messageExpression. */
  maxCost: bigint;
  messageMaxCost: bigint;
  /** How often the rule could run under unbounded lists and maps (maxCardinality of the node's smallest JSON). */
  maxCardinality: bigint;
}

/** A compiled rule's estimated costs, sized by its node's schema (only when a CRD is written). */
function ruleCost(c: CompiledRule, s: Schema, root: boolean): RuleCost {
  const decl = declOf(s, root || s["x-kubernetes-embedded-resource"] === true);
  const sizes = decl ? schemaSizes(decl) : undefined;
  return {
    maxCost: c.program ? estimateCelCost(c.program, sizes).max : 0n,
    messageMaxCost: c.message ? estimateCelCost(c.message, sizes).max : 0n,
    maxCardinality: decl ? maxCardinality(decl.minSize) : 1n,
  };
}

const compiledCache = new WeakMap<object, Map<string, CompiledRule>>();

function usesVar(e: Expr, name: string, bound: ReadonlySet<string> = new Set()): boolean {
  if (e.k === "ident") return e.name === name && !bound.has(name);
  if (e.k === "macro") {
    if (usesVar(e.target, name, bound)) return true;
    const inner = new Set([...bound, ...e.vars]);
    return e.args.some((a) => usesVar(a, name, inner));
  }
  return children(e).some((c) => usesVar(c, name, bound));
}

/** Compiles a rule (and its messageExpression) against the node's schema, as cel.Compile does. */
function compileRule(rule: Rule, s: Schema, root: boolean): CompiledRule {
  const key = `${root}\u0000${String(rule.rule)}\u0000${String(rule.messageExpression ?? "")}\u0000${rule.optionalOldSelf === true}`;
  let bySchema = compiledCache.get(s);
  if (!bySchema) compiledCache.set(s, (bySchema = new Map()));
  const hit = bySchema.get(key);
  if (hit) return hit;
  const sts = root ? withTypeAndObjectMeta(s) : s;
  const selfType: CelT = schemaType(sts);
  const types = new Map<string, CelT>([
    ["self", selfType],
    ["oldSelf", rule.optionalOldSelf === true ? opt(selfType) : selfType],
  ]);
  const schemas = new Map<string, unknown>([
    ["self", sts],
    ["oldSelf", sts],
  ]);
  const out: CompiledRule = { usesOldSelf: false };
  const src = typeof rule.rule === "string" ? rule.rule : "";
  const r = compileTyped(src, types, schemas);
  if (!r.ok) out.error = `compilation failed: ${r.message}`;
  else if (r.outputType !== "bool") out.error = "cel expression must evaluate to a bool";
  else {
    out.program = r.program;
    out.usesOldSelf = r.ast !== undefined && usesVar(r.ast, "oldSelf");
  }
  // compileRule returns at the rule's first error: its messageExpression is then neither compiled nor reported
  if (out.program !== undefined && typeof rule.messageExpression === "string" && rule.messageExpression.trim() !== "") {
    const m = compileTyped(rule.messageExpression, types, schemas);
    if (!m.ok) out.messageError = `messageExpression compilation failed: ${m.message}`;
    else if (m.outputType !== "string") out.messageError = "messageExpression must evaluate to a string";
    else out.message = m.program;
  }
  bySchema.set(key, out);
  return out;
}

// ---- at CRD create/update ----------------------------------------------------------------

/** apiextensions validation's StaticEstimatedCostLimit (one expression) and StaticEstimatedCRDCostLimit (a whole schema). */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000n;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000n;

/** getCostErrorMessage: how far over budget, as Go's %f / %.1f print it. */
export function costErrorMessage(costName: string, cost: bigint, limit: bigint): string {
  const f = Number(cost) / Number(limit);
  const shown = f > 100 ? "more than 100x" : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${shown} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

/** How many times a child's data can occur per occurrence of its parent (extractMaxElements); undefined: unbounded. */
function childFactor(s: Schema): bigint | undefined {
  const bound = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? BigInt(Math.max(0, Math.trunc(v))) : undefined);
  if (s.type === "object") return s.additionalProperties !== undefined && s.additionalProperties !== null ? bound(s.maxProperties) : 1n;
  if (s.type === "array") return bound(s.maxItems);
  return 1n;
}

export interface RuleCheckOptions {
  /** On update of a version whose schema is unchanged: no per-expression cost limit (the whole-schema limit still holds). */
  suppressPerExpressionCost?: boolean;
}

/**
 * The errors of every x-kubernetes-validations rule in a version's schema, at its path (at is
 * `spec.versions[i].schema.openAPIV3Schema`): the rule's fields, then its compilation where they hold,
 * its estimated cost against the per-expression limit, and the schema's total against the CRD limit.
 */
export function crdValidationRuleErrors(schema: unknown, at: string, opts: RuleCheckOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  let schemaErrCount = 0;
  let total = 0n;
  let mostExpensive: { path: string; cost: bigint }[] = [];
  const observe = (path: string, cost: bigint): void => {
    total = satAdd(total, cost);
    // the four costliest expressions of at least 1% of the limit are named when the total is over it
    if (cost < STATIC_ESTIMATED_CRD_COST_LIMIT / 100n) return;
    mostExpensive = [...mostExpensive, { path, cost }].sort((a, b) => (b.cost > a.cost ? 1 : b.cost < a.cost ? -1 : 0)).slice(0, 4);
  };
  // cardinality: how many times this node's data can occur in one object (undefined: unbounded)
  const visit = (s: unknown, path: string, root: boolean, uncorrelatable: string | undefined, depth: number, cardinality: bigint | undefined): void => {
    if (!isObj(s) || depth > 100) return;
    const before = schemaErrCount;
    const f = childFactor(s);
    const childCard = cardinality === undefined || f === undefined ? undefined : satMul(cardinality, f);
    if (isObj(s.additionalProperties)) visit(s.additionalProperties, `${path}.additionalProperties`, false, uncorrelatable, depth + 1, childCard);
    if (isObj(s.properties)) for (const [k, p] of Object.entries(s.properties)) visit(p, `${path}.properties[${k}]`, false, uncorrelatable, depth + 1, childCard);
    if (isObj(s.items)) {
      const correlatable = s["x-kubernetes-list-type"] === "map";
      visit(s.items, `${path}.items`, false, uncorrelatable ?? (correlatable ? undefined : `${path}.items`), depth + 1, childCard);
    }
    const rules = Array.isArray(s["x-kubernetes-validations"]) ? (s["x-kubernetes-validations"] as unknown[]) : [];
    if (rules.length === 0) return;
    const schemaErrs: FieldError[] = [];
    rules.forEach((raw, i) => {
      const rule = (isObj(raw) ? raw : {}) as Rule;
      const rp = `${path}.x-kubernetes-validations[${i}]`;
      const text = typeof rule.rule === "string" ? rule.rule : "";
      const msg = typeof rule.message === "string" ? rule.message : "";
      if (text.trim() === "") schemaErrs.push(required(`${rp}.rule`, "rule is not specified"));
      else if (msg.length > 0 && msg.trim() === "") schemaErrs.push(invalidValue(`${rp}.message`, msg, "message must be non-empty if specified"));
      else if (msg.length > 2048) schemaErrs.push(invalidValue(`${rp}.message`, msg.slice(0, 10) + "...", "message must have a maximum length of 2048 characters"));
      else if (NEWLINES.test(msg.trim())) schemaErrs.push(invalidValue(`${rp}.message`, msg, "message must not contain line breaks"));
      else if (NEWLINES.test(text.trim()) && msg.trim() === "") schemaErrs.push(required(`${rp}.message`, "message must be specified if rule contains line breaks"));
      if (typeof rule.messageExpression === "string" && rule.messageExpression.length > 0 && rule.messageExpression.trim() === "") schemaErrs.push(required(`${rp}.messageExpression`, "messageExpression must be non-empty if specified"));
      if (rule.reason != null && !SUPPORTED_REASONS.includes(String(rule.reason))) schemaErrs.push(notSupported(`${rp}.reason`, rule.reason, SUPPORTED_REASONS));
      const fp = typeof rule.fieldPath === "string" ? rule.fieldPath : "";
      if (fp.length > 0 && fp.trim() === "") schemaErrs.push(invalidValue(`${rp}.fieldPath`, fp, "fieldPath must be non-empty if specified"));
      if (NEWLINES.test(fp)) schemaErrs.push(invalidValue(`${rp}.fieldPath`, fp, "fieldPath must not contain line breaks"));
      if (fp.length > 0) {
        const r = resolveFieldPath(fp, s);
        if (typeof r === "string") schemaErrs.push(invalidValue(`${rp}.fieldPath`, fp, `fieldPath must be a valid path: ${r}`));
      }
    });
    errs.push(...schemaErrs);
    schemaErrCount += schemaErrs.length;
    // CEL is compiled only where the schema at this level and below is sound (a rule's own errors do not count)
    if (schemaErrCount > before) return;
    rules.forEach((raw, i) => {
      const rule = (isObj(raw) ? raw : {}) as Rule;
      const rp = `${path}.x-kubernetes-validations[${i}]`;
      if (typeof rule.rule !== "string" || rule.rule.trim() === "") return;
      const c = compileRule(rule, s, root);
      const k = ruleCost(c, s, root);
      // a rule's cost is its worst case times how often it can run; its messageExpression's is not multiplied
      const cost = k.maxCost === 0n ? 0n : satMul(k.maxCost, cardinality ?? k.maxCardinality);
      if (!opts.suppressPerExpressionCost && cost > STATIC_ESTIMATED_COST_LIMIT) errs.push(forbiddenField(`${rp}.rule`, costErrorMessage("estimated rule cost", cost, STATIC_ESTIMATED_COST_LIMIT)));
      observe(`${rp}.rule`, cost);
      if (c.error !== undefined) errs.push(invalidValue(`${rp}.rule`, raw, c.error));
      if (c.messageError !== undefined) errs.push(invalidValue(`${rp}.messageExpression`, raw, c.messageError));
      else if (c.message) {
        if (!opts.suppressPerExpressionCost && k.messageMaxCost > STATIC_ESTIMATED_COST_LIMIT) errs.push(forbiddenField(`${rp}.messageExpression`, costErrorMessage("estimated messageExpression cost", k.messageMaxCost, STATIC_ESTIMATED_COST_LIMIT)));
        observe(`${rp}.messageExpression`, k.messageMaxCost);
      }
      if (c.usesOldSelf && uncorrelatable !== undefined) errs.push(invalidValue(`${rp}.rule`, rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}`));
    });
  };
  visit(schema, at, true, undefined, 0, 1n);
  if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    for (const x of mostExpensive) errs.push(forbiddenField(x.path, "contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema"));
    errs.push(forbiddenField(at, costErrorMessage("x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema", total, STATIC_ESTIMATED_CRD_COST_LIMIT)));
  }
  return errs;
}

/** A rule's estimated worst-case cost at a schema node (cel.Compile's MaxCost), or its compile error. */
export function estimatedRuleCost(schema: Schema, rule: string, root = false): bigint | string {
  const c = compileRule({ rule }, schema, root);
  return c.error ?? ruleCost(c, schema, root).maxCost;
}

/** ValidFieldPath: a JSONPath of .field and ['key'] steps through the schema; the normalized path, or why not. */
export function resolveFieldPath(jsonPath: string, schema: Schema): string[] | string {
  const toks = jsonPath.match(/'(?:[^'\\]|\\.)*'|[.[\]]|[^.[\]']+/g) ?? [];
  const out: string[] = [];
  let s: Schema | undefined = schema;
  const step = (name: string): string | undefined => {
    if (isObj(s?.properties)) {
      if (!Object.hasOwn(s.properties, name)) return "does not refer to a valid field";
      s = s.properties[name];
      out.push(out.length === 0 ? name : `.${name}`);
      return undefined;
    }
    if (isObj(s?.additionalProperties)) {
      s = s.additionalProperties;
      out.push(`[${name}]`);
      return undefined;
    }
    return "does not refer to a valid field";
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t === ".") {
      const name = toks[++i];
      if (name === undefined) return "unexpected end of JSON path";
      const e = step(name);
      if (e) return e;
    } else if (t === "[") {
      const q = toks[++i];
      if (q === undefined) return "unexpected end of JSON path";
      if (q.length < 2 || !q.startsWith("'") || !q.endsWith("'")) return `expected single quoted string but got ${q}`;
      const e = step(q.slice(1, -1).replace(/\\(.)/g, "$1"));
      if (e) return e;
      if (toks[++i] !== "]") return `expected ] but got ${toks[i] ?? ""}`;
    } else return `expected [ or . but got: ${t}`;
  }
  return out;
}

// ---- at custom resource create/update ---------------------------------------------------

/** OpenAPI validation errors after which the rules are not run (strategy.go's hasBlockingErr). */
export function hasBlockingErr(errs: readonly FieldError[]): boolean {
  // podflow's schema validation reports a wrong type as Invalid with kube-openapi's "must be of type" text
  return errs.some((e) => ["FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid"].includes(e.type) || (e.type === "FieldValueInvalid" && e.detail.includes(" in body must be of type ")));
}
export const blockingErr = (): FieldError => invalidValue("<nil>", null, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation");

const child = (path: string, name: string) => (path === "" ? name : `${path}.${name}`);
const shown = (path: string) => (path === "" ? "<nil>" : path);

function ruleErrorString(rule: Rule): string {
  const msg = typeof rule.message === "string" ? rule.message : "";
  return msg.length > 0 ? msg.trim() : String(rule.rule ?? "").trim();
}

/**
 * The errors of the object's x-kubernetes-validations (old: the object it replaces, for transition
 * rules and ratcheting). Rules run depth-first from the root with a shared cost budget. A failure
 * ratcheting lets through is a warning: the field error's message (warning.AddWarning(ctx, "", e.Error())).
 */
export function celValidation(obj: unknown, schema: unknown, old?: unknown): { errors: FieldError[]; warnings: string[] } {
  const errs: FieldError[] = [];
  const warnings: string[] = [];
  if (!isObj(schema) || !hasValidationRules(schema)) return { errors: errs, warnings };
  let budget = RUNTIME_CEL_COST_BUDGET;
  let stop = false;

  const validateNode = (v: unknown, o: unknown, hasOld: boolean, s: Schema, path: string, root: boolean, ratchet: boolean): void => {
    const rules = Array.isArray(s["x-kubernetes-validations"]) ? (s["x-kubernetes-validations"] as unknown[]) : [];
    if (rules.length === 0 || v === null || v === undefined) return;
    const type = typeof s.type === "string" ? s.type : "";
    if (budget <= 0) {
      errs.push(invalidValue(shown(path), type, "validation failed due to running out of cost budget, no further validation rules will be run"));
      stop = true;
      return;
    }
    const sts = root ? withTypeAndObjectMeta(s) : s;
    // ratcheting: an unchanged value's failure (not a transition rule's) is a warning, not an error
    // the mutant refuses an unchanged value's old failure on update (no ratcheting)
    const addErr = (e: FieldError, usesOldSelf: boolean) => (!usesOldSelf && ratchet && !mutant("crdrules.unchanged-value-not-ratcheted") ? warnings.push(fieldErrorMessage(e)) : errs.push(e));
    for (const raw of rules) {
      const rule = (isObj(raw) ? raw : {}) as Rule;
      const c = compileRule(rule, s, root);
      if (c.error !== undefined) {
        errs.push(invalidValue(shown(path), type, `rule compile error: ${c.error}`));
        continue;
      }
      if (!c.program) continue;
      const optionalOld = rule.optionalOldSelf === true;
      // transition rules run only where an old value correlates, unless oldSelf is optional
      // the mutant runs a transition rule where no old value correlates (a create), oldSelf unbound
      if (c.usesOldSelf && !hasOld && !optionalOld && !mutant("crdrules.transition-rule-on-create")) continue;
      const act: Record<string, unknown> = { self: toCel(v, sts) };
      if (optionalOld) act.oldSelf = hasOld ? new CelOptional(true, toCel(o, sts)) : new CelOptional(false);
      else if (hasOld) act.oldSelf = toCel(o, sts);
      const r = evaluateCelWithCost(c.program, act, PER_CALL_LIMIT);
      if (r.cost > budget) {
        errs.push(invalidValue(shown(path), type, "validation failed due to running out of cost budget, no further validation rules will be run"));
        stop = true;
        return;
      }
      budget -= r.cost;
      if (!r.ok) {
        if (r.message.startsWith("no such overload")) errs.push(invalidValue(shown(path), type, `'${r.message}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`));
        else if (r.message.startsWith("operation cancelled: actual cost limit exceeded")) {
          errs.push(invalidValue(shown(path), type, `'${r.message}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`));
          stop = true;
          return;
        } else errs.push(invalidValue(shown(path), type, `${r.message} evaluating rule: ${ruleErrorString(rule)}`));
        continue;
      }
      if (r.value === true) continue;
      let at = path;
      if (typeof rule.fieldPath === "string" && rule.fieldPath !== "") {
        const fp = resolveFieldPath(rule.fieldPath, sts);
        if (Array.isArray(fp)) at = path === "" ? fp.join("") : `${path}.${fp.join("")}`;
      }
      let detail: string | undefined;
      if (c.message) {
        const m = evaluateCelWithCost(c.message, act, PER_CALL_LIMIT);
        if (m.cost > budget) {
          addErr(invalidValue(shown(at), type, "messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run"), c.usesOldSelf);
          stop = true;
          return;
        }
        budget -= m.cost;
        if (!m.ok && m.message.startsWith("operation cancelled: actual cost limit exceeded")) {
          addErr(invalidValue(shown(at), type, `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${JSON.stringify(rule.messageExpression)}`), c.usesOldSelf);
          stop = true;
          return;
        }
        const text = m.ok && typeof m.value === "string" ? m.value.trim() : "";
        if (text !== "" && new TextEncoder().encode(text).length <= MAX_MESSAGE_EXPRESSION_BYTES && !/\n/.test(text)) detail = text;
      }
      detail ??= typeof rule.message === "string" && rule.message.length > 0 ? rule.message.trim() : `failed rule: ${ruleErrorString(rule)}`;
      addErr(errorForReason(shown(at), type, detail, rule.reason), c.usesOldSelf);
    }
  };

  const visit = (v: unknown, o: unknown, hasOld: boolean, s: Schema, path: string, root: boolean, parentEqual: boolean, depth: number): void => {
    if (stop || depth > 100 || v === null || v === undefined) return;
    // the node's own correlation decides when it has an old value, else its nearest correlated ancestor's
    const ratchet = hasOld ? deepEqual(v, o) : parentEqual;
    validateNode(v, o, hasOld, s, path, root, ratchet);
    if (stop) return;
    if (Array.isArray(v)) {
      if (!isObj(s.items)) return;
      const oldItems = Array.isArray(o) ? o : [];
      const keys = s["x-kubernetes-list-type"] === "map" && Array.isArray(s["x-kubernetes-list-map-keys"]) ? (s["x-kubernetes-list-map-keys"] as string[]) : undefined;
      v.forEach((x, i) => {
        // only a map list's items correlate with old ones (by their keys)
        const match = keys && isObj(x) ? oldItems.find((y) => isObj(y) && keys.every((k) => deepEqual(x[k], y[k]))) : undefined;
        visit(x, match, match !== undefined, s.items, `${path}[${i}]`, false, ratchet, depth + 1);
      });
      return;
    }
    if (!isObj(v)) return;
    const oldMap = isObj(o) ? o : undefined;
    const mapType = s["x-kubernetes-map-type"];
    const correlatable = mapType === undefined || mapType === "granular" || mapType === "atomic";
    for (const [k, x] of Object.entries(v)) {
      const sub = isObj(s.properties) && Object.hasOwn(s.properties, k) ? s.properties[k] : isObj(s.additionalProperties) ? s.additionalProperties : undefined;
      if (!isObj(sub)) continue;
      const oldHas = correlatable && oldMap !== undefined && Object.hasOwn(oldMap, k);
      const p = isObj(s.properties) && Object.hasOwn(s.properties, k) ? child(path, k) : `${path}[${k}]`;
      visit(x, oldHas ? oldMap![k] : undefined, oldHas, sub, p, false, ratchet, depth + 1);
      if (stop) return;
    }
  };

  visit(obj, old, old !== undefined, schema, "", true, false, 0);
  return { errors: errs, warnings };
}

function errorForReason(path: string, type: string, detail: string, reason: unknown): FieldError {
  switch (reason) {
    case "FieldValueForbidden":
      return forbiddenField(path, detail);
    case "FieldValueRequired":
      return required(path, detail);
    case "FieldValueDuplicate":
      return duplicate(path, type);
    default:
      return invalidValue(path, type, detail);
  }
}

/** Whether any node of the schema has x-kubernetes-validations. */
export function hasValidationRules(s: unknown, depth = 0): boolean {
  if (!isObj(s) || depth > 100) return false;
  if (Array.isArray(s["x-kubernetes-validations"]) && s["x-kubernetes-validations"].length > 0) return true;
  if (hasValidationRules(s.items, depth + 1) || hasValidationRules(s.additionalProperties, depth + 1)) return true;
  return isObj(s.properties) && Object.values(s.properties).some((p) => hasValidationRules(p, depth + 1));
}

