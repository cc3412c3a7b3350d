// The compile-time (estimated) cost of a checked CEL expression: cel-go's checker/cost.go as
// Kubernetes v1.35 configures it (has() costs nothing; the Kubernetes libraries' call estimates of
// k8s.io/apiserver/pkg/cel/library/cost.go; the sets estimates of cel-go's ext). Macros are costed as
// the comprehensions cel-go expands them to. Costs and sizes are uint64 ranges that saturate.
import type { Expr } from "./parser.js";
import { BOOL, type CelT, INT, list } from "./types.js";
import { CelBytes, CelUint } from "./values.js";
import { mutant } from "../../common/mutation.js";

export const MAX_U64 = (1n << 64n) - 1n;
const TWO_64 = 2 ** 64;

/** A cost or size range (cel-go's CostEstimate / SizeEstimate). */
export interface Range {
  readonly min: bigint;
  readonly max: bigint;
}
export const fixed = (n: bigint): Range => ({ min: n, max: n });
export const UNKNOWN: Range = { min: 0n, max: MAX_U64 };
const ZERO = fixed(0n);
const ONE = fixed(1n);

// Math.min/max take no bigint
export function bigMin(a: bigint, b: bigint): bigint {
  if (b < a) return b;
  return a;
}
function bigMax(a: bigint, b: bigint): bigint {
  if (b > a) return b;
  return a;
}
/** uint64 addition and multiplication that stop at 2^64-1, as cel-go's do. */
export const satAdd = (a: bigint, b: bigint): bigint => bigMin(a + b, MAX_U64);
export const satMul = (a: bigint, b: bigint): bigint => bigMin(a * b, MAX_U64);
/** multiplyByCostFactor: x·f in float64, rounded up, saturating at 2^64-1. */
function byFactor(x: bigint, f: number): bigint {
  const xf = Number(x);
  if (xf > 0 && f > 0 && xf > TWO_64 / f) return MAX_U64;
  const c = Math.ceil(xf * f);
  return c >= TWO_64 ? MAX_U64 : BigInt(c);
}
export const add = (a: Range, b: Range): Range => ({ min: satAdd(a.min, b.min), max: satAdd(a.max, b.max) });
export const mul = (a: Range, b: Range): Range => ({ min: satMul(a.min, b.min), max: satMul(a.max, b.max) });
export const factor = (a: Range, f: number): Range => ({ min: byFactor(a.min, f), max: byFactor(a.max, f) });
export const union = (a: Range, b: Range): Range => ({ min: bigMin(a.min, b.min), max: bigMax(a.max, b.max) });

// cel-go common/cost.go
const SELECT_AND_IDENT = 1n;
const LIST_CREATE = 10n;
const MAP_CREATE = 30n;
const STRING_TRAVERSAL = 0.1;
const REGEX_STRING_LENGTH = 0.25;
const ACCU = "@result";

/** Where sizes the expression cannot see come from: the schema (CRD rules) or nothing (admission). */
export interface SizeEstimator {
  /** path: variable name, then field names and @items/@values/@keys; undefined when the node has no path. */
  estimateSize(path: readonly string[] | undefined, t: CelT): Range | undefined;
}
export const NO_SIZES: SizeEstimator = { estimateSize: () => undefined };

type Comp = { k: "comp"; range: Node; v1: string; v2?: string; init: Node; cond: Node; step: Node; result: Node; bind?: "of" | "flat" };
type Node = Expr | Comp;
type Entry = { kind: "list" | "map"; key: Range; val: Range };
type Local = { path: readonly string[]; size?: Range; entry?: Entry };

const isScalar = (t: CelT | undefined): boolean =>
  t !== undefined && ((t.k === "prim" && ["bool", "double", "int", "uint", "google.protobuf.Duration", "google.protobuf.Timestamp"].includes(t.n)) || (t.k === "opt" && isScalar(t.e)));
const kindOf = (t: CelT | undefined): string => (t === undefined ? "dyn" : t.k === "prim" ? t.n : t.k);

