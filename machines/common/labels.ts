// Label, field and node selector semantics as apimachinery and component-helpers define them.
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { goQuote } from "./goquote.js";
import { isQualifiedName, isValidLabelValue } from "./names.js";
import { mutant } from "./mutation.js";

export type Operator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

/** One parsed requirement of a label selector ("!" is DoesNotExist). */
export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

type Labels = Record<string, string> | undefined;

function has(labels: Labels, key: string): boolean {
  return labels !== undefined && Object.hasOwn(labels, key);
}

/** Parses a label value as Kubernetes' Gt/Lt do: a base-10 int64, anything else is no match. */
function parseInt64(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined;
}

/** True when one requirement holds for the labels, as labels.Requirement.Matches. */
export function matchesRequirement(r: Requirement, labels: Labels): boolean {
  switch (r.operator) {
    case "=": case "==": case "in":
      return has(labels, r.key) && r.values.includes(labels![r.key]!);
    case "!=": case "notin":
      // the mutant has NotIn refuse a missing key (Kubernetes: NotIn, like !=, matches it)
      if (!has(labels, r.key)) return !(r.operator === "notin" && mutant("labels.notin-requires-key"));
      return !r.values.includes(labels![r.key]!);
    case "exists":
      return has(labels, r.key);
    case "!":
      return !has(labels, r.key);
    case "gt": case "lt": {
      if (!has(labels, r.key) || r.values.length !== 1) return false;
      const have = parseInt64(labels![r.key]!);
      const want = parseInt64(r.values[0]!);
      if (have === undefined || want === undefined) return false;
      // the mutant makes Gt inclusive (Kubernetes: strictly greater)
      if (r.operator === "gt" && mutant("labels.gt-inclusive")) return have >= want;
      return r.operator === "gt" ? have > want : have < want;
    }
  }
}

/** True when every requirement holds (an empty list matches everything). */
export function matchesRequirements(reqs: readonly Requirement[], labels: Labels): boolean {
  for (const r of reqs) if (!matchesRequirement(r, labels)) return false;
  return true;
}

// Operator names come from clients: Maps, so "constructor" is an unknown operator like any other.
const exprOps = new Map<string, Operator>([["In", "in"], ["NotIn", "notin"], ["Exists", "exists"], ["DoesNotExist", "!"]]);

// Parsed selectors of stored objects: a frozen selector never changes, so its parse is kept with it
// (controllers match the same Deployment's or Service's selector against every pod, every sync).
const parsedSelectors = new WeakMap<object, readonly Requirement[] | { error: string }>();

/** Converts a metav1.LabelSelector to requirements; null for nil (matches nothing), or an error. The result is shared: never change it. */
export function labelSelectorAsRequirements(selector: LabelSelector | undefined | null): readonly Requirement[] | null | { error: string } {
  if (selector === undefined || selector === null) return null;
  if (!Object.isFrozen(selector)) return parseLabelSelector(selector);
  let parsed = parsedSelectors.get(selector);
  if (parsed === undefined) parsedSelectors.set(selector, (parsed = parseLabelSelector(selector)));
  return parsed;
}

function parseLabelSelector(selector: LabelSelector): readonly Requirement[] | { error: string } {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const invalid = newRequirementErrors(key, "=", [value]);
    if (invalid !== undefined) return { error: invalid };
    reqs.push({ key, operator: "=", values: [value] });
  }
  for (const e of selector.matchExpressions ?? []) {
    const op = exprOps.get(e.operator);
    if (op === undefined) return { error: `"${e.operator}" is not a valid label selector operator` };
    const values = e.values ?? [];
    // LabelSelectorAsSelector builds each through NewRequirement: the key, the count of values, each value
    const invalid = newRequirementErrors(e.key, op, values);
    if (invalid !== undefined) return { error: invalid };
    reqs.push({ key: e.key, operator: op, values });
  }
  return reqs;
}

/** metav1.LabelSelector semantics: {} matches everything, null/undefined matches nothing, an invalid selector matches nothing. */
export function matchesLabelSelector(selector: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  const reqs = labelSelectorAsRequirements(selector);
  if (reqs === null || "error" in reqs) return false;
  return matchesRequirements(reqs, labels);
}

