// `python3 -c SCRIPT`: the small part of Python the docs' Job examples use (imports of os, sys
// and time, assignments, if/elif/else, while and for over range, print, os.environ, sys.exit),
// run in simulated time. A script that steps outside it is not run: parsePython says so and the
// caller keeps the image's old behaviour (exit 0), so an unknown script never fails a Job.
import { LoopBoundExceeded, maxTurnsWithoutBlocking, perform, type Gen, type ShellState, type Streams } from "./shell.js";

/** The script uses something this subset does not model. */
export class Unsupported extends Error {}

type Tok = { k: "num" | "str" | "fstr" | "name" | "op"; v: string };

type Expr =
  | { t: "lit"; v: Py }
  | { t: "fstr"; parts: Array<string | Expr> }
  | { t: "name"; id: string }
  | { t: "attr"; obj: Expr; name: string }
  | { t: "index"; obj: Expr; key: Expr }
  | { t: "call"; fn: Expr; args: Expr[]; kwargs: Array<[string, Expr]> }
  | { t: "list"; items: Expr[] }
  | { t: "unary"; op: string; e: Expr }
  | { t: "bin"; op: string; l: Expr; r: Expr }
  | { t: "cmp"; ops: string[]; es: Expr[] }
  | { t: "bool"; op: "and" | "or"; l: Expr; r: Expr };

type Stmt = { line: number } & (
  | { t: "expr"; e: Expr }
  | { t: "assign"; name: string; op: string; e: Expr }
  | { t: "import"; modules: Array<[string, string]> }
  | { t: "from"; module: string; names: Array<[string, string]> }
  | { t: "if"; branches: Array<[Expr, Stmt[]]>; orelse: Stmt[] }
  | { t: "while"; cond: Expr; body: Stmt[] }
  | { t: "for"; name: string; iter: Expr; body: Stmt[] }
  | { t: "pass" | "break" | "continue" }
);

/** A Python value: ints are bigints so that 7 // 2 and 7 / 2 differ as they do in Python. */
type Py = bigint | number | string | boolean | null | PyList | PyModule | PyBuiltin | PyFile | PyEnviron;
interface PyList { list: Py[] }
interface PyModule { module: "os" | "sys" | "time" }
interface PyBuiltin { builtin: string; self?: Py }
interface PyFile { file: "stdout" | "stderr" }
interface PyEnviron { environ: true }

/** The modules the subset models; importing any other is outside it. */
const knownModules = new Set(["os", "sys", "time"]);
const builtins = new Set(["print", "int", "str", "float", "len", "range", "bool", "exit", "quit", "abs"]);

// ---------------------------------------------------------------------------------
// Parsing

const ops3 = ["**=", "//="];
const ops2 = ["**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%="];
const ops1 = "()[]{},:.+-*/%<>=;";

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t") { i++; continue; }
    if (c === "#") break;
    const str = /^([rRfF]?)('|")/.exec(src.slice(i));
    if (str) {
      const quote = str[2]!;
      if (src.startsWith(quote.repeat(3), i + str[1]!.length)) throw new Unsupported("triple-quoted string");
      let j = i + str[0].length;
      let v = "";
      const raw = /r/i.test(str[1]!);
      while (j < src.length && src[j] !== quote) {
        if (src[j] === "\\" && !raw) {
          const e = src[j + 1];
          v += e === "n" ? "\n" : e === "t" ? "\t" : e === "\\" ? "\\" : e === "'" ? "'" : e === '"' ? '"' : `\\${e}`;
          j += 2;
        } else v += src[j++];
      }
      if (j >= src.length) throw new Unsupported("unterminated string");
      toks.push({ k: /f/i.test(str[1]!) ? "fstr" : "str", v });
      i = j + 1;
      continue;
    }
    const num = /^(\d[\d_]*\.\d*|\.\d+|\d[\d_]*)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) { toks.push({ k: "num", v: num[0].replaceAll("_", "") }); i += num[0].length; continue; }
    const name = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (name) { toks.push({ k: "name", v: name[0] }); i += name[0].length; continue; }
    const op = ops3.find((o) => src.startsWith(o, i)) ?? ops2.find((o) => src.startsWith(o, i)) ?? (ops1.includes(c) ? c : undefined);
    if (op === undefined) throw new Unsupported(`character ${JSON.stringify(c)}`);
    toks.push({ k: "op", v: op });
    i += op.length;
  }
  return toks;
}

