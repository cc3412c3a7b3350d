// Pod volumes, ported from ValidateVolumes and validateVolumeSource (pkg/apis/core/validation, v1.35):
// the sources are checked in Kubernetes' own order, the first one counts and every later one is
// "may not specify more than 1 volume type" at its own key (Kubernetes' spellings kept: the forbidden
// path of cephfs is "cephFS", of downwardAPI "downwarAPI", and gcePersistentDisk is checked at "persistentDisk").

import { duplicate, forbiddenField, invalidValue, notFoundField, notSupported, required, tooLong, type FieldError } from "../status.js";
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from "./names.js";
import { parseGoQuantity } from "./quantity.js";
import { validateContainerResourceFieldSelector, validateObjectFieldSelector, volumeFieldPaths } from "./env.js";
import { labelSelectorJSON, validateLabelSelector } from "./selector.js";
import { marshalled } from "./meta.js";
import { validatePersistentVolumeClaimTemplate } from "./storage.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** What a pod's volumes need to know of the pod: its name (ephemeral PVC names) and whether it is a Pod, not a template. */
export interface VolumeContext {
  podName?: string;
  resourceIsPod: boolean;
  /** an update of a pod that already had a projected token at a non-local path may keep it */
  allowNonLocalProjectedTokenPath?: boolean;
}

export const fileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive";
const pdPartitionErrorMsg = inclusiveRangeError(1, 255);

const has = (v: unknown): boolean => v !== undefined && v !== null;

function dns1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalidValue(path, value, m));
}

/** validatePathNoBacksteps: no ".." element (one error however many). */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split("/").includes("..") ? [invalidValue(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, without backsteps. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith("/")) errs.push(invalidValue(path, target, "must be a relative path"));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** ValidateLocalNonReservedPath: a local descending path that does not start with "..". */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith("..") && !target.startsWith("../")) errs.push(invalidValue(path, target, "must not start with '..'"));
  return errs;
}

/** A file mode field: 0..0777. */
export function validateMode(mode: unknown, path: string): FieldError[] {
  return typeof mode === "number" && ((mutant("validation.default-mode-0777-refused") ? mode >= 0o777 : mode > 0o777) || mode < 0) ? [invalidValue(path, mode, fileModeErrorMsg)] : [];
}

const supportedHostPathTypes = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

function validateHostPath(hp: Obj, path: string): FieldError[] {
  if (!hp.path) return [required(`${path}.path`, "")];
  const errs = validatePathNoBacksteps(hp.path, `${path}.path`);
  if (has(hp.type) && !supportedHostPathTypes.includes(hp.type)) errs.push(notSupported(`${path}.type`, hp.type, supportedHostPathTypes));
  return errs;
}

function validateGitRepo(g: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!g.repository) errs.push(required(`${path}.repository`, ""));
  errs.push(...validateLocalDescendingPath(g.directory ?? "", `${path}.directory`));
  return errs;
}

function validateDisk(idField: string, d: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!d[idField]) errs.push(required(`${path}.${idField}`, ""));
  const partition = d.partition ?? 0;
  if (partition < 0 || partition > 255) errs.push(invalidValue(`${path}.partition`, partition, pdPartitionErrorMsg));
  return errs;
}

/** validateKeyToPath: a key, a local path, a file mode. */
export function validateKeyToPath(kp: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(required(`${path}.key`, ""));
  if (!kp.path) errs.push(required(`${path}.path`, ""));
  errs.push(...validateLocalNonReservedPath(kp.path ?? "", `${path}.path`));
  errs.push(...validateMode(kp.mode, `${path}.mode`));
  return errs;
}

function validateItems(items: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, `${path}.items[${i}]`)));
  return errs;
}

function validateSecretSource(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.secretName) errs.push(required(`${path}.secretName`, ""));
  errs.push(...validateMode(s.defaultMode, `${path}.defaultMode`), ...validateItems(s.items, path));
  return errs;
}

