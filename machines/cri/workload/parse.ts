// Parser for the shell subset: words keep their quotes (expansion happens at run time),
// the grammar is POSIX sh's, cut down to lists, and/or, pipelines, loops, if and for.

/** A here-document's body as the tokenizer read it: expanded at run time unless its delimiter was quoted. */
export type HereDoc = { body: string; quoted: boolean };
export type Token = { t: "word"; v: string; line: number } | { t: "op"; v: string; line: number } | { t: "redir"; fd: number; op: string; line: number; heredoc?: HereDoc };

export type Redir = { fd: number; op: string; target: string; heredoc?: HereDoc }; // op: > >> < >& &> << <<- <<<
/** `name=(a b c)`: bash's indexed array assignment, its words kept for expansion. */
export type ArrayAssign = { name: string; items: string[] };
export type SimpleCommand = { type: "simple"; assigns: string[]; arrays?: ArrayAssign[]; words: string[]; redirs: Redir[]; line: number };
export type Compound =
  | { type: "loop"; until: boolean; cond: List; body: List; redirs: Redir[] }
  | { type: "if"; clauses: Array<{ cond: List; body: List }>; otherwise?: List; redirs: Redir[] }
  | { type: "for"; name: string; items?: string[]; body: List; redirs: Redir[] }
  | { type: "group"; subshell: boolean; body: List; redirs: Redir[] }
  /** bash's `[[ expression ]]`: the text between the brackets, read by the conditional's own grammar at run time */
  | { type: "cond"; expr: string; line: number; redirs: Redir[] };
export type Command = SimpleCommand | Compound;
export type Pipeline = { negate: boolean; commands: Command[] };
export type AndOr = { first: Pipeline; rest: Array<{ op: "&&" | "||"; pipeline: Pipeline }> };
export type List = Array<{ node: AndOr; background: boolean }>;

/** A syntax error, worded like a shell's ("syntax error: unexpected ..."). */
export class ShellSyntaxError extends Error {}

const opChars = new Set([";", "&", "|", "(", ")", "<", ">"]);

/** Length of a $(...), $((...)), ${...} or `...` starting at i, honouring nesting and quotes. */
export function substitutionLength(s: string, i: number): number {
  const close = s[i] === "`" ? "`" : s[i + 1] === "{" ? "}" : ")";
  if (close === "`") {
    const end = s.indexOf("`", i + 1);
    if (end < 0) throw new ShellSyntaxError("syntax error: unterminated quoted string");
    return end - i + 1;
  }
  const open = close === "}" ? "{" : "(";
  let depth = 0;
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === "\\") { j++; continue; }
    if (c === "'" && close === ")") { const e = s.indexOf("'", j + 1); if (e < 0) break; j = e; continue; }
    if (c === "\"") { j += quotedLength(s, j) - 1; continue; }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j - i + 1;
  }
  throw new ShellSyntaxError(`syntax error: unterminated ${close === "}" ? "${" : "$("}`);
}

/** Length of a "..." string starting at i. */
export function quotedLength(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === "\\") { j++; continue; }
    if (c === "$" && (s[j + 1] === "(" || s[j + 1] === "{")) { j += substitutionLength(s, j) - 1; continue; }
    if (c === "`") { j += substitutionLength(s, j) - 1; continue; }
    if (c === "\"") return j - i + 1;
  }
  throw new ShellSyntaxError("syntax error: unterminated quoted string");
}

// words after which a command starts (a `[[` there opens a conditional)
const commandStarters = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "{"]);

function atCommandStart(out: readonly Token[]): boolean {
  const last = out[out.length - 1];
  return last === undefined || (last.t === "op" && last.v !== ")") || (last.t === "word" && commandStarters.has(last.v));
}

/**
 * Where the `]]` closing a conditional that starts at i ends (the index after it): words are read
 * whole, quotes and substitutions included, so the regex after =~ may hold ( ) | unquoted.
 */