/** A recursive-descent parser over one logical line's tokens. */
class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  peek(v?: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && (v === undefined || ((t.k === "op" || t.k === "name") && t.v === v));
  }
  atEnd(): boolean { return this.i >= this.toks.length; }
  /** The tokens not yet read (a compound statement's body on its own line). */
  rest(): Tok[] { return this.toks.slice(this.i); }
  next(): Tok {
    const t = this.toks[this.i++];
    if (t === undefined) throw new Unsupported("unexpected end of line");
    return t;
  }
  expect(v: string): void {
    const t = this.next();
    if (t.v !== v || (t.k !== "op" && t.k !== "name")) throw new Unsupported(`expected ${v}`);
  }
  name(): string {
    const t = this.next();
    if (t.k !== "name") throw new Unsupported("expected a name");
    return t.v;
  }
  expr(): Expr { return this.or(); }
  private or(): Expr {
    let l = this.and();
    while (this.peek("or")) { this.i++; l = { t: "bool", op: "or", l, r: this.and() }; }
    return l;
  }
  private and(): Expr {
    let l = this.not();
    while (this.peek("and")) { this.i++; l = { t: "bool", op: "and", l, r: this.not() }; }
    return l;
  }
  private not(): Expr {
    if (this.peek("not")) { this.i++; return { t: "unary", op: "not", e: this.not() }; }
    return this.comparison();
  }
  private comparison(): Expr {
    const es = [this.sum()];
    const ops: string[] = [];
    for (;;) {
      const t = this.toks[this.i];
      if (t === undefined) break;
      if (t.k === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.v)) { this.i++; ops.push(t.v); }
      else if (t.k === "name" && t.v === "in") { this.i++; ops.push("in"); }
      else if (t.k === "name" && t.v === "not" && this.toks[this.i + 1]?.v === "in") { this.i += 2; ops.push("not in"); }
      else if (t.k === "name" && t.v === "is") {
        this.i++;
        if (this.peek("not")) { this.i++; ops.push("is not"); } else ops.push("is");
      } else break;
      es.push(this.sum());
    }
    return ops.length === 0 ? es[0]! : { t: "cmp", ops, es };
  }
  private sum(): Expr {
    let l = this.term();
    while (this.peek("+") || this.peek("-")) { const op = this.next().v; l = { t: "bin", op, l, r: this.term() }; }
    return l;
  }
  private term(): Expr {
    let l = this.unary();
    while (this.peek("*") || this.peek("/") || this.peek("//") || this.peek("%")) { const op = this.next().v; l = { t: "bin", op, l, r: this.unary() }; }
    return l;
  }
  private unary(): Expr {
    if (this.peek("-") || this.peek("+")) { const op = this.next().v; return { t: "unary", op, e: this.unary() }; }
    return this.power();
  }
  private power(): Expr {
    const base = this.postfix();
    if (this.peek("**")) { this.i++; return { t: "bin", op: "**", l: base, r: this.unary() }; }
    return base;
  }
  private postfix(): Expr {
    let e = this.atom();
    for (;;) {
      if (this.peek(".")) { this.i++; e = { t: "attr", obj: e, name: this.name() }; }
      else if (this.peek("[")) {
        this.i++;
        const key = this.expr();
        this.expect("]");
        e = { t: "index", obj: e, key };
      } else if (this.peek("(")) {
        this.i++;
        const args: Expr[] = [];
        const kwargs: Array<[string, Expr]> = [];
        while (!this.peek(")")) {
          if (this.toks[this.i]?.k === "name" && this.toks[this.i + 1]?.v === "=" && this.toks[this.i + 1]?.k === "op") {
            const k = this.name();
            this.i++;
            kwargs.push([k, this.expr()]);
          } else args.push(this.expr());
          if (!this.peek(")")) this.expect(",");
        }
        this.i++;
        e = { t: "call", fn: e, args, kwargs };
      } else return e;
    }
  }
  private atom(): Expr {
    const t = this.next();
    if (t.k === "num") return { t: "lit", v: /[.eE]/.test(t.v) ? Number(t.v) : BigInt(t.v) };
    if (t.k === "str") {
      let v = t.v;
      while (this.toks[this.i]?.k === "str") v += this.next().v; // adjacent literals concatenate
      return { t: "lit", v };
    }
    if (t.k === "fstr") return { t: "fstr", parts: fstringParts(t.v) };
    if (t.k === "name") {
      if (t.v === "True" || t.v === "False") return { t: "lit", v: t.v === "True" };
      if (t.v === "None") return { t: "lit", v: null };
      if (["lambda", "yield", "await", "def", "class", "if", "else"].includes(t.v)) throw new Unsupported(t.v);
      return { t: "name", id: t.v };
    }
    if (t.v === "(") {
      const e = this.expr();
      if (this.peek(",")) throw new Unsupported("tuple");
      this.expect(")");
      return e;
    }
    if (t.v === "[") {
      const items: Expr[] = [];
      while (!this.peek("]")) {
        items.push(this.expr());
        if (this.peek("for")) throw new Unsupported("comprehension");
        if (!this.peek("]")) this.expect(",");
      }
      this.i++;
      return { t: "list", items };
    }
    throw new Unsupported(`token ${t.v}`);
  }
}