function literalSize(v: unknown): Range | undefined {
  if (typeof v === "string") return fixed(BigInt([...v].length));
  if (v instanceof CelBytes) return fixed(BigInt(v.b.length));
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean" || v === null || v instanceof CelUint) return ONE;
  return undefined;
}

const lit = (v: unknown): Expr => ({ k: "lit", v, pos: 0 });
const ident = (name: string): Expr => ({ k: "ident", name, pos: 0 });
const call = (fn: string, ...args: Expr[]): Expr => ({ k: "call", fn, args, pos: 0 });

/** The estimated cost of a checked expression (types: every node's type, as the checker recorded them). */
export function estimateCost(ast: Expr, types: ReadonlyMap<Expr, CelT>, sizes: SizeEstimator): Range {
  return new Coster(types, sizes).cost(ast);
}

class Coster {
  private readonly paths = new Map<Node, readonly string[]>();
  private readonly sizes = new Map<Node, Range>();
  private readonly entries = new Map<Node, Entry>();
  private readonly locals = new Map<string, Local[]>();
  private readonly synth = new Map<Node, CelT>();

  constructor(
    private readonly types: ReadonlyMap<Expr, CelT>,
    private readonly estimator: SizeEstimator,
  ) {}

  private type(e: Node): CelT | undefined {
    return e.k === "comp" ? undefined : (this.types.get(e) ?? this.synth.get(e));
  }
  private local(name: string): Local | undefined {
    const s = this.locals.get(name);
    return s?.[s.length - 1];
  }
  private push(name: string, l: Local): void {
    const s = this.locals.get(name) ?? [];
    s.push(l);
    this.locals.set(name, s);
  }
  private pop(name: string): void {
    this.locals.get(name)?.pop();
  }
  private path(e: Node): readonly string[] {
    if (e.k === "ident") {
      const l = this.local(e.name);
      if (l) return l.path;
    }
    return this.paths.get(e) ?? [];
  }
  /** The path a call estimate sees: none for the accumulator (newAstNode). */
  private nodePath(e: Node): readonly string[] | undefined {
    const p = this.path(e);
    return p.length === 0 || p[0] === ACCU ? undefined : p;
  }

  size(e: Node): Range | undefined {
    const known = this.sizes.get(e);
    if (known) return known;
    if (e.k === "lit") {
      const s = literalSize(e.v);
      if (s) return s;
    }
    if (e.k === "list") return fixed(BigInt(e.elems.length));
    if (e.k === "map") return fixed(BigInt(e.entries.length));
    const p = this.path(e);
    const est = this.estimator.estimateSize(p.length > 0 ? p : undefined, this.type(e) ?? { k: "dyn" });
    if (est) {
      this.sizes.set(e, est);
      return est;
    }
    if (isScalar(this.type(e))) return ONE;
    if (e.k === "ident") return this.local(e.name)?.size;
    return undefined;
  }
  private sizeOr(e: Node): Range {
    return this.size(e) ?? UNKNOWN;
  }
  private entry(e: Node): Entry | undefined {
    const known = this.entries.get(e);
    if (known) return known;
    if (e.k === "ident") return this.local(e.name)?.entry;
    return undefined;
  }

  cost(e: Node): Range {
    switch (e.k) {
      case "lit":
        return ZERO;
      case "ident": {
        const l = this.local(e.name);
        this.paths.set(e, l ? l.path : [e.name]);
        return fixed(SELECT_AND_IDENT);
      }
      case "select":
        return this.select(e);
      case "has":
        // Kubernetes turns off the presence test's own cost (PresenceTestHasCost(false))
        return this.cost(e.operand);
      case "index":
        return this.index(e);
      case "list": {
        let sum = ZERO;
        let item: Range = e.elems.length === 0 ? ZERO : { min: MAX_U64, max: 0n };
        for (const x of e.elems) {
          sum = add(sum, this.cost(x));
          item = union(item, this.sizeOr(x));
        }
        this.entries.set(e, { kind: "list", key: ONE, val: item });
        return add(sum, fixed(LIST_CREATE));
      }
      case "map": {
        let sum = ZERO;
        const none: Range = e.entries.length === 0 ? ZERO : { min: MAX_U64, max: 0n };
        let key = none;
        let val = none;
        for (const x of e.entries) {
          sum = add(add(sum, this.cost(x.key)), this.cost(x.value));
          key = union(key, this.sizeOr(x.key));
          val = union(val, this.sizeOr(x.value));
        }
        this.entries.set(e, { kind: "map", key, val });
        return add(sum, fixed(mutant("celcost.map-create-costs-list") ? LIST_CREATE : MAP_CREATE));
      }
      case "call":
        return this.call(e);
      case "macro":
        return this.macro(e);
      case "comp":
        return e.bind ? this.bind(e) : this.comprehension(e);
    }
  }

