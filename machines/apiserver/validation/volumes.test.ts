// Pod volumes: rows of TestValidateVolumes, TestValidateCSIVolumeSource and TestValidateGlusterfsVolumeSource
// (pkg/apis/core/validation/validation_test.go, v1.35). Each row is one volume at spec.volumes[0];
// the Go table compares the type, the field (by suffix) and that the detail contains its text.

import { describe, it, expect } from "vitest";
import type { FieldError } from "../status.js";
import { validateCreate } from "./index.js";
import { validatePodTemplateSpec } from "./pod.js";
import { validateVolumeDevices, validateVolumeMounts, validateVolumes } from "./volumes.js";
import { brief, defaultedPod, messages } from "./testing.js";

type Want = [type: string, field: string, detail?: string];

const base = "spec.volumes[0]";

function check(vol: any, want: Want[], pod: any = defaultedPod()) {
  pod.spec.volumes = [vol];
  const errs: FieldError[] = validateCreate(pod);
  expect(errs.map((e) => `${e.type} ${e.field}`)).toEqual(want.map(([t, f]) => `${t} ${f === "" ? base : `${base}.${f}`}`));
  want.forEach(([, , detail], i) => {
    if (detail !== undefined) expect(errs[i]!.detail).toContain(detail);
  });
}

const R = "FieldValueRequired";
const I = "FieldValueInvalid";
const F = "FieldValueForbidden";
const NS = "FieldValueNotSupported";
const TL = "FieldValueTooLong";

const iscsi = (extra: any) => ({ name: "iscsi", iscsi: { targetPortal: "127.0.0.1", iqn: "iqn.2015-02.example.com:test", lun: 1, fsType: "ext4", ...extra } });

