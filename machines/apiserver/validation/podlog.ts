// ValidatePodLogOptions (pkg/apis/core/validation, v1.35): the options of a pods/log read, judged before
// the log is located. The stream selection (PodLogsQuerySplitStreams) is not modelled: podflow serves
// no `stream` option, so its rules are left out.

import { forbiddenField, invalidValue, type FieldError } from "../status.js";
import { isNegativeErrorMsg } from "./names.js";
import { mutant } from "../../common/mutation.js";

/** The numeric options as the query decoded them (undefined when absent). */
export interface PodLogOptions {
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: string;
}

/** ValidatePodLogOptions: tailLines not negative, limitBytes and sinceSeconds positive, not both sinceTime and sinceSeconds. */
export function validatePodLogOptions(o: PodLogOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.tailLines !== undefined && o.tailLines < (mutant("validation.log-tail-lines-zero-refused") ? 1 : 0)) errs.push(invalidValue("tailLines", o.tailLines, isNegativeErrorMsg));
  if (o.limitBytes !== undefined && o.limitBytes < 1) errs.push(invalidValue("limitBytes", o.limitBytes, "must be greater than 0"));
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) errs.push(forbiddenField("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
  else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) errs.push(invalidValue("sinceSeconds", o.sinceSeconds, "must be greater than 0"));
  return errs;
}