function validateConfigMapSource(c: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`, ""));
  errs.push(...validateMode(c.defaultMode, `${path}.defaultMode`), ...validateItems(c.items, path));
  return errs;
}

function validateNFS(nfs: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!nfs.server) errs.push(required(`${path}.server`, ""));
  if (!nfs.path) errs.push(required(`${path}.path`, ""));
  if (!String(nfs.path ?? "").startsWith("/")) errs.push(invalidValue(`${path}.path`, nfs.path ?? "", "must be an absolute path"));
  return errs;
}

const iqnRe = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const euiRe = /^eui.[A-Za-z0-9]{16}$/;
const naaRe = /^naa.[A-Za-z0-9]{32}$/;

// The iqn/eui/naa format rules ISCSI shares between the IQN and the initiator name.
function iscsiNameErrors(value: string, path: string, prefixMessage: string): FieldError[] {
  if (!value.startsWith("iqn") && !value.startsWith("eui") && !value.startsWith("naa")) return [invalidValue(path, value, prefixMessage)];
  if ((value.startsWith("iqn") && !iqnRe.test(value)) || (value.startsWith("eui") && !euiRe.test(value)) || (value.startsWith("naa") && !naaRe.test(value))) {
    return [invalidValue(path, value, "must be valid format")];
  }
  return [];
}

function validateISCSI(iscsi: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!iscsi.targetPortal) errs.push(required(`${path}.targetPortal`, ""));
  if (!iscsi.iqn) errs.push(required(`${path}.iqn`, ""));
  else errs.push(...iscsiNameErrors(iscsi.iqn, `${path}.iqn`, "must be valid format starting with iqn, eui, or naa"));
  const lun = iscsi.lun ?? 0;
  if (lun < 0 || lun > 255) errs.push(invalidValue(`${path}.lun`, lun, inclusiveRangeError(0, 255)));
  if ((iscsi.chapAuthDiscovery || iscsi.chapAuthSession) && !has(iscsi.secretRef)) errs.push(required(`${path}.secretRef`, ""));
  if (has(iscsi.initiatorName)) {
    const init: string = iscsi.initiatorName;
    const p = `${path}.initiatorname`;
    if (!init.startsWith("iqn") && !init.startsWith("eui") && !init.startsWith("naa")) errs.push(invalidValue(p, init, "must be valid format starting with iqn, eui, or naa"));
    if ((init.startsWith("iqn") && !iqnRe.test(init)) || (init.startsWith("eui") && !euiRe.test(init)) || (init.startsWith("naa") && !naaRe.test(init))) {
      errs.push(invalidValue(p, init, "must be valid format"));
    }
  }
  return errs;
}

function validateFC(fc: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const wwns: string[] = fc.targetWWNs ?? [];
  const wwids: string[] = fc.wwids ?? [];
  if (wwns.length < 1 && wwids.length < 1) errs.push(required(`${path}.targetWWNs`, "must specify either targetWWNs or wwids, but not both"));
  if (wwns.length !== 0 && wwids.length !== 0) errs.push(invalidValue(`${path}.targetWWNs`, marshalled(wwns), "targetWWNs and wwids can not be specified simultaneously"));
  if (wwns.length !== 0) {
    if (!has(fc.lun)) errs.push(required(`${path}.lun`, "lun is required if targetWWNs is specified"));
    else if (fc.lun < 0 || fc.lun > 255) errs.push(invalidValue(`${path}.lun`, fc.lun, inclusiveRangeError(0, 255)));
  }
  return errs;
}

function validateFlocker(f: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!f.datasetName && !f.datasetUUID) errs.push(required(path, "one of datasetName and datasetUUID is required"));
  if (f.datasetName && f.datasetUUID) errs.push(invalidValue(path, "resource", "datasetName and datasetUUID can not be specified simultaneously"));
  if (String(f.datasetName ?? "").includes("/")) errs.push(invalidValue(`${path}.datasetName`, f.datasetName, "must not contain '/'"));
  return errs;
}

// net.SplitHostPort's acceptance: "host:port" or "[v6]:port", one unbracketed colon at most.
function splitsHostPort(s: string): boolean {
  if (s.startsWith("[")) return /^\[[^\]]*\]:[^:]*$/.test(s);
  return (s.match(/:/g) ?? []).length === 1 && !s.includes("[") && !s.includes("]");
}

function validateQuobyte(q: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const registry: string = q.registry ?? "";
  if (!registry) errs.push(required(`${path}.registry`, "must be a host:port pair or multiple pairs separated by commas"));
  else if ((q.tenant ?? "").length >= 65) errs.push(required(`${path}.tenant`, "must be a UUID and may not exceed a length of 64 characters"));
  else {
    for (const pair of registry.split(",")) {
      if (!splitsHostPort(pair)) errs.push(invalidValue(`${path}.registry`, registry, "must be a host:port pair or multiple pairs separated by commas"));
    }
  }
  if (!q.volume) errs.push(required(`${path}.volume`, ""));
  return errs;
}

function validateFlex(fv: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!fv.driver) errs.push(required(`${path}.driver`, ""));
  for (const k of Object.keys(fv.options ?? {}).sort()) {
    const ns = k.includes("/") ? k.slice(0, k.indexOf("/")) : k;
    const normalized = `.${ns.toLowerCase()}`;
    if (normalized.endsWith(".kubernetes.io") || normalized.endsWith(".k8s.io")) errs.push(invalidValue(`${path}.options[${k}]`, k, "kubernetes.io and k8s.io namespaces are reserved"));
  }
  return errs;
}

function requireAll(fields: string[]) {
  return (v: Obj, path: string): FieldError[] => fields.filter((f) => !v[f]).map((f) => required(`${path}.${f}`, ""));
}

function validateSecretRefName(v: Obj, path: string): FieldError[] {
  return has(v.secretRef) && !v.secretRef.name ? [required(`${path}.secretRef.name`, "")] : [];
}

const azureCachingModes = ["None", "ReadOnly", "ReadWrite"];
const azureDiskKinds = ["Dedicated", "Managed", "Shared"];

function validateAzureDisk(a: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!a.diskName) errs.push(required(`${path}.diskName`, ""));
  if (!a.diskURI) errs.push(required(`${path}.diskURI`, ""));
  if (has(a.cachingMode) && !azureCachingModes.includes(a.cachingMode)) errs.push(notSupported(`${path}.cachingMode`, a.cachingMode, azureCachingModes));
  if (has(a.kind) && !azureDiskKinds.includes(a.kind)) errs.push(notSupported(`${path}.kind`, a.kind, azureDiskKinds));
  const uri: string = a.diskURI ?? "";
  if (has(a.kind) && a.kind === "Managed" && !uri.startsWith("/subscriptions/")) {
    errs.push(notSupported(`${path}.diskURI`, uri, ["/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"]));
  }
  if (has(a.kind) && a.kind !== "Managed" && !uri.startsWith("https://")) {
    errs.push(notSupported(`${path}.diskURI`, uri, ["https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"]));
  }
  return errs;
}

function validateStorageOS(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.volumeName) errs.push(required(`${path}.volumeName`, ""));
  else errs.push(...dns1123Label(s.volumeName, `${path}.volumeName`));
  if (s.volumeNamespace) errs.push(...dns1123Label(s.volumeNamespace, `${path}.volumeNamespace`));
  errs.push(...validateSecretRefName(s, path));
  return errs;
}

/** ValidateCSIDriverName: required, at most 63 characters, a DNS subdomain once lower-cased. */
export function validateCSIDriverName(driver: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (driver.length === 0) errs.push(required(path, ""));
  if (driver.length > 63) errs.push(tooLong(path, "", 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalidValue(path, driver, m));
  return errs;
}

function validateCSI(csi: Obj, path: string): FieldError[] {
  const errs = validateCSIDriverName(csi.driver ?? "", `${path}.driver`);
  if (has(csi.nodePublishSecretRef)) {
    const name: string = csi.nodePublishSecretRef.name ?? "";
    // Kubernetes reports a bad secret name at csi.name, not at the reference.
    if (!name) errs.push(required(`${path}.nodePublishSecretRef.name`, ""));
    else for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalidValue(`${path}.name`, name, m));
  }
  return errs;
}

// validateEphemeralVolumeSource: the claim template is judged as ValidatePersistentVolumeClaimTemplate does.
function validateEphemeral(e: Obj, path: string): FieldError[] {
  const at = `${path}.volumeClaimTemplate`;
  return has(e.volumeClaimTemplate) ? validatePersistentVolumeClaimTemplate(e.volumeClaimTemplate, at) : [required(at, "")];
}

const pullPolicies = ["Always", "IfNotPresent", "Never"];

function validateImageSource(img: Obj, path: string, ctx: VolumeContext): FieldError[] {
  const errs: FieldError[] = [];
  if (ctx.resourceIsPod && !img.reference) errs.push(required(`${path}.reference`, ""));
  const pp = img.pullPolicy;
  if (!pp) errs.push(required(`${path}.pullPolicy`, ""));
  else if (!pullPolicies.includes(pp)) errs.push(notSupported(`${path}.pullPolicy`, pp, pullPolicies));
  return errs;
}

/** validateDownwardAPIVolumeFile: a local path, one of fieldRef or resourceFieldRef (with a container), a mode. */
function validateDownwardAPIVolumeFile(file: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(required(`${path}.path`, ""));
  errs.push(...validateLocalNonReservedPath(file.path ?? "", `${path}.path`));
  if (has(file.fieldRef)) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, volumeFieldPaths, `${path}.fieldRef`));
    if (has(file.resourceFieldRef)) errs.push(invalidValue(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
  } else if (has(file.resourceFieldRef)) {
    errs.push(...validateContainerResourceFieldSelector(file.resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(required(path, "one of fieldRef and resourceFieldRef is required"));
  }
  errs.push(...validateMode(file.mode, `${path}.mode`));
  return errs;
}

// Items of a downward API volume are all reported at the source's path, not at an index (as Kubernetes does).
function validateDownwardAPISource(d: Obj, path: string): FieldError[] {
  const errs = validateMode(d.defaultMode, `${path}.defaultMode`);
  for (const file of d.items ?? []) errs.push(...validateDownwardAPIVolumeFile(file, path));
  return errs;
}

/** validateProjectionSources: each source one kind, valid items, and no two items at one path. */
function validateProjectionSources(pr: Obj, path: string, ctx: VolumeContext): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  // A second item at a path already taken conflicts, reported at the projected volume itself.
  const claim = (p: string, shown: string) => {
    if (paths.has(p)) errs.push(invalidValue(path, shown, "conflicting duplicate paths"));
    else paths.add(p);
  };
  (pr.sources ?? []).forEach((src: Obj, i: number) => {
    let count = 0;
    const srcPath = `${path}.sources[${i}]`;
    for (const kind of ["secret", "configMap"] as const) {
      if (!has(src[kind])) continue;
      count++;
      const proj = src[kind];
      const projPath = `${srcPath}.${kind}`;
      if (!proj.name) errs.push(required(`${projPath}.name`, ""));
      (proj.items ?? []).forEach((kp: Obj, j: number) => {
        errs.push(...validateKeyToPath(kp, `${projPath}.items[${j}]`));
        if (kp.path) claim(kp.path, proj.name ?? "");
      });
    }
    if (has(src.downwardAPI)) {
      count++;
      for (const file of src.downwardAPI.items ?? []) {
        errs.push(...validateDownwardAPIVolumeFile(file, `${srcPath}.downwardAPI`));
        if (file.path) claim(file.path, file.path);
      }
    }
    if (has(src.serviceAccountToken)) {
      count++;
      const t = src.serviceAccountToken;
      const exp = t.expirationSeconds ?? 0;
      if (exp < 10 * 60) errs.push(invalidValue(`${srcPath}.serviceAccountToken.expirationSeconds`, exp, "may not specify a duration less than 10 minutes"));
      if (exp > 2 ** 32) errs.push(invalidValue(`${srcPath}.serviceAccountToken.expirationSeconds`, exp, "may not specify a duration larger than 2^32 seconds"));
      // Kubernetes reports the token's path at the projected volume's path, not the source's.
      if (!t.path) errs.push(required(`${path}.path`, ""));
      else if (!ctx.allowNonLocalProjectedTokenPath) errs.push(...validateLocalNonReservedPath(t.path, `${path}.path`));
    }
    if (has(src.clusterTrustBundle)) {
      count++;
      errs.push(...validateClusterTrustBundleProjection(src.clusterTrustBundle, `${srcPath}.clusterTrustBundle`));
      claim(src.clusterTrustBundle.path ?? "", src.clusterTrustBundle.path ?? "");
    }
    // podCertificate projections count as a source; their own rules are not modelled.
    if (has(src.podCertificate)) count++;
    if (count > 1) errs.push(forbiddenField(srcPath, "may not specify more than 1 volume type per source"));
  });
  return errs;
}

/** certificates' ValidateSignerName: <dns domain with a dot>/<dot-separated subdomains>, 253 and 317 bytes at most. */
export function validateSignerName(path: string, signerName: string): FieldError[] {
  if (signerName.length === 0) return [required(path, "")];
  const segments = signerName.split("/");
  if (segments.length !== 2) return [invalidValue(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments as [string, string];
  const errs: FieldError[] = [];
  if (domain.length > 253) errs.push(tooLong(path, domain, 253));
  const labels = domain.split(".");
  for (const label of labels) for (const m of isDNS1123Label(label)) errs.push(invalidValue(path, domain, m));
  if (labels.length < 2) errs.push(invalidValue(path, domain, "should be a domain with at least two segments separated by dots"));
  if (rest.length > 253 + 63 + 1) errs.push(tooLong(path, rest, 253 + 63 + 1));
  for (const part of rest.split(".")) for (const m of isDNS1123Subdomain(part)) errs.push(invalidValue(path, rest, m));
  return errs;
}

function validateClusterTrustBundleProjection(ctb: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const usingName = has(ctb.name);
  const usingSigner = has(ctb.signerName);
  if (usingName && usingSigner) errs.push(invalidValue(path, marshalled(ctb), "only one of name and signerName may be used"));
  else if (usingName) {
    if (ctb.name === "") errs.push(required(`${path}.name`, "must be a valid object name"));
    if (has(ctb.labelSelector)) errs.push(invalidValue(`${path}.labelSelector`, labelSelectorJSON(ctb.labelSelector), "labelSelector must be unset if name is specified"));
  } else if (usingSigner) {
    if (ctb.signerName === "") errs.push(required(`${path}.signerName`, "must be a valid signer name"));
    else errs.push(...validateSignerName(`${path}.signerName`, String(ctb.signerName)));
    errs.push(...validateLabelSelector(ctb.labelSelector, `${path}.labelSelector`));
  } else {
    errs.push(required(path, "either name or signerName must be specified"));
  }
  if (!ctb.path) errs.push(required(`${path}.path`, ""));
  errs.push(...validateLocalNonReservedPath(ctb.path ?? "", `${path}.path`));
  return errs;
}

type SourceCheck = (src: Obj, path: string, ctx: VolumeContext, volName: string) => FieldError[];

/** Kubernetes' order of volume sources: JSON key, the key its forbidden error names, the key its own checks name, the checks. */
export const volumeSources: [key: string, forbiddenKey: string, checkKey: string, check: SourceCheck][] = [
  ["emptyDir", "emptyDir", "emptyDir", (e, p) => {
    const q = has(e.sizeLimit) ? parseGoQuantity(e.sizeLimit) : undefined;
    return q && q.n < 0n ? [forbiddenField(`${p}.sizeLimit`, "SizeLimit field must be a valid resource quantity")] : [];
  }],
  ["hostPath", "hostPath", "hostPath", validateHostPath],
  ["gitRepo", "gitRepo", "gitRepo", validateGitRepo],
  ["gcePersistentDisk", "gcePersistentDisk", "persistentDisk", (d, p) => validateDisk("pdName", d, p)],
  ["awsElasticBlockStore", "awsElasticBlockStore", "awsElasticBlockStore", (d, p) => validateDisk("volumeID", d, p)],
  ["secret", "secret", "secret", validateSecretSource],
  ["nfs", "nfs", "nfs", validateNFS],
  ["iscsi", "iscsi", "iscsi", validateISCSI],
  ["glusterfs", "glusterfs", "glusterfs", (g, p) => [...(g.endpoints ? [] : [required(`${p}.endpoints`, "")]), ...(g.path ? [] : [required(`${p}.path`, "")])]],
  ["flocker", "flocker", "flocker", validateFlocker],
  ["persistentVolumeClaim", "persistentVolumeClaim", "persistentVolumeClaim", requireAll(["claimName"])],
  ["rbd", "rbd", "rbd", (r, p) => [...((r.monitors ?? []).length === 0 ? [required(`${p}.monitors`, "")] : []), ...(r.image ? [] : [required(`${p}.image`, "")])]],
  ["cinder", "cinder", "cinder", (c, p) => [...requireAll(["volumeID"])(c, p), ...validateSecretRefName(c, p)]],
  ["cephfs", "cephFS", "cephfs", (c, p) => ((c.monitors ?? []).length === 0 ? [required(`${p}.monitors`, "")] : [])],
  ["quobyte", "quobyte", "quobyte", validateQuobyte],
  ["downwardAPI", "downwarAPI", "downwardAPI", validateDownwardAPISource],
  ["fc", "fc", "fc", validateFC],
  ["flexVolume", "flexVolume", "flexVolume", validateFlex],
  ["configMap", "configMap", "configMap", validateConfigMapSource],
  ["azureFile", "azureFile", "azureFile", requireAll(["secretName", "shareName"])],
  ["vsphereVolume", "vsphereVolume", "vsphereVolume", requireAll(["volumePath"])],
  ["photonPersistentDisk", "photonPersistentDisk", "photonPersistentDisk", requireAll(["pdID"])],
  ["portworxVolume", "portworxVolume", "portworxVolume", requireAll(["volumeID"])],
  ["azureDisk", "azureDisk", "azureDisk", validateAzureDisk],
  ["storageos", "storageos", "storageos", validateStorageOS],
  ["projected", "projected", "projected", (pr, p, ctx) => [...validateMode(pr.defaultMode, `${p}.defaultMode`), ...validateProjectionSources(pr, p, ctx)]],
  ["scaleIO", "scaleIO", "scaleIO", requireAll(["gateway", "system", "volumeName"])],
  ["csi", "csi", "csi", validateCSI],
  ["ephemeral", "ephemeral", "ephemeral", (e, p, ctx, volName) => {
    const errs = validateEphemeral(e, p);
    // The PVC an ephemeral volume creates is named <pod>-<volume> and must be a valid object name.
    if (ctx.podName && volName) {
      const pvcName = `${ctx.podName}-${volName}`;
      for (const m of nameIsDNSSubdomain(pvcName, false)) errs.push(invalidValue(`${p.slice(0, p.lastIndexOf("."))}.name`, volName, `PVC name "${pvcName}": ${m}`));
    }
    return errs;
  }],
  ["image", "image", "image", validateImageSource],
];

/** validateVolumeSource: the sources in Kubernetes' order; the first counts, later ones are forbidden. */
export function validateVolumeSource(v: Obj, path: string, ctx: VolumeContext): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [key, forbiddenKey, checkKey, check] of volumeSources) {
    if (!has(v[key])) continue;
    if (count > 0) {
      errs.push(forbiddenField(`${path}.${forbiddenKey}`, "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errs.push(...check(v[key], `${path}.${checkKey}`, ctx, v.name ?? ""));
    if (key === "iscsi" && has(v.iscsi.initiatorName) && `${v.name ?? ""}:${v.iscsi.targetPortal ?? ""}`.length > 64) {
      errs.push(invalidValue(`${path}.name`, v.name ?? "", "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified."));
    }
  }
  if (count === 0) errs.push(required(path, "must specify a volume type"));
  return errs;
}

/** ValidateVolumes: each source, then the name (an RFC 1123 label, unique); returns the valid volumes by name. */
export function validateVolumes(volumes: Obj[] | undefined, path: string, ctx: VolumeContext = { resourceIsPod: false }): { vols: Map<string, Obj>; errs: FieldError[] } {
  const vols = new Map<string, Obj>();
  const errs: FieldError[] = [];
  const created = new Set<string>();
  if (ctx.podName) for (const v of volumes ?? []) if (has(v.ephemeral)) created.add(`${ctx.podName}-${v.name ?? ""}`);
  (volumes ?? []).forEach((v, i) => {
    const at = `${path}[${i}]`;
    const el = validateVolumeSource(v, at, ctx);
    if (!v.name) el.push(required(`${at}.name`, ""));
    else el.push(...dns1123Label(v.name, `${at}.name`));
    if (vols.has(v.name ?? "")) el.push(duplicate(`${at}.name`, v.name ?? ""));
    if (el.length === 0) vols.set(v.name, v);
    else errs.push(...el);
    if (has(v.persistentVolumeClaim) && created.has(v.persistentVolumeClaim.claimName ?? "")) {
      errs.push(invalidValue(`${at}.persistentVolumeClaim.claimName`, v.persistentVolumeClaim.claimName, "must not reference a PVC that gets created for an ephemeral volume"));
    }
  });
  return { vols, errs };
}

const mountPropagations = ["Bidirectional", "HostToContainer", "None"];
const recursiveReadOnlyModes = ["Disabled", "Enabled", "IfPossible"];

/** validateMountPropagation: a known mode; Bidirectional only for privileged containers. */
function validateMountPropagation(mode: string, container: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!mountPropagations.includes(mode)) errs.push(notSupported(path, mode, mountPropagations));
  if (mode === "Bidirectional" && container?.securityContext?.privileged !== true) {
    errs.push(forbiddenField(path, "Bidirectional mount propagation is available only to privileged containers"));
  }
  return errs;
}

/** validateMountRecursiveReadOnly: Enabled or IfPossible need readOnly and no propagation but None. */
function validateMountRecursiveReadOnly(m: Obj, path: string): FieldError[] {
  const rro = m.recursiveReadOnly;
  if (!has(rro) || rro === "Disabled") return [];
  if (rro !== "Enabled" && rro !== "IfPossible") return [notSupported(path, rro, recursiveReadOnlyModes)];
  const errs: FieldError[] = [];
  if (!m.readOnly) errs.push(forbiddenField(path, "may only be specified when readOnly is true"));
  if (has(m.mountPropagation) && m.mountPropagation !== "None") errs.push(forbiddenField(path, "may only be specified when mountPropagation is None or not specified"));
  return errs;
}

/**
 * ValidateVolumeMounts: a known volume, a unique mount path, no clash with volumeDevices, local
 * subPath/subPathExpr (reported at volumeMounts.subPath, without the index, as Kubernetes does),
 * the propagation and recursive read-only rules.
 */
export function validateVolumeMounts(container: Obj, volumes: ReadonlyMap<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const devices = new Map<string, string>();
  for (const d of container.volumeDevices ?? []) devices.set(d.name ?? "", d.devicePath ?? "");
  const devicePaths = new Set(devices.values());
  (container.volumeMounts ?? []).forEach((m: Obj, i: number) => {
    const at = `${path}[${i}]`;
    const name: string = m.name ?? "";
    const mountPath: string = m.mountPath ?? "";
    if (!name) errs.push(required(`${at}.name`, ""));
    if (!volumes.has(name)) errs.push(notFoundField(`${at}.name`, name));
    if (!mountPath) errs.push(required(`${at}.mountPath`, ""));
    if (mountPoints.has(mountPath)) errs.push(invalidValue(`${at}.mountPath`, mountPath, "must be unique"));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(invalidValue(`${at}.name`, name, "must not already exist in volumeDevices"));
    if (devicePaths.has(mountPath)) errs.push(invalidValue(`${at}.mountPath`, mountPath, "must not already exist as a path in volumeDevices"));
    // An image volume takes subPath and subPathExpr since 1.33 (kubernetes#130135, KEP-4639 beta).
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalidValue(`${at}.subPathExpr`, m.subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${path}.subPathExpr`));
    }
    if (has(m.mountPropagation)) errs.push(...validateMountPropagation(m.mountPropagation, container, `${path}.mountPropagation`));
    errs.push(...validateMountRecursiveReadOnly(m, `${path}.recursiveReadOnly`));
  });
  return errs;
}