/** Builds a reusable matcher for a LabelSelector, so that hot loops do not re-convert it. */
export function compileLabelSelector(selector: LabelSelector | undefined | null): (labels: Labels) => boolean {
  const reqs = labelSelectorAsRequirements(selector);
  if (reqs === null || "error" in reqs) return () => false;
  return (labels) => matchesRequirements(reqs, labels);
}

// ---- string form (labels.Parse) ----

// Token kinds of labels.Lexer: "in" and "notin" are keywords the parser reads as identifiers
// wherever a key or a value may stand (its Values context), so "in=notin" is a requirement.
type Token = { kind: "id" | "in" | "notin" | "op" | "(" | ")" | "," | "!" | "end"; text: string };

const specialSymbols = "=!(),><";
const whitespace = " \t\r\n";
const symbolTokens = new Set(["==", "!=", "=", "(", ")", ",", "!", ">", "<"]);

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (whitespace.includes(c)) { i++; continue; }
    if (specialSymbols.includes(c)) {
      // scanSpecialSymbol: the longest run of symbols that is still a token ("==", "!=")
      const two = s.slice(i, i + 2);
      const op = symbolTokens.has(two) ? two : c;
      const kind = op === "(" || op === ")" || op === "," || op === "!" ? op : "op";
      out.push({ kind, text: op });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < s.length && !whitespace.includes(s[j]!) && !specialSymbols.includes(s[j]!)) j++;
    const word = s.slice(i, j);
    out.push({ kind: word === "in" || word === "notin" ? word : "id", text: word });
    i = j;
  }
  out.push({ kind: "end", text: "" });
  return out;
}

/** A field.Error's text as fmt prints it: its path (nil is "<nil>"), then Invalid value and the reasons. */
function invalidAt(path: string, value: string, errs: string[]): string {
  return `${path}: Invalid value: ${goQuote(value)}: ${errs.join("; ")}`;
}

/** strconv.ParseInt(s, 10, 64) succeeds: a sign, decimal digits, within int64. */
function isInt64(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/**
 * NewRequirement with no path, as LabelSelectorAsSelector calls it: the key (validateLabelKey at
 * "key"), the number of values the operator takes, then requirementErrors' checks, in one aggregate.
 */
function newRequirementErrors(key: string, operator: Operator, values: string[]): string | undefined {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalidAt("key", key, keyErrs));
  const count = (msg: string) => errs.push(`values: Invalid value: ${JSON.stringify(values)}: ${msg}`);
  if ((operator === "in" || operator === "notin") && values.length === 0) count("for 'in', 'notin' operators, values set can't be empty");
  if ((operator === "=" || operator === "==" || operator === "!=") && values.length !== 1) count("exact-match compatibility requires one single value");
  if ((operator === "exists" || operator === "!") && values.length !== 0) count("values set must be empty for exists and does not exist");
  return requirementErrors(key, operator, values, errs);
}

