// The compile-time check cel-go's checker does, as far as Kubernetes' messages show it: undeclared
// references, fields an object schema lacks, and operators/functions applied to types no overload takes.
import type { Expr } from "./parser.js";
import { translateRe2 } from "./regex.js";
import { parseDuration, parseTimestamp } from "./time.js";
import { BOOL, BYTES, type CelT, DOUBLE, DURATION, DYN, INT, list, map, NULL, opt, STRING, TIMESTAMP, typeString, UINT } from "./types.js";

export class CheckError {
  constructor(
    readonly pos: number,
    readonly message: string,
  ) {}
}

type Sig = { params: string[]; result: string };
const SIGS = new Map<string, Sig[]>();
function sig(key: string, ...defs: string[]): void {
  // "int,int->int"
  const list = SIGS.get(key) ?? [];
  for (const d of defs) {
    const [ps, r] = d.split("->");
    list.push({ params: ps === "" ? [] : splitTop(ps!), result: r! });
  }
  SIGS.set(key, list);
}
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    if (c === "(") depth++;
    if (c === ")") depth--;
    cur += c;
  }
  out.push(cur);
  return out;
}

const NUMS = ["int", "uint", "double"];
for (const op of ["_+_", "_-_", "_*_", "_/_"]) sig(op, ...NUMS.map((n) => `${n},${n}->${n}`));
sig("_%_", "int,int->int", "uint,uint->uint");
sig("_+_", "string,string->string", "bytes,bytes->bytes", "list(A),list(A)->list(A)", "duration,duration->duration", "timestamp,duration->timestamp", "duration,timestamp->timestamp");
sig("_-_", "duration,duration->duration", "timestamp,duration->timestamp", "timestamp,timestamp->duration");
const ORDERED = ["string", "bytes", "bool", "duration", "timestamp"];
for (const op of ["_<_", "_<=_", "_>_", "_>=_"]) {
  sig(op, ...ORDERED.map((t) => `${t},${t}->bool`));
  for (const a of NUMS) for (const b of NUMS) sig(op, `${a},${b}->bool`);
}
sig("_==_", "A,A->bool");
sig("_!=_", "A,A->bool");
sig("@in", "A,list(A)->bool", "A,map(A,B)->bool");
sig("!_", "bool->bool");
sig("-_", "int->int", "double->double");
sig("_&&_", "bool,bool->bool");
sig("_||_", "bool,bool->bool");
sig("size", "string->int", "bytes->int", "list(A)->int", "map(A,B)->int");
sig(".size", "string->int", "bytes->int", "list(A)->int", "map(A,B)->int");
sig("int", "int->int", "uint->int", "double->int", "string->int", "timestamp->int", "duration->int");
sig("uint", "uint->uint", "int->uint", "double->uint", "string->uint");
sig("double", "double->double", "int->double", "uint->double", "string->double");
sig("string", "string->string", "int->string", "uint->string", "double->string", "bool->string", "bytes->string", "duration->string", "timestamp->string");
sig("bytes", "bytes->bytes", "string->bytes");
sig("bool", "bool->bool", "string->bool");
sig("duration", "duration->duration", "string->duration", "int->duration");
sig("timestamp", "timestamp->timestamp", "string->timestamp", "int->timestamp");
sig("dyn", "A->dyn");
sig("type", "A->type");
for (const p of ["getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds"]) {
  sig(`.${p}`, "timestamp->int", "timestamp,string->int");
  if (["getHours", "getMinutes", "getSeconds", "getMilliseconds"].includes(p)) sig(`.${p}`, "duration->int");
}
sig(".contains", "string,string->bool");
sig(".startsWith", "string,string->bool");
sig(".endsWith", "string,string->bool");
sig(".matches", "string,string->bool");
sig("matches", "string,string->bool");
sig(".charAt", "string,int->string");
sig(".indexOf", "string,string->int", "string,string,int->int", "list(A),A->int");
sig(".lastIndexOf", "string,string->int", "string,string,int->int", "list(A),A->int");
sig(".lowerAscii", "string->string");
sig(".upperAscii", "string->string");
sig(".replace", "string,string,string->string", "string,string,string,int->string");
sig(".split", "string,string->list(string)", "string,string,int->list(string)");
sig(".substring", "string,int->string", "string,int,int->string");
sig(".trim", "string->string");
sig(".join", "list(string)->string", "list(string),string->string");
sig(".format", "string,list(dyn)->string");
sig("strings.quote", "string->string");
sig(".isSorted", "list(A)->bool");
sig(".sum", "list(int)->int", "list(uint)->uint", "list(double)->double", "list(duration)->duration");
sig(".min", "list(A)->A");
sig(".max", "list(A)->A");
sig(".find", "string,string->string");
sig(".findAll", "string,string->list(string)", "string,string,int->list(string)");
sig("sets.contains", "list(A),list(A)->bool");
sig("sets.equivalent", "list(A),list(A)->bool");
sig("sets.intersects", "list(A),list(A)->bool");
sig("optional.of", "A->opt(A)");
sig("optional.ofNonZeroValue", "A->opt(A)");
sig("optional.none", "->opt(dyn)");
sig(".hasValue", "opt(A)->bool");
sig(".value", "opt(A)->A");
sig(".orValue", "opt(A),A->A");
sig(".or", "opt(A),opt(A)->opt(A)");