/** ValidateVolumeDevices: PVC-backed volumes only, unique names and paths, no backsteps, no clash with mounts. */
export function validateVolumeDevices(container: Obj, volumes: ReadonlyMap<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mounts = new Map<string, string>();
  for (const m of container.volumeMounts ?? []) mounts.set(m.name ?? "", m.mountPath ?? "");
  const mountPaths = new Set(mounts.values());
  const names = new Set<string>();
  const paths = new Set<string>();
  (container.volumeDevices ?? []).forEach((d: Obj, i: number) => {
    const at = `${path}[${i}]`;
    const name: string = d.name ?? "";
    const devicePath: string = d.devicePath ?? "";
    const vol = volumes.get(name);
    const isPVC = has(vol?.persistentVolumeClaim) || has(vol?.ephemeral);
    if (!name) errs.push(required(`${at}.name`, ""));
    if (names.has(name)) errs.push(invalidValue(`${at}.name`, name, "must be unique"));
    if (vol && !isPVC) errs.push(invalidValue(`${at}.name`, name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
    if (!vol) errs.push(notFoundField(`${at}.name`, name));
    if (!devicePath) errs.push(required(`${at}.devicePath`, ""));
    if (paths.has(devicePath)) errs.push(invalidValue(`${at}.devicePath`, devicePath, "must be unique"));
    if (devicePath && validatePathNoBacksteps(devicePath, "").length > 0) errs.push(invalidValue(`${at}.devicePath`, devicePath, "can not contain backsteps ('..')"));
    else paths.add(devicePath);
    if (mounts.has(name)) errs.push(invalidValue(`${at}.name`, name, "must not already exist in volumeMounts"));
    if (mountPaths.has(devicePath)) errs.push(invalidValue(`${at}.devicePath`, devicePath, "must not already exist as a path in volumeMounts"));
    if (name) names.add(name);
  });
  return errs;
}