/** An f-string's text and {expression} parts (no format specs or conversions). */
function fstringParts(s: string): Array<string | Expr> {
  const parts: Array<string | Expr> = [];
  let text = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if ((c === "{" || c === "}") && s[i + 1] === c) { text += c; i++; continue; }
    if (c === "}") throw new Unsupported("single } in f-string");
    if (c !== "{") { text += c; continue; }
    const end = s.indexOf("}", i);
    if (end < 0) throw new Unsupported("unterminated f-string field");
    const field = s.slice(i + 1, end);
    if (/[!:]/.test(field.replace(/!=|==|<=|>=/g, ""))) throw new Unsupported("f-string format spec");
    if (text) parts.push(text);
    text = "";
    parts.push(parseWhole(tokenize(field)));
    i = end;
  }
  if (text) parts.push(text);
  return parts;
}

function parseWhole(toks: Tok[]): Expr {
  const p = new Parser(toks);
  const e = p.expr();
  if (!p.atEnd()) throw new Unsupported("trailing tokens");
  return e;
}

/** Logical lines: physical lines joined while brackets are open, with their indent and first line number. */
function logicalLines(src: string): Array<{ indent: number; toks: Tok[]; line: number }> {
  const out: Array<{ indent: number; toks: Tok[]; line: number }> = [];
  const lines = src.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const first = lines[n]!;
    if (/^\s*(#.*)?$/.test(first)) continue;
    const indentText = /^[ \t]*/.exec(first)![0];
    if (indentText.includes("\t")) throw new Unsupported("tab indentation");
    const start = n;
    let toks = tokenize(first);
    let depth = bracketDepth(toks);
    while ((depth > 0 || first.trimEnd().endsWith("\\")) && n + 1 < lines.length) {
      if (first.trimEnd().endsWith("\\")) throw new Unsupported("line continuation");
      toks = toks.concat(tokenize(lines[++n]!));
      depth = bracketDepth(toks);
    }
    if (depth !== 0) throw new Unsupported("unbalanced brackets");
    out.push({ indent: indentText.length, toks, line: start + 1 });
  }
  return out;
}

function bracketDepth(toks: Tok[]): number {
  let d = 0;
  for (const t of toks) if (t.k === "op") d += "([{".includes(t.v) ? 1 : ")]}".includes(t.v) ? -1 : 0;
  return d;
}

/** Parses a script into statements, or throws Unsupported when it leaves the subset. */
export function parsePython(src: string): Stmt[] {
  const lines = logicalLines(src);
  let at = 0;
  const block = (indent: number): Stmt[] => {
    const body: Stmt[] = [];
    while (at < lines.length && lines[at]!.indent === indent) {
      const { toks, line } = lines[at++]!;
      body.push(...statement(toks, line, indent));
    }
    if (at < lines.length && lines[at]!.indent > indent) throw new Unsupported("unexpected indent");
    return body;
  };
  const suite = (p: Parser, line: number, indent: number): Stmt[] => {
    p.expect(":");
    const rest = p.rest();
    if (rest.length > 0) return simpleStatements(rest, line);
    const next = lines[at];
    if (next === undefined || next.indent <= indent) throw new Unsupported("expected an indented block");
    return block(next.indent);
  };
  const statement = (toks: Tok[], line: number, indent: number): Stmt[] => {
    const head = toks[0]!;
    if (head.k === "name" && (head.v === "if" || head.v === "while")) {
      const p = new Parser(toks.slice(1));
      const cond = p.expr();
      const body = suite(p, line, indent);
      if (head.v === "while") return [{ line, t: "while", cond, body }];
      const branches: Array<[Expr, Stmt[]]> = [[cond, body]];
      let orelse: Stmt[] = [];
      while (at < lines.length && lines[at]!.indent === indent && lines[at]!.toks[0]?.k === "name") {
        const kw = lines[at]!.toks[0]!.v;
        if (kw !== "elif" && kw !== "else") break;
        const { toks: t2, line: l2 } = lines[at++]!;
        const p2 = new Parser(t2.slice(1));
        if (kw === "elif") {
          const c2 = p2.expr();
          branches.push([c2, suite(p2, l2, indent)]);
        } else {
          orelse = suite(p2, l2, indent);
          break;
        }
      }
      return [{ line, t: "if", branches, orelse }];
    }
    if (head.k === "name" && head.v === "for") {
      const p = new Parser(toks.slice(1));
      const name = p.name();
      p.expect("in");
      const iter = p.expr();
      return [{ line, t: "for", name, iter, body: suite(p, line, indent) }];
    }
    if (head.k === "name" && ["def", "class", "try", "with", "else", "elif", "except", "finally", "async", "global", "del", "assert", "raise", "return", "lambda"].includes(head.v)) throw new Unsupported(head.v);
    return simpleStatements(toks, line);
  };
  const body = block(lines[0]?.indent ?? 0);
  if (at < lines.length) throw new Unsupported("unexpected dedent");
  return body;
}

/** `a; b; c` on one line. */
function simpleStatements(toks: Tok[], line: number): Stmt[] {
  const out: Stmt[] = [];
  let start = 0;
  for (let k = 0; k <= toks.length; k++) {
    if (k === toks.length || (toks[k]!.k === "op" && toks[k]!.v === ";")) {
      if (k > start) out.push(simple(toks.slice(start, k), line));
      start = k + 1;
    }
  }
  return out;
}

function simple(toks: Tok[], line: number): Stmt {
  const head = toks[0]!;
  if (head.k === "name" && ["pass", "break", "continue"].includes(head.v) && toks.length === 1) return { line, t: head.v as "pass" };
  if (head.k === "name" && head.v === "import") {
    const p = new Parser(toks.slice(1));
    const modules: Array<[string, string]> = [];
    do {
      const m = p.name();
      if (p.peek(".")) throw new Unsupported("dotted import");
      let as = m;
      if (p.peek("as")) { p.next(); as = p.name(); }
      modules.push([m, as]);
    } while (p.peek(",") && p.next());
    if (!p.atEnd()) throw new Unsupported("import");
    return { line, t: "import", modules };
  }
  if (head.k === "name" && head.v === "from") {
    const p = new Parser(toks.slice(1));
    const module = p.name();
    p.expect("import");
    const names: Array<[string, string]> = [];
    do {
      const n = p.name();
      let as = n;
      if (p.peek("as")) { p.next(); as = p.name(); }
      names.push([n, as]);
    } while (p.peek(",") && p.next());
    if (!p.atEnd()) throw new Unsupported("from import");
    return { line, t: "from", module, names };
  }
  // an assignment's = sits outside brackets (inside them it names a keyword argument)
  let depth = 0;
  const assign = toks.findIndex((t) => {
    if (t.k !== "op") return false;
    depth += "([{".includes(t.v) ? 1 : ")]}".includes(t.v) ? -1 : 0;
    return depth === 0 && ["=", "+=", "-=", "*=", "/=", "//=", "%=", "**="].includes(t.v);
  });
  if (assign >= 0) {
    if (assign !== 1 || head.k !== "name") throw new Unsupported("assignment target");
    return { line, t: "assign", name: head.v, op: toks[1]!.v, e: parseWhole(toks.slice(2)) };
  }
  return { line, t: "expr", e: parseWhole(toks) };
}

// ---------------------------------------------------------------------------------
// Running

/** A Python exception: printed as the last line of a traceback, exit status 1. */
class PyException {
  constructor(readonly type: string, readonly message: string) {}
}

/** `sys.exit(arg)`: the status, and a message for stderr when arg is not an int. */
class SystemExit {
  constructor(readonly code: number, readonly message?: string) {}
}

class LoopJump {
  constructor(readonly kind: "break" | "continue") {}
}

function typeName(v: Py): string {
  if (v === null) return "NoneType";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if ("list" in v) return "list";
  if ("module" in v) return "module";
  if ("environ" in v) return "_Environ";
  if ("file" in v) return "TextIOWrapper";
  return "builtin_function_or_method";
}

/** Python's repr of a float: always a point or an exponent, two-digit exponents. */
function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const s = Math.abs(x) >= 1e16 && !String(x).includes("e") ? x.toExponential() : String(x);
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  return q + s.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll("\t", "\\t").replaceAll(q, `\\${q}`) + q;
}

