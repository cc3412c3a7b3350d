// storage.k8s.io/v1 CSIDriver, ported from ValidateCSIDriver and ValidateCSIDriverUpdate
// (pkg/apis/storage/validation/validation.go, v1.35) as the csidriver strategy runs them: the
// create rules on create, the update rules alone on update. The scheme defaults (admission/csi.ts)
// have run first, so the required booleans are only missing when a client sent them as null.

import { duplicate, goValue, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { goJsonMarshal } from "../schema/decode.js";
import { mutant } from "../../common/mutation.js";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { nameIsDNSSubdomain } from "./names.js";

type Obj = any;

const has = (v: unknown): boolean => v !== undefined && v !== null;

// sets.NewString(...).List(): sorted
const FS_GROUP_POLICIES = ["File", "None", "ReadWriteOnceWithFSType"];
// validateVolumeLifecycleModes lists them in this order, not sorted
const LIFECYCLE_MODES = ["Persistent", "Ephemeral"];
const MIN_TOKEN_SECONDS = 10 * 60;
const MAX_TOKEN_SECONDS = 2 ** 32;

/** validateCSIDriverSpec: required booleans, fsGroupPolicy, tokenRequests, lifecycle modes, SELinux mount, allocatable period. */
function validateCSIDriverSpec(spec: Obj): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  // Kubernetes names the path attachedRequired (sic)
  if (!has(s.attachRequired)) errs.push(required("spec.attachedRequired", ""));
  if (!has(s.podInfoOnMount)) errs.push(required("spec.podInfoOnMount", ""));
  if (!has(s.storageCapacity)) errs.push(required("spec.storageCapacity", ""));
  if (has(s.fsGroupPolicy) && !FS_GROUP_POLICIES.includes(s.fsGroupPolicy)) errs.push(notSupported("spec.fsGroupPolicy", s.fsGroupPolicy, FS_GROUP_POLICIES));
  const audiences = new Set<string>();
  (Array.isArray(s.tokenRequests) ? s.tokenRequests : []).forEach((t: Obj, i: number) => {
    const at = `spec.tokenRequests[${i}]`;
    const audience = typeof t?.audience === "string" ? t.audience : "";
    if (audiences.has(audience)) {
      errs.push(duplicate(`${at}.audience`, audience));
      return;
    }
    audiences.add(audience);
    const secs = t?.expirationSeconds;
    if (typeof secs !== "number") return;
    if (secs < MIN_TOKEN_SECONDS) errs.push(invalidValue(`${at}.expirationSeconds`, secs, "may not specify a duration less than 10 minutes"));
    if (secs > MAX_TOKEN_SECONDS) errs.push(invalidValue(`${at}.expirationSeconds`, secs, "may not specify a duration larger than 2^32 seconds"));
  });
  for (const mode of Array.isArray(s.volumeLifecycleModes) ? s.volumeLifecycleModes : []) {
    if (!LIFECYCLE_MODES.includes(mode)) errs.push(notSupported("spec.volumeLifecycleModes", mode, LIFECYCLE_MODES));
  }
  // SELinuxMountReadWriteOncePod is on in v1.35
  if (!has(s.seLinuxMount)) errs.push(required("spec.seLinuxMount", ""));
  const period = s.nodeAllocatableUpdatePeriodSeconds;
  if (typeof period === "number" && period < 10) errs.push(invalidValue("spec.nodeAllocatableUpdatePeriodSeconds", period, "must be greater than or equal to 10 seconds"));
  return errs;
}

/** ValidateCSIDriver: cluster-scoped metadata named as a DNS subdomain, then the spec. */
export function validateCSIDriver(d: Obj): FieldError[] {
  return [...validateObjectMeta(d?.metadata, false, nameIsDNSSubdomain), ...validateCSIDriverSpec(d?.spec)];
}

/** ValidateCSIDriverUpdate: metadata's update rules, the spec's, and attachRequired and volumeLifecycleModes never change. */
export function validateCSIDriverUpdate(d: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(d?.metadata, old?.metadata), ...validateCSIDriverSpec(d?.spec)];
  // the bad values are the *bool and the []VolumeLifecycleMode, printed as their json.Marshal
  const attach = d?.spec?.attachRequired ?? null;
  // the mutant checks only the lifecycle modes: attachRequired flips under volumes already attached (or not)
  if (!mutant("validation.csidriver-attach-required-mutable")) errs.push(...validateImmutable(attach, old?.spec?.attachRequired ?? null, "spec.attachedRequired", attach));
  const modes = d?.spec?.volumeLifecycleModes ?? null;
  errs.push(...validateImmutable(modes, old?.spec?.volumeLifecycleModes ?? null, "spec.volumeLifecycleModes", modes === null ? null : goValue(goJsonMarshal(modes))));
  return errs;
}
