// Per-kind validation of writes, as the registry strategies' Validate / ValidateUpdate run it.

import { validatePodResize } from "./podresize.js";
import type { FieldError } from "../status.js";
import { SYSTEM_PRIORITY_CLASSES } from "../admission/pod.js";
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerUpdate } from "./autoscaling.js";
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from "./batch.js";
import { validateControllerRevision, validateControllerRevisionUpdate, validateDaemonSet, validateDaemonSetStatusUpdate, validateDaemonSetUpdateV1 } from "./daemonset.js";
import { validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdateV1, validateReplicaSet, validateReplicaSetStatusUpdate, validateReplicaSetUpdateV1 } from "./apps.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import {
  validateReplicationController, validateReplicationControllerStatusUpdate, validateReplicationControllerUpdate,
  validateStatefulSet, validateStatefulSetStatusUpdate, validateStatefulSetUpdate,
} from "./statefulset.js";
import { nameIsDNSSubdomain } from "./names.js";
import {
  validateConfigMap, validateDataUpdate, validateEndpointSlice, validateEndpointSliceUpdate, validateEndpoints, validateEndpointsUpdate, validateEvent, validateEventCreateV1, validateEventUpdateV1, validateLease, validateNamespace,
  validateNamespaceFinalizeUpdate, validateNamespaceUpdate, validatePodDisruptionBudget, validatePriorityClass, validatePriorityClassUpdate, validateSecret,
  validateServiceAccount, validateServiceAccountUpdate,
} from "./other.js";
import { validateNode, validateNodeUpdate } from "./node.js";
import { validateLimitRange, validateLimitRangeUpdate, validateResourceQuota, validateResourceQuotaStatusUpdate, validateResourceQuotaUpdate } from "./quota.js";
import {
  validateIngressClass, validateIngressClassUpdate, validateIngressCreate, validateIngressStatusUpdate, validateIngressUpdate,
  validateNetworkPolicy, validateNetworkPolicyUpdate, validateIPAddress, validateIPAddressUpdate, validateServiceCIDR, validateServiceCIDRStatusUpdate,
  validateServiceCIDRUpdate,
} from "./networking.js";
import {
  validateClusterRole, validateClusterRoleBinding, validateClusterRoleBindingUpdate, validateClusterRoleUpdate,
  validateRole, validateRoleBinding, validateRoleBindingUpdate, validateRoleUpdate,
} from "./rbac.js";
import { validateBinding, validatePodCreate, validatePodEphemeralContainersUpdate, validatePodTemplateSpec, validatePodUpdate } from "./pod.js";
import { validatePodStatusUpdate } from "./podstatus.js";
import { validateRuntimeClass, validateRuntimeClassUpdate } from "./runtimeclass.js";
import { validateCertificateSigningRequest, validateCertificateSigningRequestApprovalUpdate, validateCertificateSigningRequestStatusUpdate, validateCertificateSigningRequestUpdate } from "./certificates.js";
import {
  validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding, validateValidatingAdmissionPolicyBindingUpdate,
  validateValidatingAdmissionPolicyStatusUpdate, validateValidatingAdmissionPolicyUpdate,
} from "./admissionpolicy.js";
import {
  validateMutatingWebhookConfiguration, validateMutatingWebhookConfigurationUpdate, validateValidatingWebhookConfiguration, validateValidatingWebhookConfigurationUpdate,
} from "./webhookconfig.js";
import { validateService, validateServiceUpdate } from "./service.js";
import { validateJobStatusUpdate } from "./jobstatus.js";
import { validateCustomResourceDefinition, validateCustomResourceDefinitionStatusUpdate, validateCustomResourceDefinitionUpdate } from "./crd.js";
import { validateCronJobStatusUpdate, validateNamespaceStatusUpdate, validatePodDisruptionBudgetStatusUpdate, validateServiceStatusUpdate } from "./statusupdates.js";
import {
  validatePersistentVolume, validatePersistentVolumeClaim, validatePersistentVolumeClaimStatusUpdate, validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeStatusUpdate, validatePersistentVolumeUpdate, validateStorageClass, validateStorageClassUpdate,
} from "./storage.js";
import { validateCSIDriver, validateCSIDriverUpdate } from "./csidriver.js";
import {
  validateCSIStorageCapacity, validateCSIStorageCapacityUpdate, validateVolumeAttachment, validateVolumeAttachmentUpdate,
  validateVolumeAttributesClass, validateVolumeAttributesClassUpdate,
} from "./csistorage.js";

type Obj = any;

