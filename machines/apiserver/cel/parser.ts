// CEL lexer and recursive-descent parser (cel-spec langdef grammar), with cel-go's limits:
// 100000 code points, recursion depth 250, and its "ERROR: <input>:L:C: msg" display.
import { CelBytes, CelUint, INT64_MAX, UINT64_MAX } from "./values.js";

export type Expr =
  | { k: "lit"; v: unknown; pos: number }
  | { k: "ident"; name: string; pos: number }
  | { k: "select"; operand: Expr; field: string; optional: boolean; pos: number }
  | { k: "index"; operand: Expr; index: Expr; optional: boolean; pos: number }
  | { k: "call"; fn: string; target?: Expr; args: Expr[]; pos: number }
  | { k: "list"; elems: Expr[]; optional: boolean[]; pos: number }
  | { k: "map"; entries: { key: Expr; value: Expr; optional: boolean }[]; pos: number }
  | { k: "has"; operand: Expr; field: string; pos: number }
  | { k: "macro"; name: string; target: Expr; vars: string[]; args: Expr[]; pos: number };

export class CelSyntaxError {
  constructor(
    readonly pos: number,
    readonly message: string,
  ) {}
}

export const MAX_CODE_POINTS = 100_000;
export const MAX_RECURSION = 250;

const RESERVED = new Set(["as", "break", "const", "continue", "else", "false", "for", "function", "if", "import", "in", "let", "loop", "package", "namespace", "null", "return", "true", "var", "void", "while"]);

type Tok = { t: string; v?: unknown; text: string; pos: number };

const PUNCT = ["||", "&&", "==", "!=", "<=", ">=", ".?", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}
function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/** Tokens of src; positions are code-unit offsets. */
export function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const start = i;
    // string and bytes literals with r/b prefixes
    const pre = /^([rRbB]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 5));
    if (pre && (pre[1]!.length === 0 || /^(r|R|b|B|rb|rB|Rb|RB|br|bR|Br|BR)$/.test(pre[1]!))) {
      const raw = /r/i.test(pre[1]!);
      const bytes = /b/i.test(pre[1]!);
      const q = pre[2]!;
      i += pre[0].length;
      const bodyStart = i;
      let closed = false;
      while (i < src.length) {
        if (src.startsWith(q, i)) {
          closed = true;
          break;
        }
        if (q.length === 1 && (src[i] === "\n" || src[i] === "\r")) break;
        if (src[i] === "\\" && !raw) i += 2;
        else if (src[i] === "\\" && raw) i += src[i + 1] === q[0] ? 2 : 1;
        else i++;
      }
      if (!closed) throw new CelSyntaxError(start, `Syntax error: token recognition error at: '${src.slice(start, i + 1)}'`);
      const body = src.slice(bodyStart, i);
      i += q.length;
      const text = src.slice(start, i);
      const v = raw ? rawValue(body, bytes) : unescapeLiteral(body, bytes, start);
      out.push({ t: bytes ? "BYTES" : "STRING", v, text, pos: start });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < src.length && (isIdentStart(src[i]!) || isDigit(src[i]!))) i++;
      const text = src.slice(start, i);
      out.push({ t: text === "true" || text === "false" || text === "null" || text === "in" ? text : "IDENT", text, pos: start });
      continue;
    }
    if (c === "`") {
      // escaped identifiers are off in Kubernetes' environment
      throw new CelSyntaxError(start, "Syntax error: token recognition error at: '`'");
    }
    if (isDigit(c) || (c === "." && isDigit(src[i + 1] ?? ""))) {
      if (c === "0" && (src[i + 1] === "x" || src[i + 1] === "X") && isHex(src[i + 2] ?? "")) {
        i += 2;
        while (i < src.length && isHex(src[i]!)) i++;
        const digits = src.slice(start, i);
        if (src[i] === "u" || src[i] === "U") {
          i++;
          out.push({ t: "UINT", v: BigInt(digits), text: src.slice(start, i), pos: start });
        } else out.push({ t: "INT", v: BigInt(digits), text: digits, pos: start });
        continue;
      }
      while (i < src.length && isDigit(src[i]!)) i++;
      let isFloat = false;
      if (src[i] === "." && isDigit(src[i + 1] ?? "")) {
        isFloat = true;
        i++;
        while (i < src.length && isDigit(src[i]!)) i++;
      }
      if ((src[i] === "e" || src[i] === "E") && (isDigit(src[i + 1] ?? "") || ((src[i + 1] === "+" || src[i + 1] === "-") && isDigit(src[i + 2] ?? "")))) {
        isFloat = true;
        i += 2;
        while (i < src.length && isDigit(src[i]!)) i++;
      }
      const text = src.slice(start, i);
      if (isFloat) out.push({ t: "DOUBLE", v: Number(text), text, pos: start });
      else if (src[i] === "u" || src[i] === "U") {
        i++;
        out.push({ t: "UINT", v: BigInt(text), text: src.slice(start, i), pos: start });
      } else out.push({ t: "INT", v: BigInt(text), text, pos: start });
      continue;
    }
    const p = PUNCT.find((x) => src.startsWith(x, i));
    if (!p) throw new CelSyntaxError(start, `Syntax error: token recognition error at: '${String.fromCodePoint(src.codePointAt(i)!)}'`);
    i += p.length;
    out.push({ t: p, text: p, pos: start });
  }
  out.push({ t: "EOF", text: "<EOF>", pos: src.length });
  return out;
}

