// The name and label rules (k8s.io/apimachinery/pkg/util/validation) live in common/, where
// label selectors parse too; validation imports them from here as before. The rules that return a
// field.ErrorList (apimachinery validation.go's Is*Name/Path/Key taking a fldPath) are here, beside FieldError.
import { invalidValue, required, type FieldError } from "../status.js";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, regexError } from "../../common/names.js";
import { mutant } from "../../common/mutation.js";

export * from "../../common/names.js";

/** IsFullyQualifiedName: a DNS subdomain of at least three dot-separated segments (webhook names). */
export function isFullyQualifiedName(path: string, name: string): FieldError[] {
  if (name.length === 0) return [required(path, "")];
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [invalidValue(path, name, errs.join(","))];
  if (name.split(".").length < (mutant("validation.fully-qualified-name-two-segments") ? 2 : 3)) return [invalidValue(path, name, "should be a domain with at least three segments separated by dots")];
  return [];
}

/** IsFullyQualifiedDomainName: a subdomain (a trailing dot dropped) of two or more DNS labels (FQDN endpoints). */
export function isFullyQualifiedDomainName(path: string, value: string): FieldError[] {
  if (value.length === 0) return [required(path, "")];
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length > 0) return [invalidValue(path, name, sub.join(","))];
  const labels = name.split(".");
  if (labels.length < 2) return [invalidValue(path, name, "should be a domain with at least two segments separated by dots")];
  for (const l of labels) {
    const m = isDNS1123Label(l);
    if (m.length > 0) return [invalidValue(path, l, m.join(","))];
  }
  return [];
}

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${httpPathFmt}$`);

/** IsDomainPrefixedPath: "<DNS subdomain>/<HTTP path>"; an empty value is Required (IngressClass controller, Job managedBy). */
export function isDomainPrefixedPath(path: string, value: string): FieldError[] {
  if (value.length === 0) return [required(path, "")];
  const slash = value.indexOf("/");
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? "" : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) return [invalidValue(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((msg) => invalidValue(path, host, msg));
  if (!httpPathRe.test(rest)) return [...errs, invalidValue(path, rest, regexError("Invalid path", httpPathFmt))];
  return errs;
}

/** IsDomainPrefixedKey: a label key that has a prefix; the label-key messages first. */
export function isDomainPrefixedKey(path: string, key: string): FieldError[] {
  if (key.length === 0) return [required(path, "")];
  const errs = isQualifiedName(key).map((msg) => invalidValue(path, key, msg));
  if (errs.length > 0) return errs;
  if (key.split("/").length !== 2) return [invalidValue(path, key, 'must be a domain-prefixed key (such as "acme.io/foo")')];
  return [];
}
