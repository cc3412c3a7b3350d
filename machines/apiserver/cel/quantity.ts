// Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go) over podflow's
// resource.Quantity model: quantity(), isQuantity(), sign, isInteger, asInteger,
// asApproximateFloat, add, sub, compareTo, isGreaterThan, isLessThan.
import { addQuantity, cmpQuantity, countQuantity, type GoQuantity, parseGoQuantity, quantityString, subQuantity } from "../../common/goquantity.js";
import { declare } from "./checker.js";
import { def, noOverload } from "./functions.js";
import { CelError, CelOpaque, CelThrow, INT64_MAX, INT64_MIN } from "./values.js";

const QUANTITY = "kubernetes.Quantity";

function q(v: unknown): GoQuantity {
  return v instanceof CelOpaque && v.typeName === QUANTITY ? (v.data as GoQuantity) : noOverload();
}
const wrap = (x: GoQuantity) => new CelOpaque(QUANTITY, x);

/** The exact integer value, if the quantity is one within int64 (Quantity.AsInt64). */
function asInt(x: GoQuantity): bigint | undefined {
  let v: bigint;
  if (x.e10 >= 0) v = x.n * 10n ** BigInt(x.e10);
  else {
    const d = 10n ** BigInt(-x.e10);
    if (x.n % d !== 0n) return undefined;
    v = x.n / d;
  }
  return v > INT64_MAX || v < INT64_MIN ? undefined : v;
}
function operand(v: unknown): GoQuantity {
  if (typeof v === "bigint") return countQuantity(Number(v));
  return q(v);
}

def("quantity", ([s]) => {
  if (typeof s !== "string") return noOverload();
  const x = parseGoQuantity(s);
  if (!x) throw new CelThrow(new CelError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
  return wrap(x);
});
def("isQuantity", ([s]) => (typeof s === "string" ? parseGoQuantity(s) !== undefined : noOverload()));
def(".sign", ([a]) => {
  const n = q(a).n;
  return n > 0n ? 1n : n < 0n ? -1n : 0n;
});
def(".isInteger", ([a]) => asInt(q(a)) !== undefined);
def(".asInteger", ([a]) => {
  const v = asInt(q(a));
  if (v === undefined) throw new CelThrow(new CelError("cannot convert value to integer"));
  return v;
});
def(".asApproximateFloat", ([a]) => {
  const x = q(a);
  return Number(x.n) * 10 ** x.e10;
});
def(".add", ([a, b]) => wrap(addQuantity(q(a), operand(b))));
def(".sub", ([a, b]) => wrap(subQuantity(q(a), operand(b))));
def(".isGreaterThan", ([a, b]) => cmpQuantity(q(a), q(b)) > 0);
def(".isLessThan", ([a, b]) => cmpQuantity(q(a), q(b)) < 0);
def(".compareTo", ([a, b]) => BigInt(cmpQuantity(q(a), q(b))));
def(`.equals#${QUANTITY}`, ([a, b]) => cmpQuantity(q(a), q(b)) === 0);
def(`.string#${QUANTITY}`, ([a]) => quantityString(q(a)));

declare("quantity", "string->kubernetes.Quantity");
declare("isQuantity", "string->bool");
declare(".sign", "kubernetes.Quantity->int");
declare(".isInteger", "kubernetes.Quantity->bool");
declare(".asInteger", "kubernetes.Quantity->int");
declare(".asApproximateFloat", "kubernetes.Quantity->double");
declare(".add", "kubernetes.Quantity,kubernetes.Quantity->kubernetes.Quantity", "kubernetes.Quantity,int->kubernetes.Quantity");
declare(".sub", "kubernetes.Quantity,kubernetes.Quantity->kubernetes.Quantity", "kubernetes.Quantity,int->kubernetes.Quantity");
declare(".isGreaterThan", "kubernetes.Quantity,kubernetes.Quantity->bool");
declare(".isLessThan", "kubernetes.Quantity,kubernetes.Quantity->bool");
declare(".compareTo", "kubernetes.Quantity,kubernetes.Quantity->int");