function rawValue(body: string, bytes: boolean): unknown {
  const s = body.replace(/\r\n?/g, "\n");
  return bytes ? new CelBytes(new TextEncoder().encode(s)) : s;
}

const SIMPLE_ESC: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, "'": 39, '"': 34, "`": 96, "?": 63 };

function unescapeLiteral(body: string, bytes: boolean, pos: number): unknown {
  const cps: number[] = []; // code points (string) or byte values (bytes, for \x and octal)
  const out: number[] = [];
  const enc = new TextEncoder();
  const pushCp = (cp: number) => {
    if (bytes) out.push(...enc.encode(String.fromCodePoint(cp)));
    else cps.push(cp);
  };
  let i = 0;
  const bad = () => new CelSyntaxError(pos, "Syntax error: invalid escape sequence");
  body = body.replace(/\r\n?/g, "\n");
  while (i < body.length) {
    const c = body[i]!;
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      pushCp(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw bad();
    if (Object.hasOwn(SIMPLE_ESC, e)) {
      pushCp(SIMPLE_ESC[e]!);
      i += 2;
    } else if (e === "x" || e === "X") {
      const h = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw bad();
      if (bytes) out.push(Number.parseInt(h, 16));
      else pushCp(Number.parseInt(h, 16));
      i += 4;
    } else if (e === "u" || e === "U") {
      const n = e === "u" ? 4 : 8;
      const h = body.slice(i + 2, i + 2 + n);
      if (bytes || !new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) throw bad();
      const cp = Number.parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw bad();
      pushCp(cp);
      i += 2 + n;
    } else if (e >= "0" && e <= "3") {
      const o = body.slice(i + 1, i + 4);
      if (!/^[0-3][0-7][0-7]$/.test(o)) throw bad();
      if (bytes) out.push(Number.parseInt(o, 8));
      else pushCp(Number.parseInt(o, 8));
      i += 4;
    } else throw bad();
  }
  if (bytes) return new CelBytes(Uint8Array.from(out));
  return String.fromCodePoint(...cps);
}

const MACROS: Record<string, { target: boolean; nargs: number[] }> = {
  has: { target: false, nargs: [1] },
  all: { target: true, nargs: [2, 3] },
  exists: { target: true, nargs: [2, 3] },
  exists_one: { target: true, nargs: [2] },
  existsOne: { target: true, nargs: [2, 3] },
  map: { target: true, nargs: [2, 3] },
  filter: { target: true, nargs: [2] },
  transformList: { target: true, nargs: [3, 4] },
  transformMap: { target: true, nargs: [3, 4] },
  transformMapEntry: { target: true, nargs: [3, 4] },
  optMap: { target: true, nargs: [2] },
  optFlatMap: { target: true, nargs: [2] },
};

const RELOPS: Record<string, string> = { "<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "==": "_==_", "!=": "_!=_", in: "@in" };

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private accept(t: string): Tok | undefined {
    if (this.peek().t === t) return this.next();
    return undefined;
  }
  private expect(t: string): Tok {
    const k = this.peek();
    if (k.t !== t) throw new CelSyntaxError(k.pos, `Syntax error: mismatched input '${k.text}' expecting '${t}'`);
    return this.next();
  }
  private enter(): void {
    if (++this.depth > MAX_RECURSION) throw new CelSyntaxError(-1, `expression recursion limit exceeded: ${MAX_RECURSION}`);
  }

  parseTop(): Expr {
    const e = this.expr();
    const k = this.peek();
    if (k.t !== "EOF") throw new CelSyntaxError(k.pos, `Syntax error: extraneous input '${k.text}' expecting <EOF>`);
    return e;
  }

  private expr(): Expr {
    this.enter();
    const cond = this.or();
    let out = cond;
    const q = this.accept("?");
    if (q) {
      const a = this.or();
      this.expect(":");
      const b = this.expr();
      out = { k: "call", fn: "_?_:_", args: [cond, a, b], pos: q.pos };
    }
    this.depth--;
    return out;
  }
  private or(): Expr {
    let l = this.and();
    for (let t = this.accept("||"); t; t = this.accept("||")) l = { k: "call", fn: "_||_", args: [l, this.and()], pos: t.pos };
    return l;
  }
  private and(): Expr {
    let l = this.rel();
    for (let t = this.accept("&&"); t; t = this.accept("&&")) l = { k: "call", fn: "_&&_", args: [l, this.rel()], pos: t.pos };
    return l;
  }
  private rel(): Expr {
    let l = this.add();
    for (;;) {
      const t = this.peek();
      if (!Object.hasOwn(RELOPS, t.t)) return l;
      this.next();
      l = { k: "call", fn: RELOPS[t.t]!, args: [l, this.add()], pos: t.pos };
    }
  }
  private add(): Expr {
    let l = this.mul();
    for (;;) {
      const t = this.peek();
      if (t.t !== "+" && t.t !== "-") return l;
      this.next();
      l = { k: "call", fn: `_${t.t}_`, args: [l, this.mul()], pos: t.pos };
    }
  }
  private mul(): Expr {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.t !== "*" && t.t !== "/" && t.t !== "%") return l;
      this.next();
      l = { k: "call", fn: `_${t.t}_`, args: [l, this.unary()], pos: t.pos };
    }
  }
  private unary(): Expr {
    const t = this.peek();
    if (t.t === "!" || t.t === "-") {
      const ops: Tok[] = [];
      while (this.peek().t === t.t) {
        ops.push(this.next());
        if (ops.length > MAX_RECURSION) throw new CelSyntaxError(-1, `expression recursion limit exceeded: ${MAX_RECURSION}`);
      }
      // a single '-' before an int or double literal is a negative literal (so -9223372036854775808 parses)
      if (t.t === "-" && ops.length % 2 === 1) {
        const n = this.peek();
        if ((n.t === "INT" || n.t === "DOUBLE") && !this.isMemberFollow(1)) {
          this.next();
          let e: Expr = this.literal(n, true);
          for (let j = ops.length - 2; j >= 0; j--) e = { k: "call", fn: "-_", args: [e], pos: ops[j]!.pos };
          return this.memberTail(e);
        }
      }
      let e = this.member();
      for (let j = ops.length - 1; j >= 0; j--) e = { k: "call", fn: t.t === "!" ? "!_" : "-_", args: [e], pos: ops[j]!.pos };
      return e;
    }
    return this.member();
  }
  private isMemberFollow(o: number): boolean {
    const t = this.peek(o).t;
    return t === "." || t === "[" || t === ".?";
  }
  private literal(t: Tok, neg = false): Expr {
    if (t.t === "INT") {
      const v = neg ? -(t.v as bigint) : (t.v as bigint);
      if (v > INT64_MAX || v < -INT64_MAX - 1n) throw new CelSyntaxError(t.pos, `invalid int literal`);
      return { k: "lit", v, pos: t.pos };
    }
    if (t.t === "UINT") {
      if ((t.v as bigint) > UINT64_MAX) throw new CelSyntaxError(t.pos, `invalid uint literal`);
      return { k: "lit", v: new CelUint(t.v as bigint), pos: t.pos };
    }
    if (t.t === "DOUBLE") return { k: "lit", v: neg ? -(t.v as number) : (t.v as number), pos: t.pos };
    return { k: "lit", v: t.v, pos: t.pos };
  }
  private member(): Expr {
    return this.memberTail(this.primary());
  }
  private memberTail(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.t === "." || t.t === ".?") {
        this.next();
        const id = this.expect("IDENT");
        if (t.t === "." && this.peek().t === "(") {
          const lp = this.next();
          const args = this.exprList(")");
          e = this.makeCall(id.text, e, args, lp.pos);
        } else e = { k: "select", operand: e, field: id.text, optional: t.t === ".?", pos: t.pos };
      } else if (t.t === "[") {
        this.next();
        const opt = !!this.accept("?");
        const idx = this.expr();
        this.expect("]");
        e = { k: "index", operand: e, index: idx, optional: opt, pos: t.pos };
      } else return e;
    }
  }
  private exprList(close: string): Expr[] {
    const out: Expr[] = [];
    if (this.accept(close)) return out;
    for (;;) {
      out.push(this.expr());
      if (this.accept(close)) return out;
      this.expect(",");
    }
  }
  private makeCall(fn: string, target: Expr | undefined, args: Expr[], pos: number): Expr {
    const m = Object.hasOwn(MACROS, fn) ? MACROS[fn]! : undefined;
    if (m && m.target === !!target && m.nargs.includes(args.length)) {
      if (fn === "has") {
        const a = args[0]!;
        if (a.k !== "select" || a.optional) throw new CelSyntaxError(a.pos, "invalid argument to has() macro");
        return { k: "has", operand: a.operand, field: a.field, pos };
      }
      const nvars = fn.startsWith("transform") ? 2 : fn === "optMap" || fn === "optFlatMap" ? 1 : args.length - 1;
      const vars: string[] = [];
      for (let j = 0; j < nvars; j++) {
        const v = args[j]!;
        if (v.k !== "ident") throw new CelSyntaxError(v.pos, "argument must be a simple name");
        vars.push(v.name);
      }
      if (vars.length === 2 && vars[0] === vars[1]) throw new CelSyntaxError(args[1]!.pos, `duplicate variable name: ${vars[0]}`);
      // map(x, p, t) is map with a filter; all/exists with two names are the two-variable comprehensions
      return { k: "macro", name: fn === "existsOne" ? "exists_one" : fn, target: target!, vars, args: args.slice(nvars), pos };
    }
    return { k: "call", fn, target, args, pos };
  }
  private primary(): Expr {
    const t = this.next();
      switch (t.t) {
        case "INT":
        case "UINT":
        case "DOUBLE":
        case "STRING":
        case "BYTES":
          return this.literal(t);
        case "true":
          return { k: "lit", v: true, pos: t.pos };
        case "false":
          return { k: "lit", v: false, pos: t.pos };
        case "null":
          return { k: "lit", v: null, pos: t.pos };
        case "(": {
          const e = this.expr();
          this.expect(")");
          return e;
        }
        case "[": {
          const elems: Expr[] = [];
          const optional: boolean[] = [];
          while (this.peek().t !== "]") {
            optional.push(!!this.accept("?"));
            elems.push(this.expr());
            if (!this.accept(",")) break;
          }
          this.expect("]");
          return { k: "list", elems, optional, pos: t.pos };
        }
        case "{": {
          const entries: { key: Expr; value: Expr; optional: boolean }[] = [];
          while (this.peek().t !== "}") {
            const optional = !!this.accept("?");
            const key = this.expr();
            this.expect(":");
            entries.push({ key, value: this.expr(), optional });
            if (!this.accept(",")) break;
          }
          this.expect("}");
          return { k: "map", entries, pos: t.pos };
        }
        case ".":
        case "IDENT": {
          let name = t.text;
          if (t.t === ".") name = "." + this.expect("IDENT").text;
          if (RESERVED.has(name)) throw new CelSyntaxError(t.pos, `reserved identifier: ${name}`);
          if (this.peek().t === "(") {
            const lp = this.next();
            return this.makeCall(name.replace(/^\./, ""), undefined, this.exprList(")"), lp.pos);
          }
          if (this.peek().t === "{") throw new CelSyntaxError(this.peek().pos, "unsupported syntax: message construction");
          return { k: "ident", name, pos: t.pos };
        }
        case "EOF":
          throw new CelSyntaxError(t.pos, "Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
        default:
          if (t.t === "IDENT" || RESERVED.has(t.text)) throw new CelSyntaxError(t.pos, `reserved identifier: ${t.text}`);
          throw new CelSyntaxError(t.pos, `Syntax error: mismatched input '${t.text}' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}`);
      }
  }
}

