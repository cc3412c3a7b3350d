// TestValidateEphemeralContainers (pkg/apis/core/validation/validation_test.go at 000f2605), every row,
// through a pods/ephemeralcontainers write adding the row's containers to a pod with the table's
// containers ("ctr"), init containers ("ictr") and volumes ("blk" a claim, "vol" an emptyDir), under
// each pod restartPolicy the Go test tries. The Go test compares each cause's type and field (its
// path "ephemeralContainers" is the pod's "spec.ephemeralContainers").

import { describe, expect, it } from "vitest";
import { validateUpdate } from "./index.js";
import { makePod } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const ec = (name: string, edit: (c: any) => void = () => {}) => {
  const c: any = { name, image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" };
  edit(c);
  return c;
};
const pod = (restartPolicy: string, ephemeral: any[]) => makePod("pod", (p) => {
  p.metadata = { name: "pod", namespace: "ns", resourceVersion: "1" };
  p.spec.containers = [{ name: "ctr", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }];
  p.spec.initContainers = [{ name: "ictr", image: "iimage", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }];
  p.spec.volumes = [{ name: "blk", persistentVolumeClaim: { claimName: "pvc" } }, { name: "vol", emptyDir: {} }];
  p.spec.restartPolicy = restartPolicy;
  p.spec.ephemeralContainers = ephemeral;
});
const write = (restartPolicy: string, ephemeral: any[]) => validateUpdate(pod(restartPolicy, ephemeral), pod(restartPolicy, []), "ephemeralcontainers");
const policies = ["Never", "Always", "OnFailure"];

describe("TestValidateEphemeralContainers: success cases", () => {
  const cases: [string, any[]][] = [
    ["Empty Ephemeral Containers", []],
    ["Single Container", [ec("debug")]],
    ["Multiple Containers", [ec("debug1"), ec("debug2")]],
    ["Single Container with Target", [{ ...ec("debug"), targetContainerName: "ctr" }]],
    ["All allowed fields", [ec("debug", (c) => Object.assign(c, {
      command: ["bash"], args: ["bash"], workingDir: "/",
      envFrom: [{ configMapRef: { name: "dummy", optional: true } }],
      env: [{ name: "TEST", value: "TRUE" }],
      volumeMounts: [{ name: "vol", mountPath: "/vol" }],
      volumeDevices: [{ name: "blk", devicePath: "/dev/block" }],
      terminationMessagePath: "/dev/termination-log",
      securityContext: { capabilities: { add: ["SYS_ADMIN"] } },
      stdin: true, stdinOnce: true, tty: true,
    }))]],
  ];
  for (const [title, ephemeral] of cases) for (const rp of policies) it(`${title} (restartPolicy ${rp})`, () => expect(write(rp, ephemeral)).toEqual([]));
});

describe("TestValidateEphemeralContainers: failure cases", () => {
  const tcp80 = { tcpSocket: { port: 80 } };
  const cases: [string, any[], string[]][] = [
    ["Name Collision with Container.Containers", [ec("ctr"), ec("debug1")], ["FieldValueDuplicate ephemeralContainers[0].name"]],
    ["Name Collision with Container.InitContainers", [ec("ictr"), ec("debug1")], ["FieldValueDuplicate ephemeralContainers[0].name"]],
    ["Name Collision with EphemeralContainers", [ec("debug1"), ec("debug1")], ["FieldValueDuplicate ephemeralContainers[1].name"]],
    ["empty Container", [{}], [
      "FieldValueRequired ephemeralContainers[0].name", "FieldValueRequired ephemeralContainers[0].image",
      "FieldValueRequired ephemeralContainers[0].terminationMessagePolicy", "FieldValueRequired ephemeralContainers[0].imagePullPolicy",
    ]],
    ["empty Container Name", [ec("")], ["FieldValueRequired ephemeralContainers[0].name"]],
    ["whitespace padded image name", [ec("debug", (c) => { c.image = " image"; })], ["FieldValueInvalid ephemeralContainers[0].image"]],
    ["invalid image pull policy", [ec("debug", (c) => { c.imagePullPolicy = "PullThreeTimes"; })], ["FieldValueNotSupported ephemeralContainers[0].imagePullPolicy"]],
    ["TargetContainerName doesn't exist", [{ ...ec("debug"), targetContainerName: "bogus" }], ["FieldValueNotFound ephemeralContainers[0].targetContainerName"]],
    ["Targets an ephemeral container", [ec("debug"), { ...ec("debugception"), targetContainerName: "debug" }], ["FieldValueNotFound ephemeralContainers[1].targetContainerName"]],
    ["Container uses disallowed field: Lifecycle", [ec("debug", (c) => { c.lifecycle = { preStop: { exec: { command: ["ls", "-l"] } } }; })], ["FieldValueForbidden ephemeralContainers[0].lifecycle"]],
    ["Container uses disallowed field: LivenessProbe", [ec("debug", (c) => { c.livenessProbe = { ...tcp80, successThreshold: 1 }; })], ["FieldValueForbidden ephemeralContainers[0].livenessProbe"]],
    ["Container uses disallowed field: Ports", [ec("debug", (c) => { c.ports = [{ protocol: "TCP", containerPort: 80 }]; })], ["FieldValueForbidden ephemeralContainers[0].ports"]],
    ["Container uses disallowed field: ReadinessProbe", [ec("debug", (c) => { c.readinessProbe = { ...tcp80 }; })], ["FieldValueForbidden ephemeralContainers[0].readinessProbe"]],
    ["Container uses disallowed field: StartupProbe", [ec("debug", (c) => { c.startupProbe = { ...tcp80, successThreshold: 1 }; })], ["FieldValueForbidden ephemeralContainers[0].startupProbe"]],
    ["Container uses disallowed field: Resources", [ec("debug", (c) => { c.resources = { limits: { cpu: "10" } }; })], ["FieldValueForbidden ephemeralContainers[0].resources"]],
    ["Container uses disallowed field: VolumeMount.SubPath", [ec("debug", (c) => { c.volumeMounts = [{ name: "vol", mountPath: "/vol" }, { name: "vol", mountPath: "/volsub", subPath: "foo" }]; })],
      ["FieldValueForbidden ephemeralContainers[0].volumeMounts[1].subPath"]],
    ["Container uses disallowed field: VolumeMount.SubPathExpr", [ec("debug", (c) => { c.volumeMounts = [{ name: "vol", mountPath: "/vol" }, { name: "vol", mountPath: "/volsub", subPathExpr: "$(POD_NAME)" }]; })],
      ["FieldValueForbidden ephemeralContainers[0].volumeMounts[1].subPathExpr"]],
    ["Disallowed field with other errors should only return a single Forbidden", [ec("debug", (c) => { c.lifecycle = { preStop: { exec: { command: [] } } }; })], ["FieldValueForbidden ephemeralContainers[0].lifecycle"]],
    ["Container uses disallowed field: ResizePolicy", [ec("resources-resize-policy", (c) => { c.resizePolicy = [{ resourceName: "cpu", restartPolicy: "NotRequired" }]; })], ["FieldValueForbidden ephemeralContainers[0].resizePolicy"]],
    ["Forbidden RestartPolicy: Always", [ec("foo", (c) => { c.restartPolicy = "Always"; })], ["FieldValueForbidden ephemeralContainers[0].restartPolicy"]],
    ["Forbidden RestartPolicy: OnFailure", [ec("foo", (c) => { c.restartPolicy = "OnFailure"; })], ["FieldValueForbidden ephemeralContainers[0].restartPolicy"]],
    ["Forbidden RestartPolicy: Never", [ec("foo", (c) => { c.restartPolicy = "Never"; })], ["FieldValueForbidden ephemeralContainers[0].restartPolicy"]],
    ["Forbidden RestartPolicy: invalid", [ec("foo", (c) => { c.restartPolicy = "invalid"; })], ["FieldValueForbidden ephemeralContainers[0].restartPolicy"]],
    ["Forbidden RestartPolicy: empty", [ec("foo", (c) => { c.restartPolicy = ""; })], ["FieldValueForbidden ephemeralContainers[0].restartPolicy"]],
  ];
  for (const [title, ephemeral, want] of cases) {
    for (const rp of policies) {
      it(`${title} (restartPolicy ${rp})`, () => {
        const got = write(rp, ephemeral).map((e) => `${e.type} ${e.field}`);
        expect(got).toEqual(want.map((w) => w.replace(" ephemeralContainers", " spec.ephemeralContainers")));
      });
    }
  }
});