/** NewRequirement's checks of the parsed values (a sorted set), aggregated as utilerrors joins them. */
function requirementErrors(key: string, operator: Operator, values: string[], before: string[] = []): string | undefined {
  const errs: string[] = [...before];
  if (operator === "gt" || operator === "lt") {
    values.forEach((v, i) => {
      if (!isInt64(v)) errs.push(invalidAt(`values[${i}]`, v, ["for 'Gt', 'Lt' operators, the value must be an integer"]));
    });
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(invalidAt(`values[${i}][${key}]`, v, valueErrs));
  });
  const unique = [...new Set(errs)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

/** sets.String's List: the values deduplicated and sorted by their bytes. */
function sortedSet(values: string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Parses the string form of a label selector (`?labelSelector=`), as apimachinery's labels.Parse. */
export function parseSelector(s: string): Requirement[] | { error: string } {
  const toks = tokenize(s);
  let p = 0;
  const reqs: Requirement[] = [];
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  // the Values context: "in" and "notin" are identifiers there
  const isId = (t: Token) => t.kind === "id" || t.kind === "in" || t.kind === "notin";
  const parseValues = (): string[] | string => {
    const open = next();
    if (open.kind !== "(") return `found '${open.text}' expected: '('`;
    const first = peek();
    if (first.kind === ")") { next(); return [""]; }
    if (!isId(first) && first.kind !== ",") return `found '${first.text}', expected: ',', ')' or identifier`;
    // parseIdentifiersList: empty entries around commas are the empty value
    const values: string[] = [];
    for (;;) {
      const t = next();
      if (isId(t)) {
        values.push(t.text);
        const after = peek();
        if (after.kind === ",") continue;
        if (after.kind === ")") { next(); return values; }
        return `found '${after.text}', expected: ',' or ')'`;
      }
      if (t.kind !== ",") return `found '${t.text}', expected: ',', or identifier`;
      if (values.length === 0) values.push("");
      const after = peek();
      if (after.kind === ")") { next(); values.push(""); return values; }
      if (after.kind === ",") values.push("");
    }
  };
  const parseRequirement = (): Requirement | string => {
    let t = next();
    let negated = false;
    if (t.kind === "!") { negated = true; t = next(); }
    if (!isId(t)) return `found '${t.text}', expected: identifier`;
    const key = t.text;
    // parseKeyAndInferOperator checks the key before any operator is read
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) return invalidAt("<nil>", key, keyErrs);
    const la = peek();
    if (negated || la.kind === "," || la.kind === "end") return { key, operator: negated ? "!" : "exists", values: [] };
    const op = next();
    let operator: Operator;
    if (op.kind === "in" || op.kind === "notin") operator = op.kind;
    else if (op.kind === "op") operator = op.text === ">" ? "gt" : op.text === "<" ? "lt" : (op.text as Operator);
    else return `found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`;
    let values: string[];
    if (operator === "in" || operator === "notin") {
      const v = parseValues();
      if (typeof v === "string") return v;
      values = sortedSet(v);
    } else {
      const v = peek();
      if (v.kind === "end" || v.kind === ",") values = [""];
      else if (isId(next())) values = [v.text];
      else return `found '${v.text}', expected: identifier`;
    }
    const invalid = requirementErrors(key, operator, values);
    if (invalid !== undefined) return invalid;
    return { key, operator, values };
  };
  for (;;) {
    const t = peek();
    if (t.kind === "end") return reqs;
    if (!isId(t) && t.kind !== "!") return { error: `found '${t.text}', expected: !, identifier, or 'end of string'` };
    const r = parseRequirement();
    if (typeof r === "string") return { error: `unable to parse requirement: ${r}` };
    reqs.push(r);
    const sep = next();
    if (sep.kind === "end") return reqs;
    if (sep.kind !== ",") return { error: `found '${sep.text}', expected: ',' or 'end of string'` };
    const after = peek();
    if (!isId(after) && after.kind !== "!") return { error: `found '${after.text}', expected: identifier after ','` };
  }
}

// ---- field selectors (fields.ParseSelector) ----

/** One parsed field selector term. */
export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

/** fields.splitTerms: commas not escaped with a backslash split; the backslashes stay. */
export function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** fields.splitTerm: the first place an operator starts ("!=", then "==", then "="); the left side is never unescaped. */
export function splitTerm(term: string): { lhs: string; op: "!=" | "==" | "="; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="] as const) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue: \\, \, and \= are the only escapes; a bare , or = is refused (the rune printed as its number, as %v prints a rune). */
export function unescapeFieldValue(s: string): { value: string } | { error: string } {
  if (!/[\\,=]/.test(s)) return { value: s };
  let v = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") return { error: `invalid field selector: invalid escape sequence: \\${c}` };
      v += c;
      inSlash = false;
      continue;
    }
    if (c === "\\") inSlash = true;
    else if (c === "," || c === "=") return { error: `invalid field selector: unescaped character in value: ${c.codePointAt(0)}` };
    else v += c;
  }
  if (inSlash) return { error: "invalid field selector: invalid escape sequence: \\" };
  return { value: v };
}

