// busybox awk (editors/awk.c) as a POSIX awk subset: a lexer, a recursive-descent parser to a small
// tree, and an interpreter over it. Pure: the applet in commands.ts hands it the program, the -v
// assignments and the inputs' texts, and gets back what it writes (stdout, stderr, files).
import { LoopBoundExceeded, POSIX_CLASSES } from "./shell.js";

/** An input-derived string (a field, getline's, -v's): compared as a number when it looks like one (POSIX's strnum). */
class StrNum {
  constructor(readonly s: string) {}
}
type Scalar = number | string | StrNum;
type AwkArray = Map<string, Scalar>;
/** A parameter given a caller's untyped variable: it becomes the caller's array if the function uses it as one. */
class Untyped {
  constructor(readonly scope: Map<string, Slot>, readonly name: string) {}
}
type Slot = Scalar | AwkArray | Untyped;
const UNSET = new StrNum("");

// ---------- lexer ----------

type Tok =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "ere"; v: string }
  | { t: "name"; v: string }
  | { t: "func"; v: string } // a name directly followed by "(" (a call)
  | { t: "builtin"; v: string }
  | { t: "kw"; v: string }
  | { t: "op"; v: string }
  | { t: "nl" }
  | { t: "eof" };

const keywords = new Set(["BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue", "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf"]);
const builtins = new Set(["length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "toupper", "tolower", "int", "sqrt", "exp", "log", "sin", "cos", "atan2", "close"]);
const ops = ["+=", "-=", "*=", "/=", "%=", "^=", "**=", "==", "<=", ">=", "!=", "++", "--", "&&", "||", ">>", "!~", "**", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?", ":", "~", "$", "="];

export class AwkSyntaxError extends Error {
  line = 1;
}

const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "/": "/", a: "\x07", b: "\b", f: "\f", v: "\v" };

/** A string literal's or -v value's escapes (awk.c nextchar): \n \t \\ \" \/, octal \ooo, hex \xHH, backslash-newline dropped; others keep the backslash. */
export function awkUnescape(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) { out += c; continue; }
    const n = s[++i]!;
    if (n === "\n") continue;
    if (n === "x" && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) {
      let hex = "";
      while (hex.length < 2 && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) hex += s[++i];
      out += String.fromCharCode(Number.parseInt(hex, 16));
      continue;
    }
    if (Object.hasOwn(escapes, n)) out += escapes[n];
    else if (/[0-7]/.test(n)) {
      let oct = n;
      while (oct.length < 3 && /[0-7]/.test(s[i + 1] ?? "")) oct += s[++i];
      out += String.fromCharCode(Number.parseInt(oct, 8) & 0xff);
    } else out += `\\${n}`;
  }
  return out;
}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const fail = (m: string) => Object.assign(new AwkSyntaxError(m), { line: src.slice(0, i).split("\n").length });
  // a "/" starts a regexp unless the token before it ends an operand (then it divides)
  const operandEnd = () => {
    const p = toks[toks.length - 1];
    if (!p) return false;
    return p.t === "num" || p.t === "str" || p.t === "ere" || p.t === "name" || p.t === "builtin" || (p.t === "op" && (p.v === ")" || p.v === "]" || p.v === "$" || p.v === "++" || p.v === "--"));
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\" && src[i + 1] === "\n") { i += 2; continue; }
    if (c === " " || c === "\t" || c === "\r") { i++; continue; }
    if (c === "#") { while (i < src.length && src[i] !== "\n") i++; continue; }
    if (c === "\n") { toks.push({ t: "nl" }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      let raw = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\n") throw fail("Unexpected end of string");
        if (src[j] === "\\" && j + 1 < src.length) { raw += src[j]! + src[j + 1]!; j += 2; continue; }
        raw += src[j++];
      }
      if (j >= src.length) throw fail("Unexpected end of string");
      toks.push({ t: "str", v: awkUnescape(raw) });
      i = j + 1;
      continue;
    }
    if (c === "/" && !operandEnd()) {
      let j = i + 1;
      let raw = "";
      let inBracket = false;
      while (j < src.length && (src[j] !== "/" || inBracket)) {
        if (src[j] === "\n") throw fail("Unterminated regexp");
        if (src[j] === "\\" && j + 1 < src.length) { raw += src[j + 1] === "/" ? "/" : src[j]! + src[j + 1]!; j += 2; continue; }
        if (src[j] === "[" && !inBracket) { inBracket = true; raw += src[j++]; if (src[j] === "^") raw += src[j++]; if (src[j] === "]") raw += src[j++]; continue; }
        if (src[j] === "]") inBracket = false;
        raw += src[j++];
      }
      if (j >= src.length) throw fail("Unterminated regexp");
      toks.push({ t: "ere", v: raw });
      i = j + 1;
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(src.slice(i));
    if (num) { toks.push({ t: "num", v: Number(num[0]) }); i += num[0].length; continue; }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (word) {
      const w = word[0];
      i += w.length;
      if (keywords.has(w)) toks.push({ t: "kw", v: w === "func" ? "function" : w });
      else if (builtins.has(w)) toks.push({ t: "builtin", v: w });
      else toks.push(src[i] === "(" ? { t: "func", v: w } : { t: "name", v: w });
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw fail("Unexpected token");
    toks.push({ t: "op", v: op === "**" ? "^" : op === "**=" ? "^=" : op });
    i += op.length;
  }
  toks.push({ t: "eof" });
  return toks;
}

// ---------- tree ----------

type Expr =
  | { k: "num"; v: number }
  | { k: "str"; v: string }
  | { k: "ere"; v: string }
  | { k: "var"; name: string }
  | { k: "index"; name: string; subs: Expr[] }
  | { k: "field"; e: Expr }
  | { k: "assign"; op: string; target: Expr; e: Expr }
  | { k: "cond"; c: Expr; a: Expr; b: Expr }
  | { k: "bin"; op: string; a: Expr; b: Expr }
  | { k: "un"; op: string; e: Expr }
  | { k: "incdec"; op: "++" | "--"; prefix: boolean; target: Expr }
  | { k: "match"; neg: boolean; a: Expr; re: Expr }
  | { k: "in"; subs: Expr[]; name: string }
  | { k: "group"; e: Expr }
  | { k: "call"; name: string; args: Expr[]; line: number }
  | { k: "builtin"; name: string; args: Expr[] }
  | { k: "getline"; target?: Expr; file?: Expr };

type Redirect = { mode: ">" | ">>"; file: Expr };
type Stmt =
  | { k: "expr"; e: Expr }
  | { k: "print"; args: Expr[]; redirect?: Redirect }
  | { k: "printf"; args: Expr[]; redirect?: Redirect }
  | { k: "if"; c: Expr; then: Stmt; else?: Stmt }
  | { k: "while"; c: Expr; body: Stmt }
  | { k: "do"; c: Expr; body: Stmt }
  | { k: "for"; init?: Stmt; c?: Expr; step?: Stmt; body: Stmt }
  | { k: "forin"; v: string; arr: string; body: Stmt }
  | { k: "block"; body: Stmt[] }
  | { k: "next" }
  | { k: "exit"; e?: Expr }
  | { k: "return"; e?: Expr }
  | { k: "break" }
  | { k: "continue" }
  | { k: "delete"; name: string; subs?: Expr[] };

type Pattern = { k: "begin" } | { k: "end" } | { k: "all" } | { k: "expr"; e: Expr } | { k: "range"; from: Expr; to: Expr };
interface Item { pattern: Pattern; action?: Stmt[] }
interface Func { params: string[]; body: Stmt[] }
export interface Program { items: Item[]; funcs: Map<string, Func> }

// ---------- parser ----------

class Parser {
  private p = 0;
  // inside print's arguments an unparenthesised ">" is a redirection, not a comparison
  private noGt = false;
  private noIn = false;
  private loops = 0;
  constructor(private readonly toks: Tok[]) {}

  /** the source line of the token the parser is at (newline tokens before it, plus one) */
  line(): number { return this.toks.slice(0, this.p).filter((t) => t.t === "nl").length + 1; }

  private peek(off = 0): Tok { return this.toks[Math.min(this.p + off, this.toks.length - 1)]!; }
  private isOp(v: string, off = 0): boolean { const t = this.peek(off); return t.t === "op" && t.v === v; }
  private isKw(v: string): boolean { const t = this.peek(); return t.t === "kw" && t.v === v; }
  private next(): Tok { return this.toks[this.p++]!; }
  private expectOp(v: string): void { if (!this.isOp(v)) throw new AwkSyntaxError(this.peek().t === "eof" ? "Unexpected end of string" : "Unexpected token"); this.p++; }
  private nls(): void { while (this.peek().t === "nl") this.p++; }
  private terms(): void { while (this.peek().t === "nl" || this.isOp(";")) this.p++; }

  program(): Program {
    const items: Item[] = [];
    const funcs = new Map<string, Func>();
    this.terms();
    while (this.peek().t !== "eof") {
      if (this.isKw("function")) {
        this.p++;
        const n = this.next();
        if (n.t !== "name" && n.t !== "func") throw new AwkSyntaxError("Unexpected token");
        this.expectOp("(");
        const params: string[] = [];
        while (!this.isOp(")")) {
          const pn = this.next();
          if (pn.t !== "name") throw new AwkSyntaxError("Unexpected token");
          params.push(pn.v);
          if (this.isOp(",")) {
            this.p++; this.nls();
            if (this.peek().t !== "name") throw new AwkSyntaxError("Unexpected token");
          } else if (!this.isOp(")")) throw new AwkSyntaxError("Unexpected token");
        }
        this.p++;
        this.nls();
        funcs.set(n.v, { params, body: this.block() });
      } else if (this.isKw("BEGIN") || this.isKw("END")) {
        const k = (this.next() as { v: string }).v === "BEGIN" ? "begin" : "end";
        this.nls();
        if (!this.isOp("{")) throw new AwkSyntaxError("Unexpected token");
        items.push({ pattern: { k }, action: this.block() });
      } else if (this.isOp("{")) {
        items.push({ pattern: { k: "all" }, action: this.block() });
      } else {
        const from = this.expr();
        let pattern: Pattern = { k: "expr", e: from };
        if (this.isOp(",")) { this.p++; this.nls(); pattern = { k: "range", from, to: this.expr() }; }
        items.push(this.isOp("{") ? { pattern, action: this.block() } : { pattern });
      }
      const t = this.peek();
      if (t.t !== "eof" && t.t !== "nl" && !this.isOp(";") && !(this.toks[this.p - 1]?.t === "op" && (this.toks[this.p - 1] as { v: string }).v === "}")) throw new AwkSyntaxError("Unexpected token");
      this.terms();
    }
    return { items, funcs };
  }

  private block(): Stmt[] {
    this.expectOp("{");
    const body: Stmt[] = [];
    this.terms();
    while (!this.isOp("}")) {
      if (this.peek().t === "eof") throw new AwkSyntaxError("Unexpected end of string");
      body.push(this.stmt());
      this.terms();
    }
    this.p++;
    return body;
  }

  /** A statement ends at a newline, ";" or a "}" left for the block. */
  private endSimple(): void {
    if (this.peek().t === "nl" || this.isOp(";")) { this.p++; return; }
    if (this.isOp("}") || this.peek().t === "eof") return;
    throw new AwkSyntaxError("Unexpected token");
  }

  private body(): Stmt {
    this.nls();
    if (this.isOp(";")) { this.p++; return { k: "block", body: [] }; }
    return this.stmt();
  }

  private loopBody(): Stmt {
    this.loops++;
    try { return this.body(); } finally { this.loops--; }
  }

  private stmt(): Stmt {
    const t = this.peek();
    if (this.isOp("{")) return { k: "block", body: this.block() };
    if (t.t === "kw") {
      switch (t.v) {
        case "if": {
          this.p++; this.expectOp("("); const c = this.expr(); this.expectOp(")");
          const then = this.body();
          // an else may follow after newlines or a ";"
          const save = this.p;
          this.terms();
          if (this.isKw("else")) { this.p++; return { k: "if", c, then, else: this.body() }; }
          this.p = save;
          return { k: "if", c, then };
        }
        case "while": {
          this.p++; this.expectOp("("); const c = this.expr(); this.expectOp(")");
          if (this.isOp(";")) { this.p++; return { k: "while", c, body: { k: "block", body: [] } }; }
          return { k: "while", c, body: this.loopBody() };
        }
        case "do": {
          this.p++; const body = this.loopBody(); this.terms();
          if (!this.isKw("while")) throw new AwkSyntaxError("Unexpected token");
          this.p++; this.expectOp("("); const c = this.expr(); this.expectOp(")"); this.endSimple();
          return { k: "do", c, body };
        }
        case "for": {
          this.p++; this.expectOp("(");
          const n = this.peek();
          if (n.t === "name" && this.peek(1).t === "kw" && (this.peek(1) as { v: string }).v === "in" && this.peek(2).t === "name" && this.isOp(")", 3)) {
            const arr = (this.peek(2) as { v: string }).v;
            this.p += 4;
            return { k: "forin", v: n.v, arr, body: this.loopBody() };
          }
          const init = this.isOp(";") ? undefined : this.simple();
          this.expectOp(";"); this.nls();
          const c = this.isOp(";") ? undefined : this.expr();
          this.expectOp(";"); this.nls();
          const step = this.isOp(")") ? undefined : this.simple();
          this.expectOp(")");
          if (this.isOp(";")) { this.p++; return { k: "for", init, c, step, body: { k: "block", body: [] } }; }
          return { k: "for", init, c, step, body: this.loopBody() };
        }
        case "next": this.p++; this.endSimple(); return { k: "next" };
        case "break": case "continue":
          if (this.loops === 0) throw new AwkSyntaxError(`'${t.v}' not in a loop`);
          this.p++; this.endSimple();
          return { k: t.v };
        case "exit": case "return": {
          this.p++;
          const e = this.peek().t === "nl" || this.isOp(";") || this.isOp("}") || this.peek().t === "eof" ? undefined : this.expr();
          this.endSimple();
          return t.v === "exit" ? { k: "exit", e } : { k: "return", e };
        }
        case "delete": {
          this.p++;
          const n = this.next();
          if (n.t !== "name") throw new AwkSyntaxError("Too few arguments");
          let subs: Expr[] | undefined;
          if (this.isOp("[")) { this.p++; subs = this.exprList("]"); }
          this.endSimple();
          return { k: "delete", name: n.v, subs };
        }
        default:
      }
    }
    const s = this.simple();
    this.endSimple();
    return s;
  }

  /** print/printf or an expression: what a for's init and step may be too. */
  private simple(): Stmt {
    if (this.isKw("print") || this.isKw("printf")) {
      const kind = (this.next() as { v: string }).v as "print" | "printf";
      let args: Expr[] = [];
      const ends = () => this.peek().t === "nl" || this.isOp(";") || this.isOp("}") || this.isOp(">") || this.isOp(">>") || this.isOp("|") || this.peek().t === "eof";
      if (!ends()) {
        // print (a, b) > f: a parenthesised list
        const save = this.p;
        let done = false;
        if (this.isOp("(")) {
          this.p++;
          try {
            const list = this.exprList(")");
            if (ends()) {
              if (list.length === 0) throw new AwkSyntaxError("Empty sequence");
              args = list;
              done = true;
            }
          } catch (e) { if (!(e instanceof AwkSyntaxError) || e.message === "Empty sequence") throw e; }
          if (!done) this.p = save;
        }
        if (!done) {
          const prev = this.noGt;
          this.noGt = true;
          args = [this.expr()];
          while (this.isOp(",")) { this.p++; this.nls(); args.push(this.expr()); }
          this.noGt = prev;
        }
      }
      let redirect: Redirect | undefined;
      if (this.isOp(">") || this.isOp(">>")) {
        const mode = (this.next() as { v: string }).v as ">" | ">>";
        const prev = this.noGt;
        this.noGt = true;
        redirect = { mode, file: this.concat() };
        this.noGt = prev;
      } else if (this.isOp("|")) throw new AwkSyntaxError("Unexpected token");
      if (kind === "printf" && args.length === 0) throw new AwkSyntaxError("Unexpected token");
      return { k: kind, args, redirect };
    }
    return { k: "expr", e: this.expr() };
  }

  private exprList(close: string): Expr[] {
    const list: Expr[] = [];
    this.nls();
    const prevGt = this.noGt;
    const prevIn = this.noIn;
    this.noGt = false;
    this.noIn = false;
    while (!this.isOp(close)) {
      list.push(this.expr());
      this.nls();
      if (this.isOp(",")) { this.p++; this.nls(); } else if (!this.isOp(close)) throw new AwkSyntaxError("Unexpected token");
    }
    this.noGt = prevGt;
    this.noIn = prevIn;
    this.p++;
    return list;
  }

  expr(): Expr { return this.ternary(); }

  private isLvalue(e: Expr): boolean { return e.k === "var" || e.k === "index" || e.k === "field"; }

  private ternary(): Expr {
    const c = this.or();
    if (this.isOp("?")) {
      this.p++; this.nls();
      const a = this.ternary(); this.nls();
      this.expectOp(":"); this.nls();
      return { k: "cond", c, a, b: this.ternary() };
    }
    const t = this.peek();
    if (t.t === "op" && /^(?:[-+*/%^]?=)$/.test(t.v) && this.isLvalue(c)) {
      this.p++; this.nls();
      return { k: "assign", op: t.v, target: c, e: this.ternary() };
    }
    return c;
  }

  private or(): Expr {
    let a = this.and();
    while (this.isOp("||")) { this.p++; this.nls(); a = { k: "bin", op: "||", a, b: this.and() }; }
    return a;
  }

  private and(): Expr {
    let a = this.inExpr();
    while (this.isOp("&&")) { this.p++; this.nls(); a = { k: "bin", op: "&&", a, b: this.inExpr() }; }
    return a;
  }

  private inExpr(): Expr {
    let a = this.matchExpr();
    while (!this.noIn && this.isKw("in")) {
      this.p++;
      const n = this.next();
      if (n.t !== "name") throw new AwkSyntaxError("Unexpected token");
      a = { k: "in", subs: [a], name: n.v };
    }
    return a;
  }

  private matchExpr(): Expr {
    let a = this.comparison();
    while (this.isOp("~") || this.isOp("!~")) {
      const neg = (this.next() as { v: string }).v === "!~";
      a = { k: "match", neg, a, re: this.comparison() };
    }
    return a;
  }

  private comparison(): Expr {
    const a = this.concat();
    const t = this.peek();
    if (t.t === "op" && ["<", "<=", "==", "!=", ">=", ">"].includes(t.v) && !(t.v === ">" && this.noGt)) {
      this.p++;
      return { k: "bin", op: t.v, a, b: this.assignedOperand(this.concat()) };
    }
    return a;
  }

  /** An operand that is an lvalue followed by an assignment takes it: 2==v=2 is 2==(v=2). */
  private assignedOperand(b: Expr): Expr {
    const t = this.peek();
    if (t.t === "op" && /^(?:[-+*/%^]?=)$/.test(t.v) && this.isLvalue(b)) {
      this.p++; this.nls();
      return { k: "assign", op: t.v, target: b, e: this.ternary() };
    }
    return b;
  }

  private startsOperand(): boolean {
    const t = this.peek();
    if (t.t === "num" || t.t === "str" || t.t === "ere" || t.t === "name" || t.t === "func" || t.t === "builtin") return true;
    if (t.t === "kw") return false;
    if (t.t === "op") return t.v === "$" || t.v === "(" || t.v === "!" || t.v === "++" || t.v === "--" || t.v === "-" || t.v === "+";
    return false;
  }

  private concat(): Expr {
    let a = this.additive();
    // "-" and "+" after an operand subtract and add; "a" "!b" is not a concatenation either
    while (this.startsOperand() && !this.isOp("-") && !this.isOp("+") && !this.isOp("!") && !this.isKw("in")) {
      a = { k: "bin", op: "concat", a, b: this.additive() };
    }
    return a;
  }

  private additive(): Expr {
    let a = this.multiplicative();
    while (this.isOp("+") || this.isOp("-")) { const op = (this.next() as { v: string }).v; a = { k: "bin", op, a, b: this.multiplicative() }; }
    return a;
  }

  private multiplicative(): Expr {
    let a = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) { const op = (this.next() as { v: string }).v; a = { k: "bin", op, a, b: this.unary() }; }
    return a;
  }

  private unary(): Expr {
    if (this.isOp("!")) { this.p++; return { k: "un", op: "!", e: this.unary() }; }
    if (this.isOp("-") || this.isOp("+")) { const op = (this.next() as { v: string }).v; return { k: "un", op, e: this.unary() }; }
    return this.power();
  }

  private power(): Expr {
    const a = this.postfix();
    if (this.isOp("^")) {
      this.p++;
      // right-associative, and binds tighter than a unary minus on its right operand's left
      const b = this.isOp("-") || this.isOp("+") || this.isOp("!") ? this.unary() : this.power();
      return { k: "bin", op: "^", a, b };
    }
    return a;
  }

  private postfix(): Expr {
    if (this.isOp("++") || this.isOp("--")) {
      const op = (this.next() as { v: string }).v as "++" | "--";
      const target = this.postfix();
      if (!this.isLvalue(target)) throw new AwkSyntaxError("Unexpected token");
      return { k: "incdec", op, prefix: true, target };
    }
    const e = this.primary();
    if (this.isLvalue(e) && (this.isOp("++") || this.isOp("--"))) {
      const op = (this.next() as { v: string }).v as "++" | "--";
      return { k: "incdec", op, prefix: false, target: e };
    }
    return e;
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.t) {
      case "num": return { k: "num", v: t.v };
      case "str": return { k: "str", v: t.v };
      case "ere": return { k: "ere", v: t.v };
      case "op":
        if (t.v === "$") {
          // $ binds tighter than ++ and -: $NF-1 is ($NF)-1, $i++ is ($i)++
          if (this.isOp("++") || this.isOp("--") || this.isOp("-") || this.isOp("+") || this.isOp("!")) return { k: "field", e: this.unary() };
          return { k: "field", e: this.primary() };
        }
        if (t.v === "(") {
          const list = this.exprList(")");
          if (list.length === 0) throw new AwkSyntaxError("Unexpected token");
          if (list.length > 1) {
            if (!this.isKw("in")) throw new AwkSyntaxError("Unexpected token");
            this.p++;
            const n = this.next();
            if (n.t !== "name") throw new AwkSyntaxError("Unexpected token");
            return { k: "in", subs: list, name: n.v };
          }
          return { k: "group", e: list[0]! };
        }
        throw new AwkSyntaxError(t.v === "}" || t.v === ")" ? "Unexpected token" : "Unexpected token");
      case "name":
        if (this.isOp("[")) { this.p++; return { k: "index", name: t.v, subs: this.exprList("]") }; }
        return { k: "var", name: t.v };
      case "func": {
        const line = this.line();
        this.p++;
        return { k: "call", name: t.v, args: this.exprList(")"), line };
      }
      case "builtin": {
        if (!this.isOp("(")) {
          if (t.v === "length") return { k: "builtin", name: "length", args: [] };
          throw new AwkSyntaxError("Unexpected token");
        }
        this.p++;
        return { k: "builtin", name: t.v, args: this.exprList(")") };
      }
      case "kw":
        if (t.v === "getline") {
          let target: Expr | undefined;
          if (this.peek().t === "name" || this.isOp("$")) target = this.postfix();
          let file: Expr | undefined;
          if (this.isOp("<")) { this.p++; file = this.primary(); }
          return { k: "getline", target, file };
        }
        throw new AwkSyntaxError("Unexpected token");
      case "eof": throw new AwkSyntaxError("Unexpected end of string");
      default: throw new AwkSyntaxError("Unexpected token");
    }
  }
}

