// pkg/printers/internalversion/printers_test.go (v1.35): TestPrintPodTemplate, TestPrintPodTemplateList and
// TestTranslateTimestampSince, row by row. Left out: TestTranslateTimestampUntil (podflow prints no
// time-until column).
import { describe, expect, it } from "vitest";
import { tableFor, timestampSince } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const cells = (kind: string, o: object) => tableFor(kind, [o], { now, wide: false }).rows[0]!.cells;
const template = (name: string, labels: Record<string, string> | undefined, containers: object[]) =>
  ({ metadata: { name }, template: { metadata: { name, labels }, spec: { containers } } });

describe("TestPrintPodTemplate", () => {
  const rows: [string, object, (string | number)[]][] = [
    ["basic pod template with no containers", template("pod-template-1", undefined, []), ["pod-template-1", "", "", "<none>"]],
    ["basic pod template with two containers",
      template("pod-template-2", undefined, [{ name: "fake-container1", image: "fake-image1" }, { name: "fake-container2", image: "fake-image2" }]),
      ["pod-template-2", "fake-container1,fake-container2", "fake-image1,fake-image2", "<none>"]],
    ["basic pod template with pod labels", template("pod-template-3", { foo: "bar" }, []), ["pod-template-3", "", "", "foo=bar"]],
  ];
  it.each(rows)("%s", (_n, o, want) => expect(cells("PodTemplate", o)).toEqual(want));
});

describe("TestPrintPodTemplateList", () => {
  it("prints one row per template, with the template's pod labels", () => {
    const list = [
      { metadata: { name: "pod-template-1" }, template: { metadata: { name: "pod-template-2", labels: { foo: "bar" } }, spec: { containers: [] } } },
      { metadata: { name: "pod-template-2" }, template: { metadata: { name: "pod-template-2", labels: { a: "b" } }, spec: { containers: [] } } },
    ];
    expect(tableFor("PodTemplate", list, { now, wide: false }).rows.map((r) => r.cells)).toEqual([
      ["pod-template-1", "", "", "foo=bar"], ["pod-template-2", "", "", "a=b"],
    ]);
  });
});

describe("TestTranslateTimestampSince", () => {
  const at = (ms: number) => new Date(now + ms).toISOString();
  const day = 86_400_000;
  const rows: [string, string | undefined, string][] = [
    ["a while from now", at(2100), "<invalid>"], ["almost now", at(1900), "0s"], ["now", at(0), "0s"], ["unknown", undefined, "<unknown>"],
    ["30 seconds ago", at(-30_000), "30s"], ["5 minutes ago", at(-300_000), "5m"], ["an hour ago", at(-6_000_000), "100m"],
    ["2 days ago", at(-2 * day), "2d"], ["months ago", at(-90 * day), "90d"], ["10 years ago", at(-10 * 365 * day), "10y"],
  ];
  it.each(rows)("%s", (_n, ts, want) => expect(timestampSince(ts, now)).toBe(want));
});