const onCreate: Record<string, (o: Obj) => FieldError[]> = {
  CustomResourceDefinition: validateCustomResourceDefinition,
  Pod: validatePodCreate,
  Service: validateService,
  Deployment: validateDeployment,
  ReplicaSet: validateReplicaSet,
  Namespace: validateNamespace,
  Node: validateNode,
  ConfigMap: validateConfigMap,
  Secret: validateSecret,
  ServiceAccount: validateServiceAccount,
  Endpoints: validateEndpoints,
  EndpointSlice: validateEndpointSlice,
  Event: validateEvent,
  Lease: validateLease,
  PodDisruptionBudget: validatePodDisruptionBudget,
  PriorityClass: (o) => validatePriorityClass(o, SYSTEM_PRIORITY_CLASSES),
  Binding: validateBinding,
  Job: validateJob,
  DaemonSet: validateDaemonSet,
  ControllerRevision: validateControllerRevision,
  CronJob: validateCronJob,
  HorizontalPodAutoscaler: validateHorizontalPodAutoscaler,
  StatefulSet: validateStatefulSet,
  ReplicationController: validateReplicationController,
  PersistentVolume: validatePersistentVolume,
  PersistentVolumeClaim: validatePersistentVolumeClaim,
  StorageClass: validateStorageClass,
  CSIDriver: validateCSIDriver,
  VolumeAttachment: validateVolumeAttachment,
  CSIStorageCapacity: (c) => validateCSIStorageCapacity(c),
  VolumeAttributesClass: validateVolumeAttributesClass,
  LimitRange: validateLimitRange,
  ResourceQuota: validateResourceQuota,
  Ingress: validateIngressCreate,
  IngressClass: validateIngressClass,
  NetworkPolicy: validateNetworkPolicy,
  ServiceCIDR: validateServiceCIDR,
  IPAddress: validateIPAddress,
  // ValidatePodTemplate: the name is a pod name (a DNS subdomain), the template as a workload's
  PodTemplate: (t) => [...validateObjectMeta(t.metadata, true, nameIsDNSSubdomain), ...validatePodTemplateSpec(t.template, "template")],
  Role: validateRole,
  ClusterRole: validateClusterRole,
  RoleBinding: validateRoleBinding,
  ClusterRoleBinding: validateClusterRoleBinding,
  RuntimeClass: validateRuntimeClass,
  CertificateSigningRequest: validateCertificateSigningRequest,
  ValidatingAdmissionPolicy: validateValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding: validateValidatingAdmissionPolicyBinding,
  MutatingWebhookConfiguration: validateMutatingWebhookConfiguration,
  ValidatingWebhookConfiguration: validateValidatingWebhookConfiguration,
};

const onUpdate: Record<string, (o: Obj, old: Obj) => FieldError[]> = {
  CustomResourceDefinition: validateCustomResourceDefinitionUpdate,
  Pod: validatePodUpdate,
  Service: validateServiceUpdate,
  Deployment: validateDeploymentUpdateV1,
  ReplicaSet: validateReplicaSetUpdateV1,
  ConfigMap: validateDataUpdate,
  Secret: validateDataUpdate,
  PriorityClass: validatePriorityClassUpdate,
  Job: validateJobUpdate,
  DaemonSet: validateDaemonSetUpdateV1,
  ControllerRevision: validateControllerRevisionUpdate,
  CronJob: validateCronJobUpdate,
  HorizontalPodAutoscaler: validateHorizontalPodAutoscalerUpdate,
  StatefulSet: validateStatefulSetUpdate,
  ReplicationController: validateReplicationControllerUpdate,
  PersistentVolume: validatePersistentVolumeUpdate,
  PersistentVolumeClaim: validatePersistentVolumeClaimUpdate,
  StorageClass: validateStorageClassUpdate,
  CSIDriver: validateCSIDriverUpdate,
  VolumeAttachment: validateVolumeAttachmentUpdate,
  CSIStorageCapacity: validateCSIStorageCapacityUpdate,
  VolumeAttributesClass: validateVolumeAttributesClassUpdate,
  Event: (o) => validateEvent(o),
  Node: validateNodeUpdate,
  Namespace: validateNamespaceUpdate,
  ServiceAccount: validateServiceAccountUpdate,
  Endpoints: validateEndpointsUpdate,
  EndpointSlice: validateEndpointSliceUpdate,
  LimitRange: validateLimitRangeUpdate,
  ResourceQuota: validateResourceQuotaUpdate,
  Ingress: validateIngressUpdate,
  IngressClass: validateIngressClassUpdate,
  NetworkPolicy: validateNetworkPolicyUpdate,
  ServiceCIDR: validateServiceCIDRUpdate,
  IPAddress: validateIPAddressUpdate,
  PodTemplate: (t, old) => [...validateObjectMetaUpdate(t.metadata, old.metadata), ...validatePodTemplateSpec(t.template, "template")],
  Role: validateRoleUpdate,
  ClusterRole: validateClusterRoleUpdate,
  RoleBinding: validateRoleBindingUpdate,
  RuntimeClass: validateRuntimeClassUpdate,
  CertificateSigningRequest: validateCertificateSigningRequestUpdate,
  ValidatingAdmissionPolicy: validateValidatingAdmissionPolicyUpdate,
  ValidatingAdmissionPolicyBinding: validateValidatingAdmissionPolicyBindingUpdate,
  MutatingWebhookConfiguration: validateMutatingWebhookConfigurationUpdate,
  ValidatingWebhookConfiguration: validateValidatingWebhookConfigurationUpdate,
  ClusterRoleBinding: validateClusterRoleBindingUpdate,
};

