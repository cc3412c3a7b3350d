// Kubernetes' CEL format library (k8s.io/apiserver/pkg/cel/library/format.go), in the base
// environment since 1.31: format.named(name) and format.<name>() give a kubernetes.NamedFormat whose
// validate(s) is optional.none() when s is valid, else the validator's messages.
import { isQualifiedName, isValidLabelValue, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from "../../common/names.js";
import { declare } from "./checker.js";
import { def, noOverload } from "./functions.js";
import { parseRequestURI } from "../../common/gourl.js";
import { CelOpaque, CelOptional } from "./values.js";

const FORMAT_TYPE = "kubernetes.NamedFormat";

interface NamedFormat {
  readonly name: string;
  readonly validate: (s: string) => string[];
}

const one = (ok: boolean, message: string) => (ok ? [] : [message]);

/** time.Parse("2006-01-02"): four-digit year, two-digit month and a day that exists in it. */
function isFullDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= days;
}

/** strfmt's IsDateTime: a full date, 't', then hh:mm:ss[.frac] and 'z' or an offset (case-insensitive). */
function isDateTime(str: string): boolean {
  if (str.length < 4) return false;
  const s = str.toLowerCase().split("t");
  if (s.length < 2 || !isFullDate(s[0]!)) return false;
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(s[1]!);
  return m !== null && m[1]! <= "23" && m[2]! <= "59" && m[3]! <= "59";
}

/** base64.StdEncoding.DecodeString succeeds: padded standard alphabet (CR and LF ignored). */
function isBase64(s: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s.replace(/[\r\n]/g, ""));
}

const FORMATS: ReadonlyMap<string, NamedFormat> = new Map<string, NamedFormat>([
  ["dns1123Label", { name: "DNS1123Label", validate: (s) => nameIsDNSLabel(s, false) }],
  ["dns1123Subdomain", { name: "DNS1123Subdomain", validate: (s) => nameIsDNSSubdomain(s, false) }],
  ["dns1035Label", { name: "DNS1035Label", validate: (s) => nameIsDNS1035Label(s, false) }],
  ["qualifiedName", { name: "QualifiedName", validate: isQualifiedName }],
  ["dns1123LabelPrefix", { name: "DNS1123LabelPrefix", validate: (s) => nameIsDNSLabel(s, true) }],
  ["dns1123SubdomainPrefix", { name: "DNS1123SubdomainPrefix", validate: (s) => nameIsDNSSubdomain(s, true) }],
  ["dns1035LabelPrefix", { name: "DNS1035LabelPrefix", validate: (s) => nameIsDNS1035Label(s, true) }],
  ["labelValue", { name: "LabelValue", validate: isValidLabelValue }],
  [
    "uri",
    {
      name: "URI",
      validate: (s) => {
        try {
          parseRequestURI(s);
          return [];
        } catch (e) {
          return [(e as Error).message];
        }
      },
    },
  ],
  ["uuid", { name: "uuid", validate: (s) => one(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s), "does not match the UUID format") }],
  ["byte", { name: "byte", validate: (s) => one(isBase64(s), "invalid base64") }],
  ["date", { name: "date", validate: (s) => one(isFullDate(s), "invalid date") }],
  ["datetime", { name: "datetime", validate: (s) => one(isDateTime(s), "invalid datetime") }],
]);

const fmtOf = (v: unknown): NamedFormat => (v instanceof CelOpaque && v.typeName === FORMAT_TYPE ? (v.data as NamedFormat) : noOverload());

def("format.named", ([n]) => {
  if (typeof n !== "string") return noOverload();
  const f = FORMATS.get(n);
  return f ? new CelOptional(true, new CelOpaque(FORMAT_TYPE, f)) : new CelOptional(false);
});
for (const [key, f] of FORMATS) {
  def(`format.${key}`, () => new CelOpaque(FORMAT_TYPE, f));
  declare(`format.${key}`, `->${FORMAT_TYPE}`);
}
def(".validate", ([f, s]) => {
  const fmt = fmtOf(f);
  if (typeof s !== "string") return noOverload();
  const errs = fmt.validate(s);
  return errs.length === 0 ? new CelOptional(false) : new CelOptional(true, errs);
});
def(`.equals#${FORMAT_TYPE}`, ([a, b]) => fmtOf(a).name === fmtOf(b).name);

declare("format.named", `string->opt(${FORMAT_TYPE})`);
declare(".validate", `${FORMAT_TYPE},string->opt(list(string))`);