function repr(v: Py): string { return typeof v === "string" ? strRepr(v) : str(v); }

function str(v: Py): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint" || typeof v === "string") return String(v);
  if (typeof v === "number") return floatRepr(v);
  if ("list" in v) return `[${v.list.map(repr).join(", ")}]`;
  if ("module" in v) return `<module '${v.module}'>`;
  return `<${typeName(v)}>`;
}

function truthy(v: Py): boolean {
  if (v === null || v === false || v === 0n || v === 0 || v === "") return false;
  if (typeof v === "object" && "list" in v) return v.list.length > 0;
  return true;
}

const isNum = (v: Py): v is bigint | number | boolean => typeof v === "bigint" || typeof v === "number" || typeof v === "boolean";
const asInt = (v: bigint | boolean): bigint => (typeof v === "boolean" ? (v ? 1n : 0n) : v);
const floorDiv = (a: bigint, b: bigint): bigint => (a % b !== 0n && (a < 0n) !== (b < 0n) ? a / b - 1n : a / b);
const pyMod = (a: bigint, b: bigint): bigint => ((a % b) + b) % b;

function unsupportedOperand(op: string, l: Py, r: Py): PyException {
  return new PyException("TypeError", `unsupported operand type(s) for ${op}: '${typeName(l)}' and '${typeName(r)}'`);
}

