// Label, field and node selector semantics as apimachinery and component-helpers define them.
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
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
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key, operator: "=", values: [value] });
  for (const e of selector.matchExpressions ?? []) {
    const op = exprOps.get(e.operator);
    if (op === undefined) return { error: `"${e.operator}" is not a valid label selector operator` };
    const n = e.values?.length ?? 0;
    // LabelSelectorAsSelector rejects In/NotIn without values and Exists/DoesNotExist with values.
    if ((op === "in" || op === "notin") && n === 0) return { error: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty" };
    if ((op === "exists" || op === "!") && n > 0) return { error: "values: Invalid value: for 'exists', 'notexists' operators, values set must be empty" };
    reqs.push({ key: e.key, operator: op, values: e.values ?? [] });
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

type Token = { kind: "id" | "op" | "(" | ")" | "," | "!" | "end"; text: string };

const opTokens = ["==", "!=", "=", "(", ")", ",", "!", ">", "<"];

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") { i++; continue; }
    const op = opTokens.find((t) => s.startsWith(t, i));
    if (op !== undefined) {
      const kind = op === "(" || op === ")" || op === "," || op === "!" ? op : "op";
      out.push({ kind: kind as Token["kind"], text: op });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < s.length && !" \t\n\r".includes(s[j]!) && !opTokens.some((t) => s.startsWith(t, j))) j++;
    const word = s.slice(i, j);
    // "in" and "notin" are keywords only as whole words, as in apimachinery's lexer.
    out.push(word === "in" || word === "notin" ? { kind: "op", text: word } : { kind: "id", text: word });
    i = j;
  }
  out.push({ kind: "end", text: "" });
  return out;
}

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validate(r: Requirement): string | undefined {
  if (!keyPattern.test(r.key) || r.key.length > 316) return `invalid label key "${r.key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  for (const v of r.values) {
    if (v.length > 63) return `invalid label value: "${v}": at key: "${r.key}": must be no more than 63 characters`;
    if (!valuePattern.test(v)) return `invalid label value: "${v}": at key: "${r.key}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

/** Parses the string form of a label selector (`?labelSelector=`), as apimachinery's labels.Parse. */
export function parseSelector(s: string): Requirement[] | { error: string } {
  const toks = tokenize(s);
  let p = 0;
  const reqs: Requirement[] = [];
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  const parseValues = (): string[] | string => {
    const open = next();
    if (open.kind !== "(") return `found '${open.text}', expected: '('`;
    const values: string[] = [];
    if (peek().kind === ")") { next(); return values; }
    for (;;) {
      const v = peek();
      if (v.kind === "id") { next(); values.push(v.text); }
      else if (v.kind === "," || v.kind === ")") values.push("");
      else return `found '${v.text}', expected: ',', or identifier`;
      const sep = next();
      if (sep.kind === ")") return values;
      if (sep.kind !== ",") return `found '${sep.text}', expected: ',' or ')'`;
    }
  };
  const parseRequirement = (): Requirement | string => {
    if (peek().kind === "!") {
      next();
      const k = next();
      if (k.kind !== "id") return `found '${k.text}', expected: identifier`;
      return { key: k.text, operator: "!", values: [] };
    }
    const key = next().text;
    const op = peek();
    if (op.kind === "," || op.kind === "end") return { key, operator: "exists", values: [] };
    if (op.kind !== "op") return `found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`;
    next();
    if (op.text === "in" || op.text === "notin") {
      const values = parseValues();
      if (typeof values === "string") return values;
      return { key, operator: op.text, values };
    }
    const v = peek();
    let value = "";
    if (v.kind === "id") { next(); value = v.text; }
    else if (v.kind !== "," && v.kind !== "end") return `found '${v.text}', expected: identifier`;
    const operator: Operator = op.text === ">" ? "gt" : op.text === "<" ? "lt" : (op.text as Operator);
    if ((operator === "gt" || operator === "lt") && parseInt64(value) === undefined) return `for 'Gt', 'Lt' operators, the value must be an integer`;
    return { key, operator, values: [value] };
  };
  for (;;) {
    const t = peek();
    if (t.kind === "end") return reqs;
    if (t.kind !== "id" && t.kind !== "!") return { error: `found '${t.text}', expected: !, identifier, or 'end of string'` };
    const r = parseRequirement();
    if (typeof r === "string") return { error: `unable to parse requirement: ${r}` };
    const invalid = validate(r);
    if (invalid !== undefined) return { error: `unable to parse requirement: ${invalid}` };
    reqs.push(r);
    const sep = next();
    if (sep.kind === "end") return reqs;
    if (sep.kind !== ",") return { error: `found '${sep.text}', expected: ',' or 'end of string'` };
    const after = peek();
    if (after.kind !== "id" && after.kind !== "!") return { error: `found '${after.text}', expected: identifier after ','` };
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
function splitTerms(s: string): string[] {
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
function splitTerm(term: string): { lhs: string; op: "!=" | "==" | "="; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="] as const) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue: \\, \, and \= are the only escapes; a bare , or = is refused (the rune printed as its number, as %v prints a rune). */
function unescapeFieldValue(s: string): { value: string } | { error: string } {
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
  return validate(req) === undefined ? req : undefined;
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
