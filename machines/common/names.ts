// The string checks of k8s.io/apimachinery/pkg/util/validation: each returns the messages Kubernetes
// returns (empty when valid). Regexes are compiled once, here.

import { utf8Length } from "./bytes.js";
import { mutant } from "./mutation.js";

const dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
const qualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const labelValueFmt = `(${qualifiedNameFmt})?`;
const configMapKeyFmt = "[-._a-zA-Z0-9]+";
const percentFmt = "[0-9]+%";

const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
const configMapKeyRe = new RegExp(`^${configMapKeyFmt}$`);
const percentRe = new RegExp(`^${percentFmt}$`);
const portNameCharsetRe = /^[-a-z0-9]+$/;
const portNameOneLetterRe = /[a-z]/;
const relaxedEnvVarNameRe = /^[\x20-\x3C\x3E-\x7E]+$/;

/** validation.RegexError: "<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')". */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((ex, i) => {
    if (i > 0) s += " or ";
    s += `'${ex}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

/** content.MaxLenError: label keys and values (apimachinery's content package) count bytes. */
function maxLenBytesError(length: number): string {
  return `must be no more than ${length} bytes`;
}

/** validation.MaxLenError. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** validation.InclusiveRangeError. */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

// Go's len() counts UTF-8 bytes: a non-ASCII value reaches a length limit sooner than its JS length says.
function byteLength(value: string): number {
  return utf8Length(value);
}

export const isNegativeErrorMsg = "must be greater than or equal to 0";
export const fieldImmutableErrorMsg = "field is immutable";

/** IsDNS1123Label: at most 63 lower-case alphanumerics or '-', alphanumeric at both ends. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > (mutant("validation.dns-label-allows-64") ? 64 : 63)) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain of legal length that is not a label can only be wrong for its dots.
    if (dns1123SubdomainRe.test(value)) errs.push("must not contain dots");
    else errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFmt, "my-name", "123-abc"));
  }
  return errs;
}

/** IsDNS1123Subdomain: at most 253 characters of dot-separated RFC 1123 labels. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFmt, "example.com"));
  }
  return errs;
}

const dns1123LabelWithUnderscoreFmt = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const dns1123SubdomainWithUnderscoreFmt = `${dns1123LabelWithUnderscoreFmt}(\\.${dns1123LabelWithUnderscoreFmt})*`;
const dns1123SubdomainWithUnderscoreRe = new RegExp(`^${dns1123SubdomainWithUnderscoreFmt}$`);

/** IsDNS1123SubdomainWithUnderscore: a subdomain whose labels may start with '_' and hold '_' (pod DNS search domains). */
export function isDNS1123SubdomainWithUnderscore(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainWithUnderscoreRe.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainWithUnderscoreFmt, "example.com"));
  }
  return errs;
}

const wildcardDNS1123SubdomainFmt = `\\*\\.${dns1123SubdomainFmt}`;
const wildcardDNS1123SubdomainRe = new RegExp(`^${wildcardDNS1123SubdomainFmt}$`);

/** IsWildcardDNS1123Subdomain: "*." then a DNS subdomain, at most 253 characters (Ingress hosts). */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!wildcardDNS1123SubdomainRe.test(value)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", wildcardDNS1123SubdomainFmt, "*.example.com"));
  }
  return errs;
}

/** content.IsPathSegmentName (path.IsValidPathSegmentName): what may not be a segment of a URL path. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const illegal of ["/", "%"]) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
}

/** IsDNS1035Label: like an RFC 1123 label but starting with a letter (Service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", dns1035LabelFmt, "my-name", "abc-123"));
  }
  return errs;
}

const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** IsQualifiedName (content.IsLabelKey in v1.35): an optional DNS-subdomain prefix and '/', then a name of at most 63 characters (label keys). */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  // A value that is not a string (a client's finalizer) fails as value.split("/") did.
  if (typeof value !== "string") (value as { split(s: string): unknown }).split("/");
  // value.split("/") into one, two or more parts, without the array (label keys are checked on every write)
  const slash = value.indexOf("/");
  let name: string;
  if (slash < 0) {
    name = value;
  } else if (value.indexOf("/", slash + 1) < 0) {
    const prefix = value.slice(0, slash);
    name = value.slice(slash + 1);
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m.replace(maxLenError(253), maxLenBytesError(253))}`);
  } else {
    return [`a valid label key ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (utf8Length(name) > 63) errs.push(`name part ${maxLenBytesError(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc")}`);
  return errs;
}

/** IsValidLabelValue: empty, or at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > 63) errs.push(maxLenBytesError(63));
  if (!labelValueRe.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", labelValueFmt, "MyValue", "my_value", "12345"));
  }
  return errs;
}

/** IsValidPortNum: 1..65535. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** IsInRange: min..max inclusive. */
export function isInRange(value: number, min: number, max: number): string[] {
  return value >= min && value <= max ? [] : [inclusiveRangeError(min, max)];
}

const maxID = 2147483647; // math.MaxInt32

/** IsValidGroupID: 0..MaxInt32. */
export function isValidGroupID(gid: number): string[] {
  return gid >= 0 && gid <= maxID ? [] : [inclusiveRangeError(0, maxID)];
}

/** IsValidUserID: 0..MaxInt32. */
export function isValidUserID(uid: number): string[] {
  return uid >= 0 && uid <= maxID ? [] : [inclusiveRangeError(0, maxID)];
}

const httpHeaderNameFmt = "[-A-Za-z0-9]+";
const httpHeaderNameRe = new RegExp(`^${httpHeaderNameFmt}$`);

/** IsHTTPHeaderName: alphanumerics and '-' (probe httpHeaders). */
export function isHTTPHeaderName(value: string): string[] {
  return httpHeaderNameRe.test(value) ? [] : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", httpHeaderNameFmt, "X-Header-Name")];
}

/** IsValidPortName: an IANA_SVC_NAME (at most 15 lower-case alphanumerics or '-', with a letter, no '--'). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!portNameCharsetRe.test(port)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!portNameOneLetterRe.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-"))) errs.push("must not begin or end with a hyphen");
  return errs;
}

/** IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, GA in v1.34): non-empty printable ASCII except '='. */
export function isRelaxedEnvVarName(value: string): string[] {
  if (value.length === 0) return ["environment variable name must be non-empty"];
  return relaxedEnvVarNameRe.test(value) ? [] : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

/** IsConfigMapKey: keys of ConfigMap and Secret data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!configMapKeyRe.test(value)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, "key.name", "KEY_NAME", "key-name"));
  if (value === ".") errs.push("must not be '.'");
  else if (value === "..") errs.push("must not be '..'");
  else if (value.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

/** IsValidPercent: digits followed by '%'. */
export function isValidPercent(value: string): string[] {
  return percentRe.test(value) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, "1%", "93%")];
}

// A generateName prefix may end in '-': validate it as if a suffix followed (maskTrailingDash).
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -1)}a` : name;
}

export type NameFn = (name: string, prefix: boolean) => string[];

/** NameIsDNSSubdomain: the name rule of most kinds. */
export const nameIsDNSSubdomain: NameFn = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** NameIsDNSLabel: Namespace names. */
export const nameIsDNSLabel: NameFn = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
/** NameIsDNS1035Label: Service names. */
export const nameIsDNS1035Label: NameFn = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
