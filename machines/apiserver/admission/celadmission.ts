// The CEL side of admission (k8s.io/apiserver v0.35 pkg/admission/plugin/cel: compile.go,
// activation.go, condition.go, composition.go; webhook/matchconditions/matcher.go): the variables an
// admission expression sees, its compile checks, and the messages its failures carry. Shared by
// webhook matchConditions and ValidatingAdmissionPolicy.

import { celAuthorizer, celLazyMap, compileCel, evaluateCel, evaluateCelWithCost, RUNTIME_CEL_COST_BUDGET, type CelEvalResult, type CelProgram } from "../cel/index.js";
import { admissionReview, type WebhookAttributes } from "./webhooks.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** The answer an authorizer gives a CEL authorizer check (authorizer.group(...).resource(...).check(verb)). */
export type CelAuthorizerCheck = Parameters<typeof celAuthorizer>[0];

/** A ValidatingAdmissionPolicy's variable. */
export interface PolicyVariable {
  name: string;
  expression: string;
}

/** Which optional variables an expression is compiled with (OptionalVariableDeclarations). */
export interface AdmissionDeclarations {
  params: boolean;
  authorizer: boolean;
  /** the policy's variables declared so far (composition: `variables.x`, typed by what each compiles to) */
  variables?: readonly PolicyVariable[];
}

// apiserver/pkg/apis/cel config.go: PerCallLimit, and RuntimeCELCostBudgetMatchConditions (one matcher's conditions together)
const perCallLimit = 1_000_000;
export const matchConditionsCostBudget = 2_500_000;
/** The runtime budget of one policy evaluation's validations (and, afresh, of its audit annotations). */
export const policyCostBudget = RUNTIME_CEL_COST_BUDGET;

/** activation.Evaluate's error when a filter's expressions (with the variables they read) spend more than its budget. */
export const outOfCostBudget = "validation failed due to running out of cost budget, no further validation rules will be run";

/** An expression as the policy's compiler left it: a program, or its error's Detail. */
export type Compiled = { program: CelProgram; outputType: string } | { error: string };

const compiledMemo = new Map<string, Compiled>();

/** What kind of value the expression must give (ExpressionAccessor.ReturnTypes); "any" takes every type. */
export type ReturnTypes = readonly ("bool" | "string" | "null_type" | "any")[];

/**
 * CompileCELExpression: compiled against the admission variables (object, oldObject, request,
 * namespaceObject, and params, authorizer, variables when declared), its output checked against
 * the types it must give. The same source in the same environment compiles once (a memo only).
 */
export function compileAdmission(source: string, decl: AdmissionDeclarations, returns: ReturnTypes): Compiled {
  const key = `${decl.params}|${decl.authorizer}|${JSON.stringify(decl.variables ?? null)}|${returns.join(",")}|${source}`;
  const hit = compiledMemo.get(key);
  if (hit !== undefined) return hit;
  const names = ["object", "oldObject", "request", "namespaceObject", ...(decl.params ? ["params"] : []), ...(decl.authorizer ? ["authorizer"] : [])];
  const declared = [...names.map((name) => ({ name })), ...(decl.variables !== undefined ? [{ name: "variables", schema: variablesSchema(decl) }] : [])];
  const r = compileCel(source, { variables: declared, libraries: "admission" });
  let out: Compiled;
  if (!r.ok) out = { error: `compilation failed: ${r.message}` };
  else if (returns.includes("any") || returns.includes(r.outputType as "bool")) out = { program: r.program, outputType: r.outputType };
  else out = { error: returns.length === 1 ? `must evaluate to ${returns[0]} but got ${r.outputType}` : `must evaluate to one of [${returns.join(" ")}] but got ${r.outputType}` };
  // a bounded memo: a policy's expressions are few; a flood of distinct ones starts it over
  if (compiledMemo.size > 4096) compiledMemo.clear();
  compiledMemo.set(key, out);
  return out;
}

// the scalar types a variable's output can be given as a schema; any other is dyn
const scalarSchemas = new Map<string, object>([["int", { type: "integer" }], ["double", { type: "number" }], ["bool", { type: "boolean" }], ["string", { type: "string" }]]);