/** Byte order of the UTF-8 encodings (sort.StringSlice on Go strings) is code point order. */
function byteOrder(a: string, b: string): number {
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/** fields.ParseSelector (`a=b,c!=d`): terms sorted, each split at its first operator, its value unescaped, with its error wording. */
export function parseFieldSelector(s: string): FieldRequirement[] | { error: string } {
  const out: FieldRequirement[] = [];
  for (const part of splitTerms(s).sort(byteOrder)) {
    if (part === "") continue;
    const t = splitTerm(part);
    if (t === undefined) return { error: `invalid selector: '${s}'; can't understand '${part}'` };
    const v = unescapeFieldValue(t.rhs);
    if ("error" in v) return v;
    out.push({ field: t.lhs, operator: t.op === "!=" ? "!=" : "=", value: v.value });
  }
  return out;
}

/** True when every field requirement holds; a missing field compares as the empty string. */
export function matchesFieldSelector(reqs: FieldRequirement[], fields: Record<string, string>): boolean {
  for (const r of reqs) {
    // the mutant fails every requirement on a field the object lacks, != included
    if (!Object.hasOwn(fields, r.field) && mutant("fieldselector.missing-field-fails")) return false;
    const v = Object.hasOwn(fields, r.field) ? fields[r.field]! : "";
    if ((r.operator === "=") !== (v === r.value)) return false;
  }
  return true;
}

// ---- node selectors (component-helpers nodeaffinity) ----

const nodeOps = new Map<string, Operator>([["In", "in"], ["NotIn", "notin"], ["Exists", "exists"], ["DoesNotExist", "!"], ["Gt", "gt"], ["Lt", "lt"]]);

/** labels.NewRequirement's checks: a valid key and values, and as many values as the operator takes. */
function asNodeRequirement(r: NodeSelectorRequirement): Requirement | undefined {
  const op = nodeOps.get(r.operator);
  if (op === undefined) return undefined;
  const req: Requirement = { key: r.key, operator: op, values: r.values ?? [] };
  const n = req.values.length;
  if ((op === "in" || op === "notin") && n === 0) return undefined;
  if ((op === "exists" || op === "!") && n > 0) return undefined;
  if ((op === "gt" || op === "lt") && (n !== 1 || parseInt64(req.values[0]!) === undefined)) return undefined;
  return isQualifiedName(req.key).length === 0 && requirementErrors(req.key, op, req.values) === undefined ? req : undefined;
}

/** nodeSelectorRequirementsAsFieldSelector: metadata.name only, In/NotIn with exactly one value. */
function isValidNodeField(r: NodeSelectorRequirement): boolean {
  return r.key === "metadata.name" && (r.operator === "In" || r.operator === "NotIn") && (r.values ?? []).length === 1;
}

function matchesNodeField(r: NodeSelectorRequirement, node: Node): boolean {
  const name = node.metadata?.name ?? "";
  return (r.values![0] === name) === (r.operator === "In");
}

/**
 * A term's requirements are ANDed; a term with no requirements matches nothing, and so does a term
 * with a requirement that does not parse (nodeaffinity's lazy-error node selector skips such terms).
 */
export function matchesNodeSelectorTerm(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const reqs: Requirement[] = [];
  for (const e of exprs) {
    const r = asNodeRequirement(e);
    if (r === undefined) return false;
    reqs.push(r);
  }
  if (!fields.every(isValidNodeField)) return false;
  const labels = node.metadata?.labels;
  for (const r of reqs) if (!matchesRequirement(r, labels)) return false;
  for (const f of fields) if (!matchesNodeField(f, node)) return false;
  return true;
}

/** Terms are ORed; an empty term list matches nothing. */
export function matchesNodeSelector(nodeSelector: NodeSelector, node: Node): boolean {
  for (const t of nodeSelector.nodeSelectorTerms ?? []) if (matchesNodeSelectorTerm(t, node)) return true;
  return false;
}

/**
 * nodeaffinity.GetRequiredNodeAffinity(pod).Match: every nodeSelector label and the required terms
 * (the scheduler's NodeAffinity filter and the kubelet's predicate admission both ask it).
 */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required === undefined || required === null || matchesNodeSelector(required, node);
}
