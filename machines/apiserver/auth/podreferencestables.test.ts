// pkg/api/v1/pod/util_test.go (the stored copy of the v1.3x line): TestPodSecrets and TestPodConfigmaps, the
// node authorizer's pod -> secret and pod -> configmap edges (VisitPodSecretNames, VisitPodConfigmapNames).
// Each Go stub names every reference after its field path; each path is a row here: the pod references the
// object of that name. The stubs' last check, an empty name collected by no visitor, is the last row of each.

import { describe, expect, it } from "vitest";
import { references } from "./node.js";

const ref = (name: string) => ({ name });
const secretPod = {
  spec: {
    containers: [{ envFrom: [{ secretRef: ref("Spec.Containers[*].EnvFrom[*].SecretRef") }], env: [{ valueFrom: { secretKeyRef: ref("Spec.Containers[*].Env[*].ValueFrom.SecretKeyRef") } }] }],
    imagePullSecrets: [ref("Spec.ImagePullSecrets")],
    initContainers: [{ envFrom: [{ secretRef: ref("Spec.InitContainers[*].EnvFrom[*].SecretRef") }], env: [{ valueFrom: { secretKeyRef: ref("Spec.InitContainers[*].Env[*].ValueFrom.SecretKeyRef") } }] }],
    volumes: [
      { azureFile: { secretName: "Spec.Volumes[*].VolumeSource.AzureFile.SecretName" } },
      { cephfs: { secretRef: ref("Spec.Volumes[*].VolumeSource.CephFS.SecretRef") } },
      { cinder: { secretRef: ref("Spec.Volumes[*].VolumeSource.Cinder.SecretRef") } },
      { flexVolume: { secretRef: ref("Spec.Volumes[*].VolumeSource.FlexVolume.SecretRef") } },
      { projected: { sources: [{ secret: ref("Spec.Volumes[*].VolumeSource.Projected.Sources[*].Secret") }] } },
      { rbd: { secretRef: ref("Spec.Volumes[*].VolumeSource.RBD.SecretRef") } },
      { secret: { secretName: "Spec.Volumes[*].VolumeSource.Secret.SecretName" } },
      { secret: { secretName: "Spec.Volumes[*].VolumeSource.Secret" } },
      { scaleIO: { secretRef: ref("Spec.Volumes[*].VolumeSource.ScaleIO.SecretRef") } },
      { iscsi: { secretRef: ref("Spec.Volumes[*].VolumeSource.ISCSI.SecretRef") } },
      { storageos: { secretRef: ref("Spec.Volumes[*].VolumeSource.StorageOS.SecretRef") } },
      { csi: { nodePublishSecretRef: ref("Spec.Volumes[*].VolumeSource.CSI.NodePublishSecretRef") } },
    ],
    ephemeralContainers: [{
      envFrom: [{ secretRef: ref("Spec.EphemeralContainers[*].EphemeralContainerCommon.EnvFrom[*].SecretRef") }],
      env: [{ valueFrom: { secretKeyRef: ref("Spec.EphemeralContainers[*].EphemeralContainerCommon.Env[*].ValueFrom.SecretKeyRef") } }],
    }],
  },
};