describe("TestValidateVolumes", () => {
  const cases: [string, any, Want[]][] = [
    ["valid alpha name", { name: "empty", emptyDir: {} }, []],
    ["valid num name", { name: "123", emptyDir: {} }, []],
    ["valid alphanum name", { name: "empty-123", emptyDir: {} }, []],
    ["valid numalpha name", { name: "123-empty", emptyDir: {} }, []],
    ["zero-length name", { name: "", emptyDir: {} }, [[R, "name"]]],
    ["name > 63 characters", { name: "a".repeat(64), emptyDir: {} }, [[I, "name", "must be no more than"]]],
    ["name has dots", { name: "a.b.c", emptyDir: {} }, [[I, "name", "must not contain dots"]]],
    ["name not a DNS label", { name: "Not a DNS label!", emptyDir: {} }, [[I, "name", "a lowercase RFC 1123 label must consist of"]]],
    ["more than one source: hostPath after emptyDir is the one forbidden", { name: "dups", emptyDir: {}, hostPath: { path: "/mnt/path", type: "Directory" } }, [[F, "hostPath", "may not specify more than 1 volume"]]],
    ["default HostPath", { name: "hostpath", hostPath: { path: "/mnt/path", type: "Directory" } }, []],
    ["valid HostPath", { name: "hostpath", hostPath: { path: "/mnt/path", type: "Socket" } }, []],
    ["invalid HostPath type", { name: "hostpath", hostPath: { path: "/mnt/path", type: "invalid" } }, [[NS, "hostPath.type"]]],
    ["invalid HostPath backsteps", { name: "hostpath", hostPath: { path: "/mnt/path/..", type: "Directory" } }, [[I, "hostPath.path", "must not contain '..'"]]],
    ["valid GcePersistentDisk", { name: "gce-pd", gcePersistentDisk: { pdName: "my-PD", fsType: "ext4", partition: 1 } }, []],
    ["valid AWSElasticBlockStore", { name: "aws-ebs", awsElasticBlockStore: { volumeID: "my-PD", fsType: "ext4", partition: 1 } }, []],
    ["valid GitRepo", { name: "git-repo", gitRepo: { repository: "my-repo", revision: "hashstring", directory: "target" } }, []],
    ["valid GitRepo in .", { name: "git-repo-dot", gitRepo: { repository: "my-repo", directory: "." } }, []],
    ["valid GitRepo with .. in name", { name: "git-repo-dot-dot-foo", gitRepo: { repository: "my-repo", directory: "..foo" } }, []],
    ["GitRepo starts with ../", { name: "gitrepo", gitRepo: { repository: "foo", directory: "../dots/bar" } }, [[I, "gitRepo.directory", "must not contain '..'"]]],
    ["GitRepo contains ..", { name: "gitrepo", gitRepo: { repository: "foo", directory: "dots/../bar" } }, [[I, "gitRepo.directory", "must not contain '..'"]]],
    ["GitRepo absolute target", { name: "gitrepo", gitRepo: { repository: "foo", directory: "/abstarget" } }, [[I, "gitRepo.directory"]]],
    ["valid ISCSI", iscsi({}), []],
    ["valid IQN: eui format", iscsi({ iqn: "eui.0123456789ABCDEF" }), []],
    ["valid IQN: naa format", iscsi({ iqn: "naa.62004567BA64678D0123456789ABCDEF" }), []],
    ["empty portal", iscsi({ targetPortal: "" }), [[R, "iscsi.targetPortal"]]],
    ["empty iqn", iscsi({ iqn: "" }), [[R, "iscsi.iqn"]]],
    ["invalid IQN: iqn format", iscsi({ iqn: "iqn.2015-02.example.com:test;ls;" }), [[I, "iscsi.iqn"]]],
    ["invalid IQN: eui format", iscsi({ iqn: "eui.0123456789ABCDEFGHIJ" }), [[I, "iscsi.iqn"]]],
    ["invalid IQN: naa format", iscsi({ iqn: "naa.62004567BA_4-78D.123456789ABCDEF" }), [[I, "iscsi.iqn"]]],
    ["valid initiatorName", iscsi({ initiatorName: "iqn.2015-02.example.com:init" }), []],
    ["invalid initiatorName", iscsi({ initiatorName: "2015-02.example.com:init" }), [[I, "iscsi.initiatorname"]]],
    ["empty secret with discovery CHAP", iscsi({ chapAuthDiscovery: true }), [[R, "iscsi.secretRef"]]],
    ["empty secret with session CHAP", iscsi({ chapAuthSession: true }), [[R, "iscsi.secretRef"]]],
    ["valid Secret", { name: "secret", secret: { secretName: "my-secret" } }, []],
    ["valid Secret with defaultMode", { name: "secret", secret: { secretName: "my-secret", defaultMode: 0o644 } }, []],
    ["valid Secret with projection and mode", { name: "secret", secret: { secretName: "my-secret", items: [{ key: "key", path: "filename", mode: 0o644 }] } }, []],
    ["valid Secret with subdir projection", { name: "secret", secret: { secretName: "my-secret", items: [{ key: "key", path: "dir/filename" }] } }, []],
    ["secret with missing path", { name: "secret", secret: { secretName: "s", items: [{ key: "key", path: "" }] } }, [[R, "secret.items[0].path"]]],
    ["secret with leading ..", { name: "secret", secret: { secretName: "s", items: [{ key: "key", path: "../foo" }] } }, [[I, "secret.items[0].path"]]],
    ["secret with .. inside", { name: "secret", secret: { secretName: "s", items: [{ key: "key", path: "foo/../bar" }] } }, [[I, "secret.items[0].path"]]],
    // the range is 0 to 0777, both ends included (ValidateVolumes: *mode > 0777 || *mode < 0)
    ["valid Secret with defaultMode 0777", { name: "secret", secret: { secretName: "s", defaultMode: 0o777 } }, []],
    ["valid ConfigMap with defaultMode 0", { name: "cfgmap", configMap: { name: "c", defaultMode: 0 } }, []],
    ["secret with invalid positive defaultMode", { name: "secret", secret: { secretName: "s", defaultMode: 0o1000 } }, [[I, "secret.defaultMode"]]],
    ["secret with invalid negative defaultMode", { name: "secret", secret: { secretName: "s", defaultMode: -1 } }, [[I, "secret.defaultMode"]]],
    ["valid ConfigMap", { name: "cfgmap", configMap: { name: "my-cfgmap" } }, []],
    ["valid ConfigMap with defaultMode", { name: "cfgmap", configMap: { name: "my-cfgmap", defaultMode: 0o644 } }, []],
    ["valid ConfigMap with projection and mode", { name: "cfgmap", configMap: { name: "my-cfgmap", items: [{ key: "key", path: "filename", mode: 0o644 }] } }, []],
    ["valid ConfigMap with subdir projection", { name: "cfgmap", configMap: { name: "my-cfgmap", items: [{ key: "key", path: "dir/filename" }] } }, []],
    ["configmap with missing path", { name: "cfgmap", configMap: { name: "c", items: [{ key: "key", path: "" }] } }, [[R, "configMap.items[0].path"]]],
    ["configmap with leading ..", { name: "cfgmap", configMap: { name: "c", items: [{ key: "key", path: "../foo" }] } }, [[I, "configMap.items[0].path"]]],
    ["configmap with .. inside", { name: "cfgmap", configMap: { name: "c", items: [{ key: "key", path: "foo/../bar" }] } }, [[I, "configMap.items[0].path"]]],
    ["configmap with invalid positive defaultMode", { name: "cfgmap", configMap: { name: "c", defaultMode: 0o1000 } }, [[I, "configMap.defaultMode"]]],
    ["configmap with invalid negative defaultMode", { name: "cfgmap", configMap: { name: "c", defaultMode: -1 } }, [[I, "configMap.defaultMode"]]],
    ["valid Glusterfs", { name: "glusterfs", glusterfs: { endpoints: "host1", path: "path" } }, []],
    ["empty hosts", { name: "glusterfs", glusterfs: { endpoints: "", path: "path" } }, [[R, "glusterfs.endpoints"]]],
    ["empty path", { name: "glusterfs", glusterfs: { endpoints: "host", path: "" } }, [[R, "glusterfs.path"]]],
    ["valid Flocker -- datasetUUID", { name: "flocker", flocker: { datasetUUID: "d846b09d-223d-43df-ab5b-d6db2206a0e4" } }, []],
    ["valid Flocker -- datasetName", { name: "flocker", flocker: { datasetName: "datasetName" } }, []],
    ["both empty", { name: "flocker", flocker: { datasetName: "" } }, [[R, "flocker"]]],
    ["both specified", { name: "flocker", flocker: { datasetName: "datasetName", datasetUUID: "d846b09d-223d-43df-ab5b-d6db2206a0e4" } }, [[I, "flocker"]]],
    ["slash in flocker datasetName", { name: "flocker", flocker: { datasetName: "foo/bar" } }, [[I, "flocker.datasetName", "must not contain '/'"]]],
    ["valid RBD", { name: "rbd", rbd: { monitors: ["foo"], image: "bar", fsType: "ext4" } }, []],
    ["empty rbd monitors", { name: "rbd", rbd: { monitors: [], image: "bar", fsType: "ext4" } }, [[R, "rbd.monitors"]]],
    ["empty image", { name: "rbd", rbd: { monitors: ["foo"], image: "", fsType: "ext4" } }, [[R, "rbd.image"]]],
    ["valid Cinder", { name: "cinder", cinder: { volumeID: "29ea5088-4f60-4757-962e-dba678767887", fsType: "ext4" } }, []],
    ["valid CephFS", { name: "cephfs", cephfs: { monitors: ["foo"] } }, []],
    ["empty cephfs monitors", { name: "cephfs", cephfs: { monitors: [] } }, [[R, "cephfs.monitors"]]],
    ["downapi valid defaultMode", { name: "downapi", downwardAPI: { defaultMode: 0o644 } }, []],
    ["downapi invalid positive defaultMode", { name: "downapi", downwardAPI: { defaultMode: 0o1000 } }, [[I, "downwardAPI.defaultMode"]]],
    ["downapi invalid negative defaultMode", { name: "downapi", downwardAPI: { defaultMode: -1 } }, [[I, "downwardAPI.defaultMode"]]],
    ["FC valid targetWWNs and lun", { name: "fc", fc: { targetWWNs: ["some_wwn"], lun: 1, fsType: "ext4" } }, []],
    ["FC valid wwids", { name: "fc", fc: { wwids: ["some_wwid"], fsType: "ext4" } }, []],
    ["FC empty targetWWNs and wwids", { name: "fc", fc: { targetWWNs: [], lun: 1, wwids: [], fsType: "ext4" } }, [[R, "fc.targetWWNs", "must specify either targetWWNs or wwids"]]],
    ["FC invalid: both targetWWNs and wwids simultaneously", { name: "fc", fc: { targetWWNs: ["some_wwn"], lun: 1, wwids: ["some_wwid"], fsType: "ext4" } }, [[I, "fc.targetWWNs", "targetWWNs and wwids can not be specified simultaneously"]]],
    ["FC valid targetWWNs and empty lun", { name: "fc", fc: { targetWWNs: ["wwn"], fsType: "ext4" } }, [[R, "fc.lun", "lun is required if targetWWNs is specified"]]],
    ["FC valid targetWWNs and invalid lun", { name: "fc", fc: { targetWWNs: ["wwn"], lun: 256, fsType: "ext4" } }, [[I, "fc.lun", "must be between 0 and 255, inclusive"]]],
    ["valid FlexVolume", { name: "flex-volume", flexVolume: { driver: "kubernetes.io/blue", fsType: "ext4" } }, []],
    ["valid AzureFile", { name: "azure-file", azureFile: { secretName: "key", shareName: "share" } }, []],
    ["AzureFile empty secret", { name: "azure-file", azureFile: { secretName: "", shareName: "share" } }, [[R, "azureFile.secretName"]]],
    ["AzureFile empty share", { name: "azure-file", azureFile: { secretName: "name", shareName: "" } }, [[R, "azureFile.shareName"]]],
    ["valid Quobyte", { name: "quobyte", quobyte: { registry: "registry:7861", volume: "volume", user: "root", group: "root", tenant: "ThisIsSomeTenantUUID" } }, []],
    ["empty registry quobyte", { name: "quobyte", quobyte: { volume: "/test", tenant: "ThisIsSomeTenantUUID" } }, [[R, "quobyte.registry"]]],
    ["wrong format registry quobyte", { name: "quobyte", quobyte: { registry: "registry7861", volume: "/test", tenant: "ThisIsSomeTenantUUID" } }, [[I, "quobyte.registry"]]],
    ["wrong format multiple registries quobyte", { name: "quobyte", quobyte: { registry: "registry:7861,reg2", volume: "/test", tenant: "ThisIsSomeTenantUUID" } }, [[I, "quobyte.registry"]]],
    ["empty volume quobyte", { name: "quobyte", quobyte: { registry: "registry:7861", tenant: "ThisIsSomeTenantUUID" } }, [[R, "quobyte.volume"]]],
    ["empty tenant quobyte", { name: "quobyte", quobyte: { registry: "registry:7861", volume: "/test", tenant: "" } }, []],
    ["too long tenant quobyte", { name: "quobyte", quobyte: { registry: "registry:7861", volume: "/test", tenant: "this is too long to be a valid uuid so this test has to fail on the maximum length validation of the tenant." } }, [[R, "quobyte.tenant"]]],
    ["valid AzureDisk", { name: "azure-disk", azureDisk: { diskName: "foo", diskURI: "https://blob/vhds/bar.vhd" } }, []],
    ["AzureDisk empty disk name", { name: "azure-disk", azureDisk: { diskName: "", diskURI: "https://blob/vhds/bar.vhd" } }, [[R, "azureDisk.diskName"]]],
    ["AzureDisk empty disk uri", { name: "azure-disk", azureDisk: { diskName: "foo", diskURI: "" } }, [[R, "azureDisk.diskURI"]]],
    ["valid scaleio volume", { name: "scaleio-volume", scaleIO: { gateway: "http://abcd/efg", system: "test-system", volumeName: "test-vol-1" } }, []],
    ["ScaleIO with empty name", { name: "scaleio-volume", scaleIO: { gateway: "http://abcd/efg", system: "test-system", volumeName: "" } }, [[R, "scaleIO.volumeName"]]],
    ["ScaleIO with empty gateway", { name: "scaleio-volume", scaleIO: { gateway: "", system: "test-system", volumeName: "test-vol-1" } }, [[R, "scaleIO.gateway"]]],
    ["ScaleIO with empty system", { name: "scaleio-volume", scaleIO: { gateway: "http://agc/efg/gateway", system: "", volumeName: "test-vol-1" } }, [[R, "scaleIO.system"]]],
    ["valid image volume on pod", { name: "image-volume", image: { reference: "quay.io/my/artifact:v1", pullPolicy: "IfNotPresent" } }, []],
    ["no volume source", { name: "volume" }, [[R, "", "must specify a volume type"]]],
    ["image volume with empty name", { name: "", image: { reference: "quay.io/my/artifact:v1", pullPolicy: "IfNotPresent" } }, [[R, "name"]]],
    ["image volume with empty reference on pod", { name: "image-volume", image: { reference: "", pullPolicy: "IfNotPresent" } }, [[R, "image.reference"]]],
    ["image volume with wrong pullPolicy", { name: "image-volume", image: { reference: "quay.io/my/artifact:v1", pullPolicy: "wrong" } }, [[NS, "image.pullPolicy"]]],
  ];
  for (const [name, vol, want] of cases) it(name, () => check(vol, want));

  it("two volumes of one name: the second is a duplicate", () => {
    const p = defaultedPod();
    p.spec.volumes = [{ name: "abc", emptyDir: {} }, { name: "abc", emptyDir: {} }];
    expect(validateCreate(p).map((e) => `${e.type} ${e.field}`)).toEqual(["FieldValueDuplicate spec.volumes[1].name"]);
  });

  it("a hugepages emptyDir medium is accepted", () => check({ name: "working", emptyDir: { medium: "HugePages" } }, []));

  it("image volume with empty reference on other object: a pod template may leave it empty (ResourceIsPod is false there)", () => {
    const errs = validatePodTemplateSpec({ metadata: {}, spec: { ...defaultedPod().spec, volumes: [{ name: "image-volume", image: { reference: "", pullPolicy: "IfNotPresent" } }] } }, "spec.template");
    expect(errs).toEqual([]);
  });
});