/** The program's tree, or busybox's syntax_error words with the line the parser stopped at. */
export function parseAwk(src: string): Program | { error: string; line: number } {
  let toks: Tok[];
  try { toks = lex(src); } catch (e) {
    if (e instanceof AwkSyntaxError) return { error: e.message, line: e.line };
    throw e;
  }
  const parser = new Parser(toks);
  try { return parser.program(); } catch (e) {
    if (e instanceof AwkSyntaxError) return { error: e.message, line: parser.line() };
    if (e instanceof RangeError) return { error: "out of memory", line: parser.line() };
    throw e;
  }
}

// ---------- values ----------

const numericRe = /^[ \t\n\r\f\v]*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[ \t\n\r\f\v]*$/;
const looksNumeric = (s: string) => numericRe.test(s);

/** strtod's reading: the longest numeric prefix after blanks, 0 when there is none. */
function strtod(s: string): number {
  const m = /^[ \t\n\r\f\v]*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F]+|inf(?:inity)?|nan))/i.exec(s);
  if (!m) return 0;
  const t = m[1]!.toLowerCase();
  if (/^[-+]?0x/.test(t)) return (t.startsWith("-") ? -1 : 1) * Number.parseInt(t.replace(/^[-+]?0x/, ""), 16);
  if (/inf/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/nan/.test(t)) return Number.NaN;
  return Number(t);
}

