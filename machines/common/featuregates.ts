// The feature gates kube-apiserver and the kubelet know in v1.35 (one DefaultMutableFeatureGate:
// pkg/features' versioned table, which relists the generic apiserver's, apiextensions', the
// controller-manager's and zpages' gates, plus client-go's and component-base's logging gates), each
// as its versioned specs, and the spec a v1.35 binary runs with. podflow takes no --feature-gates,
// so every gate has its default.

import { mutant } from "./mutation.js";

/** A gate's stage as featuregate names it: GA is the empty string. */
export type FeatureStage = "ALPHA" | "BETA" | "" | "DEPRECATED";

/** One versioned spec: from this version on, this default and stage. */
type Spec = readonly [version: string, enabled: boolean, stage: FeatureStage];

const A = "ALPHA";
const B = "BETA";
const GA = "";
const D = "DEPRECATED";

// AllAlpha and AllBeta are known to every feature gate (NewVersionedFeatureGate adds them at 0.0)
const versionedGates: readonly (readonly [string, readonly Spec[]])[] = [
  ["AllAlpha", [["0.0", false, A]]],
  ["AllBeta", [["0.0", false, B]]],
  // pkg/features/kube_features.go
  ["AllowDNSOnlyNodeCSR", [["1.0", true, GA], ["1.31", false, D]]],
  ["AllowInsecureKubeletCertificateSigningRequests", [["1.0", true, GA], ["1.31", false, D]]],
  ["AllowOverwriteTerminationGracePeriodSeconds", [["1.0", true, GA], ["1.32", false, D], ["1.35", false, D]]],
  ["AnyVolumeDataSource", [["1.18", false, A], ["1.24", true, B], ["1.33", true, GA]]],
  ["AuthorizeNodeWithSelectors", [["1.31", false, A], ["1.32", true, B], ["1.34", true, GA]]],
  ["AuthorizePodWebsocketUpgradeCreatePermission", [["1.35", true, B]]],
  ["CustomCPUCFSQuotaPeriod", [["1.12", false, A]]],
  ["CPUManagerPolicyAlphaOptions", [["1.23", false, A]]],
  ["CPUManagerPolicyBetaOptions", [["1.23", true, B]]],
  ["CPUManagerPolicyOptions", [["1.22", false, A], ["1.23", true, B], ["1.33", true, GA]]],
  ["CSIMigrationPortworx", [["1.23", false, A], ["1.25", false, B], ["1.31", true, B], ["1.33", true, GA]]],
  ["CSIServiceAccountTokenSecrets", [["1.35", true, B]]],
  ["CSIVolumeHealth", [["1.21", false, A]]],
  ["ChangeContainerStatusOnKubeletRestart", [["1.0", true, GA], ["1.35", false, D]]],
  ["ClearingNominatedNodeNameAfterBinding", [["1.34", false, A], ["1.35", true, B]]],
  ["ClusterTrustBundle", [["1.27", false, A], ["1.33", false, B]]],
  ["ClusterTrustBundleProjection", [["1.29", false, A], ["1.33", false, B]]],
  ["ContainerCheckpoint", [["1.25", false, A], ["1.30", true, B]]],
  ["ContainerRestartRules", [["1.34", false, A], ["1.35", true, B]]],
  ["ContainerStopSignals", [["1.33", false, A]]],
  ["CrossNamespaceVolumeDataSource", [["1.26", false, A]]],
  ["DRAAdminAccess", [["1.32", false, A], ["1.34", true, B]]],
  ["DRAConsumableCapacity", [["1.34", false, A]]],
  ["DRADeviceBindingConditions", [["1.34", false, A]]],
  ["DRADeviceTaintRules", [["1.35", false, A]]],
  ["DRADeviceTaints", [["1.33", false, A]]],
  ["DRAExtendedResource", [["1.34", false, A]]],
  ["DRAPartitionableDevices", [["1.33", false, A]]],
  ["DRAPrioritizedList", [["1.33", false, A], ["1.34", true, B]]],
  ["DRAResourceClaimDeviceStatus", [["1.32", false, A], ["1.33", true, B]]],
  ["DRASchedulerFilterTimeout", [["1.34", true, B]]],
  ["DeploymentReplicaSetTerminatingReplicas", [["1.33", false, A], ["1.35", true, B]]],
  ["DisableAllocatorDualWrite", [["1.31", false, A], ["1.33", false, B], ["1.34", true, GA], ["1.35", true, GA]]],
  ["DisableCPUQuotaWithExclusiveCPUs", [["1.33", true, B]]],
  ["DisableNodeKubeProxyVersion", [["1.29", false, A], ["1.31", false, D], ["1.33", true, D]]],
  ["DynamicResourceAllocation", [["1.26", false, A], ["1.32", false, B], ["1.34", true, GA], ["1.35", true, GA]]],
  ["EnvFiles", [["1.34", false, A], ["1.35", true, B]]],
  ["EventedPLEG", [["1.26", false, A]]],
  ["ExecProbeTimeout", [["1.20", true, GA], ["1.35", true, GA]]],
  ["ExternalServiceAccountTokenSigner", [["1.32", false, A], ["1.34", true, B]]],
  ["GangScheduling", [["1.35", false, A]]],
  ["GenericWorkload", [["1.35", false, A]]],
  ["GitRepoVolumeDriver", [["1.0", true, GA], ["1.33", false, D]]],
  ["GracefulNodeShutdown", [["1.20", false, A], ["1.21", true, B]]],
  ["GracefulNodeShutdownBasedOnPodPriority", [["1.23", false, A], ["1.24", true, B]]],
  ["HPAConfigurableTolerance", [["1.33", false, A], ["1.35", true, B]]],
  ["HPAScaleToZero", [["1.16", false, A]]],
  ["HonorPVReclaimPolicy", [["1.23", false, A], ["1.31", true, B], ["1.33", true, GA]]],
  ["HostnameOverride", [["1.34", false, A], ["1.35", true, B]]],
  ["ImageMaximumGCAge", [["1.29", false, A], ["1.30", true, B], ["1.35", true, GA]]],
  ["ImageVolume", [["1.31", false, A], ["1.33", false, B], ["1.35", true, B]]],
  ["ImageVolumeWithDigest", [["1.35", false, A]]],
  ["InPlacePodLevelResourcesVerticalScaling", [["1.35", false, A]]],
  ["InPlacePodVerticalScaling", [["1.27", false, A], ["1.33", true, B], ["1.35", true, GA]]],
  ["InPlacePodVerticalScalingAllocatedStatus", [["1.32", false, A], ["1.33", false, D]]],
  ["InPlacePodVerticalScalingExclusiveCPUs", [["1.32", false, A]]],
  ["InPlacePodVerticalScalingExclusiveMemory", [["1.34", false, A]]],
  ["InTreePluginPortworxUnregister", [["1.23", false, A]]],
  ["JobBackoffLimitPerIndex", [["1.28", false, A], ["1.29", true, B], ["1.33", true, GA]]],
  ["JobManagedBy", [["1.30", false, A], ["1.32", true, B], ["1.35", true, GA]]],
  ["JobPodReplacementPolicy", [["1.28", false, A], ["1.29", true, B], ["1.34", true, GA]]],
  ["JobSuccessPolicy", [["1.30", false, A], ["1.31", true, B], ["1.33", true, GA]]],
  ["KubeletCgroupDriverFromCRI", [["1.28", false, A], ["1.31", true, B], ["1.34", true, GA]]],
  ["KubeletCrashLoopBackOffMax", [["1.32", false, A], ["1.35", true, B]]],
  ["KubeletEnsureSecretPulledImages", [["1.33", false, A], ["1.35", true, B]]],
  ["KubeletFineGrainedAuthz", [["1.32", false, A], ["1.33", true, B]]],
  ["KubeletInUserNamespace", [["1.22", false, A]]],
  ["KubeletPSI", [["1.33", false, A], ["1.34", true, B]]],
  ["KubeletPodResourcesDynamicResources", [["1.27", false, A], ["1.34", true, B]]],
  ["KubeletPodResourcesGet", [["1.27", false, A], ["1.34", true, B]]],
  ["KubeletPodResourcesListUseActivePods", [["1.0", false, GA], ["1.34", true, D]]],
  ["KubeletRegistrationGetOnExistsOnly", [["1.0", true, GA], ["1.32", false, D]]],
  ["KubeletSeparateDiskGC", [["1.29", false, A], ["1.31", true, B]]],
  ["KubeletServiceAccountTokenForCredentialProviders", [["1.33", false, A], ["1.34", true, B]]],
  ["KubeletTracing", [["1.25", false, A], ["1.27", true, B], ["1.34", true, GA]]],
  ["LocalStorageCapacityIsolationFSQuotaMonitoring", [["1.15", false, A], ["1.31", false, B]]],
  ["LogarithmicScaleDown", [["1.21", false, A], ["1.22", true, B], ["1.31", true, GA]]],
  ["MatchLabelKeysInPodAffinity", [["1.29", false, A], ["1.31", true, B], ["1.33", true, GA]]],
  ["MatchLabelKeysInPodTopologySpread", [["1.25", false, A], ["1.27", true, B]]],
  ["MatchLabelKeysInPodTopologySpreadSelectorMerge", [["1.34", true, B]]],
  ["MaxUnavailableStatefulSet", [["1.24", false, A], ["1.35", true, B]]],
  ["MemoryManager", [["1.21", false, A], ["1.22", true, B], ["1.32", true, GA]]],
  ["MemoryQoS", [["1.22", false, A]]],
  ["MultiCIDRServiceAllocator", [["1.27", false, A], ["1.31", false, B], ["1.33", true, GA], ["1.34", true, GA]]],
  ["MutableCSINodeAllocatableCount", [["1.33", false, A], ["1.34", false, B], ["1.35", true, B]]],
  ["MutablePVNodeAffinity", [["1.35", false, A]]],
  ["MutablePodResourcesForSuspendedJobs", [["1.35", false, A]]],
  ["MutableSchedulingDirectivesForSuspendedJobs", [["1.35", false, A]]],
  ["NFTablesProxyMode", [["1.29", false, A], ["1.31", true, B], ["1.33", true, GA]]],
  ["NodeDeclaredFeatures", [["1.35", false, A]]],
  ["NodeInclusionPolicyInPodTopologySpread", [["1.25", false, A], ["1.26", true, B], ["1.33", true, GA]]],
  ["NodeLogQuery", [["1.27", false, A], ["1.30", false, B]]],
  ["NodeSwap", [["1.22", false, A], ["1.28", false, B], ["1.30", true, B], ["1.34", true, GA]]],
  ["NominatedNodeNameForExpectation", [["1.34", false, A], ["1.35", true, B]]],
  ["OpportunisticBatching", [["1.35", true, B]]],
  ["OrderedNamespaceDeletion", [["1.30", false, B], ["1.33", true, B], ["1.34", true, GA]]],
  ["PodAndContainerStatsFromCRI", [["1.23", false, A]]],
  ["PodCertificateRequest", [["1.34", false, A], ["1.35", false, B]]],
  ["PodDeletionCost", [["1.21", false, A], ["1.22", true, B]]],
  ["PodLevelResources", [["1.32", false, A], ["1.34", true, B]]],
  ["PodLifecycleSleepAction", [["1.29", false, A], ["1.30", true, B], ["1.34", true, GA]]],
  ["PodLifecycleSleepActionAllowZero", [["1.32", false, A], ["1.33", true, B], ["1.34", true, GA]]],
  ["PodLogsQuerySplitStreams", [["1.32", false, A]]],
  ["PodObservedGenerationTracking", [["1.33", false, A], ["1.34", true, B], ["1.35", true, GA]]],
  ["PodReadyToStartContainersCondition", [["1.28", false, A], ["1.29", true, B]]],
  ["PodSchedulingReadiness", [["1.26", false, A], ["1.27", true, B], ["1.30", true, GA]]],
  ["PodTopologyLabelsAdmission", [["1.33", false, A], ["1.35", true, B]]],
  ["PortForwardWebsockets", [["1.30", false, A], ["1.31", true, B]]],
  ["PreferSameTrafficDistribution", [["1.33", false, A], ["1.34", true, B], ["1.35", true, GA]]],
  ["PreventStaticPodAPIReferences", [["1.34", true, B]]],
  ["ProcMountType", [["1.12", false, A], ["1.31", false, B], ["1.33", true, B]]],
  ["QOSReserved", [["1.11", false, A]]],
  ["RecoverVolumeExpansionFailure", [["1.23", false, A], ["1.32", true, B], ["1.34", true, GA]]],
  ["RecursiveReadOnlyMounts", [["1.30", false, A], ["1.31", true, B], ["1.33", true, GA]]],
  ["ReduceDefaultCrashLoopBackOffDecay", [["1.33", false, A]]],
  ["RelaxedDNSSearchValidation", [["1.32", false, A], ["1.33", true, B], ["1.34", true, GA]]],
  ["RelaxedEnvironmentVariableValidation", [["1.30", false, A], ["1.32", true, B], ["1.34", true, GA]]],
  ["RelaxedServiceNameValidation", [["1.34", false, A]]],
  ["ReloadKubeletServerCertificateFile", [["1.31", true, B]]],
  ["ResourceHealthStatus", [["1.31", false, A]]],
  ["RestartAllContainersOnContainerExits", [["1.35", false, A]]],
  ["RotateKubeletServerCertificate", [["1.7", false, A], ["1.12", true, B]]],
  ["RuntimeClassInImageCriApi", [["1.29", false, A]]],
  ["SELinuxChangePolicy", [["1.32", false, A], ["1.33", true, B]]],
  ["SELinuxMount", [["1.30", false, A], ["1.33", false, B]]],
  ["SELinuxMountReadWriteOncePod", [["1.25", false, A], ["1.27", false, B], ["1.28", true, B]]],
  ["SchedulerAsyncAPICalls", [["1.34", false, B]]],
  ["SchedulerAsyncPreemption", [["1.32", false, A], ["1.33", true, B]]],
  ["SchedulerPopFromBackoffQ", [["1.33", true, B]]],
  ["SchedulerQueueingHints", [["1.28", false, B], ["1.32", true, B], ["1.34", true, GA]]],
  ["SeparateTaintEvictionController", [["1.29", true, B], ["1.34", true, GA]]],
  ["ServiceAccountNodeAudienceRestriction", [["1.32", false, B], ["1.33", true, B]]],
  ["ServiceAccountTokenJTI", [["1.29", false, A], ["1.30", true, B], ["1.32", true, GA]]],
  ["ServiceAccountTokenNodeBinding", [["1.29", false, A], ["1.31", true, B], ["1.33", true, GA]]],
  ["ServiceAccountTokenNodeBindingValidation", [["1.29", false, A], ["1.30", true, B], ["1.32", true, GA]]],
  ["ServiceAccountTokenPodNodeInfo", [["1.29", false, A], ["1.30", true, B], ["1.32", true, GA]]],
  ["ServiceTrafficDistribution", [["1.30", false, A], ["1.31", true, B], ["1.33", true, GA]]],
  ["SidecarContainers", [["1.28", false, A], ["1.29", true, B], ["1.33", true, GA]]],
  ["StatefulSetSemanticRevisionComparison", [["1.0", true, B]]],
  ["StorageCapacityScoring", [["1.33", false, A]]],
  ["StorageNamespaceIndex", [["1.30", true, B], ["1.33", true, D]]],
  ["StorageVersionMigrator", [["1.30", false, A], ["1.35", false, B]]],
  ["StreamingCollectionEncodingToJSON", [["1.33", true, B], ["1.34", true, GA]]],
  ["StreamingCollectionEncodingToProtobuf", [["1.33", true, B], ["1.34", true, GA]]],
  ["StrictIPCIDRValidation", [["1.33", false, A]]],
  ["SupplementalGroupsPolicy", [["1.31", false, A], ["1.33", true, B], ["1.35", true, GA]]],
  ["SystemdWatchdog", [["1.32", true, B], ["1.35", true, GA]]],
  ["TaintTolerationComparisonOperators", [["1.35", false, A]]],
  ["TopologyAwareHints", [["1.21", false, A], ["1.23", false, B], ["1.24", true, B], ["1.33", true, GA]]],
  ["TopologyManagerPolicyAlphaOptions", [["1.26", false, A]]],
  ["TopologyManagerPolicyBetaOptions", [["1.26", false, B], ["1.28", true, B]]],
  ["TopologyManagerPolicyOptions", [["1.26", false, A], ["1.28", true, B], ["1.32", true, GA]]],
  ["TranslateStreamCloseWebsocketRequests", [["1.29", false, A], ["1.30", true, B]]],
  ["UserNamespacesHostNetworkSupport", [["1.35", false, A]]],
  ["UserNamespacesSupport", [["1.25", false, A], ["1.30", false, B], ["1.33", true, B]]],
  ["VolumeAttributesClass", [["1.29", false, A], ["1.31", false, B], ["1.34", true, GA], ["1.36", true, GA]]],
  ["VolumeLimitScaling", [["1.35", false, A]]],
  ["WinDSR", [["1.14", false, A], ["1.33", true, B], ["1.34", true, GA]]],
  ["WinOverlay", [["1.14", false, A], ["1.20", true, B], ["1.34", true, GA]]],
  ["WindowsCPUAndMemoryAffinity", [["1.32", false, A]]],
  ["WindowsGracefulNodeShutdown", [["1.32", false, A], ["1.34", true, B]]],
  ["WindowsHostNetwork", [["1.26", false, A], ["1.33", false, D]]],
  // k8s.io/apiextensions-apiserver/pkg/features, as pkg/features relists them
  ["CRDObservedGenerationTracking", [["1.35", false, B]]],
  ["CRDValidationRatcheting", [["1.28", false, A], ["1.30", true, B], ["1.33", true, GA]]],
  ["CustomResourceFieldSelectors", [["1.30", false, A], ["1.31", true, B], ["1.32", true, GA]]],
  // k8s.io/apiserver/pkg/features
  ["APIResponseCompression", [["1.8", false, A], ["1.16", true, B]]],
  ["APIServerIdentity", [["1.20", false, A], ["1.26", true, B]]],
  ["APIServerTracing", [["1.22", false, A], ["1.27", true, B], ["1.34", true, GA]]],
  ["APIServingWithRoutine", [["1.30", false, A]]],
  ["AggregatedDiscoveryRemoveBetaType", [["1.0", false, GA], ["1.33", true, D], ["1.35", true, D]]],
  ["AllowParsingUserUIDFromCertAuth", [["1.33", true, B]]],
  ["AllowUnsafeMalformedObjectDeletion", [["1.32", false, A]]],
  ["AnonymousAuthConfigurableEndpoints", [["1.31", false, A], ["1.32", true, B], ["1.34", true, GA]]],
  ["AuthorizeWithSelectors", [["1.31", false, A], ["1.32", true, B], ["1.34", true, GA]]],
  ["BtreeWatchCache", [["1.32", true, B], ["1.33", true, GA]]],
  ["CBORServingAndStorage", [["1.32", false, A]]],
  ["ConcurrentWatchObjectDecode", [["1.31", false, B]]],
  ["ConsistentListFromCache", [["1.28", false, A], ["1.31", true, B], ["1.34", true, GA]]],
  ["ConstrainedImpersonation", [["1.35", false, A]]],
  ["CoordinatedLeaderElection", [["1.31", false, A], ["1.33", false, B]]],
  ["DeclarativeValidation", [["1.33", true, B]]],
  ["DeclarativeValidationTakeover", [["1.33", false, B]]],
  ["DetectCacheInconsistency", [["1.34", true, B]]],
  ["KMSv1", [["1.0", true, GA], ["1.28", true, D], ["1.29", false, D]]],
  ["ListFromCacheSnapshot", [["1.33", false, A], ["1.34", true, B]]],
  ["MutatingAdmissionPolicy", [["1.32", false, A], ["1.34", false, B]]],
  ["OpenAPIEnums", [["1.23", false, A], ["1.24", true, B]]],
  ["RemoteRequestHeaderUID", [["1.32", false, A], ["1.33", true, B]]],
  ["ResilientWatchCacheInitialization", [["1.31", true, B], ["1.34", true, GA]]],
  ["RetryGenerateName", [["1.30", false, A], ["1.31", true, B], ["1.32", true, GA]]],
  ["SeparateCacheWatchRPC", [["1.28", true, B], ["1.33", false, D]]],
  ["SizeBasedListCostEstimate", [["1.34", true, B]]],
  ["StorageVersionAPI", [["1.20", false, A]]],
  ["StorageVersionHash", [["1.14", false, A], ["1.15", true, B]]],
  ["StructuredAuthenticationConfiguration", [["1.29", false, A], ["1.30", true, B], ["1.34", true, GA]]],
  ["StructuredAuthenticationConfigurationEgressSelector", [["1.34", true, B]]],
  ["StructuredAuthenticationConfigurationJWKSMetrics", [["1.35", true, B]]],
  ["StructuredAuthorizationConfiguration", [["1.29", false, A], ["1.30", true, B], ["1.32", true, GA]]],
  ["TokenRequestServiceAccountUIDValidation", [["1.34", true, B]]],
  ["UnauthenticatedHTTP2DOSMitigation", [["1.25", false, B], ["1.29", true, B]]],
  ["UnknownVersionInteroperabilityProxy", [["1.28", false, A]]],
  ["WatchCacheInitializationPostStartHook", [["1.31", false, B]]],
  ["WatchFromStorageWithoutResourceVersion", [["1.27", false, B], ["1.33", false, D]]],
  ["WatchList", [["1.27", false, A], ["1.32", true, B], ["1.33", false, B], ["1.34", true, B]]],
  // k8s.io/controller-manager/pkg/features and component-base/zpages/features
  ["CloudControllerManagerWatchBasedRoutesReconciliation", [["1.35", false, A]]],
  ["CloudControllerManagerWebhook", [["1.27", false, A]]],
  ["ComponentFlagz", [["1.32", false, A]]],
  ["ComponentStatusz", [["1.32", false, A]]],
  // k8s.io/client-go/features, registered through kube's adapter
  ["ClientsAllowCBOR", [["1.32", false, A]]],
  ["ClientsPreferCBOR", [["1.32", false, A]]],
  ["InOrderInformers", [["1.33", true, B]]],
  ["InOrderInformersBatchProcess", [["1.35", true, B]]],
  ["InformerResourceVersion", [["1.30", false, A], ["1.35", true, GA]]],
  ["WatchListClient", [["1.30", false, B], ["1.35", true, B]]],
  // k8s.io/component-base/logs/api/v1, added by kube-apiserver's and the kubelet's init
  ["ContextualLogging", [["1.24", false, A], ["1.30", true, B]]],
  ["LoggingAlphaOptions", [["1.24", false, A]]],
  ["LoggingBetaOptions", [["1.24", true, B]]],
];