// Kubernetes checks the sources in its own order: whichever comes first in that order counts.
describe("the order of volume sources", () => {
  const cases: [string, any, Want[]][] = [
    ["secret after hostPath is forbidden, however the JSON orders them", { name: "v", secret: { secretName: "s" }, hostPath: { path: "/x" } }, [[F, "secret"]]],
    ["configMap after persistentVolumeClaim", { name: "v", configMap: { name: "c" }, persistentVolumeClaim: { claimName: "c" } }, [[F, "configMap"]]],
    ["a second source's own errors are not reported, only that it is one too many", { name: "v", emptyDir: {}, hostPath: { path: "" } }, [[F, "hostPath"]]],
    ["cephfs is forbidden at Kubernetes' spelling cephFS", { name: "v", emptyDir: {}, cephfs: { monitors: ["m"] } }, [[F, "cephFS"]]],
    ["downwardAPI is forbidden at Kubernetes' spelling downwarAPI", { name: "v", emptyDir: {}, downwardAPI: {} }, [[F, "downwarAPI"]]],
    ["gcePersistentDisk's own checks sit at persistentDisk", { name: "v", gcePersistentDisk: { pdName: "", partition: 256 } }, [[R, "persistentDisk.pdName"], [I, "persistentDisk.partition", "must be between 1 and 255, inclusive"]]],
    ["three sources: the second and third are forbidden", { name: "v", image: { reference: "r", pullPolicy: "Always" }, csi: { driver: "d" }, emptyDir: {} }, [[F, "csi"], [F, "image"]]],
  ];
  for (const [name, vol, want] of cases) it(name, () => check(vol, want));
});