describe("TestPodSecrets (VisitPodSecretNames)", () => {
  const expectedSecretPaths = [
    "Spec.Containers[*].EnvFrom[*].SecretRef",
    "Spec.Containers[*].Env[*].ValueFrom.SecretKeyRef",
    "Spec.EphemeralContainers[*].EphemeralContainerCommon.EnvFrom[*].SecretRef",
    "Spec.EphemeralContainers[*].EphemeralContainerCommon.Env[*].ValueFrom.SecretKeyRef",
    "Spec.ImagePullSecrets",
    "Spec.InitContainers[*].EnvFrom[*].SecretRef",
    "Spec.InitContainers[*].Env[*].ValueFrom.SecretKeyRef",
    "Spec.Volumes[*].VolumeSource.AzureFile.SecretName",
    "Spec.Volumes[*].VolumeSource.CephFS.SecretRef",
    "Spec.Volumes[*].VolumeSource.Cinder.SecretRef",
    "Spec.Volumes[*].VolumeSource.FlexVolume.SecretRef",
    "Spec.Volumes[*].VolumeSource.Projected.Sources[*].Secret",
    "Spec.Volumes[*].VolumeSource.RBD.SecretRef",
    "Spec.Volumes[*].VolumeSource.Secret",
    "Spec.Volumes[*].VolumeSource.Secret.SecretName",
    "Spec.Volumes[*].VolumeSource.ScaleIO.SecretRef",
    "Spec.Volumes[*].VolumeSource.ISCSI.SecretRef",
    "Spec.Volumes[*].VolumeSource.StorageOS.SecretRef",
    "Spec.Volumes[*].VolumeSource.CSI.NodePublishSecretRef",
  ];
  it.each(expectedSecretPaths)("%s", (name) => expect(references(secretPod, "", "secrets", name)).toBe(true));
  it("emptyPod: an empty name is not collected", () => {
    expect(references({ spec: { containers: [{ envFrom: [{ secretRef: ref("") }] }] } }, "", "secrets", "")).toBe(false);
  });
});

describe("TestPodConfigmaps (VisitPodConfigmapNames)", () => {
  const pod = {
    spec: {
      containers: [{ envFrom: [{ configMapRef: ref("Spec.Containers[*].EnvFrom[*].ConfigMapRef") }], env: [{ valueFrom: { configMapKeyRef: ref("Spec.Containers[*].Env[*].ValueFrom.ConfigMapKeyRef") } }] }],
      ephemeralContainers: [{
        envFrom: [{ configMapRef: ref("Spec.EphemeralContainers[*].EphemeralContainerCommon.EnvFrom[*].ConfigMapRef") }],
        env: [{ valueFrom: { configMapKeyRef: ref("Spec.EphemeralContainers[*].EphemeralContainerCommon.Env[*].ValueFrom.ConfigMapKeyRef") } }],
      }],
      initContainers: [{ envFrom: [{ configMapRef: ref("Spec.InitContainers[*].EnvFrom[*].ConfigMapRef") }], env: [{ valueFrom: { configMapKeyRef: ref("Spec.InitContainers[*].Env[*].ValueFrom.ConfigMapKeyRef") } }] }],
      volumes: [
        { projected: { sources: [{ configMap: ref("Spec.Volumes[*].VolumeSource.Projected.Sources[*].ConfigMap") }] } },
        { configMap: ref("Spec.Volumes[*].VolumeSource.ConfigMap") },
      ],
    },
  };
  const expectedPaths = [
    "Spec.Containers[*].EnvFrom[*].ConfigMapRef",
    "Spec.Containers[*].Env[*].ValueFrom.ConfigMapKeyRef",
    "Spec.EphemeralContainers[*].EphemeralContainerCommon.EnvFrom[*].ConfigMapRef",
    "Spec.EphemeralContainers[*].EphemeralContainerCommon.Env[*].ValueFrom.ConfigMapKeyRef",
    "Spec.InitContainers[*].EnvFrom[*].ConfigMapRef",
    "Spec.InitContainers[*].Env[*].ValueFrom.ConfigMapKeyRef",
    "Spec.Volumes[*].VolumeSource.Projected.Sources[*].ConfigMap",
    "Spec.Volumes[*].VolumeSource.ConfigMap",
  ];
  it.each(expectedPaths)("%s", (name) => expect(references(pod, "", "configmaps", name)).toBe(true));
  it("emptyPod: an empty name is not collected", () => {
    expect(references({ spec: { containers: [{ envFrom: [{ configMapRef: ref("") }] }] } }, "", "configmaps", "")).toBe(false);
  });
});