  private select(e: Extract<Expr, { k: "select" }>): Range {
    // a dotted name the checker resolved as one variable (no type of its own operand)
    if (!this.types.has(e.operand) && !this.synth.has(e.operand)) {
      this.paths.set(e, [qualified(e)]);
      return fixed(SELECT_AND_IDENT);
    }
    if (e.optional) return add(ONE, this.cost(e.operand));
    let sum = this.cost(e.operand);
    const k = kindOf(this.type(e.operand));
    if (k === "map" || k === "obj" || k === "param") sum = add(sum, fixed(SELECT_AND_IDENT));
    this.paths.set(e, [...this.path(e.operand), e.field]);
    return sum;
  }

  private index(e: Extract<Expr, { k: "index" }>): Range {
    const sum = add(this.cost(e.operand), this.cost(e.index));
    if (e.optional) return add(ONE, sum);
    const k = kindOf(this.type(e.operand));
    if (k === "list" || k === "map") {
      const size = this.entry(e.operand)?.val;
      this.paths.set(e, [...this.path(e.operand), k === "list" ? "@items" : "@values"]);
      const r = size ?? this.size(e);
      if (r) this.sizes.set(e, r);
    }
    return add(ONE, sum);
  }

  private call(e: Extract<Expr, { k: "call" }>): Range {
    // a namespaced function (sets.contains, ip.isCanonical) is a global call; the checker never typed its "target"
    const member = e.target !== undefined && (this.types.has(e.target) || this.synth.has(e.target));
    const name = e.target !== undefined && !member ? `${qualified(e.target)}.${e.fn}` : e.fn;
    if (name === "dyn" && e.args.length === 1) {
      const c = add(ONE, this.cost(e.args[0]!));
      const s = this.size(e.args[0]!);
      if (s) this.sizes.set(e, s);
      const en = this.entry(e.args[0]!);
      if (en) this.entries.set(e, en);
      return c;
    }
    const argCosts = e.args.map((a) => this.cost(a));
    let sum = ZERO;
    if (member) sum = add(sum, this.cost(e.target!));
    const argSum = argCosts.reduce(add, ZERO);
    const est = this.functionCost(e, name, member ? e.target : undefined, argCosts, argSum);
    const size = est.size ?? this.size(e);
    if (size) this.sizes.set(e, size);
    return add(sum, est.cost);
  }

  private macro(e: Extract<Expr, { k: "macro" }>): Range {
    const comp = this.expand(e);
    const c = this.cost(comp);
    for (const m of [this.sizes, this.entries] as Map<Node, unknown>[]) {
      if (m.has(comp)) m.set(e, m.get(comp));
    }
    return c;
  }

