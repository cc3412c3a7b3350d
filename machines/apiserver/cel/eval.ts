// The CEL interpreter: evaluates a parsed Expr against an activation, with cel-go's semantics
// (errors absorbed by && / || / ?: , heterogeneous numeric equality, checked 64-bit arithmetic)
// and a runtime cost that cancels the evaluation past its limit.
import type { Expr } from "./parser.js";
import { callFunction, compare, equals, FUNCTIONS, indexValue, selectField } from "./functions.js";
import { CelError, CelMap, CelOptional, CelThrow, CelType, keyIdOrUndefined, typeName } from "./values.js";

export const COST_EXCEEDED = "operation cancelled: actual cost limit exceeded";

export class Cost {
  total = 0;
  constructor(readonly limit: number) {}
  add(n: number): void {
    this.total += n;
    if (this.total > this.limit) throw new CelThrow(new CelError(COST_EXCEEDED));
  }
}

/** Variables in scope: comprehension variables shadow the activation. */
export interface Scope {
  lookup(name: string): { found: boolean; value?: unknown };
  /** Whether a comprehension binds name (it then hides any qualified variable starting with it). */
  local?(name: string): boolean;
}

export class VarScope implements Scope {
  constructor(
    private readonly parent: Scope,
    private readonly name: string,
    private readonly value: unknown,
  ) {}
  lookup(name: string): { found: boolean; value?: unknown } {
    return name === this.name ? { found: true, value: this.value } : this.parent.lookup(name);
  }
  local(name: string): boolean {
    return name === this.name || (this.parent.local?.(name) ?? false);
  }
}

const TYPE_IDENTS = new Set(["int", "uint", "double", "string", "bytes", "bool", "list", "map", "null_type", "type", "google.protobuf.Duration", "google.protobuf.Timestamp", "optional_type", "net.IP", "net.CIDR"]);

function err(message: string): never {
  throw new CelThrow(new CelError(message));
}

/** Evaluates e; errors travel as a thrown CelThrow. */
export function evalExpr(e: Expr, scope: Scope, cost: Cost): unknown {
  switch (e.k) {
    case "lit":
      return e.v;
    case "ident": {
      cost.add(1);
      const r = scope.lookup(e.name);
      if (r.found) return r.value;
      if (TYPE_IDENTS.has(e.name)) return new CelType(e.name);
      return err(`no such attribute(s): ${e.name}`);
    }
    case "select": {
      const qn = qualifiedName(e);
      if (qn !== undefined && !scope.local?.(qn.split(".")[0]!)) {
        const r = scope.lookup(qn);
        if (r.found) return r.value;
        if (TYPE_IDENTS.has(qn)) return new CelType(qn);
      }
      const operand = evalExpr(e.operand, scope, cost);
      cost.add(1);
      return selectField(operand, e.field, e.optional);
    }
    case "index": {
      const operand = evalExpr(e.operand, scope, cost);
      const idx = evalExpr(e.index, scope, cost);
      cost.add(1);
      return indexValue(operand, idx, e.optional);
    }
    case "has": {
      const operand = evalExpr(e.operand, scope, cost);
      if (operand instanceof CelOptional) return operand.has && hasField(operand.value, e.field);
      return hasField(operand, e.field);
    }
    case "list": {
      cost.add(10);
      const out: unknown[] = [];
      e.elems.forEach((x, i) => {
        const v = evalExpr(x, scope, cost);
        if (e.optional[i]) {
          if (!(v instanceof CelOptional)) err(`cannot initialize optional list element from non-optional value ${show(v)}`);
          if (v.has) out.push(v.value);
        } else out.push(v);
      });
      return out;
    }
    case "map": {
      cost.add(30);
      const seen = new Set<string>();
      const entries: [unknown, unknown][] = [];
      for (const en of e.entries) {
        const k = evalExpr(en.key, scope, cost);
        let v = evalExpr(en.value, scope, cost);
        const id = typeof k === "number" ? undefined : keyIdOrUndefined(k);
        if (id === undefined) err("unsupported key type");
        if (en.optional) {
          if (!(v instanceof CelOptional)) err(`cannot initialize optional entry '${show(k)}' from non-optional value ${show(v)}`);
          if (!v.has) continue;
          v = v.value;
        }
        if (seen.has(id)) err(`insert failed: key ${show(k)} already exists`);
        seen.add(id);
        entries.push([k, v]);
      }
      return new CelMap(entries);
    }
    case "call":
      return evalCall(e, scope, cost);
    case "macro":
      return evalMacro(e, scope, cost);
  }
}

/** The dotted name a select chain spells (a.b.c), if it is one (for qualified variables and types). */
function qualifiedName(e: Expr): string | undefined {
  if (e.k === "ident") return e.name;
  if (e.k === "select" && !e.optional) {
    const q = qualifiedName(e.operand);
    return q === undefined ? undefined : `${q}.${e.field}`;
  }
  return undefined;
}

function hasField(v: unknown, field: string): boolean {
  if (v instanceof CelMap) return v.has(field);
  return err(`invalid type for field selection.`);
}

/** Evaluates to a value or a CelError (for the operators that absorb errors). */
function tryEval(e: Expr, scope: Scope, cost: Cost): unknown {
  try {
    return evalExpr(e, scope, cost);
  } catch (x) {
    if (x instanceof CelThrow && x.err.message !== COST_EXCEEDED) return x.err;
    throw x;
  }
}