/** Registers a library's overloads (libs.ts). */
export function declare(key: string, ...defs: string[]): void {
  sig(key, ...defs);
}

const NAMED: Record<string, CelT> = { int: INT, uint: UINT, double: DOUBLE, string: STRING, bytes: BYTES, bool: BOOL, dyn: DYN, duration: DURATION, timestamp: TIMESTAMP, null_type: NULL, type: { k: "type" } };

function parseT(s: string, params: Map<string, CelT>): CelT {
  if (Object.hasOwn(NAMED, s)) return NAMED[s]!;
  if (/^[A-Z]$/.test(s)) return params.get(s) ?? DYN;
  const m = /^(\w+)\((.*)\)$/.exec(s);
  if (m) {
    const args = splitTop(m[2]!).map((x) => parseT(x, params));
    if (m[1] === "list") return list(args[0]!);
    if (m[1] === "map") return map(args[0]!, args[1]!);
    if (m[1] === "opt") return opt(args[0]!);
  }
  return { k: "prim", n: s };
}

/** Whether actual type t can be passed where pattern p is expected, binding type parameters. */
function unify(p: string, t: CelT, params: Map<string, CelT>): boolean {
  if (t.k === "dyn" || p === "dyn") return true;
  if (/^[A-Z]$/.test(p)) {
    const b = params.get(p);
    if (!b || b.k === "dyn") {
      params.set(p, t);
      return true;
    }
    // null compares with any type (a field that may be null)
    return assignable(b, t) || assignable(t, b) || (t.k === "prim" && t.n === "null_type") || (b.k === "prim" && b.n === "null_type");
  }
  const m = /^(\w+)\((.*)\)$/.exec(p);
  if (m) {
    const args = splitTop(m[2]!);
    if (m[1] === "list") return t.k === "list" && unify(args[0]!, t.e, params);
    if (m[1] === "map") return t.k === "map" && unify(args[0]!, t.key, params) && unify(args[1]!, t.v, params);
    if (m[1] === "opt") return t.k === "opt" && unify(args[0]!, t.e, params);
    return false;
  }
  const want = parseT(p, params);
  return assignable(want, t);
}
function assignable(a: CelT, b: CelT): boolean {
  if (a.k === "dyn" || b.k === "dyn") return true;
  if (a.k !== b.k) return false;
  if (a.k === "prim" && b.k === "prim") return a.n === b.n;
  if (a.k === "list" && b.k === "list") return assignable(a.e, b.e);
  if (a.k === "map" && b.k === "map") return assignable(a.key, b.key) && assignable(a.v, b.v);
  if (a.k === "opt" && b.k === "opt") return assignable(a.e, b.e);
  if (a.k === "obj" && b.k === "obj") return a.name === b.name;
  return a.k === b.k;
}

/** Joins element types of a literal (cel-go's homogeneous aggregate literals: mixing is an error). */
function join(ts: CelT[], pos: number[], what: string): CelT {
  let out: CelT | undefined;
  ts.forEach((t, i) => {
    if (!out || out.k === "dyn") out = t;
    else if (t.k !== "dyn" && !assignable(out, t)) throw new CheckError(pos[i]!, `expected type '${typeString(out)}' but found '${typeString(t)}'`);
  });
  void what;
  return out ?? DYN;
}

const TYPE_NAMES = new Set(["optional_type", "int", "uint", "double", "string", "bytes", "bool", "list", "map", "null_type", "type", "dyn", "google.protobuf.Duration", "google.protobuf.Timestamp", "net.IP", "net.CIDR"]);
export const NAMESPACES = new Set(["optional", "sets", "strings", "math"]);

export class Checker {
  /** types: where given, each checked node's type is recorded (the cost estimate reads them). */
  constructor(
    private readonly vars: ReadonlyMap<string, CelT>,
    private readonly types?: Map<Expr, CelT>,
  ) {}

  check(e: Expr, scope: ReadonlyMap<string, CelT> = new Map()): CelT {
    const t = this.checkNode(e, scope);
    this.types?.set(e, t);
    return t;
  }

