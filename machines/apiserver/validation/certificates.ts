// certificates.k8s.io/v1 CertificateSigningRequest (pkg/apis/certificates/validation): the request
// must be a PEM CERTIFICATE REQUEST signed by its own key, usages known and unique, signerName a
// domain and a path, expirationSeconds at least 600; conditions True-only for Approved, Denied and
// Failed, Approved and Denied exclusive; status.certificate only CERTIFICATE blocks. Updates: no
// Approved/Denied/Failed condition removed, approval conditions only through /approval, the
// certificate only through /status and only once. The compatibility options for data stored by
// older versions (duplicate usages, the legacy signer...) are read from the old object as there.

import { checkSignature, parseCertificates, parseCSR, pemDecode } from "../../common/csr.js";
import { semanticEqual } from "../../common/equal.js";
import { duplicate, forbiddenField, goQuote, invalidValue, notSupported, required, tooLong, type FieldError } from "../status.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1123Label, isDNS1123Subdomain } from "./names.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** The legacy signer v1 refuses on create (certificates.LegacyUnknownSignerName). */
export const legacyUnknownSignerName = "kubernetes.io/legacy-unknown";

/** allValidUsages, in the sorted order sets.String.List() gives. */
export const allValidUsages: readonly string[] = [
  "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only",
  "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement",
  "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping",
];
const validUsages = new Set(allValidUsages);
const trueOnlyConditions = new Set(["Approved", "Denied", "Failed"]);

interface Options {
  allowSettingApprovalConditions: boolean;
  allowSettingCertificate: boolean;
  allowBothApprovedAndDenied: boolean;
  allowLegacySignerName: boolean;
  allowDuplicateConditionTypes: boolean;
  allowEmptyConditionType: boolean;
  allowArbitraryCertificate: boolean;
  allowUnknownUsages: boolean;
  allowDuplicateUsages: boolean;
}

/** The bytes of a []byte field as the JSON carries it (base64), or undefined when absent. */
function bytesOf(v: unknown): Uint8Array | undefined {
  return typeof v === "string" ? new Uint8Array(Buffer.from(v, "base64")) : undefined;
}

const sameBytes = (a: unknown, b: unknown) => (typeof a === "string" ? a : "") === (typeof b === "string" ? b : "");

/** validateCSR: ParseCSR, then CheckSignature; the error text, or undefined. */
export function csrRequestError(request: unknown): string | undefined {
  const parsed = parseCSR(bytesOf(request) ?? new Uint8Array());
  return "error" in parsed ? parsed.error : checkSignature(parsed);
}

/** validateCertificate: status.certificate holds CERTIFICATE PEM blocks only (no headers, each parsing as certificates), at least one (empty is fine). */
export function certificateError(pem: Uint8Array | undefined): string | undefined {
  if (pem === undefined || pem.length === 0) return undefined;
  let rest = Buffer.from(pem).toString("latin1");
  let blocks = 0;
  // bounded: each pass consumes one block of the field's bytes
  for (;;) {
    const start = rest.indexOf("-----BEGIN ");
    const block = start < 0 ? undefined : pemDecode(rest.slice(start));
    if (block === undefined) break;
    if (block.type !== "CERTIFICATE") return `only CERTIFICATE PEM blocks are allowed, found ${goQuote(block.type)}`;
    if (block.headers) return "no PEM block headers are permitted";
    blocks++;
    // x509.ParseCertificates: its error as is, or none parsed at all
    const certs = parseCertificates(block.bytes);
    if ("error" in certs) return certs.error;
    if (certs.count === 0) return "found CERTIFICATE PEM block containing 0 certificates";
    const end = rest.indexOf("-----END ", start);
    rest = rest.slice(rest.indexOf("-----", end + 9) + 5);
  }
  return blocks === 0 ? "must contain at least one CERTIFICATE PEM block" : undefined;
}

