// apimachinery util/intstr: GetScaledValueFromIntOrPercent, shared by the Deployment, disruption and
// DaemonSet controllers' fenceposts.

import { mutant } from "./mutation.js";

/** getIntOrPercentValueSafely: an int as is; a string must end in "%" and its rest pass strconv.Atoi. */
function intOrPercentValue(v: number | string): { value: number; percent: boolean } | { error: string } {
  if (typeof v === "number") return { value: v, percent: false };
  if (!v.endsWith("%")) return { error: "invalid type: string is not a percentage" };
  const s = v.slice(0, -1);
  const atoi = (why: string) => ({ error: `invalid value ${JSON.stringify(v)}: strconv.Atoi: parsing ${JSON.stringify(s)}: ${why}` });
  if (!/^[+-]?[0-9]+$/.test(s)) return atoi("invalid syntax");
  const n = BigInt(s);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return atoi("value out of range");
  return { value: Number(n), percent: true };
}

/** GetScaledValueFromIntOrPercent: a percent of total rounded up or down (float64 arithmetic, as Go), or the error. */
export function scaledValueFromIntOrPercent(v: number | string, total: number, roundUp: boolean): number | { error: string } {
  const r = intOrPercentValue(v);
  if ("error" in r) return { error: `invalid value for IntOrString: ${r.error}` };
  if (!r.percent) return r.value;
  const x = (r.value * total) / 100;
  return roundUp && !mutant("intstr.percent-always-rounds-down") ? Math.ceil(x) : Math.floor(x);
}
