// Kubernetes' CEL semver library (k8s.io/apiserver/pkg/cel/library/semverlib.go), version 1 in the
// base environment since 1.33: semver(s[, normalize]), isSemver(s[, normalize]), major(), minor(),
// patch(), isGreaterThan(), isLessThan(), compareTo(). Parsing is blang/semver v4's Parse, with its
// error texts; equality ignores build metadata as Version.EQ does.
import { goQuote } from "../../common/goquote.js";
import { declare } from "./checker.js";
import { def, noOverload } from "./functions.js";
import { CelError, CelOpaque, CelThrow } from "./values.js";
import { mutant } from "../../common/mutation.js";

export const SEMVER_TYPE = "kubernetes.Semver";
const UINT64_MAX = 2n ** 64n - 1n;

type Pre = { num: bigint } | { str: string };
interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: Pre[];
  build: string[];
}

const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[0-9A-Za-z-]*$/;
const leadingZero = (s: string) => s.length > 1 && s[0] === "0";

/** strconv.ParseUint(s, 10, 64) with its errors (s holds digits only, or is empty). */
function parseUint(s: string): bigint {
  if (s === "") throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > UINT64_MAX) throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return v;
}

/** Go's strings.SplitN(s, sep, n). */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function parse(s: string): Version {
  if (s.length === 0) throw new Error("Version string empty");
  const parts = splitN(s, ".", 3);
  if (parts.length !== 3) throw new Error("No Major.Minor.Patch elements found");
  const [maj, min] = parts as [string, string, string];
  if (!NUMBERS.test(maj)) throw new Error(`Invalid character(s) found in major number ${goQuote(maj)}`);
  if (leadingZero(maj)) throw new Error(`Major number must not contain leading zeroes ${goQuote(maj)}`);
  const major = parseUint(maj);
  if (!NUMBERS.test(min)) throw new Error(`Invalid character(s) found in minor number ${goQuote(min)}`);
  if (leadingZero(min)) throw new Error(`Minor number must not contain leading zeroes ${goQuote(min)}`);
  const minor = parseUint(min);
  let patchStr = parts[2]!;
  let build: string[] = [];
  let pre: string[] = [];
  const b = patchStr.indexOf("+");
  if (b >= 0) {
    build = patchStr.slice(b + 1).split(".");
    patchStr = patchStr.slice(0, b);
  }
  const p = patchStr.indexOf("-");
  if (p >= 0) {
    pre = patchStr.slice(p + 1).split(".");
    patchStr = patchStr.slice(0, p);
  }
  if (!NUMBERS.test(patchStr)) throw new Error(`Invalid character(s) found in patch number ${goQuote(patchStr)}`);
  if (leadingZero(patchStr)) throw new Error(`Patch number must not contain leading zeroes ${goQuote(patchStr)}`);
  const patch = parseUint(patchStr);
  const prs: Pre[] = pre.map((x) => {
    if (x.length === 0) throw new Error("Prerelease is empty");
    if (NUMBERS.test(x)) {
      if (leadingZero(x)) throw new Error(`Numeric PreRelease version must not contain leading zeroes ${goQuote(x)}`);
      return { num: parseUint(x) };
    }
    if (ALPHANUM.test(x)) return { str: x };
    throw new Error(`Invalid character(s) found in prerelease ${goQuote(x)}`);
  });
  for (const x of build) {
    if (x.length === 0) throw new Error("Build meta data is empty");
    if (!ALPHANUM.test(x)) throw new Error(`Invalid character(s) found in build meta data ${goQuote(x)}`);
  }
  return { major, minor, patch, pre: prs, build };
}

/** semverlib.go's normalizeAndParse: no "v" prefix, missing minor/patch as 0, no leading zeros. */
function normalizeAndParse(input: string): Version {
  const s = input.startsWith("v") ? input.slice(1) : input;
  const parts = splitN(s, ".", 3).map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, "");
    return t.length === 0 || !/^[0-9]/.test(t) ? `0${t}` : t;
  });
  if (parts.length < 3) {
    if (/[+-]/.test(parts[parts.length - 1]!)) throw new Error("short version cannot contain PreRelease/Build meta data");
    while (parts.length < 3) parts.push("0");
  }
  return parse(parts.join("."));
}