/** ValidateSignerName (pkg/apis/core/validation): domain/path, each part made of DNS labels or subdomains. */
export function validateSignerName(path: string, signerName: string): FieldError[] {
  if (signerName === "") return [required(path)];
  const segments = signerName.split("/");
  if (segments.length !== 2) return [invalidValue(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const errs: FieldError[] = [];
  const [domain, rest] = segments as [string, string];
  if (domain.length > 253) errs.push(tooLong(path, "", 253));
  const domainLabels = domain.split(".");
  for (const lbl of domainLabels) {
    const found = isDNS1123Label(lbl);
    if (found.length > 0) {
      for (const e of found) errs.push(invalidValue(path, domain, `validating label ${goQuote(lbl)}: ${e}`));
      break;
    }
  }
  if (domainLabels.length < 2) errs.push(invalidValue(path, domain, "should be a domain with at least two segments separated by dots"));
  for (const lbl of rest.split(".")) {
    const found = isDNS1123Subdomain(lbl);
    if (found.length > 0) {
      for (const e of found) errs.push(invalidValue(path, rest, `validating label ${goQuote(lbl)}: ${e}`));
      break;
    }
  }
  const maxSignerNameLength = 253 + (253 + 63 + 1) + 1;
  if (signerName.length > maxSignerNameLength) errs.push(tooLong(path, "", maxSignerNameLength));
  return errs;
}

function conditionsOf(csr: Obj): Obj[] {
  return Array.isArray(csr?.status?.conditions) ? csr.status.conditions : [];
}

function validateConditions(csr: Obj, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let hasApproved = false;
  let hasDenied = false;
  conditionsOf(csr).forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    const type = typeof c?.type === "string" ? c.type : "";
    const status = typeof c?.status === "string" ? c.status : "";
    if (!opts.allowEmptyConditionType && type === "") errs.push(required(`${at}.type`));
    const allowed = trueOnlyConditions.has(type) ? ["True"] : ["False", "True", "Unknown"];
    if (status === "") errs.push(required(`${at}.status`));
    else if (!allowed.includes(status)) errs.push(notSupported(`${at}.status`, status, allowed));
    // the mutant lets a request be both Approved and Denied
    if (!opts.allowBothApprovedAndDenied && !mutant("validation.csr-approved-and-denied-accepted")) {
      if (type === "Approved") {
        hasApproved = true;
        if (hasDenied) errs.push(invalidValue(`${at}.type`, type, "Approved and Denied conditions are mutually exclusive"));
      } else if (type === "Denied") {
        hasDenied = true;
        if (hasApproved) errs.push(invalidValue(`${at}.type`, type, "Approved and Denied conditions are mutually exclusive"));
      }
    }
    if (!opts.allowDuplicateConditionTypes) {
      if (seen.has(type)) errs.push(duplicate(`${at}.type`, type));
      seen.add(type);
    }
  });
  return errs;
}

function validate(csr: Obj, opts: Options): FieldError[] {
  const errs = validateObjectMeta(csr.metadata, false, () => []);
  const spec = csr.spec ?? {};
  const reqError = csrRequestError(spec.request);
  if (reqError !== undefined) errs.push(invalidValue("spec.request", spec.request ?? null, reqError));
  const usages: unknown[] = Array.isArray(spec.usages) ? spec.usages : [];
  if (usages.length === 0) errs.push(required("spec.usages"));
  if (!opts.allowUnknownUsages) usages.forEach((u, i) => !validUsages.has(u as string) && errs.push(notSupported(`spec.usages[${i}]`, u, allValidUsages)));
  if (!opts.allowDuplicateUsages) {
    const seen = new Set<unknown>();
    usages.forEach((u, i) => {
      if (seen.has(u)) errs.push(duplicate(`spec.usages[${i}]`, u));
      seen.add(u);
    });
  }
  const signerName = typeof spec.signerName === "string" ? spec.signerName : "";
  if (!opts.allowLegacySignerName && signerName === legacyUnknownSignerName) errs.push(invalidValue("spec.signerName", signerName, "the legacy signerName is not allowed via this API version"));
  else errs.push(...validateSignerName("spec.signerName", signerName));
  if (typeof spec.expirationSeconds === "number" && spec.expirationSeconds < 600) errs.push(invalidValue("spec.expirationSeconds", spec.expirationSeconds, "may not specify a duration less than 600 seconds (10 minutes)"));
  errs.push(...validateConditions(csr, opts));
  if (!opts.allowArbitraryCertificate) {
    const e = certificateError(bytesOf(csr.status?.certificate));
    if (e !== undefined) errs.push(invalidValue("status.certificate", "<certificate data>", e));
  }
  return errs;
}