function binary(op: string, l: Py, r: Py): Py {
  if (typeof l === "string" && typeof r === "string" && op === "+") return l + r;
  if (op === "*" && typeof l === "string" && (typeof r === "bigint" || typeof r === "boolean")) return l.repeat(Math.max(0, Number(asInt(r))));
  if (op === "%" && typeof l === "string") throw new Unsupported("%-formatting");
  if (typeof l === "object" && l !== null && "list" in l && typeof r === "object" && r !== null && "list" in r && op === "+") return { list: [...l.list, ...r.list] };
  if (!isNum(l) || !isNum(r)) throw unsupportedOperand(op, l, r);
  if (typeof l !== "number" && typeof r !== "number" && op !== "/") {
    const a = asInt(l);
    const b = asInt(r);
    if ((op === "//" || op === "%") && b === 0n) throw new PyException("ZeroDivisionError", op === "%" ? "integer modulo by zero" : "integer division or modulo by zero");
    switch (op) {
      case "+": return a + b;
      case "-": return a - b;
      case "*": return a * b;
      case "//": return floorDiv(a, b);
      case "%": return pyMod(a, b);
      case "**": return b < 0n ? Number(a) ** Number(b) : a ** b;
    }
  }
  const a = Number(typeof l === "boolean" ? asInt(l) : l);
  const b = Number(typeof r === "boolean" ? asInt(r) : r);
  if ((op === "/" || op === "//" || op === "%") && b === 0) throw new PyException("ZeroDivisionError", op === "/" ? "division by zero" : "float division by zero");
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return a / b;
    case "//": return Math.floor(a / b);
    case "%": return a - b * Math.floor(a / b);
    case "**": return a ** b;
  }
  throw new Unsupported(op);
}

function equal(a: Py, b: Py): boolean {
  if (isNum(a) && isNum(b)) return Number(typeof a === "boolean" ? asInt(a) : a) === Number(typeof b === "boolean" ? asInt(b) : b);
  if (typeof a === "object" && a !== null && "list" in a && typeof b === "object" && b !== null && "list" in b) {
    return a.list.length === b.list.length && a.list.every((x, k) => equal(x, b.list[k]!));
  }
  return a === b;
}

