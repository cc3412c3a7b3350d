// pkg/apis/core/validation/validation_test.go (000f2605), row by row, through a Pod create whose
// spec.os names the OS: TestValidateWindowsSecurityContext, TestValidateLinuxSecurityContext,
// TestValidateWindowsPodSecurityContext, TestValidateLinuxPodSecurityContext (the first cause's type
// and detail, as the Go tests check), and TestValidateSchedulingGates (each cause's type, field and value).

import { describe, expect, it } from "vitest";
import { validateCreate } from "./index.js";
import { makePod } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const osPod = (os: string, edit: (p: any) => void) => makePod("p", (p) => { p.spec.os = { name: os }; edit(p); });
const first = (errs: any[]) => (errs.length === 0 ? undefined : [errs[0].type, errs[0].detail]);

describe("TestValidateWindowsSecurityContext (container securityContext of a windows pod)", () => {
  const forbidden = ["FieldValueForbidden", "cannot be set for a windows pod"];
  const rows: [string, any, string[] | undefined][] = [
    ["pod with SELinux Options", { seLinuxOptions: { role: "dummy" } }, forbidden],
    ["pod with SeccompProfile", { seccompProfile: { type: "Localhost", localhostProfile: "dummy" } }, forbidden],
    ["pod with AppArmorProfile", { appArmorProfile: { type: "RuntimeDefault" } }, forbidden],
    ["pod with WindowsOptions, no error", { windowsOptions: { runAsUserName: "dummy" } }, undefined],
  ];
  for (const [name, sc, want] of rows) it(name, () => expect(first(validateCreate(osPod("windows", (p) => { p.spec.containers[0].securityContext = sc; })))).toEqual(want));
});

describe("TestValidateLinuxSecurityContext (container securityContext of a linux pod)", () => {
  const rows: [string, any, string[] | undefined][] = [
    ["valid SC, linux, no error", { privileged: false, capabilities: { add: ["foo"], drop: ["bar"] }, seLinuxOptions: { user: "user", role: "role", type: "type", level: "level" }, runAsUser: 1 }, undefined],
    ["invalid SC, linux, error", { windowsOptions: { runAsUserName: "myUser" } }, ["FieldValueForbidden", "windows options cannot be set for a linux pod"]],
  ];
  for (const [name, sc, want] of rows) it(name, () => expect(first(validateCreate(osPod("linux", (p) => { p.spec.containers[0].securityContext = sc; })))).toEqual(want));
});

describe("TestValidateWindowsPodSecurityContext and TestValidateLinuxPodSecurityContext (pod securityContext)", () => {
  const rows: [string, string, any, string[] | undefined][] = [
    ["valid SC, windows, no error", "windows", { windowsOptions: { runAsUserName: "dummy" } }, undefined],
    ["invalid SC, windows, error", "windows", { seLinuxOptions: { role: "dummyRole" } }, ["FieldValueForbidden", "cannot be set for a windows pod"]],
    ["valid SC, linux, no error", "linux", { seLinuxOptions: { user: "user", role: "role", type: "type", level: "level" }, runAsUser: 1 }, undefined],
    ["invalid SC, linux, error", "linux", { windowsOptions: { runAsUserName: "myUser" } }, ["FieldValueForbidden", "windows options cannot be set for a linux pod"]],
  ];
  for (const [name, os, sc, want] of rows) it(name, () => expect(first(validateCreate(osPod(os, (p) => { p.spec.securityContext = sc; })))).toEqual(want));
});

describe("TestValidateSchedulingGates (spec.schedulingGates on create)", () => {
  const f = (i: number) => `spec.schedulingGates[${i}]`;
  const rows: [string, { name: string }[] | undefined, [string, string, unknown][]][] = [
    ["nil gates", undefined, []],
    ["empty string in gates", [{ name: "foo" }, { name: "" }], [["FieldValueInvalid", f(1), ""], ["FieldValueInvalid", f(1), ""]]],
    ["legal gates", [{ name: "foo" }, { name: "bar" }], []],
    ["illegal gates", [{ name: "foo" }, { name: "\nbar" }], [["FieldValueInvalid", f(1), "\nbar"]]],
    ["duplicated gates (single duplication)", [{ name: "foo" }, { name: "bar" }, { name: "bar" }], [["FieldValueDuplicate", f(2), "bar"]]],
    ["duplicated gates (multiple duplications)", [{ name: "foo" }, { name: "bar" }, { name: "foo" }, { name: "baz" }, { name: "foo" }, { name: "bar" }],
      [["FieldValueDuplicate", f(2), "foo"], ["FieldValueDuplicate", f(4), "foo"], ["FieldValueDuplicate", f(5), "bar"]]],
  ];
  for (const [name, gates, want] of rows) {
    it(name, () => {
      const errs = validateCreate(makePod("p", (p) => { if (gates) p.spec.schedulingGates = gates; }));
      expect(errs.map((e) => [e.type, e.field, e.badValue])).toEqual(want);
    });
  }
});