function evalCall(e: Extract<Expr, { k: "call" }>, scope: Scope, cost: Cost): unknown {
  switch (e.fn) {
    case "_&&_":
    case "_||_": {
      // commutative: a false (true) on either side decides, whatever error the other side holds
      const stop = e.fn === "_||_";
      const l = tryEval(e.args[0]!, scope, cost);
      if (l === stop) return stop;
      const r = tryEval(e.args[1]!, scope, cost);
      if (r === stop) return stop;
      if (l instanceof CelError) throw new CelThrow(l);
      if (r instanceof CelError) throw new CelThrow(r);
      if (typeof l !== "boolean" || typeof r !== "boolean") err("no such overload");
      return !stop;
    }
    case "_?_:_": {
      const c = evalExpr(e.args[0]!, scope, cost);
      if (typeof c !== "boolean") err("no such overload");
      return evalExpr(c ? e.args[1]! : e.args[2]!, scope, cost);
    }
  }
  // a namespaced function (optional.of, sets.contains, strings.quote) parses as a call on a select
  let fn = e.fn;
  let target: unknown;
  let hasTarget = e.target !== undefined;
  if (e.target) {
    const qn = qualifiedName(e.target);
    if (qn !== undefined && isNamespacedFunction(`${qn}.${e.fn}`) && !scope.lookup(qn.split(".")[0]!).found) {
      fn = `${qn}.${e.fn}`;
      hasTarget = false;
    } else target = evalExpr(e.target, scope, cost);
  }
  const args = e.args.map((a) => evalExpr(a, scope, cost));
  cost.add(1);
  return callFunction(fn, hasTarget, target, args, cost);
}

const NAMESPACED = new Set(["optional.of", "optional.none", "optional.ofNonZeroValue", "sets.contains", "sets.equivalent", "sets.intersects", "strings.quote", "math.greatest", "math.least"]);
export function isNamespacedFunction(name: string): boolean {
  // or a library's (ip.isCanonical, format.named): registered by its dotted name, without a receiver
  return NAMESPACED.has(name) || (!name.startsWith(".") && FUNCTIONS.has(name));
}

function iterate(range: unknown): [unknown, unknown][] {
  if (Array.isArray(range)) return range.map((v, i) => [BigInt(i), v]);
  if (range instanceof CelMap) return range.entries();
  return err(`expression of type '${typeName(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`);
}

function evalMacro(e: Extract<Expr, { k: "macro" }>, scope: Scope, cost: Cost): unknown {
  if (e.name === "optMap" || e.name === "optFlatMap") {
    const o = evalExpr(e.target, scope, cost);
    if (!(o instanceof CelOptional)) return err("no such overload");
    if (!o.has) return o;
    const v = evalExpr(e.args[0]!, new VarScope(scope, e.vars[0]!, o.value), cost);
    if (e.name === "optMap") return new CelOptional(true, v);
    return v instanceof CelOptional ? v : err("no such overload");
  }
  const range = evalExpr(e.target, scope, cost);
  const items = iterate(range);
  const two = e.vars.length === 2;
  const bind = (item: [unknown, unknown]): Scope => {
    if (two) return new VarScope(new VarScope(scope, e.vars[0]!, item[0]), e.vars[1]!, item[1]);
    return new VarScope(scope, e.vars[0]!, Array.isArray(range) ? item[1] : item[0]);
  };
  const elemOf = (item: [unknown, unknown]): unknown => (Array.isArray(range) ? item[1] : item[0]);
  const pred = (s: Scope, x: Expr): boolean => {
    const v = evalExpr(x, s, cost);
    if (typeof v !== "boolean") err("no such overload");
    return v;
  };
  switch (e.name) {
    case "all":
    case "exists": {
      const decisive = e.name === "exists";
      let firstErr: CelError | undefined;
      for (const item of items) {
        cost.add(1);
        const v = tryEval(e.args[0]!, bind(item), cost);
        if (v === decisive) return decisive;
        if (v instanceof CelError) firstErr ??= v;
        else if (typeof v !== "boolean") firstErr ??= new CelError("no such overload");
      }
      if (firstErr) throw new CelThrow(firstErr);
      return !decisive;
    }
    case "exists_one": {
      let n = 0;
      for (const item of items) {
        cost.add(1);
        if (pred(bind(item), e.args[0]!)) n++;
      }
      return n === 1;
    }
    case "map":
    case "filter":
    case "transformList": {
      const out: unknown[] = [];
      for (const item of items) {
        cost.add(1);
        const s = bind(item);
        const withFilter = e.name === "filter" || e.args.length === 2;
        if (withFilter && !pred(s, e.args[0]!)) continue;
        out.push(e.name === "filter" ? elemOf(item) : evalExpr(e.args[e.args.length - 1]!, s, cost));
      }
      return out;
    }
    case "transformMap":
    case "transformMapEntry": {
      const entries: [unknown, unknown][] = [];
      const seen = new Set<string>();
      for (const item of items) {
        cost.add(1);
        const s = bind(item);
        if (e.args.length === 2 && !pred(s, e.args[0]!)) continue;
        const v = evalExpr(e.args[e.args.length - 1]!, s, cost);
        if (e.name === "transformMap") {
          entries.push([item[0], v]);
          continue;
        }
        if (!(v instanceof CelMap)) err("no such overload");
        for (const [k, vv] of v.entries()) {
          const id = keyIdOrUndefined(k) ?? "";
          if (seen.has(id)) err(`insert failed: key ${show(k)} already exists`);
          seen.add(id);
          entries.push([k, vv]);
        }
      }
      return new CelMap(entries);
    }
  }
  return err(`unknown macro ${e.name}`);
}

/** cel-go's %v of a value, for error messages. */
export function show(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return String(v);
  if (v === null) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(show).join(" ")}]`;
  const t = typeName(v);
  if (t === "uint") return (v as { v: bigint }).v.toString();
  return t;
}

export { compare, equals };