function compare(op: string, a: Py, b: Py, env: ReadonlyMap<string, string>): boolean {
  switch (op) {
    case "==": return equal(a, b);
    case "!=": return !equal(a, b);
    case "is": return a === b || (a === null && b === null);
    case "is not": return !(a === b || (a === null && b === null));
    case "in": case "not in": {
      let found: boolean;
      if (typeof b === "string" && typeof a === "string") found = b.includes(a);
      else if (typeof b === "object" && b !== null && "list" in b) found = b.list.some((x) => equal(x, a));
      else if (typeof b === "object" && b !== null && "environ" in b) found = typeof a === "string" && env.has(a);
      else throw new PyException("TypeError", `argument of type '${typeName(b)}' is not iterable`);
      return op === "in" ? found : !found;
    }
  }
  const ordered = (isNum(a) && isNum(b)) || (typeof a === "string" && typeof b === "string");
  if (!ordered) throw new PyException("TypeError", `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
  const x = typeof a === "boolean" ? asInt(a) : a;
  const y = typeof b === "boolean" ? asInt(b) : b;
  switch (op) {
    case "<": return x < y;
    case "<=": return x <= y;
    case ">": return x > y;
    default: return x >= y;
  }
}

function toInt(v: Py): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return asInt(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new PyException(Number.isNaN(v) ? "ValueError" : "OverflowError", Number.isNaN(v) ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer");
    return BigInt(Math.trunc(v));
  }
  if (typeof v === "string") {
    const s = v.trim();
    if (/^[+-]?\d+(_\d+)*$/.test(s)) return BigInt(s.replaceAll("_", ""));
    throw new PyException("ValueError", `invalid literal for int() with base 10: ${strRepr(v)}`);
  }
  throw new PyException("TypeError", `int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
}

function toFloat(v: Py): number {
  if (isNum(v)) return Number(typeof v === "boolean" ? asInt(v) : v);
  if (typeof v === "string") {
    const s = v.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
    if (/^[+-]?(inf|infinity|nan)$/i.test(s)) return s.toLowerCase().includes("nan") ? Number.NaN : s.startsWith("-") ? -Infinity : Infinity;
    throw new PyException("ValueError", `could not convert string to float: ${strRepr(v)}`);
  }
  throw new PyException("TypeError", `float() argument must be a string or a real number, not '${typeName(v)}'`);
}

/** The longest list range() may build here: the docs' loops are short, a huge one is outside the subset. */
const rangeLengthMax = 100_000;

/** What one running script holds: its names and the container's environment. */
interface Interp {
  sh: ShellState;
  st: Streams;
  names: Map<string, Py>;
  env: Map<string, string>;
}

function exitStatus(arg: Py): SystemExit {
  if (arg === null) return new SystemExit(0);
  if (typeof arg === "bigint" || typeof arg === "boolean") return new SystemExit(Number(BigInt.asUintN(8, asInt(arg))));
  return new SystemExit(1, str(arg));
}

function* call(it: Interp, fn: Py, args: Py[], kwargs: Map<string, Py>): Generator<import("./types.js").Effect, Py, import("./types.js").EffectResult> {
  if (typeof fn !== "object" || fn === null || !("builtin" in fn)) throw new PyException("TypeError", `'${typeName(fn)}' object is not callable`);
  const arity = (lo: number, hi: number) => {
    if (args.length < lo || args.length > hi) throw new Unsupported(`${fn.builtin} with ${args.length} arguments`);
  };
  if (kwargs.size > 0 && fn.builtin !== "print") throw new Unsupported("keyword arguments");
  switch (fn.builtin) {
    case "print": {
      const sep = kwargs.has("sep") ? str(kwargs.get("sep")!) : " ";
      const end = kwargs.has("end") ? str(kwargs.get("end")!) : "\n";
      const file = kwargs.get("file");
      const text = args.map(str).join(sep) + end;
      if (typeof file === "object" && file !== null && "file" in file && file.file === "stderr") it.st.err(text);
      else it.st.out(text);
      return null;
    }
    case "write": {
      arity(1, 1);
      const text = args[0]!;
      if (typeof text !== "string") throw new PyException("TypeError", `write() argument must be str, not ${typeName(text)}`);
      if ((fn.self as PyFile).file === "stderr") it.st.err(text); else it.st.out(text);
      return BigInt(text.length);
    }
    case "flush": return null;
    case "int": arity(1, 1); return toInt(args[0]!);
    case "float": arity(1, 1); return toFloat(args[0]!);
    case "str": arity(0, 1); return args.length === 0 ? "" : str(args[0]!);
    case "bool": arity(0, 1); return args.length === 0 ? false : truthy(args[0]!);
    case "abs": {
      arity(1, 1);
      const v = args[0]!;
      if (!isNum(v)) throw new PyException("TypeError", `bad operand type for abs(): '${typeName(v)}'`);
      const n = typeof v === "boolean" ? asInt(v) : v;
      return n < 0 ? -n : n;
    }
    case "len": {
      arity(1, 1);
      const v = args[0]!;
      if (typeof v === "string") return BigInt(v.length);
      if (typeof v === "object" && v !== null && "list" in v) return BigInt(v.list.length);
      throw new PyException("TypeError", `object of type '${typeName(v)}' has no len()`);
    }
    case "range": {
      arity(1, 3);
      const ns = args.map((a) => {
        if (typeof a !== "bigint" && typeof a !== "boolean") throw new PyException("TypeError", `'${typeName(a)}' object cannot be interpreted as an integer`);
        return asInt(a);
      });
      const [lo, hi, step] = ns.length === 1 ? [0n, ns[0]!, 1n] : [ns[0]!, ns[1]!, ns[2] ?? 1n];
      if (step === 0n) throw new PyException("ValueError", "range() arg 3 must not be zero");
      const list: Py[] = [];
      for (let k = lo; step > 0n ? k < hi : k > hi; k += step) {
        if (list.length >= rangeLengthMax) throw new Unsupported("a range this long");
        list.push(k);
      }
      return { list };
    }
    case "exit": case "quit": case "sys.exit": arity(0, 1); throw exitStatus(args[0] ?? null);
    case "time.sleep": {
      arity(1, 1);
      const s = args[0]!;
      if (!isNum(s)) throw new PyException("TypeError", `'${typeName(s)}' object cannot be interpreted as an integer`);
      const secs = Number(typeof s === "boolean" ? asInt(s) : s);
      if (secs < 0) throw new PyException("ValueError", "sleep length must be non-negative");
      yield* perform(it.sh, { type: "sleep", ms: Math.round(secs * 1000) });
      return null;
    }
    case "os.getenv": case "environ.get": {
      arity(1, 2);
      const k = args[0]!;
      if (typeof k !== "string") throw new PyException("TypeError", `str expected, not ${typeName(k)}`);
      return it.env.get(k) ?? args[1] ?? null;
    }
  }
  const self = fn.self;
  if (typeof self === "string") return stringMethod(fn.builtin, self, args);
  throw new Unsupported(fn.builtin);
}

function stringMethod(name: string, s: string, args: Py[]): Py {
  const strArg = (k: number): string => {
    const a = args[k];
    if (typeof a !== "string") throw new Unsupported(`str.${name} argument`);
    return a;
  };
  switch (name) {
    case "upper": return s.toUpperCase();
    case "lower": return s.toLowerCase();
    case "strip": return args.length === 0 ? s.trim() : s.replace(new RegExp(`^[${escapeClass(strArg(0))}]+|[${escapeClass(strArg(0))}]+$`, "g"), "");
    case "startswith": return s.startsWith(strArg(0));
    case "endswith": return s.endsWith(strArg(0));
    case "isdigit": return /^\d+$/.test(s);
    case "replace": return s.replaceAll(strArg(0), strArg(1));
    case "split": return { list: (args.length === 0 ? s.trim().split(/\s+/).filter((x) => x !== "") : s.split(strArg(0))) };
    case "join": {
      const l = args[0];
      if (typeof l !== "object" || l === null || !("list" in l)) throw new Unsupported("str.join argument");
      return l.list.map((x) => {
        if (typeof x !== "string") throw new PyException("TypeError", `sequence item 0: expected str instance, ${typeName(x)} found`);
        return x;
      }).join(s);
    }
  }
  throw new Unsupported(`str.${name}`);
}

const escapeClass = (s: string) => s.replace(/[\\\]^-]/g, "\\$&");