describe("TestValidateCSIVolumeSource", () => {
  const cases: [string, string, string | undefined, Want[]][] = [
    ["all required fields ok", "test-driver", undefined, []],
    ["missing driver name", "", undefined, [[R, "csi.driver"], [I, "csi.driver"]]],
    ["driver name: ok no punctuations", "comgooglestoragecsigcepd", undefined, []],
    ["driver name: ok dot only", "io.kubernetes.storage.csi.flex", undefined, []],
    ["driver name: ok dash only", "io-kubernetes-storage-csi-flex", undefined, []],
    ["driver name: invalid underscore", "io_kubernetes_storage_csi_flex", undefined, [[I, "csi.driver"]]],
    ["driver name: invalid dot underscores", "io.kubernetes.storage_csi.flex", undefined, [[I, "csi.driver"]]],
    ["driver name: ok beginning with number", "2io.kubernetes.storage-csi.flex", undefined, []],
    ["driver name: ok ending with number", "io.kubernetes.storage-csi.flex2", undefined, []],
    ["driver name: invalid dot dash underscores", "io.kubernetes-storage.csi_flex", undefined, [[I, "csi.driver"]]],
    ["driver name: ok length 1", "a", undefined, []],
    ["driver name: invalid length > 63", "g".repeat(65), undefined, [[TL, "csi.driver"]]],
    ["driver name: invalid start char", "_comgooglestoragecsigcepd", undefined, [[I, "csi.driver"]]],
    ["driver name: invalid end char", "comgooglestoragecsigcepd/", undefined, [[I, "csi.driver"]]],
    ["driver name: invalid separators", "com/google/storage/csi~gcepd", undefined, [[I, "csi.driver"]]],
    ["valid nodePublishSecretRef", "com.google.gcepd", "foobar", []],
    ["nodePublishSecretRef: invalid name missing", "com.google.gcepd", "", [[R, "csi.nodePublishSecretRef.name"]]],
  ];
  for (const [name, driver, secret, want] of cases) {
    it(name, () => check({ name: "csi", csi: { driver, ...(secret === undefined ? {} : { nodePublishSecretRef: { name: secret } }) } }, want));
  }
});