  private checkNode(e: Expr, scope: ReadonlyMap<string, CelT>): CelT {
    switch (e.k) {
      case "lit":
        return litType(e.v);
      case "ident": {
        if (scope.has(e.name)) return scope.get(e.name)!;
        if (this.vars.has(e.name)) return this.vars.get(e.name)!;
        if (TYPE_NAMES.has(e.name)) return { k: "type" };
        throw new CheckError(e.pos, `undeclared reference to '${e.name}' (in container '')`);
      }
      case "select": {
        const qn = qualified(e);
        if (qn !== undefined && !scope.has(qn.split(".")[0]!)) {
          if (this.vars.has(qn)) return this.vars.get(qn)!;
          if (TYPE_NAMES.has(qn)) return { k: "type" };
        }
        const t = this.check(e.operand, scope);
        const r = this.field(t, e.field, e.pos);
        if (e.optional || t.k === "opt") return r.k === "opt" ? r : opt(r);
        return r;
      }
      case "has": {
        const t = this.check(e.operand, scope);
        this.field(t, e.field, e.pos);
        return BOOL;
      }
      case "index": {
        const t = this.check(e.operand, scope);
        const i = this.check(e.index, scope);
        const base = t.k === "opt" ? t.e : t;
        let r: CelT = DYN;
        if (base.k === "list") {
          if (i.k !== "dyn" && !(i.k === "prim" && NUMS.includes(i.n))) throw new CheckError(e.pos, `found no matching overload for '_[_]' applied to '(${typeString(t)}, ${typeString(i)})'`);
          r = base.e;
        } else if (base.k === "map") r = base.v;
        else if (base.k !== "dyn") throw new CheckError(e.pos, `found no matching overload for '_[_]' applied to '(${typeString(t)}, ${typeString(i)})'`);
        return e.optional || t.k === "opt" ? opt(r) : r;
      }
      case "list": {
        const ts = e.elems.map((x, i) => {
          const t = this.check(x, scope);
          return e.optional[i] && t.k === "opt" ? t.e : t;
        });
        return list(join(ts, e.elems.map((x) => x.pos), "list"));
      }
      case "map": {
        const ks = e.entries.map((x) => this.check(x.key, scope));
        const vs = e.entries.map((x) => {
          const t = this.check(x.value, scope);
          return x.optional && t.k === "opt" ? t.e : t;
        });
        return map(join(ks, e.entries.map((x) => x.key.pos), "key"), join(vs, e.entries.map((x) => x.value.pos), "value"));
      }
      case "macro":
        return this.macro(e, scope);
      case "call":
        return this.call(e, scope);
    }
  }

  private field(t: CelT, f: string, pos: number): CelT {
    if (t.k === "opt") return this.field(t.e, f, pos);
    if (t.k === "dyn") return DYN;
    if (t.k === "map") {
      if (t.key.k !== "dyn" && !(t.key.k === "prim" && t.key.n === "string")) throw new CheckError(pos, `type '${typeString(t)}' does not support field selection`);
      return t.v;
    }
    if (t.k === "obj") {
      const ft = t.fields.get(f);
      if (!ft) throw new CheckError(pos, `undefined field '${f}'`);
      return ft;
    }
    throw new CheckError(pos, `type '${typeString(t)}' does not support field selection`);
  }

  private macro(e: Extract<Expr, { k: "macro" }>, scope: ReadonlyMap<string, CelT>): CelT {
    const r = this.check(e.target, scope);
    if (e.name === "optMap" || e.name === "optFlatMap") {
      if (r.k !== "opt" && r.k !== "dyn") throw new CheckError(e.pos, `found no matching overload for '${e.name}' applied to '${typeString(r)}'`);
      const inner = new Map(scope);
      inner.set(e.vars[0]!, r.k === "opt" ? r.e : DYN);
      const t = this.check(e.args[0]!, inner);
      return e.name === "optMap" ? opt(t) : t;
    }
    let v1: CelT = DYN;
    let v2: CelT = DYN;
    if (r.k === "list") [v1, v2] = e.vars.length === 2 ? [INT, r.e] : [r.e, DYN];
    else if (r.k === "map") [v1, v2] = [r.key, r.v];
    else if (r.k !== "dyn") throw new CheckError(e.target.pos, `expression of type '${typeString(r)}' cannot be range of a comprehension (must be list, map, or dynamic)`);
    const inner = new Map(scope);
    inner.set(e.vars[0]!, v1);
    if (e.vars.length === 2) inner.set(e.vars[1]!, v2);
    const ts = e.args.map((a) => this.check(a, inner));
    const boolArg = (t: CelT, a: Expr) => {
      if (t.k !== "dyn" && !(t.k === "prim" && t.n === "bool")) throw new CheckError(a.pos, `found no matching overload for '_&&_' applied to '(bool, ${typeString(t)})'`);
    };
    switch (e.name) {
      case "all":
      case "exists":
      case "exists_one":
        boolArg(ts[0]!, e.args[0]!);
        return BOOL;
      case "filter":
        boolArg(ts[0]!, e.args[0]!);
        return list(v1);
      case "map":
      case "transformList":
        if (ts.length === 2) boolArg(ts[0]!, e.args[0]!);
        return list(ts[ts.length - 1]!);
      case "transformMap":
        return map(r.k === "list" ? INT : v1, ts[ts.length - 1]!);
      default:
        return ts[ts.length - 1]!.k === "map" ? ts[ts.length - 1]! : map(DYN, DYN);
    }
  }

