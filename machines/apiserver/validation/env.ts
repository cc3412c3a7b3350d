// Container environment, ported from ValidateEnv, validateEnvVarValueFrom, ValidateEnvFrom and the
// downward API selectors they share with volumes (validateObjectFieldSelector,
// validateContainerResourceFieldSelector, validateContainerResourceDivisor), v1.35. Relaxed
// environment variable names are GA, so names and prefixes only refuse '=' and non-printable ASCII.

import { invalidValue, notSupported, required, type FieldError } from "../status.js";
import { isConfigMapKey, isDNS1123Label, isRelaxedEnvVarName, isQualifiedName, nameIsDNSSubdomain } from "./names.js";
import { validatePathNoBacksteps } from "./volumes.js";
import { parseGoQuantity, quantityString } from "./quantity.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** The fields an env var may take from the pod (sorted as sets.List prints them). */
export const envFieldPaths = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"];
/** The fields a downward API volume file may take. */
export const volumeFieldPaths = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];
const resourceFieldPaths = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];
const hugePagePrefixes = ["limits.hugepages-", "requests.hugepages-"];

// The labels ConvertDownwardAPIFieldLabel knows for a v1 pod (spec.host is the old name of spec.nodeName).
const convertibleLabels = new Set([
  "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy",
  "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
]);

/** fieldpath.SplitMaybeSubscriptedPath: "metadata.labels['key']" is the path and its subscript. */
function splitSubscripted(fieldPath: string): { path: string; subscript?: string } {
  if (!fieldPath.endsWith("']")) return { path: fieldPath };
  const s = fieldPath.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return { path: fieldPath };
  return { path: s.slice(0, i), subscript: s.slice(i + 2) };
}

// podshelper.ConvertDownwardAPIFieldLabel: the internal field path, or the conversion error.
function convertFieldLabel(version: string, label: string): { path: string } | { error: string } {
  if (version !== "v1") return { error: `unsupported pod version: ${version}` };
  const { path, subscript } = splitSubscripted(label);
  if (subscript !== undefined) {
    return path === "metadata.annotations" || path === "metadata.labels" ? { path: label } : { error: `field label does not support subscript: ${label}` };
  }
  if (label === "spec.host") return { path: "spec.nodeName" };
  return convertibleLabels.has(label) ? { path: label } : { error: `field label not supported: ${label}` };
}

/** validateObjectFieldSelector: apiVersion and fieldPath required, convertible, and one of the supported paths. */
export function validateObjectFieldSelector(fs: Obj, expressions: readonly string[], path: string): FieldError[] {
  if (!fs.apiVersion) return [required(`${path}.apiVersion`, "")];
  if (!fs.fieldPath) return [required(`${path}.fieldPath`, "")];
  const converted = convertFieldLabel(fs.apiVersion, fs.fieldPath);
  if ("error" in converted) return [invalidValue(`${path}.fieldPath`, fs.fieldPath, `error converting fieldPath: ${converted.error}`)];
  const { path: p, subscript } = splitSubscripted(converted.path);
  if (subscript !== undefined) {
    if (p === "metadata.annotations") return isQualifiedName(subscript.toLowerCase()).map((m) => invalidValue(path, subscript.toLowerCase(), m));
    if (p === "metadata.labels") return isQualifiedName(subscript).map((m) => invalidValue(path, subscript, m));
    return [invalidValue(path, p, "does not support subscript")];
  }
  return expressions.includes(p) ? [] : [notSupported(`${path}.fieldPath`, p, expressions)];
}

const memoryDivisors = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];
const bytesDivisorList = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";