const labelsRef = { apiVersion: "v1", fieldPath: "metadata.labels" };

describe("TestValidateVolumes: downward API volumes", () => {
  const dapi = (items: any[]) => ({ name: "downapi", downwardAPI: { items } });
  const cases: [string, any, Want[]][] = [
    ["valid DownwardAPI", { name: "downwardapi", downwardAPI: { items: [
      { path: "labels", fieldRef: labelsRef },
      { path: "labels with subscript", fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels['key']" } },
      { path: "labels with complex subscript", fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels['test.example.com/key']" } },
      { path: "annotations", fieldRef: { apiVersion: "v1", fieldPath: "metadata.annotations" } },
      { path: "annotations with subscript", fieldRef: { apiVersion: "v1", fieldPath: "metadata.annotations['key']" } },
      { path: "annotations with complex subscript", fieldRef: { apiVersion: "v1", fieldPath: "metadata.annotations['TEST.EXAMPLE.COM/key']" } },
      { path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } },
      { path: "name", fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } },
      { path: "path/with/subdirs", fieldRef: labelsRef },
      { path: "path/./withdot", fieldRef: labelsRef },
      { path: "path/with/embedded..dotdot", fieldRef: labelsRef },
      { path: "path/with/leading/..dotdot", fieldRef: labelsRef },
      { path: "cpu_limit", resourceFieldRef: { containerName: "test-container", resource: "limits.cpu" } },
      { path: "cpu_request", resourceFieldRef: { containerName: "test-container", resource: "requests.cpu" } },
      { path: "memory_limit", resourceFieldRef: { containerName: "test-container", resource: "limits.memory" } },
      { path: "memory_request", resourceFieldRef: { containerName: "test-container", resource: "requests.memory" } },
    ] } }, []],
    ["hugepages-downwardAPI-enabled", dapi([
      { path: "hugepages_request", resourceFieldRef: { containerName: "test-container", resource: "requests.hugepages-2Mi" } },
      { path: "hugepages_limit", resourceFieldRef: { containerName: "test-container", resource: "limits.hugepages-2Mi" } },
    ]), []],
    ["downapi valid item mode", dapi([{ mode: 0o644, path: "path", fieldRef: labelsRef }]), []],
    ["downapi invalid positive item mode", dapi([{ mode: 0o1000, path: "path", fieldRef: labelsRef }]), [[I, "downwardAPI.mode"]]],
    ["downapi invalid negative item mode", dapi([{ mode: -1, path: "path", fieldRef: labelsRef }]), [[I, "downwardAPI.mode"]]],
    ["downapi empty metatada path", dapi([{ path: "", fieldRef: labelsRef }]), [[R, "downwardAPI.path"]]],
    ["downapi absolute path", dapi([{ path: "/absolutepath", fieldRef: labelsRef }]), [[I, "downwardAPI.path"]]],
    ["downapi dot dot path", dapi([{ path: "../../passwd", fieldRef: labelsRef }]), [[I, "downwardAPI.path", "must not contain '..'"]]],
    ["downapi dot dot file name", dapi([{ path: "..badFileName", fieldRef: labelsRef }]), [[I, "downwardAPI.path", "must not start with '..'"]]],
    ["downapi dot dot first level dirent", dapi([{ path: "..badDirName/goodFileName", fieldRef: labelsRef }]), [[I, "downwardAPI.path", "must not start with '..'"]]],
    ["downapi fieldRef and ResourceFieldRef together", dapi([{ path: "test", fieldRef: labelsRef, resourceFieldRef: { containerName: "test-container", resource: "requests.memory" } }]), [[I, "downwardAPI", "fieldRef and resourceFieldRef can not be specified simultaneously"]]],
    ["downapi neither fieldRef nor resourceFieldRef", dapi([{ path: "test" }]), [[R, "downwardAPI", "one of fieldRef and resourceFieldRef is required"]]],
    ["downapi resourceFieldRef needs a container name", dapi([{ path: "test", resourceFieldRef: { resource: "limits.cpu" } }]), [[R, "downwardAPI.resourceFieldRef.containerName"]]],
    ["downapi fieldRef to a path env vars may use but volumes may not", dapi([{ path: "test", fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } }]), [[NS, "downwardAPI.fieldRef.fieldPath"]]],
  ];
  for (const [name, vol, want] of cases) it(name, () => check(vol, want));
});