// The strategies that judge by the request's group (requestGroupVersion): an Event written through
// events.k8s.io/v1 meets the strict rules, one written through core/v1 the legacy ones alone.
const strictEvents = "events.k8s.io";

/** The field errors Kubernetes reports for creating obj (empty when valid); kinds podflow does not know get only metadata checks. */
export function validateCreate(obj: any, requestGroup = ""): FieldError[] {
  if (requestGroup === strictEvents && obj?.kind === "Event") return validateEventCreateV1(obj);
  // Own keys only: a kind named "constructor" must not find Object's.
  const fn = Object.hasOwn(onCreate, obj?.kind) ? onCreate[obj.kind] : undefined;
  return fn ? fn(obj) : validateObjectMeta(obj?.metadata, true, nameIsDNSSubdomain);
}

// The subresource strategies' ValidateUpdate, by subresource then kind; a kind without one here is
// judged by its main update rules.
const onSubresourceUpdate: Record<string, Record<string, (o: Obj, old: Obj) => FieldError[]>> = {
  // Node's status strategy runs ValidateNodeUpdate, its main rules.
  status: {
    Pod: validatePodStatusUpdate, ReplicaSet: validateReplicaSetStatusUpdate, Deployment: validateDeploymentStatusUpdate, DaemonSet: validateDaemonSetStatusUpdate,
    Service: validateServiceStatusUpdate, Namespace: validateNamespaceStatusUpdate, PodDisruptionBudget: validatePodDisruptionBudgetStatusUpdate, CronJob: validateCronJobStatusUpdate,
    Job: validateJobStatusUpdate, StatefulSet: validateStatefulSetStatusUpdate, ReplicationController: validateReplicationControllerStatusUpdate,
    PersistentVolume: validatePersistentVolumeStatusUpdate, PersistentVolumeClaim: validatePersistentVolumeClaimStatusUpdate,
    ResourceQuota: validateResourceQuotaStatusUpdate,
    Ingress: validateIngressStatusUpdate,
    ServiceCIDR: validateServiceCIDRStatusUpdate,
    ValidatingAdmissionPolicy: validateValidatingAdmissionPolicyStatusUpdate,
    CertificateSigningRequest: validateCertificateSigningRequestStatusUpdate,
    CustomResourceDefinition: validateCustomResourceDefinitionStatusUpdate,
  },
  approval: { CertificateSigningRequest: validateCertificateSigningRequestApprovalUpdate },
  finalize: { Namespace: validateNamespaceFinalizeUpdate },
  ephemeralcontainers: { Pod: validatePodEphemeralContainersUpdate },
  resize: { Pod: validatePodResize },
};

/** The field errors Kubernetes reports for replacing old with obj (through subresource, if any): metadata immutables plus the kind's update rules. */
export function validateUpdate(obj: any, old: any, subresource?: string, requestGroup = ""): FieldError[] {
  if (requestGroup === strictEvents && obj?.kind === "Event" && subresource === undefined) return validateEventUpdateV1(obj, old);
  const bySubresource = subresource !== undefined && Object.hasOwn(onSubresourceUpdate, subresource) ? onSubresourceUpdate[subresource] : undefined;
  const fn = (bySubresource && Object.hasOwn(bySubresource, obj?.kind) ? bySubresource[obj.kind] : undefined) ?? (Object.hasOwn(onUpdate, obj?.kind) ? onUpdate[obj.kind] : undefined);
  if (fn) return fn(obj, old);
  return [...validateObjectMetaUpdate(obj?.metadata, old?.metadata), ...validateCreate(obj)];
}

export { validateLabelSelector, selectorMatches } from "./selector.js";
export { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue } from "./names.js";