/** validateContainerResourceDivisor: cpu divides by 1m or 1, memory-like resources by a unit of bytes. */
function validateContainerResourceDivisor(resource: string, divisor: unknown, path: string): FieldError[] {
  const q = divisor === undefined || divisor === null ? undefined : parseGoQuantity(divisor);
  if (!q || q.n === 0n) return [];
  const d = quantityString(q);
  const at = `${path}.divisor`;
  const errs: FieldError[] = [];
  switch (resource) {
    case "limits.cpu": case "requests.cpu":
      if (d !== "1m" && d !== "1") errs.push(invalidValue(at, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
      break;
    case "limits.memory": case "requests.memory":
      if (!memoryDivisors.includes(d)) errs.push(invalidValue(at, resource, `only divisor's values ${bytesDivisorList} are supported with the memory resource`));
      break;
    case "limits.ephemeral-storage": case "requests.ephemeral-storage":
      if (!memoryDivisors.includes(d)) errs.push(invalidValue(at, resource, `only divisor's values ${bytesDivisorList} are supported with the local ephemeral storage resource`));
      break;
  }
  if (hugePagePrefixes.some((p) => resource.startsWith(p)) && !memoryDivisors.includes(d)) {
    errs.push(invalidValue(at, resource, `only divisor's values ${bytesDivisorList} are supported with the hugepages resource`));
  }
  return errs;
}

/** validateContainerResourceFieldSelector: a container (volumes only), a supported resource, a valid divisor. */
export function validateContainerResourceFieldSelector(fs: Obj, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource: string = fs.resource ?? "";
  if (volume && !fs.containerName) errs.push(required(`${path}.containerName`, ""));
  else if (!resource) errs.push(required(`${path}.resource`, ""));
  else if (!resourceFieldPaths.includes(resource) && !hugePagePrefixes.some((p) => resource.startsWith(p))) {
    errs.push(notSupported(`${path}.resource`, resource, resourceFieldPaths));
  }
  errs.push(...validateContainerResourceDivisor(resource, fs.divisor, path));
  return errs;
}

// validateConfigMapKeySelector / validateSecretKeySelector: a subdomain name (empty is invalid, not required) and a config key.
function validateKeySelector(s: Obj, path: string): FieldError[] {
  const name: string = s.name ?? "";
  const errs = nameIsDNSSubdomain(name, false).map((m) => invalidValue(`${path}.name`, name, m));
  if (!s.key) errs.push(required(`${path}.key`, ""));
  else errs.push(...isConfigMapKey(s.key).map((m) => invalidValue(`${path}.key`, s.key, m)));
  return errs;
}

const has = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * validateFileKeySelector (EnvFiles): key required, a relaxed env var name; volumeName required, a
 * DNS-1123 label; path required, without backsteps. Which volume it names is validateFileKeyRefVolumes'.
 */
function validateFileKeySelector(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const key: string = typeof s.key === "string" ? s.key : "";
  if (!key) errs.push(required(`${path}.key`, ""));
  else for (const m of isRelaxedEnvVarName(key)) errs.push(invalidValue(`${path}.key`, key, m));
  const volumeName: string = typeof s.volumeName === "string" ? s.volumeName : "";
  if (!volumeName) errs.push(required(`${path}.volumeName`, ""));
  else for (const m of isDNS1123Label(volumeName)) errs.push(invalidValue(`${path}.volumeName`, volumeName, m));
  const filePath: string = typeof s.path === "string" ? s.path : "";
  if (!filePath) errs.push(required(`${path}.path`, ""));
  else errs.push(...validatePathNoBacksteps(filePath, `${path}.path`));
  return errs;
}

/** validateEnvVarValueFrom: exactly one source, and not together with a value. */
function validateEnvVarValueFrom(ev: Obj, path: string): FieldError[] {
  const vf: Obj = ev.valueFrom;
  if (!has(vf)) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (has(vf.fieldRef)) {
    sources++;
    errs.push(...validateObjectFieldSelector(vf.fieldRef, envFieldPaths, `${path}.fieldRef`));
  }
  if (has(vf.resourceFieldRef)) {
    sources++;
    errs.push(...validateContainerResourceFieldSelector(vf.resourceFieldRef, `${path}.resourceFieldRef`, false));
  }
  if (has(vf.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(vf.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (has(vf.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(vf.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (has(vf.fileKeyRef)) {
    sources++;
    errs.push(...validateFileKeySelector(vf.fileKeyRef, `${path}.fileKeyRef`));
  }
  if (sources === 0) errs.push(invalidValue(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  // the mutant lets a variable have both a value and a valueFrom
  else if (ev.value && !mutant("validation.env-value-with-value-from-accepted")) errs.push(invalidValue(path, "", "may not be specified when `value` is not empty"));
  else if (sources > 1) errs.push(invalidValue(path, "", "may not have more than one field specified at a time"));
  return errs;
}

/** ValidateEnv: a name (relaxed rules), and a valid valueFrom. */
export function validateEnv(env: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (!e.name) errs.push(required(`${at}.name`, ""));
    else for (const m of isRelaxedEnvVarName(e.name)) errs.push(invalidValue(`${at}.name`, e.name, m));
    errs.push(...validateEnvVarValueFrom(e, `${at}.valueFrom`));
  });
  return errs;
}

// validateConfigMapEnvSource / validateSecretEnvSource: a name, valid as a generateName prefix.
function validateEnvSourceName(ref: Obj, path: string): FieldError[] {
  if (!ref.name) return [required(`${path}.name`, "")];
  return nameIsDNSSubdomain(ref.name, true).map((m) => invalidValue(`${path}.name`, ref.name, m));
}

/** ValidateEnvFrom: a relaxed prefix, and exactly one of configMapRef or secretRef (counted at envFrom itself). */
export function validateEnvFrom(envFrom: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (envFrom ?? []).forEach((ev, i) => {
    const at = `${path}[${i}]`;
    if (ev.prefix) for (const m of isRelaxedEnvVarName(ev.prefix)) errs.push(invalidValue(`${at}.prefix`, ev.prefix, m));
    let sources = 0;
    if (has(ev.configMapRef)) {
      sources++;
      errs.push(...validateEnvSourceName(ev.configMapRef, `${at}.configMapRef`));
    }
    if (has(ev.secretRef)) {
      sources++;
      errs.push(...validateEnvSourceName(ev.secretRef, `${at}.secretRef`));
    }
    if (sources === 0) errs.push(invalidValue(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1) errs.push(invalidValue(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}
