// podflow's CEL: a parser, checker and interpreter written from the CEL spec and cel-go's behaviour
// as Kubernetes v1.35 configures it (k8s.io/apiserver/pkg/cel). Pure: no I/O, no clock.
import "./libs.js";
import { Checker, CheckError } from "./checker.js";
import { celToJson as toJson, toCel } from "./convert.js";
import { estimateCost, NO_SIZES, type Range, type SizeEstimator } from "./cost.js";
import { Cost, evalExpr, type Scope } from "./eval.js";
import { CelSyntaxError, displayError, type Expr, parse } from "./parser.js";
import { type CelT, DYN, schemaType, typeString } from "./types.js";
import { CelError, CelMap, CelOpaque, CelThrow } from "./values.js";

export interface CelVariable {
  readonly name: string;
  /** An OpenAPI v3 schema (structural schema or a built-in type's), for typing; absent = dyn. */
  readonly schema?: unknown;
}
export interface CelEnvironment {
  readonly variables: readonly CelVariable[];
  /** Which Kubernetes libraries and variables apply; default "admission". */
  readonly libraries?: "crd" | "admission";
  /** false: parse only, every reference dyn (the conformance cases cel-spec marks disable_check). */
  readonly check?: boolean;
}
export interface CelProgram {
  readonly source: string;
}
export type CelCompileResult = { ok: true; program: CelProgram; outputType: string } | { ok: false; message: string };
export type CelEvalResult = { ok: true; value: unknown } | { ok: false; message: string };

/** k8s.io/apiserver/pkg/apis/cel: the per-call cost limit, and the budget of all rules on one object. */
export const PER_CALL_LIMIT = 1_000_000;
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;

interface Compiled extends CelProgram {
  readonly ast: Expr;
  readonly schemas: ReadonlyMap<string, unknown>;
  /** Each node's checked type, for the cost estimate. */
  readonly types: ReadonlyMap<Expr, CelT>;
}
const programs = new WeakMap<CelProgram, Compiled>();

export function compileCel(source: string, env: CelEnvironment): CelCompileResult {
  const types = new Map<string, CelT>();
  const schemas = new Map<string, unknown>();
  for (const v of env.variables) {
    types.set(v.name, v.schema === undefined ? DYN : schemaType(v.schema));
    schemas.set(v.name, v.schema);
  }
  return compileTyped(source, types, schemas, env.check !== false);
}

/** compileCel with the variables' CEL types given (oldSelf as an optional, for optionalOldSelf rules). */
export function compileTyped(source: string, types: ReadonlyMap<string, CelT>, schemas: ReadonlyMap<string, unknown>, check = true): CelCompileResult & { ast?: Expr } {
  let ast: Expr;
  try {
    ast = parse(source);
  } catch (e) {
    if (e instanceof CelSyntaxError) return { ok: false, message: displayError(source, e.pos, e.message) };
    throw e;
  }
  let out: CelT;
  const nodeTypes = new Map<Expr, CelT>();
  try {
    out = check ? new Checker(types, nodeTypes).check(ast) : DYN;
  } catch (e) {
    if (e instanceof CheckError) return { ok: false, message: displayError(source, e.pos, e.message) };
    if (e instanceof CelThrow) return { ok: false, message: displayError(source, 0, e.err.message) };
    throw e;
  }
  const program: Compiled = { source, ast, schemas, types: nodeTypes };
  programs.set(program, program);
  return { ok: true, program, outputType: typeString(out), ast };
}

/** The compile-time estimated cost range of a compiled program (cel.EstimateCost), sizes from the estimator. */
export function estimateCelCost(program: CelProgram, sizes: SizeEstimator = NO_SIZES): Range {
  const p = programs.get(program);
  if (!p) return { min: 0n, max: 0n };
  return estimateCost(p.ast, p.types, sizes);
}

export function evaluateCel(program: CelProgram, activation: Readonly<Record<string, unknown>>, options?: { costLimit?: number }): CelEvalResult {
  const { cost: _cost, ...r } = evaluateCelWithCost(program, activation, options?.costLimit ?? PER_CALL_LIMIT);
  return r;
}

/** evaluateCel that also reports the evaluation's actual cost (for a budget shared by many rules). */
export function evaluateCelWithCost(program: CelProgram, activation: Readonly<Record<string, unknown>>, costLimit: number): CelEvalResult & { cost: number } {
  const p = programs.get(program);
  if (!p) return { ok: false, message: "program was not compiled by compileCel", cost: 0 };
  const cost = new Cost(costLimit);
  const cache = new Map<string, unknown>();
  const scope: Scope = {
    lookup(name) {
      if (cache.has(name)) return { found: true, value: cache.get(name) };
      if (!Object.hasOwn(activation, name)) return { found: false };
      const v = toCel(activation[name], p.schemas.get(name));
      cache.set(name, v);
      return { found: true, value: v };
    },
  };
  try {
    return { ok: true, value: evalExpr(p.ast, scope, cost), cost: cost.total };
  } catch (e) {
    if (e instanceof CelThrow) return { ok: false, message: e.err.message, cost: cost.total };
    // a value nested deeper than the stack allows (the expression's own depth is bounded at parse)
    if (e instanceof RangeError) return { ok: false, message: "max recursion depth exceeded", cost: cost.total };
    throw e;
  }
}

/** A map whose values are computed on first access (an error in an unused key does not fail). */
export function celLazyMap(keys: readonly string[], get: (key: string) => CelEvalResult): unknown {
  return new CelMap([], "map", (k) => {
    const r = get(k);
    if (!r.ok) throw new CelThrow(new CelError(r.message));
    return toCel(r.value);
  }, keys);
}

export interface AuthorizerAttributes {
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  verb: string;
  path?: string;
  serviceAccount?: { namespace: string; name: string };
}
export type AuthorizerCheck = (attrs: AuthorizerAttributes) => { allowed: boolean; reason: string; error?: string };

/** VAP's `authorizer` variable; requestResource, when given, backs `authorizer.requestResource`. */
export function celAuthorizer(check: AuthorizerCheck, requestResource?: { group: string; version?: string; resource: string; subresource: string; namespace: string; name: string }): unknown {
  return new CelOpaque("kubernetes.authorization.Authorizer", { check, requestResource });
}

export function celToJson(value: unknown): unknown {
  return toJson(value);
}

export { toCel };
