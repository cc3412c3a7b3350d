// metav1.GetControllerOf (apimachinery pkg/apis/meta/v1/controller_ref.go, GetControllerOfNoCopy): the
// first ownerReference with controller: true, whatever comes before it; none when no reference is a
// controller (controller false or unset).
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { describe, expect, it } from "vitest";
import { controllerRefOf } from "./owners.js";

const ref = (name: string, controller?: boolean): OwnerReference => ({ apiVersion: "v1", kind: "ConfigMap", name, uid: `${name}-uid`, ...(controller === undefined ? {} : { controller }) });
const rs = (name: string): OwnerReference => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name, uid: `${name}-uid`, controller: true, blockOwnerDeletion: true });

describe("controllerRefOf (GetControllerOf)", () => {
  const rows: Array<[string, OwnerReference[] | undefined, string | undefined]> = [
    ["no ownerReferences: no controller", undefined, undefined],
    ["an empty list: no controller", [], undefined],
    ["one reference with controller unset: no controller", [ref("cm")], undefined],
    ["one reference with controller false: no controller", [ref("cm", false)], undefined],
    ["a controller alone is the controller", [rs("web")], "web"],
    ["a plain owner listed before the controller: the controller, not the first reference", [ref("cm"), rs("web")], "web"],
    ["an owner with controller false before the controller: the controller", [ref("cm", false), rs("web")], "web"],
    ["the controller before a plain owner: the controller", [rs("web"), ref("cm")], "web"],
  ];
  for (const [name, refs, want] of rows) {
    it(name, () => {
      const obj = { metadata: refs === undefined ? {} : { ownerReferences: refs } };
      expect(controllerRefOf(obj)?.name).toBe(want);
    });
  }
});