  /** The comprehension cel-go's parser expands a macro to (parser/macro.go, ext/comprehensions.go). */
  private expand(e: Extract<Expr, { k: "macro" }>): Comp {
    const t = this.types.get(e);
    const accu = (at: CelT): Expr => {
      const x = ident(ACCU);
      this.synth.set(x, at);
      return x;
    };
    const typed = (x: Expr, at: CelT): Expr => {
      this.synth.set(x, at);
      return x;
    };
    const [v1, v2] = e.vars.length === 2 ? [e.vars[0]!, e.vars[1]!] : [e.vars[0]!, undefined];
    const comp = (init: Expr, cond: Expr, step: Expr, result: Expr): Comp => ({ k: "comp", range: e.target, v1, v2, init, cond, step, result });
    const pred = e.args[0]!;
    switch (e.name) {
      case "all":
        return comp(typed(lit(true), BOOL), typed(call("@not_strictly_false", accu(BOOL)), BOOL), typed(call("_&&_", accu(BOOL), pred), BOOL), accu(BOOL));
      case "exists":
        return comp(typed(lit(false), BOOL), typed(call("@not_strictly_false", typed(call("!_", accu(BOOL)), BOOL)), BOOL), typed(call("_||_", accu(BOOL), pred), BOOL), accu(BOOL));
      case "exists_one":
        return comp(typed(lit(0n), INT), typed(lit(true), BOOL), typed(call("_?_:_", pred, typed(call("_+_", accu(INT), typed(lit(1n), INT)), INT), accu(INT)), INT), typed(call("_==_", accu(INT), typed(lit(1n), INT)), BOOL));
      case "map":
      case "filter":
      case "transformList": {
        const lt = t ?? list({ k: "dyn" });
        const elem: Expr = e.name === "filter" ? ident(v1) : e.args[e.args.length - 1]!;
        if (e.name === "filter") this.synth.set(elem, lt.k === "list" ? lt.e : { k: "dyn" });
        const item = typed({ k: "list", elems: [elem], optional: [false], pos: 0 }, lt);
        let step = typed(call("_+_", accu(lt), item), lt);
        if (e.name === "filter" || e.args.length === 2) step = typed(call("_?_:_", pred, step, accu(lt)), lt);
        return comp(typed({ k: "list", elems: [], optional: [], pos: 0 }, lt), typed(lit(true), BOOL), step, accu(lt));
      }
      case "transformMap":
      case "transformMapEntry": {
        const mt = t ?? { k: "map", key: { k: "dyn" }, v: { k: "dyn" } };
        const fn = e.args[e.args.length - 1]!;
        const insertArgs = e.name === "transformMap" ? [accu(mt), typed(ident(v1), this.keyType(e)), fn] : [accu(mt), fn];
        let step = typed(call("cel.@mapInsert", ...insertArgs), mt);
        if (e.args.length === 2) step = typed(call("_?_:_", pred, step, accu(mt)), mt);
        return comp(typed({ k: "map", entries: [], pos: 0 }, mt), typed(lit(true), BOOL), step, accu(mt));
      }
      default:
        // optMap/optFlatMap: target.hasValue() ? optional.of(bind) : optional.none() (a bind of v to target.value())
        return { k: "comp", range: e.target, v1, init: e.target, cond: lit(false), step: pred, result: pred, bind: e.name === "optMap" ? "of" : "flat" };
    }
  }
  private keyType(e: Extract<Expr, { k: "macro" }>): CelT {
    const r = this.types.get(e.target);
    return r?.k === "map" ? r.key : r?.k === "list" ? INT : { k: "dyn" };
  }

  private comprehension(e: Comp): Range {
    let sum = add(this.cost(e.range), this.cost(e.init));
    this.push(ACCU, { path: this.path(e.init), size: this.size(e.init), entry: this.entry(e.init) });
    const entry = this.entry(e.range);
    const container = entry?.kind ?? (kindOf(this.type(e.range)) === "list" ? "list" : "map");
    const rp = this.path(e.range);
    // as cel-go appends to a possibly empty path (the schema estimate then starts at the root)
    const at = (sub: string): readonly string[] => [...rp, sub];
    if (e.v2 !== undefined) {
      this.push(e.v1, { path: at(container === "list" ? "@indices" : "@keys"), size: entry?.key });
      this.push(e.v2, { path: at(container === "list" ? "@items" : "@values"), size: entry?.val });
    } else if (container === "list") this.push(e.v1, { path: at("@items"), size: entry?.val });
    else this.push(e.v1, { path: at("@keys"), size: entry?.key });
    const loop = this.cost(e.cond);
    const step = this.cost(e.step);
    this.pop(e.v1);
    if (e.v2 !== undefined) this.pop(e.v2);
    sum = add(sum, this.cost(e.result));
    this.pop(ACCU);
    const count = this.sizeOr(e.range);
    sum = add(sum, mul(count, add(step, loop)));
    if (e.init.k === "lit") {
      const s = this.size(e.init);
      if (s) this.sizes.set(e, s);
    } else if (e.init.k === "list" || e.init.k === "map") {
      this.sizes.set(e, count);
      const se = this.entry(e.step);
      if (se) this.entries.set(e, se);
    }
    return sum;
  }

