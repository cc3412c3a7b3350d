// SetDefaults_ReplicationController (pkg/apis/core/v1/defaults.go), the rows of TestSetDefaultReplicationController
// (defaults_test.go): the selector and the controller's labels are taken from the template's labels only when
// they are empty; a controller's own labels or selector are kept.

import { describe, expect, it } from "vitest";
import { defaultReplicationController } from "./statefulset.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const template = { metadata: { labels: { foo: "bar" } } };

describe("TestSetDefaultReplicationController", () => {
  const rows: [string, any, boolean, boolean][] = [
    ["no labels, no selector: both from the template", { spec: { template } }, true, true],
    ["its own labels are kept, the selector comes from the template", { metadata: { labels: { bar: "foo" } }, spec: { template } }, false, true],
    ["its own labels and selector are both kept", { metadata: { labels: { bar: "foo" } }, spec: { selector: { some: "other" }, template } }, false, false],
  ];
  for (const [name, rc, expectLabels, expectSelector] of rows) {
    it(name, () => {
      const obj = structuredClone(rc);
      defaultReplicationController(obj);
      expect(obj.metadata.labels).toEqual(expectLabels ? { foo: "bar" } : rc.metadata.labels);
      expect(obj.spec.selector).toEqual(expectSelector ? { foo: "bar" } : rc.spec.selector);
      expect(obj.spec.replicas).toBe(1);
    });
  }
});