export function parse(src: string): Expr {
  const cps = [...src].length;
  if (cps > MAX_CODE_POINTS) throw new CelSyntaxError(-1, `expression code point size exceeds limit: size: ${cps}, limit ${MAX_CODE_POINTS}`);
  const e = new Parser(lex(src)).parseTop();
  if (tooDeep(e, 0)) throw new CelSyntaxError(-1, "max recursion depth exceeded");
  return e;
}

/** Whether the tree nests deeper than cel-go's visitor allows; stops descending past the limit. */
function tooDeep(e: Expr, d: number): boolean {
  if (d > MAX_RECURSION) return true;
  return children(e).some((c) => tooDeep(c, d + 1));
}

export function children(e: Expr): Expr[] {
  switch (e.k) {
    case "lit":
    case "ident":
      return [];
    case "select":
    case "has":
      return [e.operand];
    case "index":
      return [e.operand, e.index];
    case "call":
      return e.target ? [e.target, ...e.args] : e.args;
    case "list":
      return e.elems;
    case "map":
      return e.entries.flatMap((x) => [x.key, x.value]);
    case "macro":
      return [e.target, ...e.args];
  }
}

/** cel-go's display of an error at pos (a code-unit offset; -1: no location). */
export function displayError(src: string, pos: number, message: string): string {
  if (pos < 0) return `ERROR: <input>:-1:0: ${message}`;
  const before = src.slice(0, pos);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const lineEnd = src.indexOf("\n", lineStart);
  const snippet = src.slice(lineStart, lineEnd < 0 ? src.length : lineEnd);
  const colChars = [...src.slice(lineStart, pos)];
  let out = `ERROR: <input>:${line}:${colChars.length + 1}: ${message}`;
  if (snippet.length <= 16384) {
    const ind = colChars.map((c) => (new TextEncoder().encode(c).length > 1 ? "\uff0e" : ".")).join("");
    const at = src.codePointAt(pos);
    const caret = at !== undefined && at > 0x7f && src[pos] !== "\n" ? "\uff3e" : "^";
    out += `\n | ${snippet.replace(/\t/g, " ")}\n | ${ind}${caret}`;
  }
  return out;
}