describe("TestValidateVolumes: projected volumes", () => {
  const cases: [string, any, Want[]][] = [
    ["ProjectedVolumeSource more than one projection in a source", { name: "projected-volume", projected: { sources: [{ secret: { name: "foo" } }, { secret: { name: "foo" }, downwardAPI: {} }] } }, [[F, "projected.sources[1]"]]],
    ["ProjectedVolumeSource more than one projection in a source, both without names", { name: "projected-volume", projected: { sources: [{ secret: {} }, { secret: {}, downwardAPI: {} }] } }, [
      [R, "projected.sources[0].secret.name"], [R, "projected.sources[1].secret.name"], [F, "projected.sources[1]"]]],
    ["two items at one path conflict", { name: "p", projected: { sources: [{ secret: { name: "s", items: [{ key: "a", path: "x" }] } }, { configMap: { name: "c", items: [{ key: "b", path: "x" }] } }] } }, [[I, "projected", "conflicting duplicate paths"]]],
    ["a projected configMap item needs a key", { name: "p", projected: { sources: [{ configMap: { name: "c", items: [{ key: "", path: "x" }] } }] } }, [[R, "projected.sources[0].configMap.items[0].key"]]],
    ["a projected token must last at least 10 minutes, and its path is reported at the volume", { name: "p", projected: { sources: [{ serviceAccountToken: { expirationSeconds: 60, path: "" } }] } }, [
      [I, "projected.sources[0].serviceAccountToken.expirationSeconds", "may not specify a duration less than 10 minutes"], [R, "projected.path"]]],
    ["a projected token path must be local", { name: "p", projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3600, path: "/abs" } }] } }, [[I, "projected.path", "must be a relative path"]]],
    ["a clusterTrustBundle needs a name or a signerName, and a path", { name: "p", projected: { sources: [{ clusterTrustBundle: {} }] } }, [
      [R, "projected.sources[0].clusterTrustBundle", "either name or signerName must be specified"], [R, "projected.sources[0].clusterTrustBundle.path"]]],
    ["projected defaultMode out of range", { name: "p", projected: { defaultMode: 0o1000, sources: [] } }, [[I, "projected.defaultMode"]]],
  ];
  for (const [name, vol, want] of cases) {
    it(name, () => {
      const p = defaultedPod();
      // A token projection needs a service account, which defaulting gives; keep it so only the row's errors show.
      p.spec.serviceAccountName = "default";
      check(vol, want, p);
    });
  }
});