const toNum = (v: Scalar): number => (typeof v === "number" ? v : strtod(typeof v === "string" ? v : v.s));
const toBool = (v: Scalar): boolean => (typeof v === "number" ? v !== 0 : typeof v === "string" ? v !== "" : v === UNSET ? false : looksNumeric(v.s) ? strtod(v.s) !== 0 : v.s !== "");

/** A number as awk.c's fmt_num writes it: an integral value as %lld, others through CONVFMT/OFMT. */
function numToStr(n: number, fmt: string): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n < 0 ? "-inf" : "inf";
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return Object.is(n, -0) ? "-0" : BigInt(n).toString();
  return sprintf(fmt, [n]);
}

// ---------- printf ----------

function expForm(v: number, prec: number, upper: boolean): string {
  const s = v.toExponential(Math.min(prec, 100)).replace(/e/, "0".repeat(Math.max(0, prec - 100)) + "e");
  const [mant, exp] = s.split("e") as [string, string];
  const sign = exp.startsWith("-") ? "-" : "+";
  const digits = exp.replace(/^[-+]/, "").padStart(2, "0");
  const r = `${mant}e${sign}${digits}`;
  return upper ? r.toUpperCase() : r;
}

function gForm(v: number, prec: number, alt: boolean, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (v === 0) return alt ? (0).toFixed(p - 1) : "0";
  const x = Number(v.toExponential(Math.min(p - 1, 100)).split("e")[1]);
  let s = x < -4 || x >= p ? expForm(v, p - 1, upper) : v.toFixed(Math.min(100, Math.max(0, p - 1 - x)));
  if (!alt) {
    if (s.includes("e") || s.includes("E")) s = s.replace(/\.?0+(?=[eE])/, "");
    else if (s.includes(".")) s = s.replace(/\.?0+$/, "");
  }
  return s;
}

