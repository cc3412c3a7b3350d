// kubectl get cronjobs: printCronJob's columns and cells (pkg/printers/internalversion/printers.go, v1.35).

import { describe, expect, it } from "vitest";
import { renderTable, tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
function cronJob(spec: any, status: any = {}): any {
  return {
    metadata: { name: "hello", creationTimestamp: ago(190_000) },
    spec: { schedule: "* * * * *", suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: "hello", image: "busybox:1.28" }] } } } }, ...spec },
    status,
  };
}

describe("printCronJob", () => {
  const rows: [string, any, (string | number)[]][] = [
    ["A new CronJob: no time zone, not suspended, nothing active, never scheduled.", cronJob({}), ["hello", "* * * * *", "<none>", "False", 0, "<none>", "3m10s"]],
    ["Active counts status.active; LAST SCHEDULE is the time since lastScheduleTime.",
      cronJob({ timeZone: "Etc/UTC" }, { active: [{ name: "hello-1" }], lastScheduleTime: ago(10_000) }), ["hello", "* * * * *", "Etc/UTC", "False", 1, "10s", "3m10s"]],
    ["A suspended CronJob shows True; an unset suspend shows <unset>.", cronJob({ suspend: true }), ["hello", "* * * * *", "<none>", "True", 0, "<none>", "3m10s"]],
    ["printBoolPtr of nil", cronJob({ suspend: undefined }), ["hello", "* * * * *", "<none>", "<unset>", 0, "<none>", "3m10s"]],
  ];
  it.each(rows)("%s", (_n, cj, want) => expect(tableFor("CronJob", [cj], { now }).rows[0]!.cells).toEqual(want));

  it("has kubectl's columns; wide adds the job template's containers, images and selector", () => {
    const t = tableFor("CronJob", [cronJob({})], { now, wide: true });
    expect(t.columns.map((c) => `${c.name}${c.priority ? "*" : ""}`)).toEqual(["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers*", "Images*", "Selector*"]);
    expect(t.columns[3]!.type).toBe("boolean");
    expect(t.rows[0]!.cells.slice(7)).toEqual(["hello", "busybox:1.28", "<none>"]);
  });

  it("renders as kubectl get cronjobs prints it", () => {
    const t = tableFor("CronJob", [cronJob({}, { lastScheduleTime: ago(10_000) })], { now });
    expect(renderTable(t, {}).split("\n").slice(0, 2)).toEqual([
      "NAME    SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
      "hello   * * * * *   <none>     False     0        10s             3m10s",
    ]);
  });
});
