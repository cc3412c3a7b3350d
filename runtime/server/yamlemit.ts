// kube-apiserver's YAML answers: the yaml serializer encodes JSON, then sigs.k8s.io/yaml's
// JSONToYAML decodes it with go-yaml v2 into interface{} values (so map keys come out sorted by
// go-yaml's keyList order and numbers as int, uint64 or float64) and marshals them with go-yaml
// v2's emitter (libyaml's): block style, two-space indents, sequences in a mapping not indented,
// strings quoted when they would read as another type, lines folded past 80 columns. A port of
// that emitter's state machine over an event list, so nesting costs no call stack.

import { NumberLiteral } from "../../machines/common/numberliteral.js";

type Style = "plain" | "single" | "double" | "literal";
type Event = { t: "map" | "mapEnd" | "seq" | "seqEnd" } | { t: "scalar"; value: string; style: Style };

/** Accept-negotiated YAML of a JSON value, as JSONToYAML writes it. */
export function goYamlText(value: unknown): string {
  const emitter = new Emitter(toEvents(value));
  return emitter.run();
}

// ---- JSON values as go-yaml v2 decodes and re-encodes them -----------------------------------------

/** The events of a value (encoder.marshal): maps with their keys in keyList order. */
function toEvents(root: unknown): Event[] {
  const out: Event[] = [];
  type Item = { value: unknown } | { key: string } | { end: "mapEnd" | "seqEnd" };
  const stack: Item[] = [{ value: root }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ("end" in item) {
      out.push({ t: item.end });
      continue;
    }
    if ("key" in item) {
      out.push(stringEvent(item.key));
      continue;
    }
    const v = item.value;
    if (v === null || v === undefined) out.push({ t: "scalar", value: "null", style: "plain" });
    else if (typeof v === "boolean") out.push({ t: "scalar", value: String(v), style: "plain" });
    else if (typeof v === "number") out.push({ t: "scalar", value: numberText(JSON.stringify(v)), style: "plain" });
    else if (typeof v === "bigint") out.push({ t: "scalar", value: numberText(v.toString()), style: "plain" });
    else if (v instanceof NumberLiteral) out.push({ t: "scalar", value: numberText(v.text), style: "plain" });
    else if (typeof v === "string") out.push(stringEvent(v));
    else if (Array.isArray(v)) {
      out.push({ t: "seq" });
      stack.push({ end: "seqEnd" });
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i] });
    } else if (typeof v === "object") {
      out.push({ t: "map" });
      stack.push({ end: "mapEnd" });
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort(keyOrder);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: o[keys[i]!] }, { key: keys[i]! });
    }
  }
  return out;
}

/** encoder.stringv: a string that would resolve to another type unquoted is double-quoted; one with a newline literal. */
function stringEvent(s: string): Event {
  // a lone surrogate is no UTF-8: encoding/json wrote U+FFFD for it
  const text = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  if (text.includes("\n")) return { t: "scalar", value: text, style: "literal" };
  return { t: "scalar", value: text, style: resolvesToString(text) && !base60Float.test(text) ? "plain" : "double" };
}

const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

const resolveTable = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<"]);

/** resolve("", s) is !!str: not in the table, and no int, float or timestamp from a sign, digit or '.'. */
function resolvesToString(s: string): boolean {
  if (resolveTable.has(s)) return false;
  const c = s[0] ?? "";
  // strconv.ParseFloat of the text as it is: no underscores without a base prefix
  if (c === ".") return !(/^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(s) && Number.isFinite(Number(s)));
  if (!(c === "+" || c === "-" || (c >= "0" && c <= "9"))) return true;
  // parseTimestamp: YYYY- and one of allowedTimestampFormats as time.Parse reads it
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]+)?)?$/.test(s) && timestampInRange(s)) return false;
  const p = s.replace(/_/g, "");
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(p);
  if (m) {
    const body = m[2]!;
    const lit = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body.replace(/^0([XBO])/, (_x, b: string) => `0${b.toLowerCase()}`);
    const v = BigInt(lit) * (m[1] === "-" ? -1n : 1n);
    if (v >= -(2n ** 63n) && v < 2n ** 64n) return false;
  }
  return !(/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(p) && Number.isFinite(Number(p)));
}

