// apps/v1 DaemonSet: SetDefaults_DaemonSet (pkg/apis/apps/v1/defaults.go) and the DaemonSet
// strategy's PrepareForCreate / PrepareForUpdate (pkg/registry/apps/daemonset/strategy.go). The
// internal spec.templateGeneration lives in apps/v1 as the annotation
// deprecated.daemonset.template.generation (pkg/apis/apps/v1/conversion.go).

import { defaultPodSpec } from "./pod.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** The annotation apps/v1 carries the internal spec.templateGeneration in. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

/** SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10; the pod template's defaults. */
export function defaultDaemonSet(ds: Obj): void {
  const spec = (ds.spec ??= {});
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.template ??= {};
  spec.template.spec ??= {};
  defaultPodSpec(spec.template.spec);
}

/** The internal spec.templateGeneration, as conversion reads it from the annotation (0 when absent or unparsable). */
export function templateGeneration(ds: Obj): number {
  const v = ds?.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return typeof v === "string" && /^[+-]?\d+$/.test(v) ? Number(v) : 0;
}

function setTemplateGeneration(ds: Obj, generation: number): void {
  ds.metadata.annotations = { ...(ds.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(generation) };
}

/** PrepareForCreate: status cleared, generation 1, templateGeneration at least 1. */
export function prepareDaemonSetForCreate(ds: Obj): void {
  ds.status = {};
  ds.metadata.generation = 1;
  setTemplateGeneration(ds, Math.max(1, templateGeneration(ds)));
}

/** PrepareForUpdate: templateGeneration is the server's, one more when the template changed (generation follows the spec). */
export function prepareDaemonSetForUpdate(ds: Obj, old: Obj, sameJSON: (a: unknown, b: unknown) => boolean): void {
  const previous = templateGeneration(old);
  setTemplateGeneration(ds, sameJSON(ds.spec?.template, old.spec?.template) && !mutant("daemonset.template-generation-bumped-always") ? previous : previous + 1);
}