/** getValidationOptions: what the old object already holds is tolerated (compatibility with stored data). */
function optionsFor(csr: Obj, old: Obj | undefined): Options {
  const oldConditions = old ? conditionsOf(old) : [];
  const types = oldConditions.map((c) => c?.type);
  const oldUsages: unknown[] = Array.isArray(old?.spec?.usages) ? old.spec.usages : [];
  return {
    allowSettingApprovalConditions: false,
    allowSettingCertificate: false,
    allowBothApprovedAndDenied: types.includes("Approved") && types.includes("Denied"),
    allowLegacySignerName: old?.spec?.signerName === legacyUnknownSignerName,
    allowDuplicateConditionTypes: new Set(types).size !== types.length,
    allowEmptyConditionType: types.some((t) => t === "" || t === undefined),
    allowArbitraryCertificate: (old !== undefined && sameBytes(csr.status?.certificate, old.status?.certificate)) || (old !== undefined && certificateError(bytesOf(old.status?.certificate)) !== undefined),
    allowUnknownUsages: oldUsages.some((u) => !validUsages.has(u as string)),
    allowDuplicateUsages: new Set(oldUsages).size !== oldUsages.length,
  };
}

/** ValidateCertificateSigningRequestCreate. */
export function validateCertificateSigningRequest(csr: Obj): FieldError[] {
  return validate(csr, optionsFor(csr, undefined));
}

function validateUpdateWith(csr: Obj, old: Obj, opts: Options): FieldError[] {
  const errs = validate(csr, opts);
  const find = (o: Obj, t: string) => conditionsOf(o).filter((c) => c?.type === t);
  for (const t of ["Approved", "Denied", "Failed"]) {
    if (find(csr, t).length < find(old, t).length) errs.push(forbiddenField("status.conditions", `updates may not remove a condition of type ${goQuote(t)}`));
  }
  if (!opts.allowSettingApprovalConditions) {
    for (const t of ["Approved", "Denied"]) {
      const before = find(old, t);
      const after = find(csr, t);
      if (after.length > before.length) errs.push(forbiddenField("status.conditions", `updates may not add a condition of type ${goQuote(t)}`));
      // Kubernetes appends cmp.Diff's report of the change, which is not reproduced here
      else if (after.length === before.length && !semanticEqual(before, after)) errs.push(forbiddenField("status.conditions", `updates may not modify a condition of type ${goQuote(t)}`));
    }
  }
  if (!sameBytes(csr.status?.certificate, old.status?.certificate)) {
    if (!opts.allowSettingCertificate) errs.push(forbiddenField("status.certificate", "updates may not set certificate content"));
    else if (typeof old.status?.certificate === "string" && old.status.certificate !== "") errs.push(forbiddenField("status.certificate", "updates may not modify existing certificate content"));
  }
  return [...errs, ...validateObjectMetaUpdate(csr.metadata, old.metadata)];
}

/** ValidateCertificateSigningRequestUpdate (the main resource). */
export function validateCertificateSigningRequestUpdate(csr: Obj, old: Obj): FieldError[] {
  return validateUpdateWith(csr, old, optionsFor(csr, old));
}

/** ValidateCertificateSigningRequestStatusUpdate: the certificate may be set, once. */
export function validateCertificateSigningRequestStatusUpdate(csr: Obj, old: Obj): FieldError[] {
  return validateUpdateWith(csr, old, { ...optionsFor(csr, old), allowSettingCertificate: true });
}

/** ValidateCertificateSigningRequestApprovalUpdate: Approved and Denied conditions may be added or changed. */
export function validateCertificateSigningRequestApprovalUpdate(csr: Obj, old: Obj): FieldError[] {
  return validateUpdateWith(csr, old, { ...optionsFor(csr, old), allowSettingApprovalConditions: true });
}