/**
 * The composition environment's `variables`: an object with a field for each variable declared
 * before, typed by its expression's output (one that does not compile is dyn); any other field is
 * undefined.
 */
function variablesSchema(decl: AdmissionDeclarations): object {
  const vars = decl.variables ?? [];
  const properties: Record<string, object> = {};
  vars.forEach((v, i) => {
    const c = compileAdmission(v.expression, { ...decl, variables: vars.slice(0, i) }, ["any"]);
    properties[v.name] = ("outputType" in c ? scalarSchemas.get(c.outputType) : undefined) ?? {};
  });
  return { type: "object", properties };
}

/** CreateNamespaceObject: the namespace's spec, status and the metadata fields CEL may see. */
export function namespaceObjectOf(ns: Obj): Obj {
  if (ns === null || typeof ns !== "object") return null;
  const m = ns.metadata ?? {};
  const keep = ["name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "finalizers"];
  const metadata = Object.fromEntries(keep.filter((k) => Object.hasOwn(m, k) && m[k] !== undefined).map((k) => [k, m[k]]));
  return { metadata, ...(ns.spec !== undefined ? { spec: ns.spec } : {}), ...(ns.status !== undefined ? { status: ns.status } : {}) };
}

/** CreateAdmissionRequest as CEL sees it (request): the review's request without its objects and uid. */
export function celRequest(a: WebhookAttributes): Obj {
  const { object: _o, oldObject: _old, uid: _uid, ...request } = admissionReview("", a).request;
  return request;
}

/** The activation of newActivation: objects null where the operation has none. */
export function admissionActivation(a: WebhookAttributes, opts: { params?: Obj; namespaceObject?: Obj; authorizer?: CelAuthorizerCheck; variables?: unknown }): Record<string, unknown> {
  return {
    object: a.operation === "DELETE" ? null : (a.object ?? null),
    oldObject: a.oldObject ?? null,
    request: celRequest(a),
    namespaceObject: opts.namespaceObject ?? null,
    params: opts.params ?? null,
    // authorizer.requestResource: the resource of the request as it was made
    ...(opts.authorizer !== undefined ? { authorizer: celAuthorizer(opts.authorizer, { group: a.group, version: a.version, resource: a.resource, subresource: a.subresource, namespace: a.namespace, name: a.name }) } : {}),
    ...(opts.variables !== undefined ? { variables: opts.variables } : {}),
  };
}

/** One expression's outcome (EvaluationResult): its value, or the error Kubernetes words. */
export type Evaluated = { value: unknown } | { error: string };

/** activation.Evaluate: a compile error is "compilation error: ...", a failed evaluation "expression '...' resulted in error: ...". */
export function evaluateAdmission(source: string, compiled: Compiled, activation: Readonly<Record<string, unknown>>): Evaluated {
  if ("error" in compiled) return { error: `compilation error: ${compiled.error}` };
  const r: CelEvalResult = evaluateCel(compiled.program, activation, { costLimit: perCallLimit });
  return r.ok ? { value: r.value } : { error: `expression '${source}' resulted in error: ${r.message}` };
}

/** A filter's composition context: what its variables cost since the last expression read it (GetAndResetCost). */
export interface CompositionCost {
  cost: number;
}

/**
 * The policy's variables (composition.go): each evaluated once, on first use, in the activation
 * that holds the variables before it; a variable that does not compile or fails is an error only
 * where it is read. What each evaluation costs, failed ones too, is reported to spent.
 */
export function lazyVariables(vars: readonly PolicyVariable[], decl: AdmissionDeclarations, base: Readonly<Record<string, unknown>>, spent?: CompositionCost): unknown {
  const names = vars.map((v) => v.name);
  const cache = new Map<string, CelEvalResult>();
  let map: unknown;
  const get = (key: string): CelEvalResult => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const at = names.indexOf(key);
    const v = vars[at]!;
    const compiled = compileAdmission(v.expression, { ...decl, variables: vars.slice(0, at) }, ["any"]);
    let out: CelEvalResult;
    if ("error" in compiled) out = { ok: false, message: `composited variable "${key}" fails to compile: ${compiled.error}` };
    else {
      const r = evaluateCelWithCost(compiled.program, { ...base, variables: map }, perCallLimit);
      if (spent !== undefined) spent.cost += r.cost;
      out = r.ok ? { ok: true, value: r.value } : { ok: false, message: `composited variable "${key}" fails to evaluate: ${r.message}` };
    }
    cache.set(key, out);
    return out;
  };
  map = celLazyMap(names, get);
  return map;
}

