// Kubernetes resource quantities ("100m", "1Gi", "2", "1e3") as plain numbers.
// cpu is handled in millicores so that "100m" stays an integer; everything else in base units.

import { mutant } from "./mutation.js";

const binarySuffixes: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const decimalSuffixes: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

const quantityPattern = /^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** True when s is a well-formed Kubernetes quantity (the API server's own check). */
export function isQuantity(s: unknown): boolean {
  if (typeof s === "number") return Number.isFinite(s);
  if (typeof s !== "string") return false;
  const m = quantityPattern.exec(s);
  return m !== null && /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(m[1]!);
}

/** The value of a quantity in base units (cores, bytes, counts); NaN when malformed. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === "number") return q;
  const m = quantityPattern.exec(q.trim());
  if (!m || !isQuantity(q.trim())) return NaN;
  const base = Number(m[1]);
  const suffix = m[2] ?? "";
  if (m[3]) return base * 10 ** Number(m[3].slice(1));
  const mult = binarySuffixes[suffix] ?? decimalSuffixes[suffix];
  return mult === undefined ? NaN : base * mult;
}

/** Millicores (or milli-units) of a quantity, rounded up as Kubernetes' MilliValue does. */
export function milliValue(q: string | number | undefined): number {
  const v = parseQuantity(q);
  // the mutant truncates a fraction of a milli-unit instead of rounding it up
  return Number.isNaN(v) ? NaN : (mutant("quantity.milli-value-truncates") ? Math.floor : Math.ceil)(Math.round(v * 1e9) / 1e6);
}

/** The integer value of a quantity, rounded up as Kubernetes' Value does. */
export function intValue(q: string | number | undefined): number {
  const v = parseQuantity(q);
  return Number.isNaN(v) ? NaN : Math.ceil(Math.round(v * 1e6) / 1e6);
}

/** Formats millicores as Kubernetes prints cpu: "250m", or "2" for whole cores. */
export function formatMilli(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Formats bytes with the largest binary suffix that divides them exactly ("128Mi"). */
export function formatBytes(bytes: number): string {
  for (const s of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]) {
    const m = binarySuffixes[s]!;
    if (bytes !== 0 && bytes % m === 0) return `${bytes / m}${s}`;
  }
  return String(bytes);
}

/** A quantity as milli-units and the format Go's resource.Quantity keeps (the one it was written in). */
export interface Qty {
  milli: number;
  binary: boolean;
}

/** Parses a quantity into milli-units and its format (BinarySI for Ki..Ei suffixes); undefined when malformed. */
export function qty(q: string | number): Qty | undefined {
  const milli = milliValue(q);
  if (Number.isNaN(milli)) return undefined;
  return { milli, binary: typeof q === "string" && /[KMGTPE]i$/.test(q.trim()) };
}

/** Quantity.Add: the sum keeps the receiver's format, or takes the addend's when the receiver is zero. */
export function addQty(a: Qty, b: Qty): Qty {
  return { milli: a.milli + b.milli, binary: a.milli === 0 ? b.binary : a.binary };
}

/**
 * Quantity.String(): the canonical form. BinarySI under 1024 or with a fraction prints as DecimalSI;
 * BinarySI takes the largest binary suffix dividing it; DecimalSI the largest power of 1000 ("500m", "1500M").
 */
export function formatQty(q: Qty): string {
  const { milli } = q;
  if (q.binary && milli % 1000 === 0 && Math.abs(milli) >= 1024_000) {
    const v = milli / 1000;
    for (const s of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]) {
      const m = binarySuffixes[s]!;
      if (v % m === 0) return `${v / m}${s}`;
    }
    return String(v);
  }
  if (milli === 0) return "0";
  if (milli % 1000 !== 0) return `${milli}m`;
  let v = milli / 1000;
  for (const s of ["", "k", "M", "G", "T", "P"]) {
    if (v % 1000 !== 0 || s === "P") return `${v}${s}`;
    v /= 1000;
  }
  return `${v}E`;
}

/** A quantity written by a client as the API server stores and prints it ("1.5Gi" -> "1536Mi"). */
export function canonicalQuantity(q: string | number): string {
  const p = qty(q);
  return p ? formatQty(p) : String(q);
}