export function condLength(s: string, i: number): number {
  let j = i + 2;
  for (;;) {
    while (j < s.length && (s[j] === " " || s[j] === "\t" || s[j] === "\n")) j++;
    if (j >= s.length) throw new ShellSyntaxError("syntax error: unexpected end of file");
    if (s.startsWith("]]", j) && (j + 2 === s.length || /[\s;&|)]/.test(s[j + 2]!))) return j + 2 - i;
    while (j < s.length && !/\s/.test(s[j]!)) j += condCharLength(s, j);
  }
}

/** Length of one unit of a conditional's word at j: an escape, a quoted string, a substitution or a character. */
export function condCharLength(s: string, j: number): number {
  const d = s[j]!;
  if (d === "\\") return 2;
  if (d === "'") { const e = s.indexOf("'", j + 1); if (e < 0) throw new ShellSyntaxError("syntax error: unterminated quoted string"); return e + 1 - j; }
  if (d === "\"") return quotedLength(s, j);
  if ((d === "$" && (s[j + 1] === "(" || s[j + 1] === "{")) || d === "`") return substitutionLength(s, j);
  return 1;
}

/** A here-document's delimiter word with its quotes removed, and whether any part of it was quoted (POSIX 2.7.4). */
export function heredocDelimiter(word: string): { mark: string; quoted: boolean } {
  let mark = "";
  for (let j = 0; j < word.length; j++) {
    const c = word[j]!;
    if (c === "\\") { mark += word[j + 1] ?? ""; j++; continue; }
    if (c === "'" || c === "\"") {
      const e = word.indexOf(c, j + 1);
      mark += word.slice(j + 1, e < 0 ? word.length : e);
      j = e < 0 ? word.length : e;
      continue;
    }
    mark += c;
  }
  return { mark, quoted: /['"\\]/.test(word) };
}

/**
 * Reads a here-document's body from s at i (the start of the line after its operator's): lines up
 * to one that is the delimiter alone, leading tabs stripped from each with `<<-`, as ash's checkend
 * does; input that ends first ends the body. Returns the body and the index after the delimiter line.
 */
export function readHereDocBody(s: string, i: number, mark: string, stripTabs: boolean): { body: string; end: number; lines: number } {
  let body = "";
  let lines = 0;
  let j = i;
  while (j < s.length) {
    const nl = s.indexOf("\n", j);
    const stop = nl < 0 ? s.length : nl;
    let text = s.slice(j, stop);
    if (stripTabs) text = text.replace(/^\t+/, "");
    j = nl < 0 ? s.length : nl + 1;
    lines++;
    if (text === mark) return { body, end: j, lines };
    body += text + "\n";
  }
  return { body, end: j, lines };
}

/** Splits a script into words (quotes kept), operators and redirections; with bash, `[[ ... ]]` is one word. */
export function tokenize(s: string, bash = false): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  // here-documents whose operator was read on this line: their bodies start after its newline
  let pending: Array<{ at: number; stripTabs: boolean }> = [];
  const readBodies = () => {
    for (const h of pending) {
      const redir = out[h.at];
      const word = out[h.at + 1];
      if (redir?.t !== "redir" || word?.t !== "word") continue; // the parser reports the missing word
      const { mark, quoted } = heredocDelimiter(word.v);
      const r = readHereDocBody(s, i, mark, h.stripTabs);
      out[h.at] = { ...redir, heredoc: { body: r.body, quoted } };
      i = r.end;
      line += r.lines;
    }
    pending = [];
  };
  while (i < s.length) {
    const c = s[i]!;
    if (bash && c === "[" && s.startsWith("[[", i) && /[ \t\n]/.test(s[i + 2] ?? "") && atCommandStart(out)) {
      const len = condLength(s, i);
      const v = s.slice(i, i + len);
      out.push({ t: "word", v, line });
      line += v.split("\n").length - 1;
      i += len;
      continue;
    }
    if (c === " " || c === "\t") { i++; continue; }
    if (c === "\\" && s[i + 1] === "\n") { i += 2; line++; continue; }
    if (c === "\n") { out.push({ t: "op", v: "\n", line }); line++; i++; if (pending.length > 0) readBodies(); continue; }
    if (c === "#") { while (i < s.length && s[i] !== "\n") i++; continue; }
    // bash alone has here-strings: ash and dash read `<<<` as `<<` and then `<` (a syntax error)
    const redir = (bash ? /^(\d?)(<<<|<<-|<<|>>|>&|>\||>|<|&>)/ : /^(\d?)(<<-|<<|>>|>&|>\||>|<|&>)/).exec(s.slice(i, i + 5));
    if (redir && (redir[1] !== "" || opChars.has(c))) {
      const op = redir[2] === ">|" ? ">" : redir[2]!;
      if (op === "<<" || op === "<<-") pending.push({ at: out.length, stripTabs: op === "<<-" });
      out.push({ t: "redir", fd: redir[1] ? Number(redir[1]) : op.startsWith("<") ? 0 : 1, op, line });
      i += redir[0].length;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === "&&" || two === "||" || two === ";;") { out.push({ t: "op", v: two, line }); i += 2; continue; }
    if (opChars.has(c)) { out.push({ t: "op", v: c, line }); i++; continue; }
    let j = i;
    while (j < s.length) {
      const d = s[j]!;
      if (d === " " || d === "\t" || d === "\n" || opChars.has(d)) break;
      if (d === "\\") j += 2;
      else if (d === "'") { const e = s.indexOf("'", j + 1); if (e < 0) throw new ShellSyntaxError("syntax error: unterminated quoted string"); j = e + 1; }
      else if (d === "\"") j += quotedLength(s, j);
      else if ((d === "$" && (s[j + 1] === "(" || s[j + 1] === "{")) || d === "`") j += substitutionLength(s, j);
      else j++;
    }
    out.push({ t: "word", v: s.slice(i, j), line });
    i = j;
  }
  // a here-document on the last line, with no newline after it, has an empty body
  readBodies();
  return out;
}

const stopWords = new Set(["do", "done", "then", "fi", "elif", "else", "}", "in"]);

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined { return this.toks[this.pos]; }
  private isWord(v: string): boolean { const t = this.peek(); return t?.t === "word" && t.v === v; }
  private isOp(v: string): boolean { return this.isOpAt(this.pos, v); }
  private isOpAt(at: number, v: string): boolean { const t = this.toks[at]; return t?.t === "op" && t.v === v; }
  private skipNewlines(): void { while (this.isOp("\n")) this.pos++; }

  private unexpected(): never {
    const t = this.peek();
    const what = !t ? "end of file" : t.t === "redir" ? "redirection" : t.v === "\n" ? "newline" : `"${t.v}"`;
    throw new ShellSyntaxError(`syntax error: unexpected ${what}`);
  }

  private expectWord(v: string): void {
    this.skipNewlines();
    if (!this.isWord(v)) this.unexpected();
    this.pos++;
  }

  /** list := and_or ((';' | '&' | newline) and_or)* — stops at a closing keyword or ')'. */
  list(): List {
    const items: List = [];
    for (;;) {
      while (this.isOp("\n") || this.isOp(";")) this.pos++;
      const t = this.peek();
      if (!t || (t.t === "word" && stopWords.has(t.v)) || (t.t === "op" && t.v === ")")) return items;
      const node = this.andOr();
      const background = this.isOp("&");
      items.push({ node, background });
      if (background || this.isOp(";") || this.isOp("\n")) { this.pos++; continue; }
      const next = this.peek();
      if (!next || (next.t === "word" && stopWords.has(next.v)) || (next.t === "op" && next.v === ")")) return items;
      this.unexpected();
    }
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr["rest"] = [];
    while (this.isOp("&&") || this.isOp("||")) {
      const op = (this.peek() as { v: "&&" | "||" }).v;
      this.pos++;
      this.skipNewlines();
      rest.push({ op, pipeline: this.pipeline() });
    }
    return { first, rest };
  }

  private pipeline(): Pipeline {
    let negate = false;
    if (this.isWord("!")) { negate = true; this.pos++; }
    const commands = [this.command()];
    while (this.isOp("|")) { this.pos++; this.skipNewlines(); commands.push(this.command()); }
    return { negate, commands };
  }

  private redirs(): Redir[] {
    const out: Redir[] = [];
    for (let t = this.peek(); t?.t === "redir"; t = this.peek()) {
      this.pos++;
      const target = this.peek();
      if (target?.t !== "word") this.unexpected();
      this.pos++;
      out.push({ fd: t.fd, op: t.op, target: target.v, ...(t.heredoc ? { heredoc: t.heredoc } : {}) });
    }
    return out;
  }

  private command(): Command {
    const t = this.peek();
    if (t?.t === "op" && t.v === "(") {
      this.pos++;
      const body = this.list();
      if (!this.isOp(")")) this.unexpected();
      this.pos++;
      return { type: "group", subshell: true, body, redirs: this.redirs() };
    }
    if (t?.t === "word" && /^\[\[[ \t\n]/.test(t.v) && t.v.endsWith("]]") && t.v.length >= 5) {
      this.pos++;
      return { type: "cond", expr: t.v.slice(2, -2), line: t.line, redirs: this.redirs() };
    }
    if (t?.t === "word") {
      switch (t.v) {
        case "while": case "until": return this.loop(t.v === "until");
        case "if": return this.ifClause();
        case "for": return this.forClause();
        case "{": { this.pos++; const body = this.list(); this.expectWord("}"); return { type: "group", subshell: false, body, redirs: this.redirs() }; }
      }
    }
    return this.simple();
  }

  private loop(until: boolean): Command {
    this.pos++;
    const cond = this.list();
    this.expectWord("do");
    const body = this.list();
    this.expectWord("done");
    return { type: "loop", until, cond, body, redirs: this.redirs() };
  }

  private ifClause(): Command {
    this.pos++;
    const clauses: Array<{ cond: List; body: List }> = [];
    let otherwise: List | undefined;
    for (;;) {
      const cond = this.list();
      this.expectWord("then");
      clauses.push({ cond, body: this.list() });
      this.skipNewlines();
      if (this.isWord("elif")) { this.pos++; continue; }
      if (this.isWord("else")) { this.pos++; otherwise = this.list(); }
      this.expectWord("fi");
      return { type: "if", clauses, ...(otherwise ? { otherwise } : {}), redirs: this.redirs() };
    }
  }

  private forClause(): Command {
    this.pos++;
    const name = this.peek();
    if (name?.t !== "word" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.v)) this.unexpected();
    this.pos++;
    this.skipNewlines();
    let items: string[] | undefined;
    if (this.isWord("in")) {
      this.pos++;
      items = [];
      for (let t = this.peek(); t?.t === "word"; t = this.peek()) { items.push(t.v); this.pos++; }
    }
    if (this.isOp(";")) this.pos++;
    this.expectWord("do");
    const body = this.list();
    this.expectWord("done");
    return { type: "for", name: name.v, ...(items ? { items } : {}), body, redirs: this.redirs() };
  }

  private simple(): SimpleCommand {
    const line = this.peek()?.line ?? 1;
    const assigns: string[] = [];
    const arrays: ArrayAssign[] = [];
    const words: string[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.t === "redir") { redirs.push(...this.redirs()); continue; }
      if (t?.t !== "word") break;
      if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=$/.test(t.v) && this.isOpAt(this.pos + 1, "(")) {
        this.pos += 2;
        arrays.push({ name: t.v.slice(0, -1), items: this.arrayItems() });
        continue;
      }
      if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.v)) assigns.push(t.v);
      else words.push(t.v);
      this.pos++;
    }
    if (words.length === 0 && assigns.length === 0 && arrays.length === 0 && redirs.length === 0) this.unexpected();
    return { type: "simple", assigns, ...(arrays.length > 0 ? { arrays } : {}), words, redirs, line };
  }

  /** The words of `(a b c)` up to its `)`, newlines allowed between them. */
  private arrayItems(): string[] {
    const items: string[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t?.t === "op" && t.v === ")") { this.pos++; return items; }
      if (t?.t !== "word") this.unexpected();
      items.push(t.v);
      this.pos++;
    }
  }

  /** Parses a whole script; anything left over is a syntax error. */
  script(): List {
    const l = this.list();
    if (this.pos < this.toks.length) this.unexpected();
    return l;
  }
}

/** Parses a script into its command list; throws ShellSyntaxError on bad syntax. */
export function parseScript(source: string, bash = false): List {
  return new Parser(tokenize(source, bash)).script();
}