/** C printf over awk values: %c %d %i %o %x %X %u %e %E %f %F %g %G %s %%, flags, width, precision, `*`. */
export function sprintf(fmt: string, args: readonly Scalar[]): string {
  let out = "";
  let ai = 0;
  const nextArg = (): Scalar => (ai < args.length ? args[ai++]! : UNSET);
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== "%") { out += c; continue; }
    const m = /^([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([hlLqjzt]*)([a-zA-Z%])?/.exec(fmt.slice(i + 1))!;
    const conv = m[5];
    if (conv === undefined) { out += fmt.slice(i); break; }
    i += m[0].length;
    if (conv === "%") { out += "%"; continue; }
    const fl = m[1]!;
    let width = m[2] === "*" ? toNum(nextArg()) : m[2] ? Number(m[2]) : 0;
    let left = fl.includes("-");
    if (width < 0) { left = true; width = -width; }
    if (width > maxString) throw new RangeError("width");
    const precRaw = m[3];
    let prec = precRaw === undefined ? undefined : precRaw === "*" ? toNum(nextArg()) : Number(precRaw || "0");
    if (prec !== undefined && prec < 0) prec = undefined;
    if (prec !== undefined && prec > maxString) throw new RangeError("precision");
    const arg = nextArg();
    let body: string;
    let sign = "";
    let numeric = true;
    switch (conv) {
      case "d": case "i": {
        const n = Math.trunc(toNum(arg));
        const big = Number.isFinite(n) ? BigInt(n) : 0n;
        const abs = big < 0n ? -big : big;
        body = prec === 0 && abs === 0n ? "" : abs.toString().padStart(prec ?? 1, "0");
        sign = big < 0n ? "-" : fl.includes("+") ? "+" : fl.includes(" ") ? " " : "";
        break;
      }
      case "o": case "x": case "X": case "u": {
        let n = BigInt(Number.isFinite(toNum(arg)) ? Math.trunc(toNum(arg)) : 0);
        if (n < 0n) n = BigInt.asUintN(64, n);
        body = n.toString(conv === "o" ? 8 : conv === "u" ? 10 : 16);
        if (conv === "X") body = body.toUpperCase();
        if (prec === 0 && n === 0n) body = "";
        body = body.padStart(prec ?? 1, "0");
        if (fl.includes("#") && n !== 0n) body = conv === "o" ? (body.startsWith("0") ? body : `0${body}`) : conv === "x" ? `0x${body}` : conv === "X" ? `0X${body}` : body;
        break;
      }
      case "e": case "E": case "f": case "F": case "g": case "G": {
        const n = toNum(arg);
        const p = prec ?? 6;
        const abs = Math.abs(n);
        if (!Number.isFinite(n)) body = Number.isNaN(n) ? "nan" : "inf";
        else if (conv === "e" || conv === "E") body = expForm(abs, p, conv === "E");
        // toFixed stops at 100 digits; the rest of a double's expansion that far out is zeros in practice
        else if (conv === "f" || conv === "F") body = abs.toFixed(Math.min(p, 100)) + "0".repeat(Math.max(0, p - 100));
        else body = gForm(abs, p, fl.includes("#"), conv === "G");
        if (conv === "E" || conv === "F" || conv === "G") body = body.toUpperCase();
        sign = n < 0 || Object.is(n, -0) ? "-" : fl.includes("+") ? "+" : fl.includes(" ") ? " " : "";
        if (!Number.isFinite(n)) numeric = false;
        break;
      }
      case "c": {
        // a number is a character code; a string gives its first character
        body = typeof arg === "number" ? String.fromCharCode(Math.trunc(arg) & 0xff) : (typeof arg === "string" ? arg : arg.s).slice(0, 1);
        numeric = false;
        break;
      }
      case "s": {
        const s = typeof arg === "number" ? numToStr(arg, "%.6g") : typeof arg === "string" ? arg : arg.s;
        body = prec === undefined ? s : s.slice(0, prec);
        numeric = false;
        break;
      }
      default:
        // an unknown conversion is copied as it stands
        out += `%${m[0]}`;
        ai--;
        continue;
    }
    const len = sign.length + body.length;
    if (len >= width) out += sign + body;
    else if (left) out += sign + body + " ".repeat(width - len);
    else if (numeric && fl.includes("0") && (prec === undefined || !"diouxX".includes(conv))) out += sign + "0".repeat(width - len) + body;
    else out += " ".repeat(width - len) + sign + body;
  }
  return out;
}

