// node.k8s.io/v1 RuntimeClass (pkg/apis/node/validation): a DNS-label handler, fixed for the
// object's life; overhead validated as a container's limits; scheduling's node selector as labels
// and its tolerations as a pod's.

import { invalidValue, type FieldError } from "../status.js";
import { validateImmutable, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1123Label, nameIsDNSSubdomain } from "./names.js";
import { validateResourceRequirements } from "./resources.js";
import { validateTolerations } from "./scheduling.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** ValidateRuntimeClass. */
export function validateRuntimeClass(rc: Obj): FieldError[] {
  const errs = validateObjectMeta(rc.metadata, false, nameIsDNSSubdomain);
  const handler = typeof rc.handler === "string" ? rc.handler : "";
  for (const msg of isDNS1123Label(handler)) errs.push(invalidValue("handler", handler, msg));
  // validateOverhead reuses ValidateResourceRequirements with podFixed as the limits
  if (rc.overhead != null) errs.push(...validateResourceRequirements({ limits: rc.overhead.podFixed }, "overhead"));
  if (rc.scheduling != null) {
    if (rc.scheduling.nodeSelector != null) errs.push(...validateLabels(rc.scheduling.nodeSelector, "scheduling.nodeSelector"));
    errs.push(...validateTolerations(rc.scheduling.tolerations, "scheduling.tolerations"));
  }
  return errs;
}

/** The strategy's ValidateUpdate: the object again, then ValidateRuntimeClassUpdate (the handler is immutable). */
export function validateRuntimeClassUpdate(rc: Obj, old: Obj): FieldError[] {
  // the mutant forgets that the handler is fixed for the RuntimeClass's life
  if (mutant("validation.runtimeclass-handler-mutable")) return [...validateRuntimeClass(rc), ...validateObjectMetaUpdate(rc.metadata, old.metadata)];
  return [...validateRuntimeClass(rc), ...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateImmutable(rc.handler ?? "", old.handler ?? "", "handler")];
}