/** One expression of a filter: its source and what it compiled to. */
export interface FilterExpression {
  source: string;
  compiled: Compiled;
}

/**
 * filter.ForInput: the expressions in order (an absent one is a placeholder, skipped) against one
 * budget, each charged what the variables it first read cost and then its own runtime cost; the
 * first that overdraws it stops the filter with the out-of-budget error and no results. A compile
 * error costs nothing. The activation is built once, with the filter's own composition context.
 */
export function filterForInput(expressions: readonly (FilterExpression | undefined)[], activationFor: (spent: CompositionCost) => Readonly<Record<string, unknown>>, budget: number): { results: (Evaluated | undefined)[]; remaining: number } | { error: string } {
  const spent: CompositionCost = { cost: 0 };
  const activation = activationFor(spent);
  const results: (Evaluated | undefined)[] = [];
  let remaining = budget;
  for (const e of expressions) {
    if (e === undefined || "error" in e.compiled) {
      results.push(e === undefined ? undefined : evaluateAdmission(e.source, e.compiled, activation));
      continue;
    }
    const r = evaluateCelWithCost(e.compiled.program, activation, perCallLimit);
    const composition = spent.cost;
    spent.cost = 0;
    if (composition > remaining) return { error: outOfCostBudget };
    remaining -= composition;
    if (r.cost > remaining) return { error: outOfCostBudget };
    remaining -= r.cost;
    results.push(r.ok ? { value: r.value } : { error: `expression '${e.source}' resulted in error: ${r.message}` });
  }
  return { results, remaining };
}

/** utilerrors.NewAggregate's message: one error as it is, several (duplicates dropped) in brackets. */
export function aggregateMessage(errors: readonly string[]): string {
  const seen = [...new Set(errors)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(", ")}]`;
}

/** The outcome of a matcher (matchconditions.Matcher.Match): matched, not matched, or an error under Fail. */
export type MatchResult = { matches: true } | { matches: false; failedCondition?: string } | { error: string };

/**
 * matcher.Match: the conditions evaluated together under their own budget (running out of it fails
 * under failurePolicy Fail and is no match under Ignore); then any condition false is no match
 * (whatever errors the others had); otherwise an error fails under Fail and is no match under Ignore.
 */
export function matchConditions(conditions: readonly Obj[], failurePolicy: string, decl: AdmissionDeclarations, activationFor: (spent: CompositionCost) => Readonly<Record<string, unknown>>): MatchResult {
  const sources = conditions.map((c) => (typeof c?.expression === "string" ? c.expression : ""));
  const filtered = filterForInput(sources.map((source) => ({ source, compiled: compileAdmission(source, decl, ["bool"]) })), activationFor, matchConditionsCostBudget);
  if ("error" in filtered) return failurePolicy === "Ignore" ? { matches: false } : { error: filtered.error };
  const errors: string[] = [];
  for (const [i, c] of conditions.entries()) {
    const r = filtered.results[i]!;
    // the mutant fails at the first error, before a later condition could say false
    if ("error" in r && mutant("matchconditions.error-before-false") && failurePolicy !== "Ignore") return { error: r.error };
    if ("error" in r) errors.push(r.error);
    else if (r.value === false) return { matches: false, failedCondition: typeof c?.name === "string" ? c.name : "" };
  }
  if (errors.length === 0) return { matches: true };
  return failurePolicy === "Ignore" ? { matches: false } : { error: aggregateMessage(errors) };
}