function attribute(v: Py, name: string): Py {
  if (typeof v === "object" && v !== null) {
    if ("module" in v) {
      const key = `${v.module}.${name}`;
      switch (key) {
        case "os.environ": return { environ: true };
        case "os.getenv": case "sys.exit": case "time.sleep": return { builtin: key };
        case "sys.argv": throw new Unsupported(key);
        case "sys.stdout": return { file: "stdout" };
        case "sys.stderr": return { file: "stderr" };
      }
      throw new Unsupported(key);
    }
    if ("environ" in v && name === "get") return { builtin: "environ.get" };
    if ("file" in v && (name === "write" || name === "flush")) return { builtin: name, self: v };
  }
  if (typeof v === "string" && ["upper", "lower", "strip", "startswith", "endswith", "isdigit", "replace", "split", "join"].includes(name)) return { builtin: name, self: v };
  if (v === null || typeof v !== "object") throw new PyException("AttributeError", `'${typeName(v)}' object has no attribute '${name}'`);
  throw new Unsupported(`attribute ${name}`);
}

function* evaluate(it: Interp, e: Expr): Generator<import("./types.js").Effect, Py, import("./types.js").EffectResult> {
  switch (e.t) {
    case "lit": return e.v;
    case "fstr": {
      let s = "";
      for (const p of e.parts) s += typeof p === "string" ? p : str(yield* evaluate(it, p));
      return s;
    }
    case "name": {
      if (it.names.has(e.id)) return it.names.get(e.id)!;
      if (builtins.has(e.id)) return { builtin: e.id };
      throw new PyException("NameError", `name '${e.id}' is not defined`);
    }
    case "attr": return attribute(yield* evaluate(it, e.obj), e.name);
    case "index": {
      const obj = yield* evaluate(it, e.obj);
      const key = yield* evaluate(it, e.key);
      if (typeof obj === "object" && obj !== null && "environ" in obj) {
        if (typeof key !== "string" || !it.env.has(key)) throw new PyException("KeyError", repr(key));
        return it.env.get(key)!;
      }
      if ((typeof obj === "string" || (typeof obj === "object" && obj !== null && "list" in obj)) && (typeof key === "bigint" || typeof key === "boolean")) {
        const items: Py[] = typeof obj === "string" ? [...obj] : obj.list;
        const n = Number(asInt(key));
        const at = n < 0 ? items.length + n : n;
        if (at < 0 || at >= items.length) throw new PyException("IndexError", `${typeof obj === "string" ? "string" : "list"} index out of range`);
        return items[at]!;
      }
      throw new Unsupported("subscript");
    }
    case "call": {
      const fn = yield* evaluate(it, e.fn);
      const args: Py[] = [];
      for (const a of e.args) args.push(yield* evaluate(it, a));
      const kwargs = new Map<string, Py>();
      for (const [k, a] of e.kwargs) kwargs.set(k, yield* evaluate(it, a));
      return yield* call(it, fn, args, kwargs);
    }
    case "list": {
      const list: Py[] = [];
      for (const x of e.items) list.push(yield* evaluate(it, x));
      return { list };
    }
    case "unary": {
      const v = yield* evaluate(it, e.e);
      if (e.op === "not") return !truthy(v);
      if (!isNum(v)) throw new PyException("TypeError", `bad operand type for unary ${e.op}: '${typeName(v)}'`);
      const n = typeof v === "boolean" ? asInt(v) : v;
      return e.op === "-" ? -n : n;
    }
    case "bin": return binary(e.op, yield* evaluate(it, e.l), yield* evaluate(it, e.r));
    case "bool": {
      const l = yield* evaluate(it, e.l);
      if (e.op === "and" ? !truthy(l) : truthy(l)) return l;
      return yield* evaluate(it, e.r);
    }
    case "cmp": {
      let left = yield* evaluate(it, e.es[0]!);
      for (let k = 0; k < e.ops.length; k++) {
        const right = yield* evaluate(it, e.es[k + 1]!);
        if (!compare(e.ops[k]!, left, right, it.env)) return false;
        left = right;
      }
      return true;
    }
  }
}