  private call(e: Extract<Expr, { k: "call" }>, scope: ReadonlyMap<string, CelT>): CelT {
    if (e.fn === "_?_:_") {
      const c = this.check(e.args[0]!, scope);
      const a = this.check(e.args[1]!, scope);
      const b = this.check(e.args[2]!, scope);
      if (c.k !== "dyn" && !(c.k === "prim" && c.n === "bool")) throw new CheckError(e.pos, `found no matching overload for '_?_:_' applied to '(${[c, a, b].map(typeString).join(", ")})'`);
      if (a.k === "dyn") return b;
      if (b.k === "dyn" || assignable(a, b)) return a;
      throw new CheckError(e.pos, `found no matching overload for '_?_:_' applied to '(${[c, a, b].map(typeString).join(", ")})'`);
    }
    let key = e.fn;
    let argExprs = e.args;
    let receiver = false;
    if (e.target) {
      const qn = qualified(e.target);
      if (qn !== undefined && SIGS.has(`${qn}.${e.fn}`) && !scope.has(qn) && !this.vars.has(qn)) key = `${qn}.${e.fn}`;
      else {
        key = `.${e.fn}`;
        argExprs = [e.target, ...e.args];
        receiver = true;
      }
    }
    const sigs = SIGS.get(key);
    const ts = argExprs.map((a) => this.check(a, scope));
    validateLiteral(key, e.args);
    if (!sigs) throw new CheckError(e.pos, `undeclared reference to '${e.fn}' (in container '')`);
    const results: CelT[] = [];
    for (const s of sigs) {
      if (s.params.length !== ts.length) continue;
      const params = new Map<string, CelT>();
      if (s.params.every((p, i) => unify(p, ts[i]!, params))) results.push(parseT(s.result, params));
    }
    if (results.length === 0) {
      const shown = receiver ? `${typeString(ts[0]!)}.(${ts.slice(1).map(typeString).join(", ")})` : `(${ts.map(typeString).join(", ")})`;
      throw new CheckError(e.pos, `found no matching overload for '${opName(e.fn)}' applied to '${shown}'`);
    }
    const first = results[0]!;
    return results.every((r) => typeString(r) === typeString(first)) ? first : DYN;
  }
}

// cel-go's ValidateDurationLiterals, ValidateTimestampLiterals and ValidateRegexLiterals (on since 1.29)
const LITERAL_CHECKS: Record<string, (s: string) => void> = {
  duration: (s) => parseDuration(s),
  timestamp: (s) => parseTimestamp(s),
  ".matches": (s) => translateRe2(s),
};
function validateLiteral(key: string, args: readonly Expr[]): void {
  const a = args[0];
  if (!Object.hasOwn(LITERAL_CHECKS, key) || a?.k !== "lit" || typeof a.v !== "string") return;
  try {
    LITERAL_CHECKS[key]!(a.v);
  } catch {
    throw new CheckError(a.pos, `invalid ${key.replace(".", "")} argument`);
  }
}

function opName(fn: string): string {
  return fn === "@in" ? "@in" : fn;
}

function qualified(e: Expr): string | undefined {
  if (e.k === "ident") return e.name;
  if (e.k === "select" && !e.optional) {
    const q = qualified(e.operand);
    return q === undefined ? undefined : `${q}.${e.field}`;
  }
  return undefined;
}

function litType(v: unknown): CelT {
  switch (typeof v) {
    case "bigint":
      return INT;
    case "number":
      return DOUBLE;
    case "string":
      return STRING;
    case "boolean":
      return BOOL;
  }
  if (v === null) return NULL;
  const n = (v as object).constructor?.name;
  if (n === "CelUint") return UINT;
  if (n === "CelBytes") return BYTES;
  return DYN;
}
