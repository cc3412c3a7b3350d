// ext.Strings' string.format (Kubernetes' strings library v2): %s %d %f %e %b %o %x %X %% with
// an optional precision; numbers rounded half-to-even on their exact binary value, as Go's fmt does.
import type { Cost } from "./eval.js";
import { def, goFloat, noOverload } from "./functions.js";
import { durationString, formatTimestamp } from "./time.js";
import { CelBytes, CelDuration, CelError, CelMap, CelThrow, CelTimestamp, CelType, CelUint } from "./values.js";

function fail(message: string): never {
  throw new CelThrow(new CelError(`error during formatting: ${message}`));
}

/** The exact decimal digits of a finite double and the position of its decimal point. */
function exactDecimal(f: number): { digits: string; point: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(f));
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (exp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = exp - 1075;
  }
  if (e2 >= 0) {
    const s = (mant << BigInt(e2)).toString();
    return { digits: s, point: s.length };
  }
  const k = -e2;
  const s = (mant * 5n ** BigInt(k)).toString().padStart(k + 1, "0");
  return { digits: s, point: s.length - k };
}

/** Rounds to `frac` digits after the point, half to even; returns the digit string and point. */
function roundAt(d: { digits: string; point: number }, keep: number): { digits: string; point: number } {
  if (keep >= d.digits.length) return { digits: d.digits.padEnd(keep, "0"), point: d.point };
  if (keep < 0) return { digits: "0", point: d.point + 1 };
  const head = d.digits.slice(0, keep);
  const rest = d.digits.slice(keep);
  const first = rest[0]!;
  const tail = rest.slice(1).replace(/0+$/, "");
  const last = keep > 0 ? Number(head[keep - 1]) : 0;
  const up = first > "5" || (first === "5" && (tail !== "" || last % 2 === 1));
  if (!up) return { digits: head || "0", point: keep === 0 ? d.point + 1 : d.point };
  const n = (BigInt(head || "0") + 1n).toString().padStart(keep, "0");
  if (n.length > keep && keep > 0) return { digits: n, point: d.point + 1 };
  return { digits: n, point: keep === 0 ? d.point + 1 : d.point };
}

function special(f: number): string | undefined {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "Infinity";
  if (f === Number.NEGATIVE_INFINITY) return "-Infinity";
  return undefined;
}

export function fixed(f: number, prec: number): string {
  const sp = special(f);
  if (sp) return sp;
  const d = exactDecimal(f);
  const r = roundAt(d, d.point + prec);
  let intPart = r.digits.slice(0, r.point).replace(/^0+(?=\d)/, "") || "0";
  let fracPart = r.digits.slice(r.point, r.point + prec).padEnd(prec, "0");
  if (r.point <= 0) {
    intPart = "0";
    fracPart = ("0".repeat(-r.point) + r.digits).slice(0, prec).padEnd(prec, "0");
  }
  const neg = f < 0 || Object.is(f, -0) ? "-" : "";
  return neg + intPart + (prec > 0 ? "." + fracPart : "");
}

export function scientific(f: number, prec: number): string {
  const sp = special(f);
  if (sp) return sp;
  const neg = f < 0 ? "-" : "";
  if (f === 0) return `${neg}0${prec > 0 ? "." + "0".repeat(prec) : ""}e+00`;
  const d = exactDecimal(f);
  const lead = d.digits.search(/[1-9]/);
  const sig = { digits: d.digits.slice(lead), point: d.point - lead };
  const r = roundAt(sig, prec + 1);
  const exp = r.point - 1 + (r.digits.length > prec + 1 ? 0 : 0);
  const digits = r.digits.slice(0, prec + 1);
  const e = r.digits.length > prec + 1 ? exp : exp;
  const abs = Math.abs(e);
  return `${neg}${digits[0]}${prec > 0 ? "." + digits.slice(1) : ""}e${e < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
}

function plain(v: unknown, nested: boolean): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof CelUint) return v.v.toString();
  if (typeof v === "number") return special(v) ?? (Math.abs(v) < 1e21 ? String(v) : goFloat(v));
  if (typeof v === "boolean") return String(v);
  if (v === null) return "null";
  if (v instanceof CelBytes) return new TextDecoder().decode(v.b);
  if (v instanceof CelType) return v.name;
  if (v instanceof CelDuration) return durationString(v.ns);
  if (v instanceof CelTimestamp) return formatTimestamp(v.ns);
  if (Array.isArray(v)) return `[${v.map((x) => plain(x, true)).join(", ")}]`;
  if (v instanceof CelMap) {
    const parts = v.entries().map(([k, x]) => [plain(k, true), plain(x, true)] as const);
    parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `{${parts.map(([k, x]) => `${k}: ${x}`).join(", ")}}`;
  }
  void nested;
  return fail(`no formatting function for ${typeof v}`);
}

function integer(v: unknown, radix: number, clause: string): string {
  if (typeof v === "bigint") return (v < 0n ? "-" : "") + (v < 0n ? -v : v).toString(radix);
  if (v instanceof CelUint) return v.v.toString(radix);
  if (radix === 2 && typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number" && radix === 10 && special(v)) return special(v)!;
  return fail(`${clause} clause can only be used on integers, was given ${typeof v}`);
}

function hex(v: unknown, upper: boolean): string {
  let out: string;
  if (typeof v === "string") out = Buffer.from(v, "utf8").toString("hex");
  else if (v instanceof CelBytes) out = Buffer.from(v.b).toString("hex");
  else out = integer(v, 16, "hex");
  return upper ? out.toUpperCase() : out;
}

function asDouble(v: unknown, clause: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof CelUint) return Number(v.v);
  return fail(`${clause} clause can only be used on doubles, was given ${typeof v}`);
}

export function formatString(fmt: string, args: readonly unknown[]): string {
  let out = "";
  let argi = 0;
  const next = (): unknown => {
    if (argi >= args.length) fail(`index ${argi} out of range`);
    return args[argi++];
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    i++;
    if (fmt[i] === "%") {
      out += "%";
      continue;
    }
    let prec: number | undefined;
    const m = /^\.([0-9]+)/.exec(fmt.slice(i));
    if (m) {
      prec = Number(m[1]);
      i += m[0].length;
    }
    const verb = fmt[i];
    switch (verb) {
      case "s":
        out += plain(next(), false);
        break;
      case "d":
        out += integer(next(), 10, "decimal");
        break;
      case "b":
        out += integer(next(), 2, "binary");
        break;
      case "o":
        out += integer(next(), 8, "octal");
        break;
      case "x":
      case "X":
        out += hex(next(), verb === "X");
        break;
      case "f":
        out += fixed(asDouble(next(), "fixed-point"), prec ?? 6);
        break;
      case "e":
        out += scientific(asDouble(next(), "scientific"), prec ?? 6);
        break;
      default:
        fail(`could not parse formatting clause: unrecognized formatting clause "${verb ?? ""}"`);
    }
  }
  return out;
}

def(".format", ([s, l], cost: Cost) => {
  if (typeof s !== "string" || !Array.isArray(l)) return noOverload();
  cost.add(Math.ceil(s.length * 0.1));
  return formatString(s, l);
});