describe("TestValidateVolumeMounts", () => {
  const { vols, errs } = validateVolumes([
    { name: "abc", persistentVolumeClaim: { claimName: "testclaim1" } },
    { name: "abc-123", persistentVolumeClaim: { claimName: "testclaim2" } },
    { name: "123", hostPath: { path: "/foo/baz", type: "" } },
    { name: "ephemeral", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10G" } } } } } },
    { name: "image-volume", image: { reference: "quay.io/my/artifact:v1", pullPolicy: "IfNotPresent" } },
  ], "field");
  it("the test volumes are valid", () => expect(errs).toEqual([]));
  const goodDevices = [{ name: "xyz", devicePath: "/foofoo" }, { name: "uvw", devicePath: "/foofoo/share/test" }];
  const badDevices = [{ name: "xyz", devicePath: "/mnt/exists" }];
  const mounts = (volumeMounts: any[], volumeDevices = goodDevices, securityContext?: any) => validateVolumeMounts({ volumeMounts, volumeDevices, securityContext }, vols, "field");

  it("accepts the success rows", () => {
    expect(mounts([
      { name: "abc", mountPath: "/foo" }, { name: "123", mountPath: "/bar" }, { name: "abc-123", mountPath: "/baz" },
      { name: "abc-123", mountPath: "/baa", subPath: "" }, { name: "abc-123", mountPath: "/bab", subPath: "baz" },
      { name: "abc-123", mountPath: "d:", subPath: "" }, { name: "abc-123", mountPath: "F:", subPath: "" }, { name: "abc-123", mountPath: "G:\\mount", subPath: "" },
      { name: "abc-123", mountPath: "/bac", subPath: ".baz" }, { name: "abc-123", mountPath: "/bad", subPath: "..baz" },
      { name: "ephemeral", mountPath: "/foobar" },
      { name: "123", mountPath: "/rro-nil", readOnly: true },
      { name: "123", mountPath: "/rro-disabled", readOnly: true, recursiveReadOnly: "Disabled" },
      { name: "123", mountPath: "/rro-disabled-2", readOnly: false, recursiveReadOnly: "Disabled" },
      { name: "123", mountPath: "/rro-ifpossible", readOnly: true, recursiveReadOnly: "IfPossible" },
      { name: "123", mountPath: "/rro-enabled", readOnly: true, recursiveReadOnly: "Enabled" },
      { name: "123", mountPath: "/rro-enabled-2", readOnly: true, recursiveReadOnly: "Enabled", mountPropagation: "None" },
      { name: "image-volume", mountPath: "/image-volume" },
    ])).toEqual([]);
  });

  const errorCases: [string, any[], string[]][] = [
    ["empty name", [{ name: "", mountPath: "/foo" }], ["FieldValueRequired field[0].name", "FieldValueNotFound field[0].name"]],
    ["empty mountpath", [{ name: "abc", mountPath: "" }], ["FieldValueRequired field[0].mountPath"]],
    ["mountpath collision", [{ name: "foo", mountPath: "/path/a" }, { name: "bar", mountPath: "/path/a" }], ["FieldValueNotFound field[0].name", "FieldValueNotFound field[1].name", "FieldValueInvalid field[1].mountPath"]],
    ["absolute subpath", [{ name: "abc", mountPath: "/bar", subPath: "/baz" }], ["FieldValueInvalid field.subPath"]],
    ["subpath in ..", [{ name: "abc", mountPath: "/bar", subPath: "../baz" }], ["FieldValueInvalid field.subPath"]],
    ["subpath contains ..", [{ name: "abc", mountPath: "/bar", subPath: "baz/../bat" }], ["FieldValueInvalid field.subPath"]],
    ["subpath ends in ..", [{ name: "abc", mountPath: "/bar", subPath: "./.." }], ["FieldValueInvalid field.subPath"]],
    ["Bidirectional propagation needs a privileged container", [{ name: "abc", mountPath: "/bar", mountPropagation: "Bidirectional" }], ["FieldValueForbidden field.mountPropagation"]],
    ["rro but not ro", [{ name: "123", mountPath: "/rro-bad1", readOnly: false, recursiveReadOnly: "Enabled" }], ["FieldValueForbidden field.recursiveReadOnly"]],
    ["rro with incompatible propagation", [{ name: "123", mountPath: "/rro-bad2", readOnly: true, recursiveReadOnly: "Enabled", mountPropagation: "HostToContainer" }], ["FieldValueForbidden field.recursiveReadOnly"]],
    ["rro-if-possible but not ro", [{ name: "123", mountPath: "/rro-bad1", readOnly: false, recursiveReadOnly: "IfPossible" }], ["FieldValueForbidden field.recursiveReadOnly"]],
    // image volumes take subPath and subPathExpr since 1.33 (kubernetes#130135): only the path's own checks remain
    ["absolute subPath of an image volume", [{ name: "image-volume", mountPath: "/image-volume-err-1", subPath: "/foo" }], ["FieldValueInvalid field.subPath"]],
    ["subPathExpr of an image volume", [{ name: "image-volume", mountPath: "/image-volume-err-2", subPathExpr: "$(POD_NAME)" }], []],
    ["subpath and subpathexpr are mutually exclusive", [{ name: "abc-123", mountPath: "/bab", subPath: "baz", subPathExpr: "$(POD_NAME)" }], ["FieldValueInvalid field[0].subPathExpr"]],
  ];
  for (const [name, ms, want] of errorCases) it(name, () => expect(brief(mounts(ms))).toEqual(want));

  it("name exists in volumeDevice", () => expect(brief(mounts([{ name: "xyz", mountPath: "/bar" }], badDevices))).toEqual(["FieldValueNotFound field[0].name", "FieldValueInvalid field[0].name"]));
  it("mountpath exists in volumeDevice", () => expect(brief(mounts([{ name: "uvw", mountPath: "/mnt/exists" }], badDevices))).toEqual(["FieldValueNotFound field[0].name", "FieldValueInvalid field[0].mountPath"]));
  it("words an unknown propagation as NotSupported", () => {
    expect(messages(mounts([{ name: "123", mountPath: "/x", mountPropagation: "invalid" }], goodDevices, { privileged: true }))).toEqual(['field.mountPropagation: Unsupported value: "invalid": supported values: "Bidirectional", "HostToContainer", "None"']);
  });

  // TestValidateMountPropagation.
  const propagation: [string, any, string | undefined, boolean][] = [
    ["implicitly non-privileged + no propagation", undefined, undefined, false],
    ["implicitly non-privileged + HostToContainer", undefined, "HostToContainer", false],
    ["non-privileged + None", undefined, "None", false],
    ["implicitly non-privileged + Bidirectional", undefined, "Bidirectional", true],
    ["explicitly non-privileged + no propagation", { privileged: false }, undefined, false],
    ["explicitly non-privileged + HostToContainer", { privileged: false }, "HostToContainer", false],
    ["explicitly non-privileged + Bidirectional", { privileged: false }, "Bidirectional", true],
    ["privileged + no propagation", { privileged: true }, undefined, false],
    ["privileged + HostToContainer", { privileged: true }, "HostToContainer", false],
    ["privileged + Bidirectional", { privileged: true }, "Bidirectional", false],
    ["privileged + invalid propagation", { privileged: true }, "invalid", true],
  ];
  for (const [name, sc, mode, fails] of propagation) {
    it(`mount propagation: ${name}`, () => expect(mounts([{ name: "123", mountPath: "/foo", ...(mode ? { mountPropagation: mode } : {}) }], [], sc).length > 0).toBe(fails));
  }

  // TestAlphaValidateVolumeDevices.
  const devices = (volumeDevices: any[], volumeMounts: any[]) => validateVolumeDevices({ volumeDevices, volumeMounts }, vols, "field");
  const goodMounts = [{ name: "xyz", mountPath: "/foofoo" }, { name: "ghi", mountPath: "/foo/usr/share/test" }];
  const badMounts = [{ name: "abc", mountPath: "/foo" }, { name: "abc-123", mountPath: "/this/path/exists" }];
  it("accepts block devices on PVC and ephemeral volumes", () => {
    expect(devices([{ name: "abc", devicePath: "/foo" }, { name: "abc-123", devicePath: "/usr/share/test" }, { name: "ephemeral", devicePath: "/disk" }], goodMounts)).toEqual([]);
  });
  const deviceErrors: [string, any[]][] = [
    ["empty name", [{ name: "", devicePath: "/foo" }]],
    ["duplicate name", [{ name: "abc", devicePath: "/foo" }, { name: "abc", devicePath: "/foo/bar" }]],
    ["name not found", [{ name: "not-found", devicePath: "/usr/share/test" }]],
    ["name found but invalid source", [{ name: "123", devicePath: "/usr/share/test" }]],
    ["empty devicepath", [{ name: "abc", devicePath: "" }]],
    ["duplicate devicepath", [{ name: "abc", devicePath: "/foo" }, { name: "abc-123", devicePath: "/foo" }]],
    ["relative devicepath (its name is also mounted)", [{ name: "abc-123", devicePath: "baz" }]],
    ["no backsteps", [{ name: "123", devicePath: "/baz/../" }]],
    ["name exists in volumemounts", [{ name: "abc", devicePath: "/baz/../" }]],
    ["path exists in volumemounts", [{ name: "xyz", devicePath: "/this/path/exists" }]],
    ["both exist in volumemounts", [{ name: "abc", devicePath: "/this/path/exists" }]],
  ];
  for (const [name, ds] of deviceErrors) it(`volume devices: ${name} fails`, () => expect(devices(ds, badMounts).length).toBeGreaterThan(0));
});

// TestValidateSubpathMutuallyExclusive and TestValidateDisabledSubpathExpr (validation_test.go, 000f2605), every row.
describe("TestValidateSubpathMutuallyExclusive and TestValidateDisabledSubpathExpr", () => {
  const { vols } = validateVolumes([
    { name: "abc", persistentVolumeClaim: { claimName: "testclaim1" } },
    { name: "abc-123", persistentVolumeClaim: { claimName: "testclaim2" } },
    { name: "123", hostPath: { path: "/foo/baz", type: "" } },
  ], "field");
  const devices = [{ name: "xyz", devicePath: "/foofoo" }, { name: "uvw", devicePath: "/foofoo/share/test" }];
  const rows: [string, any, boolean][] = [
    ["subpath and subpathexpr not specified", { name: "abc-123", mountPath: "/bab" }, false],
    ["subpath expr specified", { name: "abc-123", mountPath: "/bab", subPathExpr: "$(POD_NAME)" }, false],
    ["subpath specified", { name: "abc-123", mountPath: "/bab", subPath: "baz" }, false],
    ["subpath and subpathexpr specified", { name: "abc-123", mountPath: "/bab", subPath: "baz", subPathExpr: "$(POD_NAME)" }, true],
  ];
  for (const [name, mount, fails] of rows) {
    it(name, () => expect(validateVolumeMounts({ volumeMounts: [mount], volumeDevices: devices }, vols, "field").length > 0).toBe(fails));
  }
});

// TestValidateMountPropagation and TestAlphaValidateVolumeDevices (validation_test.go, 000f2605): every row
// but the mount with a nil container (in a pod every mount belongs to a container).
describe("TestValidateMountPropagation", () => {
  const { vols } = validateVolumes([{ name: "foo", hostPath: { path: "/foo/baz", type: "" } }], "field");
  const defaultContainer = {};
  const nonPrivileged = { securityContext: { privileged: false } };
  const privileged = { securityContext: { privileged: true } };
  const rows: [string, string | undefined, any, boolean][] = [
    ["implicitly non-privileged container + no propagation", undefined, defaultContainer, false],
    ["implicitly non-privileged container + HostToContainer", "HostToContainer", defaultContainer, false],
    ["non-privileged container + None", "None", defaultContainer, false],
    ["implicitly non-privileged container + Bidirectional", "Bidirectional", defaultContainer, true],
    ["explicitly non-privileged container + no propagation", undefined, nonPrivileged, false],
    ["explicitly non-privileged container + HostToContainer", "HostToContainer", nonPrivileged, false],
    ["explicitly non-privileged container + Bidirectional", "Bidirectional", nonPrivileged, true],
    ["privileged container + no propagation", undefined, privileged, false],
    ["privileged container + HostToContainer", "HostToContainer", privileged, false],
    ["privileged container + Bidirectional", "Bidirectional", privileged, false],
    ["privileged container + invalid mount propagation", "invalid", privileged, true],
  ];
  for (const [name, mountPropagation, container, fails] of rows) {
    it(name, () => {
      const mount = { name: "foo", mountPath: "/foo", ...(mountPropagation ? { mountPropagation } : {}) };
      expect(validateVolumeMounts({ ...container, volumeMounts: [mount] }, vols, "field").length > 0).toBe(fails);
    });
  }
});

describe("TestAlphaValidateVolumeDevices", () => {
  const { vols } = validateVolumes([
    { name: "abc", persistentVolumeClaim: { claimName: "testclaim1" } },
    { name: "abc-123", persistentVolumeClaim: { claimName: "testclaim2" } },
    { name: "def", hostPath: { path: "/foo/baz", type: "" } },
    { name: "ephemeral", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10G" } } } } } },
  ], "field");
  const goodMounts = [{ name: "xyz", mountPath: "/foofoo" }, { name: "ghi", mountPath: "/foo/usr/share/test" }];
  const badMounts = [{ name: "abc", mountPath: "/foo" }, { name: "abc-123", mountPath: "/this/path/exists" }];
  it("accepts PVC and ephemeral block devices", () => {
    const volumeDevices = [{ name: "abc", devicePath: "/foo" }, { name: "abc-123", devicePath: "/usr/share/test" }, { name: "ephemeral", devicePath: "/disk" }];
    expect(validateVolumeDevices({ volumeDevices, volumeMounts: goodMounts }, vols, "field")).toEqual([]);
  });
  const errors: [string, any[]][] = [
    ["empty name", [{ name: "", devicePath: "/foo" }]],
    ["duplicate name", [{ name: "abc", devicePath: "/foo" }, { name: "abc", devicePath: "/foo/bar" }]],
    ["name not found", [{ name: "not-found", devicePath: "/usr/share/test" }]],
    ["name found but invalid source", [{ name: "def", devicePath: "/usr/share/test" }]],
    ["empty devicepath", [{ name: "abc", devicePath: "" }]],
    ["relative devicepath", [{ name: "abc-123", devicePath: "baz" }]],
    ["duplicate devicepath", [{ name: "abc", devicePath: "/foo" }, { name: "abc-123", devicePath: "/foo" }]],
    ["no backsteps", [{ name: "def", devicePath: "/baz/../" }]],
    ["name exists in volumemounts", [{ name: "abc", devicePath: "/baz/../" }]],
    ["path exists in volumemounts", [{ name: "xyz", devicePath: "/this/path/exists" }]],
    ["both exist in volumemounts", [{ name: "abc", devicePath: "/this/path/exists" }]],
  ];
  for (const [name, volumeDevices] of errors) it(`refuses: ${name}`, () => expect(validateVolumeDevices({ volumeDevices, volumeMounts: badMounts }, vols, "field").length).toBeGreaterThan(0));
});