export interface FeatureGate {
  name: string;
  stage: FeatureStage;
  enabled: boolean;
}

/** "1.35" compared as major then minor. */
function versionAtMost(v: string, at: string): boolean {
  const [maj, min] = v.split(".").map(Number) as [number, number];
  const [atMaj, atMin] = at.split(".").map(Number) as [number, number];
  if (mutant("featuregates.version-compared-as-text")) return v <= at;
  return maj < atMaj || (maj === atMaj && min <= atMin);
}

/**
 * The gates a binary emulating this version knows, each with the last spec at or before it (featureGate.GetAll:
 * a gate whose first spec is newer is pre-alpha there and left out), enabled by its default.
 */
export function featureGatesAt(emulationVersion: string): FeatureGate[] {
  const out: FeatureGate[] = [];
  for (const [name, specs] of versionedGates) {
    const known = specs.filter(([v]) => versionAtMost(v, emulationVersion));
    // the mutants take the earliest spec, or list a gate not yet known (pre-alpha) by its first spec
    const current = mutant("featuregates.first-spec-wins") ? known[0] : (known.at(-1) ?? (mutant("featuregates.pre-alpha-gate-listed") ? specs[0] : undefined));
    if (current !== undefined) out.push({ name, stage: current[2], enabled: current[1] });
  }
  return out;
}

/** What a v1.35 kube-apiserver or kubelet records in kubernetes_feature_enabled (AddMetrics at start). */
export const featureGates135: readonly FeatureGate[] = Object.freeze(featureGatesAt("1.35"));
