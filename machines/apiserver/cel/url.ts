// Kubernetes' CEL URL library (k8s.io/apiserver/pkg/cel/library/urls.go), in the base environment
// since 1.0: url(), isURL(), getScheme(), getHost(), getHostname(), getPort(), getEscapedPath(),
// getQuery(). A URL is what Go's net/url makes of the string (common/gourl.ts): ParseRequestURI
// decides whether it is one (an absolute URI or an absolute path), Parse gives its parts.
import { escapedPath, type GoURL, parseRequestURI, parseURL, query, splitHostPort, URLError } from "../../common/gourl.js";
import { declare } from "./checker.js";
import { def, noOverload } from "./functions.js";
import { CelError, CelMap, CelOpaque, CelThrow } from "./values.js";
import { mutant } from "../../common/mutation.js";

export const URL_TYPE = "kubernetes.URL";

const urlOf = (v: unknown): GoURL => (v instanceof CelOpaque && v.typeName === URL_TYPE ? (v.data as GoURL) : noOverload());

def("url", ([s]) => {
  if (typeof s !== "string") return noOverload();
  try {
    parseRequestURI(s);
    // Parse again: ParseRequestURI leaves a fragment in the path or query
    return new CelOpaque(URL_TYPE, parseURL(s));
  } catch (e) {
    if (e instanceof URLError) throw new CelThrow(new CelError(`URL parse error during conversion from string: ${e.message}`));
    throw e;
  }
});
def("isURL", ([s]) => {
  if (typeof s !== "string") return noOverload();
  try {
    parseRequestURI(s);
    return true;
  } catch (e) {
    if (e instanceof URLError) return false;
    throw e;
  }
});
def(".getScheme", ([u]) => urlOf(u).scheme);
def(".getHost", ([u]) => urlOf(u).host);
def(".getHostname", ([u]) => splitHostPort(urlOf(u).host)[0]);
def(".getPort", ([u]) => splitHostPort(urlOf(u).host)[1]);
def(".getEscapedPath", ([u]) => escapedPath(urlOf(u)));
def(".getQuery", ([u]) => new CelMap([...query(urlOf(u).rawQuery)]));
def(`.equals#${URL_TYPE}`, ([a, b]) => {
  const x = urlOf(a);
  const y = urlOf(b);
  // urls.go compares URL.String(): every part, the userinfo and fragment too
  const keys = new Set([...Object.keys(x), ...Object.keys(y)] as (keyof GoURL)[]);
  // the mutant leaves the fragment out of the comparison
  return [...keys].every((k) => x[k] === y[k] || (k === "fragment" && mutant("cel.url-equals-ignores-fragment")));
});

declare("url", `string->${URL_TYPE}`);
declare("isURL", "string->bool");
for (const f of ["getScheme", "getHost", "getHostname", "getPort", "getEscapedPath"]) declare(`.${f}`, `${URL_TYPE}->string`);
declare(".getQuery", `${URL_TYPE}->map(string,list(string))`);