  /** optMap/optFlatMap: target.hasValue(), then optional.of(the bind) or the bind, else optional.none(). */
  private bind(e: Comp): Range {
    const cond = add(this.cost(e.range), ONE);
    // the bind: its empty iteration range, the init target.value(), then the result with v bound
    let inner = add(fixed(LIST_CREATE), add(this.cost(e.init), ONE));
    this.push(e.v1, { path: [] });
    inner = add(inner, this.cost(e.result));
    this.pop(e.v1);
    return add(cond, union(e.bind === "of" ? add(inner, ONE) : inner, ONE));
  }

  private functionCost(e: Extract<Expr, { k: "call" }>, name: string, target: Expr | undefined, argCosts: Range[], argSum: Range): { cost: Range; size?: Range } {
    const args = e.args;
    const lib = this.libraryCost(name, target, args);
    if (lib) return { cost: add(lib.cost, argSum), size: lib.size };
    const t = (i: number) => kindOf(this.type(args[i]!));
    const strOrBytes = (k: string) => k === "string" || k === "bytes";
    switch (name) {
      case "format":
        if (target) return { cost: add(factor(this.sizeOr(target), STRING_TRAVERSAL), argSum) };
        break;
      case "bytes":
        if (args.length === 1 && t(0) === "string") {
          const sz = this.sizeOr(args[0]!);
          return { cost: add(factor(sz, STRING_TRAVERSAL), argSum), size: { min: sz.min, max: satMul(sz.max, 4n) } };
        }
        break;
      case "string":
        if (args.length === 1 && t(0) === "bytes") {
          const sz = this.sizeOr(args[0]!);
          return { cost: add(factor(sz, STRING_TRAVERSAL), argSum), size: { min: sz.min / 4n, max: sz.max } };
        }
        break;
      case "strings.quote":
        if (args.length === 1) {
          const sz = this.sizeOr(args[0]!);
          return { cost: add(factor(sz, STRING_TRAVERSAL), argSum), size: { min: satAdd(sz.min, 2n), max: satAdd(satMul(sz.max, 2n), 2n) } };
        }
        break;
      case "startsWith":
      case "endsWith":
        if (target && args.length === 1) return { cost: add(factor(this.sizeOr(args[0]!), STRING_TRAVERSAL), argSum) };
        break;
      case "@in":
        if (t(1) === "list") return { cost: add(factor(this.sizeOr(args[1]!), 1), argSum) };
        break;
      case "matches":
        if (target && args.length === 1) {
          const str = factor(add(this.sizeOr(target), ONE), STRING_TRAVERSAL);
          return { cost: add(mul(str, factor(this.sizeOr(args[0]!), REGEX_STRING_LENGTH)), argSum) };
        }
        break;
      case "contains":
        if (target && args.length === 1) return { cost: add(mul(factor(this.sizeOr(target), STRING_TRAVERSAL), mutant("celcost.contains-ignores-substring") ? ONE : factor(this.sizeOr(args[0]!), STRING_TRAVERSAL)), argSum) };
        break;
      case "_&&_":
      case "_||_":
        return { cost: { min: argCosts[0]!.min, max: add(argCosts[0]!, argCosts[1]!).max } };
      case "_?_:_": {
        const size = union(this.sizeOr(args[1]!), this.sizeOr(args[2]!));
        const a = this.entry(args[1]!);
        const b = this.entry(args[2]!);
        if (a && b) this.entries.set(e, { kind: a.kind, key: union(a.key, b.key), val: union(a.val, b.val) });
        return { cost: add(argCosts[0]!, union(argCosts[1]!, argCosts[2]!)), size };
      }
      case "_+_": {
        const [l, r] = [t(0), t(1)];
        const concat = (k: string) => (strOrBytes(k) || k === "list" ? k : undefined);
        const kinds = l === "dyn" || r === "dyn" ? [concat(l === "dyn" ? r : l) ?? "any"] : [concat(l) ?? "none"];
        if (kinds[0] === "none") break;
        const lhs = this.sizeOr(args[0]!);
        const rhs = this.sizeOr(args[1]!);
        const size = add(lhs, rhs);
        const a = this.entry(args[0]!);
        const b = this.entry(args[1]!);
        if (a && b) this.entries.set(e, { kind: a.kind, key: union(a.key, b.key), val: union(a.val, b.val) });
        const listCost = add(ONE, argSum);
        const strCost = add(factor(size, STRING_TRAVERSAL), argSum);
        // a dyn operand leaves every concatenation overload (and the O(1) arithmetic ones) possible
        if (kinds[0] === "any") return { cost: union(union(listCost, strCost), add(ONE, argSum)), size };
        return { cost: kinds[0] === "list" ? listCost : strCost, size };
      }
      case "_<_":
      case "_<=_":
      case "_>_":
      case "_>=_":
      case "_==_":
      case "_!=_": {
        if (!name.startsWith("_=") && !name.startsWith("_!")) {
          const [l, r] = [t(0), t(1)];
          const sized = (strOrBytes(l) && (l === r || r === "dyn")) || (l === "dyn" && strOrBytes(r));
          if (!sized && !(l === "dyn" && r === "dyn")) break;
          if (!sized) return { cost: union(add(ONE, argSum), add(this.compareCost(args), argSum)) };
        }
        return { cost: add(this.compareCost(args), argSum) };
      }
      case "sets.contains":
      case "sets.intersects":
      case "sets.equivalent":
        if (args.length === 2) {
          const f = name === "sets.equivalent" ? 2 : 1;
          return { cost: add(add(factor(mul(this.sizeOr(args[0]!), this.sizeOr(args[1]!)), f), ONE), argSum) };
        }
        break;
    }
    // O(1) functions
    return { cost: add(ONE, argSum) };
  }
  private compareCost(args: readonly Expr[]): Range {
    const l = this.sizeOr(args[0]!);
    const r = this.sizeOr(args[1]!);
    const smallest = bigMin(l.max, r.max);
    return factor({ min: smallest > 0n ? 1n : 0n, max: smallest }, STRING_TRAVERSAL);
  }

