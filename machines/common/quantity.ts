// Kubernetes resource quantities ("100m", "1Gi", "2", "1e3") as plain numbers.
// cpu is handled in millicores so that "100m" stays an integer; everything else in base units.

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
  return Number.isNaN(v) ? NaN : Math.ceil(Math.round(v * 1e9) / 1e6);
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
