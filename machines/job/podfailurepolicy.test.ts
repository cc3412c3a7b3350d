// pkg/controller/job/pod_failure_policy_test.go TestMatchPodFailurePolicy, row by row (the rows with
// JobBackoffLimitPerIndex on: the gate is GA and locked on in v1.35, so its two "disabled" rows are left
// out). The Go function returns (job failure message, count failed, action); podflow's returns the
// message, countFailed and failIndex, so Count and no match compare alike.
import { describe, expect, it } from "vitest";
import type { Job } from "kubernetes-types/batch/v1";
import type { ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1";
import { matchPodFailurePolicy } from "./job.logic.js";

type Policy = NonNullable<NonNullable<Job["spec"]>["podFailurePolicy"]>;
type Rule = Policy["rules"][number];
const onExit = (action: string, operator: string, values: number[]): Rule => ({ action, onExitCodes: { operator, values } }) as Rule;
const onCond = (action: string, type: string, status: string): Rule => ({ action, onPodConditions: [{ type, status }] }) as Rule;
const terminated = (exitCode: number, name = ""): ContainerStatus => ({ name, image: "", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode } } });
const failed = (status: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; conditions?: PodCondition[] }): Pod => ({
  metadata: { namespace: "default", name: "mypod" }, status: { phase: "Failed", ...status },
});
const cond = (type: string, status: string): PodCondition => ({ type, status });

type Want = { countFailed: boolean; failJobMessage?: string; failIndex?: true };
const rows: [string, Policy | undefined, Pod, Want][] = [
  ["unknown action for rule matching by exit codes - skip rule with unknown action",
    { rules: [onExit("UnknownAction", "In", [1, 2]), onExit("FailJob", "In", [2, 3])] }, failed({ containerStatuses: [terminated(2, "main-container")] }),
    { countFailed: true, failJobMessage: "Container main-container for pod default/mypod failed with exit code 2 matching FailJob rule at index 1" }],
  ["unknown action for rule matching by pod conditions - skip rule with unknown action",
    { rules: [onCond("UnkonwnAction", "DisruptionTarget", "True"), onCond("Ignore", "DisruptionTarget", "True")] }, failed({ conditions: [cond("DisruptionTarget", "True")] }), { countFailed: false }],
  ["unknown operator - rule with unknown action is skipped for onExitCodes",
    { rules: [onExit("Ignore", "UnknownOperator", [1, 2]), onExit("FailJob", "In", [2, 3])] }, failed({ containerStatuses: [terminated(2, "main-container")] }),
    { countFailed: true, failJobMessage: "Container main-container for pod default/mypod failed with exit code 2 matching FailJob rule at index 1" }],
  ["no policy rules", undefined, failed({ containerStatuses: [terminated(2)] }), { countFailed: true }],
  ["ignore rule matched for exit codes", { rules: [onExit("Ignore", "In", [1, 2, 3])] }, failed({ containerStatuses: [terminated(2)] }), { countFailed: false }],
  ["FailJob rule matched for exit codes", { rules: [onExit("FailJob", "In", [1, 2, 3])] }, failed({ containerStatuses: [terminated(2, "main-container")] }),
    { countFailed: true, failJobMessage: "Container main-container for pod default/mypod failed with exit code 2 matching FailJob rule at index 0" }],
  ["successful containers are skipped by the rules", { rules: [onExit("FailJob", "NotIn", [111])] },
    failed({ initContainerStatuses: [terminated(0, "init-container")], containerStatuses: [terminated(111, "main-container"), terminated(0, "suppport-container")] }), { countFailed: true }],
  ["FailIndex rule matched for exit codes; JobBackoffLimitPerIndex enabled", { rules: [onExit("FailIndex", "In", [1, 2, 3])] }, failed({ containerStatuses: [terminated(2)] }), { countFailed: true, failIndex: true }],
  ["pod failure policy with NotIn operator and value 0", { rules: [onExit("FailJob", "NotIn", [0])] }, failed({ containerStatuses: [terminated(1, "main-container"), terminated(0, "suppport-container")] }),
    { countFailed: true, failJobMessage: "Container main-container for pod default/mypod failed with exit code 1 matching FailJob rule at index 0" }],
  ["second jobfail rule matched for exit codes", { rules: [onExit("Count", "In", [1, 2, 3]), onExit("FailJob", "In", [4, 5, 6])] }, failed({ containerStatuses: [terminated(6, "main-container")] }),
    { countFailed: true, failJobMessage: "Container main-container for pod default/mypod failed with exit code 6 matching FailJob rule at index 1" }],
  ["count rule matched for exit codes", { rules: [onExit("Count", "In", [1, 2, 3])] },
    failed({ containerStatuses: [{ name: "foo", image: "", imageID: "", ready: false, restartCount: 0 }, terminated(2, "bar")] }), { countFailed: true }],
  ["FailIndex rule matched for pod conditions; JobBackoffLimitPerIndex enabled", { rules: [onCond("FailIndex", "DisruptionTarget", "True")] }, failed({ conditions: [cond("DisruptionTarget", "True")] }), { countFailed: true, failIndex: true }],
  ["ignore rule matched for pod conditions", { rules: [onCond("Ignore", "DisruptionTarget", "True")] }, failed({ conditions: [cond("DisruptionTarget", "True")] }), { countFailed: false }],
  ["ignore rule matches by the status=False", { rules: [onCond("Ignore", "DisruptionTarget", "False")] }, failed({ conditions: [cond("DisruptionTarget", "False")] }), { countFailed: false }],
  ["ignore rule matches by the status=Unknown", { rules: [onCond("Ignore", "DisruptionTarget", "Unknown")] }, failed({ conditions: [cond("DisruptionTarget", "Unknown")] }), { countFailed: false }],
  ["ignore rule does not match when status for pattern is False, but actual True", { rules: [onCond("Ignore", "DisruptionTarget", "False")] }, failed({ conditions: [cond("DisruptionTarget", "True")] }), { countFailed: true }],
  ["ignore rule does not match when status for pattern is True, but actual False", { rules: [onCond("Ignore", "DisruptionTarget", "True")] }, failed({ conditions: [cond("DisruptionTarget", "False")] }), { countFailed: true }],
  ["default - do not match condition with status=False", { rules: [onCond("Ignore", "DisruptionTarget", "True")] }, failed({ conditions: [cond("DisruptionTarget", "False")] }), { countFailed: true }],
  ["job fail rule matched for pod conditions", { rules: [onCond("FailJob", "DisruptionTarget", "True")] }, failed({ conditions: [cond("DisruptionTarget", "True")] }),
    { countFailed: true, failJobMessage: "Pod default/mypod has condition DisruptionTarget matching FailJob rule at index 0" }],
  ["count rule matched for pod conditions", { rules: [onCond("Count", "DisruptionTarget", "True")] }, failed({ conditions: [cond("DisruptionTarget", "True")] }), { countFailed: true }],
  ["no rule matched", { rules: [onExit("Count", "NotIn", [8]), onExit("Ignore", "In", [1, 2, 3]), onExit("FailJob", "NotIn", [5, 6, 7]), onCond("Count", "ResourceLimitExceeded", "True"), onCond("Ignore", "DisruptionTarget", "True")] },
    failed({ containerStatuses: [terminated(32)] }), { countFailed: true }],
];

describe("TestMatchPodFailurePolicy", () => {
  for (const [name, policy, pod, want] of rows) it(name, () => expect(matchPodFailurePolicy(policy, pod)).toEqual(want));
});