  /** k8s.io/apiserver/pkg/cel/library/cost.go's EstimateCallCost, by function name. */
  private libraryCost(name: string, target: Expr | undefined, args: readonly Expr[]): { cost: Range; size?: Range } | undefined {
    const sz = (e: Expr) => this.sizeOr(e);
    const arg0 = args[0];
    switch (name) {
      case "check":
        return { cost: fixed(350_000n) };
      case "serviceAccount":
      case "path":
      case "group":
      case "resource":
      case "subresource":
      case "namespace":
      case "name":
      case "allowed":
      case "reason":
      case "error":
      case "errored":
      case "masked":
      case "prefixLength":
      case "family":
      case "isUnspecified":
      case "isLoopback":
      case "isLinkLocalMulticast":
      case "isLinkLocalUnicast":
      case "sign":
      case "asInteger":
      case "isInteger":
      case "asApproximateFloat":
      case "isGreaterThan":
      case "isLessThan":
      case "compareTo":
      case "add":
      case "sub":
        return { cost: ONE };
      case "isSorted":
      case "sum":
      case "max":
      case "min":
      case "indexOf":
      case "lastIndexOf": {
        if (!target) return undefined;
        const tt = this.type(target);
        if (tt?.k === "list") {
          let el = ONE;
          const ek = kindOf(tt.e);
          if (ek === "string" || ek === "bytes") {
            const p = this.nodePath(target);
            el = add(el, factor(this.estimator.estimateSize(p ? [...p, "@items"] : undefined, tt.e) ?? UNKNOWN, STRING_TRAVERSAL));
          }
          return { cost: mul(sz(target), el) };
        }
        if (tt?.k === "map") return { cost: mul(sz(target), ONE) };
        return { cost: factor(sz(target), STRING_TRAVERSAL) };
      }
      case "url":
      case "quantity":
      case "isQuantity":
      case "cidr":
      case "isIP":
      case "isCIDR":
        if (!target && arg0) return { cost: factor(sz(arg0), STRING_TRAVERSAL) };
        return undefined;
      case "ip":
        // the global ip(string) parses; the member cidr.ip() only reads a field
        if (!target && arg0) return { cost: factor(sz(arg0), STRING_TRAVERSAL) };
        return target ? { cost: ONE } : undefined;
      case "ip.isCanonical":
        if (arg0) return { cost: factor(sz(arg0), 2 * STRING_TRAVERSAL) };
        return undefined;
      case "lowerAscii":
      case "upperAscii":
      case "substring":
      case "trim":
        if (!target) return undefined;
        return { cost: factor(sz(target), STRING_TRAVERSAL), size: sz(target) };
      case "replace":
        if (target && args.length >= 2) return this.replaceCost(sz(target), sz(args[0]!), sz(args[1]!));
        return undefined;
      case "split": {
        if (!target) return undefined;
        const s = sz(target);
        let max = s.max;
        const limit = args[1];
        if (limit?.k === "lit" && typeof limit.v === "bigint") max = BigInt.asUintN(64, limit.v);
        return { cost: factor(s, 2 * STRING_TRAVERSAL), size: { min: 0n, max } };
      }
      case "join": {
        if (!target) return undefined;
        const listSize = sz(target);
        const tt = this.type(target);
        let size = ZERO;
        if (tt?.k === "list") {
          const p = this.nodePath(target);
          size = mul(listSize, this.estimator.estimateSize(p ? [...p, "@items"] : undefined, tt.e) ?? UNKNOWN);
        }
        if (arg0) size = add(size, mul(sz(arg0), { min: listSize.min > 0n ? listSize.min - 1n : 0n, max: listSize.max > 0n ? listSize.max - 1n : 0n }));
        return { cost: factor(size, STRING_TRAVERSAL), size };
      }
      case "find":
      case "findAll": {
        if (!target || !arg0) return undefined;
        const s = sz(target);
        const str = factor(add(s, ONE), STRING_TRAVERSAL);
        return { cost: mul(str, factor(sz(arg0), REGEX_STRING_LENGTH)), size: { min: 0n, max: s.max } };
      }
      case "containsIP":
      case "containsCIDR": {
        if (!target || !arg0) return undefined;
        const bytes: Range = { min: 4n, max: 16n };
        let c = factor(add(bytes, bytes), STRING_TRAVERSAL);
        if (name === "containsCIDR") c = add(add(c, factor(bytes, STRING_TRAVERSAL)), ONE);
        if (kindOf(this.type(arg0)) === "string") c = add(c, factor(sz(arg0), STRING_TRAVERSAL));
        return { cost: c };
      }
    }
    return undefined;
  }

  private replaceCost(s: Range, from: Range, to: Range): { cost: Range; size: Range } {
    let countMax: bigint;
    let keptMax = 0n;
    if (from.min === 0n) {
      countMax = s.max < MAX_U64 ? s.max + 1n : s.max;
      keptMax = s.max;
    } else if (to.max <= from.min) {
      countMax = 0n;
      keptMax = s.max;
    } else countMax = BigInt(Math.ceil(Number(s.max) / Number(from.min)));
    let countMin: bigint;
    let keptMin = 0n;
    if (from.max === 0n) {
      countMin = s.min < MAX_U64 ? s.min + 1n : s.min;
      keptMin = s.min;
    } else if (from.max <= to.min) {
      countMin = 0n;
      keptMin = s.min;
    } else countMin = BigInt(Math.ceil(Number(s.min) / Number(from.max)));
    const size = add(mul({ min: countMin, max: countMax }, to), { min: keptMin, max: keptMax });
    return { cost: factor(s, 2 * STRING_TRAVERSAL), size };
  }
}

function qualified(e: Expr): string {
  if (e.k === "ident") return e.name;
  if (e.k === "select") return `${qualified(e.operand)}.${e.field}`;
  return "";
}

