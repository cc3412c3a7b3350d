// RE2 patterns on V8's linear-time regexp engine (the `l` flag), so a hostile pattern cannot
// backtrack for ever; what RE2 refuses (backreferences, lookaround) is refused with Go's text.
import { setFlagsFromString } from "node:v8";
import { CelError, CelThrow } from "./values.js";

setFlagsFromString("--enable-experimental-regexp-engine");

const cache = new Map<string, RegExp>();

function reErr(code: string, arg: string): never {
  throw new CelThrow(new CelError(`error parsing regexp: ${code}: \`${arg}\``));
}

const POSIX: Record<string, string> = { alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\x00-\\x7F", blank: "\\t ", cntrl: "\\x00-\\x1F\\x7F", digit: "0-9", graph: "!-~", lower: "a-z", print: " -~", punct: "!-/:-@[-`{-~", space: "\\t\\n\\v\\f\\r ", upper: "A-Z", word: "0-9A-Za-z_", xdigit: "0-9A-Fa-f" };

/** Translates RE2 syntax to a JavaScript pattern with the same meaning; throws RE2's error where RE2 would. */
export function translateRe2(re: string): { source: string; flags: string } {
  let flags = "";
  let i = 0;
  let out = "";
  let fold = false;
  const lead = /^\(\?([imsU]+)\)/.exec(re);
  if (lead) {
    if (lead[1]!.includes("U")) reErr("invalid or unsupported Perl syntax", "(?U");
    if (lead[1]!.includes("i")) fold = true;
    if (lead[1]!.includes("s")) flags += "s";
    if (lead[1]!.includes("m")) flags += "m";
    i = lead[0].length;
  }
  let inClass = false;
  let depth = 0;
  while (i < re.length) {
    const c = re[i]!;
    if (c === "\\") {
      const n = re[i + 1];
      if (n === undefined) reErr("trailing backslash at end of expression", "");
      if (n === "Q") {
        const end = re.indexOf("\\E", i + 2);
        const lit = re.slice(i + 2, end < 0 ? re.length : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
        i = end < 0 ? re.length : end + 2;
        continue;
      }
      if (n! >= "1" && n! <= "9") reErr("invalid escape sequence", `\\${n}`);
      if (n === "A" || n === "z") {
        // without the m flag ^ and $ are the text's ends, which \A and \z mean
        if (flags.includes("m")) reErr("invalid escape sequence", `\\${n}`);
        out += n === "A" ? "^" : "$";
        i += 2;
        continue;
      }
      if (n === "p" || n === "P" || n === "C" || n === "k" || n === "c") reErr("invalid character class range", `\\${n}`);
      out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "[" && re[i + 1] === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(re.slice(i));
        if (m && Object.hasOwn(POSIX, m[2]!)) {
          if (m[1]) reErr("invalid character class range", m[0]);
          out += POSIX[m[2]!];
          i += m[0].length;
          continue;
        }
      }
      if (c === "]") inClass = false;
      out += fold && /[a-zA-Z]/.test(c) ? c.toLowerCase() + c.toUpperCase() : c === "/" ? "\\/" : c;
      i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      i++;
      if (re[i] === "^") {
        out += "^";
        i++;
      }
      if (re[i] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(") {
      depth++;
      if (re[i + 1] === "?") {
        const rest = re.slice(i);
        const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
        if (named) {
          out += `(?<${named[1]}>`;
          i += named[0].length;
          continue;
        }
        if (rest.startsWith("(?:")) {
          out += "(?:";
          i += 3;
          continue;
        }
        reErr("invalid or unsupported Perl syntax", rest.slice(0, 3));
      }
    }
    if (c === ")") depth--;
    if (c === "{") {
      const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(re.slice(i));
      if (m && (Number(m[1]) > 1000 || (m[3] !== undefined && m[3] !== "" && Number(m[3]) > 1000))) reErr("invalid repeat count", m[0]);
    }
    out += fold && /[a-zA-Z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c === "/" ? "\\/" : c;
    i++;
  }
  if (depth > 0) reErr("missing closing )", re);
  if (depth < 0) reErr("unexpected )", re);
  return { source: out, flags };
}

/** A linear-time RegExp for an RE2 pattern (global for findAll). */
export function compileRegex(re: string, global = false): RegExp {
  const key = (global ? "g" : "-") + re;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const { source, flags } = translateRe2(re);
  let r: RegExp;
  try {
    r = new RegExp(source, flags + "l" + (global ? "g" : ""));
  } catch (e) {
    return reErr("invalid or unsupported Perl syntax", (e as Error).message.replace(/^Invalid regular expression: /, ""));
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, r);
  return r;
}

/** Go's regexp.Compile error for an RE2 pattern, or undefined when it compiles (a CRD schema's pattern). */
export function re2CompileError(re: string): string | undefined {
  try {
    compileRegex(re);
    return undefined;
  } catch (e) {
    if (e instanceof CelThrow) return e.err.message;
    throw e;
  }
}