const cmpBig = (a: bigint, b: bigint) => (a === b ? 0 : a > b ? 1 : -1);
function comparePre(a: Pre, b: Pre): number {
  if ("num" in a && "num" in b) return cmpBig(a.num, b.num);
  // the mutant ranks a numeric identifier above an alphanumeric one
  const numericFirst = mutant("cel.semver-numeric-prerelease-higher") ? 1 : -1;
  if ("num" in a) return numericFirst;
  if ("num" in b) return -numericFirst;
  return a.str === b.str ? 0 : a.str > b.str ? 1 : -1;
}
/** Version.Compare: precedence by major, minor, patch, then prerelease (build metadata ignored). */
function compareVersions(v: Version, o: Version): number {
  const c = cmpBig(v.major, o.major) || cmpBig(v.minor, o.minor) || cmpBig(v.patch, o.patch);
  if (c !== 0) return c;
  // the mutant ranks a prerelease equal to its release
  if (v.pre.length === 0 || o.pre.length === 0) return v.pre.length === o.pre.length || mutant("cel.semver-prerelease-equals-release") ? 0 : v.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(v.pre.length, o.pre.length); i++) {
    const x = comparePre(v.pre[i]!, o.pre[i]!);
    if (x !== 0) return x;
  }
  return v.pre.length === o.pre.length ? 0 : v.pre.length < o.pre.length ? -1 : 1;
}

function versionOf(s: unknown, normalize: unknown): Version | Error {
  if (typeof s !== "string" || (normalize !== undefined && typeof normalize !== "boolean")) return noOverload();
  try {
    return normalize === true ? normalizeAndParse(s) : parse(s);
  } catch (e) {
    return e as Error;
  }
}
const sv = (v: unknown): Version => (v instanceof CelOpaque && v.typeName === SEMVER_TYPE ? (v.data as Version) : noOverload());
// types.Int of a uint64: values past int64 wrap as Go's conversion does
const asInt = (v: bigint) => BigInt.asIntN(64, v);

def("semver", ([s, n]) => {
  const v = versionOf(s, n);
  if (v instanceof Error) throw new CelThrow(new CelError(v.message));
  return new CelOpaque(SEMVER_TYPE, v);
});
def("isSemver", ([s, n]) => !(versionOf(s, n) instanceof Error));
def(".major", ([v]) => asInt(sv(v).major));
def(".minor", ([v]) => asInt(sv(v).minor));
def(".patch", ([v]) => asInt(sv(v).patch));
def(`.isGreaterThan@${SEMVER_TYPE}`, ([a, b]) => compareVersions(sv(a), sv(b)) === 1);
def(`.isLessThan@${SEMVER_TYPE}`, ([a, b]) => compareVersions(sv(a), sv(b)) === -1);
def(`.compareTo@${SEMVER_TYPE}`, ([a, b]) => BigInt(compareVersions(sv(a), sv(b))));
def(`.equals#${SEMVER_TYPE}`, ([a, b]) => compareVersions(sv(a), sv(b)) === 0);

declare("semver", `string->${SEMVER_TYPE}`, `string,bool->${SEMVER_TYPE}`);
declare("isSemver", "string->bool", "string,bool->bool");
declare(".major", `${SEMVER_TYPE}->int`);
declare(".minor", `${SEMVER_TYPE}->int`);
declare(".patch", `${SEMVER_TYPE}->int`);
declare(".isGreaterThan", `${SEMVER_TYPE},${SEMVER_TYPE}->bool`);
declare(".isLessThan", `${SEMVER_TYPE},${SEMVER_TYPE}->bool`);
declare(".compareTo", `${SEMVER_TYPE},${SEMVER_TYPE}->int`);