/** Counts a loop turn; a loop that never sleeps fails by name, as the shell's do. */
function loopTurn(sh: ShellState): void {
  if (++sh.turnsWithoutBlocking > maxTurnsWithoutBlocking) throw new LoopBoundExceeded();
}

function* execute(it: Interp, body: Stmt[], line: { at: number }): Generator<import("./types.js").Effect, void, import("./types.js").EffectResult> {
  for (const s of body) {
    line.at = s.line;
    switch (s.t) {
      case "pass": break;
      case "break": case "continue": throw new LoopJump(s.t);
      case "expr": yield* evaluate(it, s.e); break;
      case "assign": {
        const v = yield* evaluate(it, s.e);
        if (s.op === "=") it.names.set(s.name, v);
        else {
          if (!it.names.has(s.name)) throw new PyException("NameError", `name '${s.name}' is not defined`);
          it.names.set(s.name, binary(s.op.slice(0, -1), it.names.get(s.name)!, v));
        }
        break;
      }
      case "import":
        for (const [m, as] of s.modules) it.names.set(as, { module: m as PyModule["module"] });
        break;
      case "from":
        for (const [n, as] of s.names) it.names.set(as, attribute({ module: s.module as PyModule["module"] }, n));
        break;
      case "if": {
        let done = false;
        for (const [cond, branch] of s.branches) {
          if (truthy(yield* evaluate(it, cond))) { yield* execute(it, branch, line); done = true; break; }
        }
        if (!done) yield* execute(it, s.orelse, line);
        break;
      }
      case "while": case "for": {
        const items = s.t === "for" ? yield* evaluate(it, s.iter) : null;
        if (s.t === "for" && (typeof items !== "object" || items === null || !("list" in items)) && typeof items !== "string") {
          throw new PyException("TypeError", `'${typeName(items)}' object is not iterable`);
        }
        const seq: Py[] = s.t === "for" ? (typeof items === "string" ? [...items] : (items as PyList).list) : [];
        for (let k = 0; s.t === "for" ? k < seq.length : truthy(yield* evaluate(it, s.cond)); k++) {
          loopTurn(it.sh);
          if (s.t === "for") it.names.set(s.name, seq[k]!);
          try {
            yield* execute(it, s.body, line);
          } catch (j) {
            if (!(j instanceof LoopJump)) throw j;
            if (j.kind === "break") break;
          }
          line.at = s.line;
        }
        break;
      }
    }
  }
}

/** Checks the imports are all modelled (an unknown module is outside the subset, not an error) and break/continue sit in loops. */
function checkImports(body: Stmt[], inLoop = false): void {
  for (const s of body) {
    if ((s.t === "break" || s.t === "continue") && !inLoop) throw new Unsupported(`'${s.t}' outside loop`);
    if (s.t === "import") for (const [m] of s.modules) if (!knownModules.has(m)) throw new Unsupported(`module ${m}`);
    if (s.t === "from" && !knownModules.has(s.module)) throw new Unsupported(`module ${s.module}`);
    if (s.t === "if") { for (const [, b] of s.branches) checkImports(b, inLoop); checkImports(s.orelse, inLoop); }
    if (s.t === "while" || s.t === "for") checkImports(s.body, true);
  }
}

/** Parses a script into a program the subset can run, or undefined when it leaves the subset. */
export function compilePython(src: string): Stmt[] | undefined {
  try {
    const body = parsePython(src);
    checkImports(body);
    return body;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

/**
 * Runs a compiled script as `python3 -c`: exit status 0 at its end, sys.exit's status, or 1
 * with a traceback on stderr for an uncaught exception. A step outside the subset found only
 * while running ends the process as the image did before (status 0).
 */
export function* runPython(program: Stmt[], sh: ShellState, st: Streams): Gen {
  const env = new Map<string, string>();
  for (const k of sh.exported) {
    const v = sh.vars.get(k);
    if (v !== undefined) env.set(k, v);
  }
  const it: Interp = { sh, st, names: new Map(), env };
  const line = { at: 1 };
  try {
    yield* execute(it, program, line);
    return 0;
  } catch (e) {
    if (e instanceof SystemExit) {
      if (e.message !== undefined) st.err(`${e.message}\n`);
      return e.code;
    }
    if (e instanceof PyException) {
      st.err(`Traceback (most recent call last):\n  File "<string>", line ${line.at}, in <module>\n${e.type}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof Unsupported) return 0;
    throw e;
  }
}