// ---------- regular expressions ----------

/** A POSIX ERE as a JavaScript RegExp source: bracket expressions' classes and literal backslashes, a lone { taken literally. */
export function ereToJs(ere: string): string {
  let out = "";
  for (let i = 0; i < ere.length; i++) {
    const c = ere[i]!;
    if (c === "\\") {
      const n = ere[i + 1];
      if (n === undefined) { out += "\\\\"; continue; }
      i++;
      if (Object.hasOwn(escapes, n) && n !== "/" && n !== "\\" && n !== '"') out += escapes[n] === "\n" ? "\\n" : escapes[n] === "\t" ? "\\t" : `\\x${escapes[n]!.charCodeAt(0).toString(16).padStart(2, "0")}`;
      else if (n === "<" || n === ">") out += "\\b";
      else if (/[A-Za-z0-9]/.test(n)) out += n === "w" || n === "W" || n === "s" || n === "S" || n === "b" || n === "B" || n === "y" ? `\\${n === "y" ? "b" : n}` : n;
      else out += `\\${n}`;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      let cls = "[";
      if (ere[j] === "^") { cls += "^"; j++; }
      if (ere[j] === "]") { cls += "\\]"; j++; }
      while (j < ere.length && ere[j] !== "]") {
        const m = /^\[:([a-z]+):\]/.exec(ere.slice(j));
        if (m && Object.hasOwn(POSIX_CLASSES, m[1]!)) { cls += POSIX_CLASSES[m[1]!]; j += m[0].length; continue; }
        const d = ere[j]!;
        if (d === "\\" && j + 1 < ere.length) { cls += `\\${ere[j + 1]}`; j += 2; continue; }
        cls += d === "[" || d === "^" ? `\\${d}` : d;
        j++;
      }
      if (j >= ere.length) { out += "\\["; continue; }
      out += `${cls}]`;
      i = j;
      continue;
    }
    if (c === "{" && !/^\{\d+(,\d*)?\}/.test(ere.slice(i))) { out += "\\{"; continue; }
    if (c === "}" && !/\{\d+(,\d*)?$/.test(ere.slice(0, i))) { out += "\\}"; continue; }
    if (c === "/") { out += "\\/"; continue; }
    out += c;
  }
  return out;
}

// ---------- the interpreter ----------

class Next {}
class Exit { constructor(readonly status: number | undefined) {} }
class Return { constructor(readonly value: Scalar) {} }
class Break {}
class Continue {}

export class AwkRuntimeError extends Error {
  constructor(message: string, readonly line = 1) { super(message); }
}

export interface AwkInput { name: string; text: string | { error: string } }
export interface AwkRun {
  program: Program;
  /** -v and command-line var=value assignments, before BEGIN */
  assigns: readonly (readonly [string, string])[];
  fs?: string;
  /** the files (or "-" for stdin) in order; var=value operands run when reached */
  operands: readonly string[];
  readInput(name: string): string | { error: string };
  /** ENVIRON */
  env: Readonly<Record<string, string>>;
}
/** What print > FILE wrote: append when the first write was >> (the file's old content kept). */
export interface AwkFile { text: string; append: boolean }
export interface AwkResult { out: string; err: string; status: number; files: Map<string, AwkFile> }

/** A fatal error (xfunc's die): the message, status 1, no END. */
class Die { constructor(readonly message: string) {} }

const maxSteps = 2_000_000;

/** The most a string or the output may hold here: beyond it busybox's xmalloc would have to find the memory; this model stops as it does when it cannot. */
const maxString = 1 << 24;

export function runAwk(run: AwkRun): AwkResult {
  try {
    return new Interp(run).run();
  } catch (e) {
    // a string past the bound, or a program nested past the stack: libbb's bb_msg_memory_exhausted
    if (e instanceof RangeError) return { out: "", err: "awk: out of memory\n", status: 1, files: new Map() };
    throw e;
  }
}

class Interp {
  private globals = new Map<string, Slot>();
  private frames: Map<string, Slot>[] = [];
  private out = "";
  private err = "";
  private files = new Map<string, AwkFile>();
  private record = "";
  private recordFs = " ";
  private fields: string[] | undefined = [];
  private nf = 0;
  private steps = 0;
  private regexCache = new Map<string, RegExp>();
  private rangeActive: boolean[] = [];
  // the current input: its records not yet read
  private pending: string[] = [];
  private operandIndex = 0;
  private fileReaders = new Map<string, string[]>();

  constructor(private readonly r: AwkRun) {
    const g = this.globals;
    g.set("FS", r.fs === undefined ? " " : awkUnescape(r.fs));
    g.set("OFS", " "); g.set("ORS", "\n"); g.set("RS", "\n"); g.set("NR", 0); g.set("NF", 0); g.set("FNR", 0);
    g.set("SUBSEP", "\x1c"); g.set("RSTART", 0); g.set("RLENGTH", -1); g.set("CONVFMT", "%.6g"); g.set("OFMT", "%.6g"); g.set("FILENAME", "");
    const env: AwkArray = new Map();
    for (const [k, v] of Object.entries(r.env)) env.set(k, new StrNum(v));
    g.set("ENVIRON", env);
  }

  run(): AwkResult {
    let status = 0;
    try {
      for (const [k, v] of this.r.assigns) this.setVar(k, new StrNum(awkUnescape(v)));
      const { items } = this.r.program;
      try {
        for (const it of items) if (it.pattern.k === "begin") this.exec(it.action!);
        const main = items.filter((it) => it.pattern.k !== "begin" && it.pattern.k !== "end");
        const hasEnd = items.some((it) => it.pattern.k === "end");
        if (main.length > 0 || hasEnd) {
          this.rangeActive = main.map(() => false);
          while (this.nextRecord()) {
            try {
              for (const [i, it] of main.entries()) {
                if (this.matches(it.pattern, i)) {
                  if (it.action) this.exec(it.action);
                  else this.emit(`${this.record}${this.str(this.getVar("ORS"))}`);
                }
              }
            } catch (e) { if (!(e instanceof Next)) throw e; }
          }
        }
      } catch (e) {
        if (!(e instanceof Exit)) throw e;
        status = e.status ?? status;
      }
      // exit in BEGIN or the main loop still runs END; an exit in END stops it
      try {
        for (const it of this.r.program.items) if (it.pattern.k === "end") this.exec(it.action!);
      } catch (e) {
        if (!(e instanceof Exit)) throw e;
        status = e.status ?? status;
      }
    } catch (e) {
      if (e instanceof AwkRuntimeError) return { out: this.out, err: `${this.err}awk: cmd. line:${e.line}: ${e.message}\n`, status: 1, files: this.files };
      if (e instanceof Die) return { out: this.out, err: `${this.err}awk: ${e.message}\n`, status: 1, files: this.files };
      if (e instanceof Next) return { out: this.out, err: `${this.err}awk: cmd. line:1: 'next' used in BEGIN or END\n`, status: 1, files: this.files };
      throw e;
    }
    return { out: this.out, err: this.err, status, files: this.files };
  }

  private step(): void {
    if (++this.steps > maxSteps) throw new LoopBoundExceeded();
  }

  private emit(s: string): void {
    if (this.out.length + s.length > maxString) throw new RangeError("output");
    this.out += s;
  }

  // ----- records and fields -----

  private splitRecords(text: string): string[] {
    const rs = this.str(this.getVar("RS"));
    if (text === "") return [];
    if (rs === "") {
      // paragraph mode: blank lines separate records, leading and trailing newlines dropped
      const t = text.replace(/^\n+/, "").replace(/\n+$/, "");
      return t === "" ? [] : t.split(/\n\n+/);
    }
    const sep = rs.length === 1 ? rs : rs[0]!;
    const parts = text.split(sep);
    if (parts[parts.length - 1] === "") parts.pop();
    return parts;
  }

  private nextRecord(): boolean {
    for (;;) {
      const rec = this.pending.shift();
      if (rec !== undefined) {
        this.setRecord(rec);
        this.setGlobal("NR", toNum(this.getVar("NR")) + 1);
        this.setGlobal("FNR", toNum(this.getVar("FNR")) + 1);
        return true;
      }
      if (!this.openNext()) return false;
    }
  }

  /** The next input operand opened (var=value operands assigned on the way); false at the end. */
  private openNext(): boolean {
    const ops = this.r.operands;
    while (this.operandIndex < ops.length) {
      const op = ops[this.operandIndex++]!;
      const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(op);
      if (assign) { this.setVar(assign[1]!, new StrNum(awkUnescape(assign[2]!))); continue; }
      const text = this.r.readInput(op);
      if (typeof text !== "string") throw new Die(`can't open '${op}': ${text.error}`);
      this.setGlobal("FILENAME", op === "-" ? "" : op);
      this.setGlobal("FNR", 0);
      this.pending = this.splitRecords(text);
      return true;
    }
    if (this.operandIndex === ops.length && !ops.some((o) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(o))) {
      // no file operands: standard input, once
      this.operandIndex++;
      const text = this.r.readInput("-");
      this.pending = typeof text === "string" ? this.splitRecords(text) : [];
      return true;
    }
    return false;
  }

  private setRecord(s: string): void {
    this.record = s;
    this.fields = undefined;
    // the record is split by the FS it was read with, even if the action changes FS first
    this.recordFs = this.str(this.getVar("FS"));
  }

  private splitFields(): string[] {
    if (this.fields === undefined) {
      this.fields = this.split(this.record, this.recordFs);
      this.nf = this.fields.length;
      this.setGlobal("NF", this.nf);
    }
    return this.fields;
  }

  /** Fields of s by fs as POSIX says: " " splits on blank runs (newlines too), one other character literally, longer a regexp. */
  private split(s: string, fs: string): string[] {
    const paragraph = this.str(this.getVar("RS")) === "";
    if (s === "") return [];
    if (fs === " ") return s.split(/[ \t\n]+/).filter((f, i, a) => f !== "" || (i !== 0 && i !== a.length - 1)).filter((f) => f !== "");
    const parts = fs.length === 1 && fs !== "\\" ? s.split(fs) : splitByRegex(s, this.regex(fs));
    return paragraph ? parts.flatMap((p) => p.split("\n")) : parts;
  }

  private getField(i: number): string {
    if (i === 0) return this.record;
    const f = this.splitFields();
    return f[i - 1] ?? "";
  }

  private setField(i: number, v: string): void {
    if (i === 0) { this.setRecord(v); return; }
    const f = [...this.splitFields()];
    while (f.length < i) f.push("");
    f[i - 1] = v;
    this.fields = f;
    this.nf = f.length;
    this.setGlobal("NF", this.nf);
    this.rebuild();
  }

  private rebuild(): void {
    this.record = (this.fields ?? []).join(this.str(this.getVar("OFS")));
  }

  // ----- variables -----

  private scopeOf(name: string): Map<string, Slot> {
    const frame = this.frames[this.frames.length - 1];
    return frame?.has(name) ? frame : this.globals;
  }

  private getVar(name: string): Scalar {
    if (name === "NF") { this.splitFields(); return this.nf; }
    const v = this.scopeOf(name).get(name);
    if (v instanceof Map) throw new AwkRuntimeError(`Can't use array ${name} in scalar context`);
    return v === undefined || v instanceof Untyped ? UNSET : v;
  }

  private setGlobal(name: string, v: Scalar): void { this.globals.set(name, v); }

  private setVar(name: string, v: Scalar): void {
    const scope = this.scopeOf(name);
    if (scope.get(name) instanceof Map) throw new AwkRuntimeError(`Can't assign to array ${name}`);
    if (name === "NF" && scope === this.globals) {
      const n = Math.max(0, Math.trunc(toNum(v)));
      const f = [...this.splitFields()];
      while (f.length < n) f.push("");
      this.fields = f.slice(0, n);
      this.nf = n;
      this.globals.set("NF", n);
      this.rebuild();
      return;
    }
    scope.set(name, v);
  }

  private array(name: string): AwkArray {
    const scope = this.scopeOf(name);
    const v = scope.get(name);
    if (v instanceof Map) return v;
    if (v instanceof Untyped) {
      const a = this.arrayIn(v.scope, v.name);
      scope.set(name, a);
      return a;
    }
    if (v !== undefined && v !== UNSET) throw new AwkRuntimeError(`Can't use scalar ${name} as array`);
    const a: AwkArray = new Map();
    scope.set(name, a);
    return a;
  }

  /** The array a caller's variable holds, made one if it was untyped (following an untyped parameter up). */
  private arrayIn(scope: Map<string, Slot>, name: string): AwkArray {
    const v = scope.get(name);
    if (v instanceof Map) return v;
    const a = v instanceof Untyped ? this.arrayIn(v.scope, v.name) : new Map<string, Scalar>();
    if (!(v instanceof Untyped) && v !== undefined && v !== UNSET) throw new AwkRuntimeError(`Can't use scalar ${name} as array`);
    scope.set(name, a);
    return a;
  }

  private subscript(subs: Expr[]): string {
    return subs.map((s) => this.str(this.eval(s))).join(this.str(this.getVar("SUBSEP")));
  }

  // ----- conversions -----

  private str(v: Scalar): string {
    return typeof v === "string" ? v : typeof v === "number" ? numToStr(v, this.fmtVar("CONVFMT")) : v.s;
  }

  private outStr(v: Scalar): string {
    return typeof v === "number" ? numToStr(v, this.fmtVar("OFMT")) : this.str(v);
  }

  private fmtVar(name: string): string {
    const v = this.globals.get(name);
    return typeof v === "string" ? v : v instanceof StrNum ? v.s : "%.6g";
  }

  private regex(src: string): RegExp {
    let re = this.regexCache.get(src);
    if (!re) {
      try { re = new RegExp(ereToJs(src), "s"); } catch { throw new AwkRuntimeError(`bad regex '${src}'`); }
      this.regexCache.set(src, re);
    }
    return re;
  }

  private regexOf(e: Expr): RegExp {
    return e.k === "ere" ? this.regex(e.v) : this.regex(this.str(this.eval(e)));
  }

  // ----- statements -----

  private exec(body: readonly Stmt[]): void {
    for (const s of body) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    this.step();
    switch (s.k) {
      case "expr": this.eval(s.e); return;
      case "print": {
        const text = s.args.length === 0 ? this.record : s.args.map((a) => this.outStr(this.eval(a))).join(this.str(this.getVar("OFS")));
        this.write(`${text}${this.str(this.getVar("ORS"))}`, s.redirect);
        return;
      }
      case "printf": {
        const [f, ...rest] = s.args.map((a) => this.eval(a));
        this.write(sprintf(this.str(f!), rest), s.redirect);
        return;
      }
      case "if": if (toBool(this.eval(s.c))) this.stmt(s.then); else if (s.else) this.stmt(s.else); return;
      case "while":
        while (toBool(this.eval(s.c))) { this.step(); if (this.loopBody(s.body)) break; }
        return;
      case "do":
        do { this.step(); if (this.loopBody(s.body)) break; } while (toBool(this.eval(s.c)));
        return;
      case "for":
        if (s.init) this.stmt(s.init);
        while (s.c === undefined || toBool(this.eval(s.c))) {
          this.step();
          if (this.loopBody(s.body)) break;
          if (s.step) this.stmt(s.step);
        }
        return;
      case "forin": {
        const keys = [...this.array(s.arr).keys()];
        for (const k of keys) {
          this.step();
          this.setVar(s.v, new StrNum(k));
          if (this.loopBody(s.body)) break;
        }
        return;
      }
      case "block": this.exec(s.body); return;
      case "next": throw new Next();
      // a bare exit keeps the status an earlier exit set (exit 42 in BEGIN, then exit in END: 42)
      case "exit": throw new Exit(s.e ? Math.trunc(toNum(this.eval(s.e))) & 0xff : undefined);
      case "return": throw new Return(s.e ? this.eval(s.e) : UNSET);
      case "break": throw new Break();
      case "continue": throw new Continue();
      case "delete": {
        const a = this.array(s.name);
        if (s.subs) a.delete(this.subscript(s.subs)); else a.clear();
        return;
      }
    }
  }

  /** Runs a loop's body; true when it broke out. */
  private loopBody(body: Stmt): boolean {
    try { this.stmt(body); } catch (e) {
      if (e instanceof Break) return true;
      if (e instanceof Continue) return false;
      throw e;
    }
    return false;
  }

  private write(text: string, redirect: Redirect | undefined): void {
    if (!redirect) { this.emit(text); return; }
    const file = this.str(this.eval(redirect.file));
    if (file === "/dev/stdout" || file === "-") { this.emit(text); return; }
    if (file === "/dev/stderr") { this.err += text; return; }
    // ">" truncates on the first write only; later writes append until close
    const prev = this.files.get(file);
    this.files.set(file, prev === undefined ? { text, append: redirect.mode === ">>" } : { text: prev.text + text, append: prev.append });
  }

  // ----- expressions -----

  private matches(p: Pattern, i: number): boolean {
    if (p.k === "all") return true;
    if (p.k === "expr") return this.cond(p.e);
    if (p.k === "range") {
      if (!this.rangeActive[i]) {
        if (!this.cond(p.from)) return false;
        this.rangeActive[i] = !this.cond(p.to);
        return true;
      }
      if (this.cond(p.to)) this.rangeActive[i] = false;
      return true;
    }
    return false;
  }

  /** A pattern or condition: a lone regexp matches $0. */
  private cond(e: Expr): boolean {
    return toBool(this.eval(e));
  }

  private lvalueGet(t: Expr): Scalar {
    return this.eval(t);
  }

  private lvalueSet(t: Expr, v: Scalar): void {
    if (t.k === "var") this.setVar(t.name, v);
    else if (t.k === "index") this.array(t.name).set(this.subscript(t.subs), v);
    else if (t.k === "field") {
      const i = Math.trunc(toNum(this.eval(t.e)));
      if (i < 0) throw new AwkRuntimeError("Access to negative field");
      this.setField(i, this.str(v));
    } else if (t.k === "group") this.lvalueSet(t.e, v);
  }

  private compare(a: Scalar, b: Scalar): number {
    const numA = typeof a === "number" || (a instanceof StrNum && (a === UNSET || looksNumeric(a.s)));
    const numB = typeof b === "number" || (b instanceof StrNum && (b === UNSET || looksNumeric(b.s)));
    if (numA && numB) { const x = toNum(a); const y = toNum(b); return x < y ? -1 : x > y ? 1 : 0; }
    const x = this.str(a);
    const y = this.str(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  eval(e: Expr): Scalar {
    switch (e.k) {
      case "num": return e.v;
      case "str": return e.v;
      case "ere": return this.regex(e.v).test(this.record) ? 1 : 0;
      case "var": return this.getVar(e.name);
      case "index": {
        const a = this.array(e.name);
        const k = this.subscript(e.subs);
        const v = a.get(k);
        if (v === undefined) { a.set(k, UNSET); return UNSET; }
        return v;
      }
      case "field": {
        const i = Math.trunc(toNum(this.eval(e.e)));
        if (i < 0) throw new AwkRuntimeError("Access to negative field");
        return new StrNum(this.getField(i));
      }
      case "group": return this.eval(e.e);
      case "assign": {
        let v = this.eval(e.e);
        if (e.op !== "=") v = this.arith(e.op.slice(0, -1), this.lvalueGet(e.target), v);
        else if (v === UNSET) v = UNSET;
        this.lvalueSet(e.target, v);
        return v;
      }
      case "cond": return toBool(this.eval(e.c)) ? this.eval(e.a) : this.eval(e.b);
      case "un": {
        const v = this.eval(e.e);
        return e.op === "!" ? (toBool(v) ? 0 : 1) : e.op === "-" ? -toNum(v) : toNum(v);
      }
      case "incdec": {
        const old = toNum(this.lvalueGet(e.target));
        const nv = e.op === "++" ? old + 1 : old - 1;
        this.lvalueSet(e.target, nv);
        return e.prefix ? nv : old;
      }
      case "match": {
        const re = this.regexOf(e.re);
        const hit = re.test(this.str(this.eval(e.a)));
        return hit !== e.neg ? 1 : 0;
      }
      case "in": {
        const a = this.array(e.name);
        return a.has(this.subscript(e.subs)) ? 1 : 0;
      }
      case "bin": {
        if (e.op === "&&") return toBool(this.eval(e.a)) && toBool(this.eval(e.b)) ? 1 : 0;
        if (e.op === "||") return toBool(this.eval(e.a)) || toBool(this.eval(e.b)) ? 1 : 0;
        const a = this.eval(e.a);
        const b = this.eval(e.b);
        switch (e.op) {
          case "concat": {
            const r = this.str(a) + this.str(b);
            if (r.length > maxString) throw new RangeError("string");
            return r;
          }
          case "<": return this.compare(a, b) < 0 ? 1 : 0;
          case "<=": return this.compare(a, b) <= 0 ? 1 : 0;
          case ">": return this.compare(a, b) > 0 ? 1 : 0;
          case ">=": return this.compare(a, b) >= 0 ? 1 : 0;
          case "==": return this.compare(a, b) === 0 ? 1 : 0;
          case "!=": return this.compare(a, b) !== 0 ? 1 : 0;
          default: return this.arith(e.op, a, b);
        }
      }
      case "call": return this.call(e.name, e.args, e.line);
      case "builtin": return this.builtin(e.name, e.args);
      case "getline": return this.getline(e.target, e.file);
    }
  }

  private arith(op: string, a: Scalar, b: Scalar): number {
    const x = toNum(a);
    const y = toNum(b);
    switch (op) {
      case "+": return x + y;
      case "-": return x - y;
      case "*": return x * y;
      case "/": if (y === 0) throw new AwkRuntimeError("Division by zero"); return x / y;
      case "%": if (y === 0) throw new AwkRuntimeError("Division by zero"); return x % y;
      case "^": return x ** y;
      default: throw new AwkRuntimeError("Unexpected token");
    }
  }

  private getline(target: Expr | undefined, file: Expr | undefined): Scalar {
    if (file) {
      const name = this.str(this.eval(file));
      let recs = this.fileReaders.get(name);
      if (!recs) {
        const text = name === "-" || name === "/dev/stdin" ? this.r.readInput("-") : this.r.readInput(name);
        if (typeof text !== "string") return -1;
        recs = this.splitRecords(text);
        this.fileReaders.set(name, recs);
      }
      const rec = recs.shift();
      if (rec === undefined) return 0;
      if (target) this.lvalueSet(target, new StrNum(rec)); else { this.setRecord(rec); }
      return 1;
    }
    for (;;) {
      const rec = this.pending.shift();
      if (rec !== undefined) {
        if (target) this.lvalueSet(target, new StrNum(rec)); else this.setRecord(rec);
        this.setGlobal("NR", toNum(this.getVar("NR")) + 1);
        this.setGlobal("FNR", toNum(this.getVar("FNR")) + 1);
        return 1;
      }
      if (!this.openNext()) return 0;
    }
  }

  private call(name: string, args: Expr[], line: number): Scalar {
    const f = this.r.program.funcs.get(name);
    if (!f) throw new AwkRuntimeError("Call to undefined function", line);
    if (this.frames.length > 1000) throw new AwkRuntimeError("Recursion too deep");
    const frame = new Map<string, Slot>();
    f.params.forEach((p, i) => {
      const a = args[i];
      if (a === undefined) { frame.set(p, UNSET); return; }
      // an array passes by reference; a name never used yet passes as one the callee may fill
      if (a.k === "var") {
        const scope = this.scopeOf(a.name);
        const v = scope.get(a.name);
        if (v instanceof Map) { frame.set(p, v); return; }
        if (v === undefined || v === UNSET || v instanceof Untyped) { frame.set(p, new Untyped(scope, a.name)); return; }
      }
      frame.set(p, this.eval(a));
    });
    // arguments beyond the parameters are still evaluated (awk.tests "unused function args are evaluated")
    for (const a of args.slice(f.params.length)) this.eval(a);
    this.frames.push(frame);
    try {
      this.exec(f.body);
      return UNSET;
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    } finally {
      this.frames.pop();
    }
  }

  private target(e: Expr | undefined): { get: () => string; set: (v: string) => void } {
    if (!e) return { get: () => this.record, set: (v) => this.setRecord(v) };
    return { get: () => this.str(this.eval(e)), set: (v) => this.lvalueSet(e, v) };
  }

  private builtin(name: string, args: Expr[]): Scalar {
    const arg = (i: number) => (args[i] ? this.eval(args[i]!) : UNSET);
    const need = (min: number, max: number) => { if (args.length < min || args.length > max) throw new AwkRuntimeError(args.length < min ? "Too few arguments for builtin" : "Too many arguments for builtin"); };
    switch (name) {
      case "length": {
        need(0, 1);
        if (args.length === 0) return this.record.length;
        const a = args[0]!;
        if (a.k === "var") { const v = this.scopeOf(a.name).get(a.name); if (v instanceof Map) return v.size; if (v instanceof Untyped) return 0; }
        return this.str(arg(0)).length;
      }
      case "substr": {
        need(2, 3);
        // POSIX: characters from m (1-based, rounded) for n; positions before 1 are cut off
        const s = this.str(arg(0));
        const m = Math.round(toNum(arg(1)));
        const n = args.length > 2 ? Math.round(toNum(arg(2))) : Infinity;
        const from = Math.max(m, 1);
        const to = Math.min(m + n, s.length + 1);
        return to <= from ? "" : s.slice(from - 1, to - 1);
      }
      case "index": { need(2, 2); return this.str(arg(0)).indexOf(this.str(arg(1))) + 1; }
      case "split": {
        need(2, 3);
        const s = this.str(arg(0));
        const a = args[1]!;
        if (a.k !== "var") throw new AwkRuntimeError("Unexpected token");
        const arr = this.array(a.name);
        const sep = args.length > 2 ? (args[2]!.k === "ere" ? (args[2] as { v: string }).v : this.str(arg(2))) : this.str(this.getVar("FS"));
        const parts = args.length > 2 && args[2]!.k === "ere" ? (s === "" ? [] : splitByRegex(s, this.regex(sep))) : this.split(s, sep);
        arr.clear();
        parts.forEach((p, i) => arr.set(String(i + 1), new StrNum(p)));
        return parts.length;
      }
      case "sub": case "gsub": {
        need(2, 3);
        const re = this.regexOf(args[0]!);
        const repl = this.str(arg(1));
        const t = this.target(args[2]);
        const [s, n] = substitute(t.get(), re, repl, name === "gsub");
        if (n > 0) t.set(s);
        return n;
      }
      case "match": {
        need(2, 2);
        const m = this.regexOf(args[1]!).exec(this.str(arg(0)));
        this.setGlobal("RSTART", m ? m.index + 1 : 0);
        this.setGlobal("RLENGTH", m ? m[0].length : -1);
        return m ? m.index + 1 : 0;
      }
      case "sprintf": { if (args.length === 0) throw new AwkRuntimeError("Too few arguments for builtin"); const [f, ...rest] = args.map((a) => this.eval(a)); return sprintf(this.str(f!), rest); }
      case "toupper": need(1, 1); return this.str(arg(0)).toUpperCase();
      case "tolower": need(1, 1); return this.str(arg(0)).toLowerCase();
      case "int": need(1, 1); return Math.trunc(toNum(arg(0)));
      case "sqrt": need(1, 1); return Math.sqrt(toNum(arg(0)));
      case "exp": need(1, 1); return Math.exp(toNum(arg(0)));
      case "log": need(1, 1); return Math.log(toNum(arg(0)));
      case "sin": need(1, 1); return Math.sin(toNum(arg(0)));
      case "cos": need(1, 1); return Math.cos(toNum(arg(0)));
      case "atan2": need(2, 2); return Math.atan2(toNum(arg(0)), toNum(arg(1)));
      case "close": {
        need(1, 1);
        const f = this.str(arg(0));
        this.fileReaders.delete(f);
        return 0;
      }
      default: throw new AwkRuntimeError("Call to undefined function");
    }
  }
}

/** s split where re matches a non-empty separator (gawk's and busybox's rule: -F '-*' splits foo--bar in two). */
function splitByRegex(s: string, re: RegExp): string[] {
  const g = new RegExp(re.source, `${re.flags}g`);
  const parts: string[] = [];
  let last = 0;
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    if (m[0] === "") { g.lastIndex++; continue; }
    parts.push(s.slice(last, m.index));
    last = m.index + m[0].length;
  }
  parts.push(s.slice(last));
  return parts;
}

/** sub/gsub's replacement: & is the match, \& a literal &, \\ a backslash; gsub's empty matches between characters too. */
function substitute(s: string, re: RegExp, repl: string, global: boolean): [string, number] {
  const expand = (m: string) => {
    let r = "";
    for (let i = 0; i < repl.length; i++) {
      const c = repl[i]!;
      if (c === "\\" && (repl[i + 1] === "&" || repl[i + 1] === "\\")) { r += repl[++i]; continue; }
      r += c === "&" ? m : c;
    }
    return r;
  };
  const g = new RegExp(re.source, `${re.flags}g`);
  let out = "";
  let n = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  let prevEnd = -1;
  while ((m = g.exec(s)) !== null) {
    if (m[0] === "" && m.index === prevEnd) {
      // an empty match right after a previous match does not count
      if (g.lastIndex >= s.length) break;
      g.lastIndex++;
      continue;
    }
    out += s.slice(last, m.index) + expand(m[0]);
    last = m.index + m[0].length;
    prevEnd = last;
    n++;
    if (!global) break;
    if (m[0] === "") {
      if (m.index >= s.length) break;
      out += s[m.index];
      last = m.index + 1;
      g.lastIndex = m.index + 1;
    }
  }
  return [out + s.slice(last), n];
}