/** time.Parse's range checks of parseTimestamp: a month, a day of that month, a clock. */
function timestampInRange(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:.([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}))?/.exec(s)!;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > days[month - 1]!) return false;
  return m[4] === undefined || (Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60);
}

/**
 * A JSON number as go-yaml v2 decodes and writes it again: an int64 or uint64 in decimal, else a
 * float64 in strconv's 'g' format (shortest digits, exponent past 1e21 or below 1e-4, two digits at least).
 */
export function numberText(json: string): string {
  if (/^-?[0-9]+$/.test(json)) {
    const v = BigInt(json);
    if (v >= -(2n ** 63n) && v < 2n ** 64n) return v.toString();
  }
  const f = Number(json);
  if (!Number.isFinite(f)) return f > 0 ? ".inf" : f < 0 ? "-.inf" : ".nan";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa = "", exp = "0"] = f.toExponential().split("e");
  const e = Number(exp);
  const digits = mantissa.replace(/[-.]/g, "");
  const sign = f < 0 ? "-" : "";
  // %e when the exponent is below -4 or at least 6 (the shortest 'g' decides with precision 6)
  if (e < -4 || e >= 6) return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  return digits.length <= e + 1 ? `${sign}${digits}${"0".repeat(e + 1 - digits.length)}` : `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => /\p{Nd}/u.test(c);

/** sorter.go keyList.Less for string keys: letters after other runes, runs of digits compared as numbers. */
function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function keyOrder(a: string, b: string): number {
  return keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0;
}

// ---- libyaml's emitter (emitterc.go), block style -----------------------------------------------

const bestIndent = 2;
const bestWidth = 80;

type State = "docEnd" | "flowSeqFirst" | "flowMapFirst" | "blockSeqFirst" | "blockSeqItem" | "blockMapFirstKey" | "blockMapKey" | "blockMapSimpleValue" | "blockMapValue";

const isBreak = (c: string | undefined) => c === "\r" || c === "\n" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlank = (c: string | undefined) => c === " " || c === "\t";

/** is_printable: LF, printable ASCII, U+00A0 to U+D7FF, U+E000 to U+FFFD but the BOM; nothing past the BMP. */
function isPrintable(c: string): boolean {
  const v = c.codePointAt(0)!;
  return v === 0x0a || (v >= 0x20 && v <= 0x7e) || (v >= 0xa0 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd && v !== 0xfeff);
}

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** yaml_emitter_analyze_scalar. */
function analyze(value: string[]): Analysis {
  if (value.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  const start = value.slice(0, 3).join("");
  if (start === "---" || start === "...") {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const followedByWhitespace = i + 1 >= value.length || isBlank(value[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (c === "?" || c === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === "-" && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (",?[]{}".includes(c)) flowIndicators = true;
    else if (c === ":") {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === "#" && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === value.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === value.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === "\0";
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

class Emitter {
  private out: string[] = [];
  private column = 0;
  private indent = -1;
  private indents: number[] = [];
  private states: State[] = [];
  private state: State | "docContent" | "end" = "docContent";
  private flowLevel = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private rootContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;
  private head = 0;
  private analysis: Analysis | undefined;

  constructor(private readonly events: Event[]) {}

  run(): string {
    for (this.head = 0; this.head < this.events.length; this.head++) {
      const ev = this.events[this.head]!;
      this.analysis = ev.t === "scalar" ? analyze([...ev.value]) : undefined;
      this.dispatch(ev);
    }
    // DOCUMENT-END (implicit), then STREAM-END
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator("...", true, false, false);
      this.writeIndent();
    }
    return this.out.join("");
  }

  private dispatch(ev: Event): void {
    switch (this.state) {
      case "docContent":
        this.states.push("docEnd");
        return this.emitNode(ev, true, false);
      case "flowSeqFirst":
      case "flowMapFirst":
        return this.emitEmptyFlow(ev);
      case "blockSeqFirst":
        return this.emitBlockSequenceItem(ev, true);
      case "blockSeqItem":
        return this.emitBlockSequenceItem(ev, false);
      case "blockMapFirstKey":
        return this.emitBlockMappingKey(ev, true);
      case "blockMapKey":
        return this.emitBlockMappingKey(ev, false);
      case "blockMapSimpleValue":
        return this.emitBlockMappingValue(ev, true);
      case "blockMapValue":
        return this.emitBlockMappingValue(ev, false);
      default:
        throw new Error(`yaml emitter: no event expected in state ${this.state}`);
    }
  }

  /** Writes text without line breaks (one character, an indicator or an indentation). */
  private put(s: string): void {
    this.out.push(s);
    this.column += s.length === 1 ? 1 : [...s].length;
  }

  private putBreak(): void {
    this.out.push("\n");
    this.column = 0;
  }

  /** write_break: a newline is the emitter's break; another break character is written as itself. */
  private writeBreak(c: string): void {
    if (c === "\n") this.putBreak();
    else {
      this.out.push(c);
      this.column = 0;
    }
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? bestIndent : 0;
    else if (!indentless) this.indent += bestIndent;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  private popState(): void {
    this.state = this.states.pop()!;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    // one string for the whole indentation: a deep object indents many lines far
    if (this.column < indent) {
      this.out.push(" ".repeat(indent - this.column));
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private emitNode(ev: Event, root: boolean, mapping: boolean, simpleKey = false): void {
    this.rootContext = root;
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    const next = this.events[this.head + 1];
    if (ev.t === "scalar") return this.emitScalar(ev);
    if (ev.t === "seq") this.state = this.flowLevel > 0 || next?.t === "seqEnd" ? "flowSeqFirst" : "blockSeqFirst";
    else if (ev.t === "map") this.state = this.flowLevel > 0 || next?.t === "mapEnd" ? "flowMapFirst" : "blockMapFirstKey";
    else throw new Error(`yaml emitter: ${ev.t} where a node was expected`);
  }

  /** An empty collection: [] or {} (check_empty_sequence, check_empty_mapping). */
  private emitEmptyFlow(ev: Event): void {
    const seq = this.state === "flowSeqFirst";
    this.writeIndicator(seq ? "[" : "{", true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    if (ev.t !== (seq ? "seqEnd" : "mapEnd")) throw new Error("yaml emitter: an empty collection was expected");
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator(seq ? "]" : "}", false, false, false);
    this.popState();
  }

  private emitBlockSequenceItem(ev: Event, first: boolean): void {
    if (first) this.increaseIndent(false, this.mappingContext && !this.indention);
    if (ev.t === "seqEnd") {
      this.popIndent();
      return this.popState();
    }
    this.writeIndent();
    this.writeIndicator("-", true, false, true);
    this.states.push("blockSeqItem");
    this.emitNode(ev, false, false);
  }

  private emitBlockMappingKey(ev: Event, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (ev.t === "mapEnd") {
      this.popIndent();
      return this.popState();
    }
    this.writeIndent();
    if (this.checkSimpleKey(ev)) {
      this.states.push("blockMapSimpleValue");
      return this.emitNode(ev, false, true, true);
    }
    this.writeIndicator("?", true, false, true);
    this.states.push("blockMapValue");
    this.emitNode(ev, false, true);
  }

  private emitBlockMappingValue(ev: Event, simple: boolean): void {
    if (simple) this.writeIndicator(":", false, false, false);
    else {
      this.writeIndent();
      this.writeIndicator(":", true, false, true);
    }
    this.states.push("blockMapKey");
    this.emitNode(ev, false, true);
  }

  /** yaml_emitter_check_simple_key: a one-line scalar of at most 128 bytes, or an empty collection. */
  private checkSimpleKey(ev: Event): boolean {
    const next = this.events[this.head + 1];
    if (ev.t === "scalar") return !this.analysis!.multiline && Buffer.byteLength(ev.value) <= 128;
    if (ev.t === "seq") return next?.t === "seqEnd";
    if (ev.t === "map") return next?.t === "mapEnd";
    return false;
  }

  private emitScalar(ev: { value: string; style: Style }): void {
    const style = this.selectStyle(ev.style);
    this.increaseIndent(true, false);
    const value = [...ev.value];
    const allowBreaks = !this.simpleKeyContext;
    if (style === "plain") this.writePlain(value, allowBreaks);
    else if (style === "single") this.writeSingleQuoted(value, allowBreaks);
    else if (style === "double") this.writeDoubleQuoted(value, allowBreaks);
    else this.writeLiteral(value);
    this.popIndent();
    this.popState();
  }

  /** yaml_emitter_select_scalar_style, for untagged (implicit) scalars. */
  private selectStyle(requested: Style): Style {
    const a = this.analysis!;
    let style = requested;
    if (this.simpleKeyContext && a.multiline) style = "double";
    if (style === "plain") {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = "single";
      if (this.scalarIsEmpty() && (this.flowLevel > 0 || this.simpleKeyContext)) style = "single";
    }
    if (style === "single" && !a.singleQuoted) style = "double";
    if (style === "literal" && (!a.block || this.flowLevel > 0 || this.simpleKeyContext)) style = "double";
    return style;
  }

  private scalarIsEmpty(): boolean {
    const ev = this.events[this.head];
    return ev?.t === "scalar" && ev.value === "";
  }

  private writePlain(value: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    this.writeFolded(value, allowBreaks, false);
    this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  private writeSingleQuoted(value: string[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    this.writeFolded(value, allowBreaks, true);
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /**
   * The loop write_plain_scalar and write_single_quoted_scalar share: a space past column 80 becomes
   * a line break (in quotes, never the first or last character), a newline is written twice so that
   * it folds back to one, and a quote in quotes is doubled.
   */
  private writeFolded(value: string[], allowBreaks: boolean, quoted: boolean): void {
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      if (c === " ") {
        const inside = !quoted || (i > 0 && i < value.length - 1);
        if (allowBreaks && !spaces && this.column > bestWidth && inside && value[i + 1] !== " ") this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === "\n") this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(quoted && c === "'" ? "''" : c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
  }

  private writeDoubleQuoted(value: string[], allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      if (!isPrintable(c) || c === "\ufeff" || isBreak(c) || c === '"' || c === "\\") {
        this.put(`\\${escapeOf(c)}`);
        spaces = false;
      } else if (c === " ") {
        if (allowBreaks && !spaces && this.column > bestWidth && i > 0 && i < value.length - 1) {
          this.writeIndent();
          if (value[i + 1] === " ") this.put("\\");
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string[]): void {
    this.writeIndicator("|", true, false, false);
    // yaml_emitter_write_block_scalar_hints
    if (value[0] === " " || isBreak(value[0])) this.writeIndicator(String(bestIndent), false, false, false);
    this.openEnded = false;
    let chomp = "";
    const last = value.length - 1;
    if (value.length === 0 || !isBreak(value[last])) chomp = "-";
    else if (last === 0 || isBreak(value[last - 1])) chomp = "+";
    // the hints set open_ended for "+", and writing the indicator clears it again
    if (chomp !== "") this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of value) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** The escape write_double_quoted writes after its backslash. */
function escapeOf(c: string): string {
  const named: Record<string, string> = { "\0": "0", "\x07": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\u0085": "N", "\u00a0": "_", "\u2028": "L", "\u2029": "P" };
  if (Object.hasOwn(named, c)) return named[c]!;
  const v = c.codePointAt(0)!;
  const hex = v.toString(16).toUpperCase();
  return v <= 0xff ? `x${hex.padStart(2, "0")}` : v <= 0xffff ? `u${hex.padStart(4, "0")}` : `U${hex.padStart(8, "0")}`;
}
