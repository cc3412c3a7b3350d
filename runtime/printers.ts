// kubectl's server-side printing columns (pkg/printers/internalversion/printers.go) as pure
// functions: column definitions, row cells, kubectl's HumanDuration ages and its tab-writer layout.
// `now` is passed in so that ages are deterministic.
import type { Container, Pod, PodCondition } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { typeDocs } from "./server/openapi-docs.js";
import { parseGoQuantity, quantityString } from "../machines/apiserver/validation/quantity.js";

export interface TableColumn { name: string; type: string; format: string; description: string; priority: number }
/** metav1.TableRowCondition: printPod marks a finished pod's row Completed. */
export interface TableRowCondition { type: string; status: string; reason: string; message: string }
export interface TableRow { cells: (string | number | boolean)[]; conditions?: TableRowCondition[]; object: object }
export interface Table { columns: TableColumn[]; rows: TableRow[] }

// Column descriptions are the API's field docs, as printers.go takes them from SwaggerDoc().
const swaggerDoc: Record<string, string> = {
  "ObjectMeta.name": "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  "ObjectMeta.creationTimestamp": "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  "PodStatus.podIP": "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
  "PodSpec.nodeName": "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.",
  "PodStatus.nominatedNodeName": "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
  "PodSpec.readinessGates": "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
  "NodeSystemInfo.kubeletVersion": "Kubelet Version reported by the node.",
  "NodeStatus.addresses": "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
  "NodeSystemInfo.osImage": "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
  "NodeSystemInfo.kernelVersion": "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
  "NodeSystemInfo.containerRuntimeVersion": "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
  "ServiceSpec.type": "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",
  "ServiceSpec.clusterIP": "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
  "ServiceSpec.externalIPs": "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.",
  "ServiceSpec.ports": "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
  "ServiceSpec.selector": "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/",
  "Endpoints.subsets": "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.",
  "EndpointSlice.addressType": "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.",
  "EndpointSlice.ports": "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates \"all ports\". Each slice may include a maximum of 100 ports.",
  "EndpointSlice.endpoints": "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.",
  "DeploymentStatus.updatedReplicas": "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
  "DeploymentStatus.availableReplicas": "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
  "DeploymentSpec.selector": "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
  "ReplicaSetSpec.replicas": "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
  "ReplicaSetStatus.replicas": "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
  "ReplicaSetStatus.readyReplicas": "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.",
  "ReplicaSetSpec.selector": "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  "Event.lastTimestamp": "The time at which the most recent occurrence of this event was recorded.",
  "Event.type": "Type of this event (Normal, Warning), new types could be added in the future",
  "Event.reason": "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  "Event.involvedObject": "The object that this event is about.",
  "ObjectReference.fieldPath": "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.",
  "Event.source": "The component reporting this event. Should be a short machine understandable string.",
  "Event.message": "A human-readable description of the status of this operation.",
  "Event.firstTimestamp": "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
  "Event.count": "The number of times this event has occurred.",
  "DaemonSetStatus.desiredNumberScheduled": "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
  "DaemonSetStatus.currentNumberScheduled": "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
  "DaemonSetStatus.numberReady": "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.",
  "DaemonSetStatus.updatedNumberScheduled": "The total number of nodes that are running updated daemon pod",
  "DaemonSetStatus.numberAvailable": "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
  "DaemonSetSpec.selector": "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  "ReplicationControllerSpec.replicas": "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
  "ReplicationControllerStatus.replicas": "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
  "ReplicationControllerStatus.readyReplicas": "The number of ready replicas for this replication controller.",
  "ReplicationControllerSpec.selector": "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  "PodSpec.nodeSelector": "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
  "ControllerRevision.revision": "Revision indicates the revision of the state represented by Data.",
  "LeaseSpec.holderIdentity": "holderIdentity contains the identity of the holder of a current lease.",
  "JobSpec.completions": "Specifies the desired number of successfully finished pods the job should be run with.  Setting to null means that the success of any pod signals the success of all pods, and allows parallelism to have any positive value.  Setting to 1 means that parallelism is limited to 1 and the success of that pod signals the success of the job. More info: https://kubernetes.io/docs/concepts/workloads/controllers/jobs-run-to-completion/",
  "HorizontalPodAutoscalerSpec.scaleTargetRef": "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.",
  "HorizontalPodAutoscalerSpec.metrics": "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.",
  "HorizontalPodAutoscalerSpec.minReplicas": "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.",
  "HorizontalPodAutoscalerSpec.maxReplicas": "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.",
  "HorizontalPodAutoscalerStatus.currentReplicas": "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
  "CronJobSpec.schedule": "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
  "CronJobSpec.timeZone": "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
  "CronJobSpec.suspend": "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.",
  "CronJobStatus.active": "A list of pointers to currently running jobs.",
  "CronJobStatus.lastScheduleTime": "Information when was the last time the job was successfully scheduled.",
  "JobSpec.selector": "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  "PriorityClass.value": "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.",
  "PriorityClass.globalDefault": "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.",
  "PriorityClass.preemptionPolicy": "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.",
  "Secret.type": "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
  "ServiceAccount.secrets": "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret",
  "Secret.data": "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
  "ConfigMap.data": "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
};

const doc = (key: string): string => swaggerDoc[key] ?? "";
// A field's description from the generated API docs, for kinds added since the table above.
const fieldDoc = (type: string, field: string): string => typeDocs[type]?.f?.[field]?.d ?? "";

function col(name: string, type: string, description: string, priority = 0, format = ""): TableColumn {
  return { name, type, format, description, priority };
}
export const nameCol = (): TableColumn => col("Name", "string", doc("ObjectMeta.name"), 0, "name");
export const ageCol = (): TableColumn => col("Age", "string", doc("ObjectMeta.creationTimestamp"));
const containersCol = () => col("Containers", "string", "Names of each container in the template.", 1);
const imagesCol = () => col("Images", "string", "Images referenced by each container in the template.", 1);

/** The binding columns: the role as Kind/name, and wide, its subjects by kind (printers.go cites rbac/v1beta1's roleRef doc). */
function bindingColumns(what: string): TableColumn[] {
  return [
    nameCol(),
    col("Role", "string", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error."),
    ageCol(),
    col("Users", "string", `Users in the ${what}`, 1),
    col("Groups", "string", `Groups in the ${what}`, 1),
    col("ServiceAccounts", "string", `ServiceAccounts in the ${what}`, 1),
  ];
}

/** printRoleBinding / printClusterRoleBinding: NAME, ROLE (Kind/name), AGE; wide, the subjects as rbac.SubjectsStrings lists them. */
function bindingCells(b: Obj, wide: boolean, now: number): (string | number | boolean)[] {
  const cells: (string | number | boolean)[] = [b.metadata?.name ?? "", `${b.roleRef?.kind ?? ""}/${b.roleRef?.name ?? ""}`, timestampSince(b.metadata?.creationTimestamp, now)];
  if (!wide) return cells;
  const subjects: Obj[] = Array.isArray(b.subjects) ? b.subjects : [];
  const of = (kind: string, show: (s: Obj) => string) => subjects.filter((s) => s?.kind === kind).map(show).join(", ");
  return [...cells, of("User", (s) => s.name ?? ""), of("Group", (s) => s.name ?? ""), of("ServiceAccount", (s) => `${s.namespace ?? ""}/${s.name ?? ""}`)];
}

/** Column definitions per kind, exactly as printers.go registers them (priority 1 = wide only). */
export const columnDefinitions: Record<string, TableColumn[]> = {
  // the CRD's storage has the DefaultTableConvertor: its name and creation time (RFC 3339)
  CustomResourceDefinition: [nameCol(), col("Created At", "date", doc("ObjectMeta.creationTimestamp"))],
  Pod: [
    nameCol(),
    col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "string", "The aggregate status of the containers in this pod."),
    col("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
    ageCol(),
    col("IP", "string", doc("PodStatus.podIP"), 1),
    col("Node", "string", doc("PodSpec.nodeName"), 1),
    col("Nominated Node", "string", doc("PodStatus.nominatedNodeName"), 1),
    col("Readiness Gates", "string", doc("PodSpec.readinessGates"), 1),
  ],
  Node: [
    nameCol(),
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    ageCol(),
    col("Version", "string", doc("NodeSystemInfo.kubeletVersion")),
    col("Internal-IP", "string", doc("NodeStatus.addresses"), 1),
    col("External-IP", "string", doc("NodeStatus.addresses"), 1),
    col("OS-Image", "string", doc("NodeSystemInfo.osImage"), 1),
    col("Kernel-Version", "string", doc("NodeSystemInfo.kernelVersion"), 1),
    col("Container-Runtime", "string", doc("NodeSystemInfo.containerRuntimeVersion"), 1),
  ],
  Service: [
    nameCol(),
    col("Type", "string", doc("ServiceSpec.type")),
    col("Cluster-IP", "string", doc("ServiceSpec.clusterIP")),
    col("External-IP", "string", doc("ServiceSpec.externalIPs")),
    col("Port(s)", "string", doc("ServiceSpec.ports")),
    ageCol(),
    col("Selector", "string", doc("ServiceSpec.selector"), 1),
  ],
  Endpoints: [nameCol(), col("Endpoints", "string", doc("Endpoints.subsets")), ageCol()],
  // componentStatusColumnDefinitions: no Age column
  ComponentStatus: [
    nameCol(),
    col("Status", "string", "Status of the component conditions"),
    col("Message", "string", "Message of the component conditions"),
    col("Error", "string", "Error of the component conditions"),
  ],
  // printers.go csiNodeColumnDefinitions
  CSINode: [nameCol(), col("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node"), ageCol()],
  // printers.go serviceCIDRColumnDefinitions and ipAddressColumnDefinitions (no Age column, though
  // printIPAddress writes an age cell after the parentRef)
  ServiceCIDR: [
    nameCol(),
    col("CIDRs", "string", "CIDRs defines the IP blocks in CIDR notation (e.g. \"192.168.0.0/24\" or \"2001:db8::/64\") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable."),
    ageCol(),
  ],
  IPAddress: [nameCol(), col("ParentRef", "string", "ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.")],
  // printers.go flowSchemaColumnDefinitions (descriptions: flowcontrol/v1 SwaggerDoc)
  FlowSchema: [
    nameCol(),
    col("PriorityLevel", "string", "`name` is the name of the priority level configuration being referenced Required."),
    col("MatchingPrecedence", "string", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note that if the precedence is not specified, it will be set to 1000 as default."),
    col("DistinguisherMethod", "string", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string."),
    ageCol(),
    col("MissingPL", "string", "references a broken or non-existent PriorityLevelConfiguration"),
  ],
  // printers.go priorityLevelColumnDefinitions
  PriorityLevelConfiguration: [
    nameCol(),
    col("Type", "string", "`type` indicates whether this priority level is subject to limitation on request execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server's limited capacity is made available exclusively to this priority level. Required."),
    col("NominalConcurrencyShares", "string", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level. This is the number of execution seats available at this priority level. This is used both for requests dispatched from this priority level as well as requests dispatched from other priority levels borrowing seats from this level. The server's concurrency limit (ServerCL) is divided among the Limited priority levels in proportion to their NCS values:\n\nNominalCL(i)  = ceil( ServerCL * NCS(i) / sum_ncs ) sum_ncs = sum[priority level k] NCS(k)\n\nBigger numbers mean a larger nominal concurrency limit, at the expense of every other priority level.\n\nIf not specified, this field defaults to a value of 30.\n\nSetting this field to zero supports the construction of a \"jail\" for this priority level that is used to hold some request(s)"),
    col("Queues", "string", "`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64."),
    col("HandSize", "string", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues.  When enqueuing a request at this priority level the request's flow identifier (a string pair) is hashed and the hash value is used to shuffle the list of queues and deal a hand of the size specified here.  The request is put into one of the shortest queues in that hand. `handSize` must be no larger than `queues`, and should be significantly smaller (so that a few heavy flows do not saturate most of the queues).  See the user-facing documentation for more extensive guidance on setting this field.  This field has a default value of 8."),
    col("QueueLengthLimit", "string", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50."),
    ageCol(),
  ],
  // kube-aggregator's apiservice REST ConvertToTable (registry/apiservice/etcd/etcd.go)
  APIService: [
    nameCol(),
    col("Service", "string", "The reference to the service that hosts this API endpoint."),
    col("Available", "string", "Whether this service is available."),
    ageCol(),
  ],
  // podTemplateColumnDefinitions: no Age column
  PodTemplate: [
    nameCol(),
    col("Containers", "string", "Names of each container in the template."),
    col("Images", "string", "Images referenced by each container in the template."),
    col("Pod Labels", "string", "The labels for the pod template."),
  ],
  EndpointSlice: [
    nameCol(),
    col("AddressType", "string", doc("EndpointSlice.addressType")),
    col("Ports", "string", doc("EndpointSlice.ports")),
    col("Endpoints", "string", doc("EndpointSlice.endpoints")),
    ageCol(),
  ],
  Deployment: [
    nameCol(),
    col("Ready", "string", "Number of the pod with ready state"),
    col("Up-to-date", "string", doc("DeploymentStatus.updatedReplicas")),
    col("Available", "string", doc("DeploymentStatus.availableReplicas")),
    ageCol(), containersCol(), imagesCol(),
    col("Selector", "string", doc("DeploymentSpec.selector"), 1),
  ],
  ReplicaSet: [
    nameCol(),
    col("Desired", "integer", doc("ReplicaSetSpec.replicas")),
    col("Current", "integer", doc("ReplicaSetStatus.replicas")),
    col("Ready", "integer", doc("ReplicaSetStatus.readyReplicas")),
    ageCol(), containersCol(), imagesCol(),
    col("Selector", "string", doc("ReplicaSetSpec.selector"), 1),
  ],
  DaemonSet: [
    nameCol(),
    col("Desired", "integer", doc("DaemonSetStatus.desiredNumberScheduled")),
    col("Current", "integer", doc("DaemonSetStatus.currentNumberScheduled")),
    col("Ready", "integer", doc("DaemonSetStatus.numberReady")),
    col("Up-to-date", "integer", doc("DaemonSetStatus.updatedNumberScheduled")),
    col("Available", "integer", doc("DaemonSetStatus.numberAvailable")),
    col("Node Selector", "string", doc("PodSpec.nodeSelector")),
    ageCol(), containersCol(), imagesCol(),
    col("Selector", "string", doc("DaemonSetSpec.selector"), 1),
  ],
  // printStatefulSet / printReplicationController (pkg/printers/internalversion/printers.go)
  StatefulSet: [
    nameCol(),
    col("Ready", "string", "Number of the pod with ready state"),
    ageCol(), containersCol(), imagesCol(),
  ],
  ReplicationController: [
    nameCol(),
    col("Desired", "integer", doc("ReplicationControllerSpec.replicas")),
    col("Current", "integer", doc("ReplicationControllerStatus.replicas")),
    col("Ready", "integer", doc("ReplicationControllerStatus.readyReplicas")),
    ageCol(), containersCol(), imagesCol(),
    col("Selector", "string", doc("ReplicationControllerSpec.selector"), 1),
  ],
  ControllerRevision: [
    nameCol(),
    col("Controller", "string", "Controller of the object"),
    col("Revision", "string", doc("ControllerRevision.revision")),
    ageCol(),
  ],
  Job: [
    nameCol(),
    col("Status", "string", "Status of the job."),
    col("Completions", "string", doc("JobSpec.completions")),
    col("Duration", "string", "Time required to complete the job."),
    ageCol(), containersCol(), imagesCol(),
    col("Selector", "string", doc("JobSpec.selector"), 1),
  ],
  // printers.go takes these descriptions from autoscaling/v2beta1's HorizontalPodAutoscalerSpec and Status.
  HorizontalPodAutoscaler: [
    nameCol(),
    col("Reference", "string", doc("HorizontalPodAutoscalerSpec.scaleTargetRef")),
    col("Targets", "string", doc("HorizontalPodAutoscalerSpec.metrics")),
    col("MinPods", "string", doc("HorizontalPodAutoscalerSpec.minReplicas")),
    col("MaxPods", "string", doc("HorizontalPodAutoscalerSpec.maxReplicas")),
    col("Replicas", "string", doc("HorizontalPodAutoscalerStatus.currentReplicas")),
    ageCol(),
  ],
  // printers.go takes these descriptions from batch/v1beta1's CronJobSpec and CronJobStatus.
  CronJob: [
    nameCol(),
    col("Schedule", "string", doc("CronJobSpec.schedule")),
    col("Timezone", "string", doc("CronJobSpec.timeZone")),
    col("Suspend", "boolean", doc("CronJobSpec.suspend")),
    col("Active", "integer", doc("CronJobStatus.active")),
    col("Last Schedule", "string", doc("CronJobStatus.lastScheduleTime")),
    ageCol(), containersCol(), imagesCol(),
    col("Selector", "string", doc("JobSpec.selector"), 1),
  ],
  PodDisruptionBudget: [
    nameCol(),
    col("Min Available", "string", "The minimum number of pods that must be available."),
    col("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
    col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    ageCol(),
  ],
  Event: [
    col("Last Seen", "string", doc("Event.lastTimestamp")),
    col("Type", "string", doc("Event.type")),
    col("Reason", "string", doc("Event.reason")),
    col("Object", "string", doc("Event.involvedObject")),
    col("Subobject", "string", doc("ObjectReference.fieldPath"), 1),
    col("Source", "string", doc("Event.source"), 1),
    col("Message", "string", doc("Event.message")),
    col("First Seen", "string", doc("Event.firstTimestamp"), 1),
    col("Count", "string", doc("Event.count"), 1),
    col("Name", "string", doc("ObjectMeta.name"), 1, "name"),
  ],
  Namespace: [nameCol(), col("Status", "string", "The status of the namespace"), ageCol()],
  Lease: [nameCol(), col("Holder", "string", doc("LeaseSpec.holderIdentity")), ageCol()],
  ConfigMap: [nameCol(), col("Data", "string", doc("ConfigMap.data")), ageCol()],
  // printSecret: its type and the number of its data keys
  Secret: [nameCol(), col("Type", "string", doc("Secret.type")), col("Data", "string", doc("Secret.data")), ageCol()],
  // printServiceAccount: the number of its secrets (0 since token Secrets stopped being generated)
  ServiceAccount: [nameCol(), col("Secrets", "string", doc("ServiceAccount.secrets")), ageCol()],
  ResourceQuota: [
    nameCol(), ageCol(),
    col("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
    col("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
  ],
  LimitRange: [nameCol(), col("Created At", "date", doc("ObjectMeta.creationTimestamp"))],
  Role: [nameCol(), col("Created At", "date", doc("ObjectMeta.creationTimestamp"))],
  ClusterRole: [nameCol(), col("Created At", "date", doc("ObjectMeta.creationTimestamp"))],
  RoleBinding: bindingColumns("roleBinding"),
  ClusterRoleBinding: bindingColumns("clusterRoleBinding"),
  PersistentVolume: [
    nameCol(), col("Capacity", "string", fieldDoc("core/v1.PersistentVolumeSpec", "capacity")),
    col("Access Modes", "string", fieldDoc("core/v1.PersistentVolumeSpec", "accessModes")),
    col("Reclaim Policy", "string", fieldDoc("core/v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy")),
    col("Status", "string", fieldDoc("core/v1.PersistentVolumeStatus", "phase")), col("Claim", "string", fieldDoc("core/v1.PersistentVolumeSpec", "claimRef")),
    col("StorageClass", "string", "StorageClass of the pv"), col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
    col("Reason", "string", fieldDoc("core/v1.PersistentVolumeStatus", "reason")), ageCol(),
    col("VolumeMode", "string", fieldDoc("core/v1.PersistentVolumeSpec", "volumeMode"), 1),
  ],
  PersistentVolumeClaim: [
    nameCol(), col("Status", "string", fieldDoc("core/v1.PersistentVolumeClaimStatus", "phase")),
    col("Volume", "string", fieldDoc("core/v1.PersistentVolumeClaimSpec", "volumeName")),
    col("Capacity", "string", fieldDoc("core/v1.PersistentVolumeClaimStatus", "capacity")),
    col("Access Modes", "string", fieldDoc("core/v1.PersistentVolumeClaimStatus", "accessModes")),
    col("StorageClass", "string", "StorageClass of the pvc"), col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"), ageCol(),
    col("VolumeMode", "string", fieldDoc("core/v1.PersistentVolumeClaimSpec", "volumeMode"), 1),
  ],
  StorageClass: [
    nameCol(), col("Provisioner", "string", fieldDoc("storage/v1.StorageClass", "provisioner")),
    col("ReclaimPolicy", "string", fieldDoc("storage/v1.StorageClass", "reclaimPolicy")),
    col("VolumeBindingMode", "string", fieldDoc("storage/v1.StorageClass", "volumeBindingMode")),
    col("AllowVolumeExpansion", "string", fieldDoc("storage/v1.StorageClass", "allowVolumeExpansion")), ageCol(),
  ],
  // printers.go csiDriverColumnDefinitions, csiStorageCapacityColumnDefinitions (no Age),
  // volumeAttachmentColumnDefinitions and volumeAttributesClassColumnDefinitions
  CSIDriver: [
    nameCol(), col("AttachRequired", "boolean", fieldDoc("storage/v1.CSIDriverSpec", "attachRequired")),
    col("PodInfoOnMount", "boolean", fieldDoc("storage/v1.CSIDriverSpec", "podInfoOnMount")),
    col("StorageCapacity", "boolean", fieldDoc("storage/v1.CSIDriverSpec", "storageCapacity")),
    col("TokenRequests", "string", fieldDoc("storage/v1.CSIDriverSpec", "tokenRequests")),
    col("RequiresRepublish", "boolean", fieldDoc("storage/v1.CSIDriverSpec", "requiresRepublish")),
    col("Modes", "string", fieldDoc("storage/v1.CSIDriverSpec", "volumeLifecycleModes")), ageCol(),
  ],
  CSIStorageCapacity: [
    nameCol(), col("StorageClassName", "string", fieldDoc("storage/v1.CSIStorageCapacity", "storageClassName")),
    col("Capacity", "string", fieldDoc("storage/v1.CSIStorageCapacity", "capacity")),
  ],
  VolumeAttachment: [
    nameCol(), col("Attacher", "string", fieldDoc("storage/v1.VolumeAttachmentSpec", "attacher"), 0, "name"),
    col("PV", "string", fieldDoc("storage/v1.VolumeAttachmentSource", "persistentVolumeName")),
    col("Node", "string", fieldDoc("storage/v1.VolumeAttachmentSpec", "nodeName")),
    col("Attached", "boolean", fieldDoc("storage/v1.VolumeAttachmentStatus", "attached")), ageCol(),
  ],
  VolumeAttributesClass: [nameCol(), col("DriverName", "string", fieldDoc("storage/v1.VolumeAttributesClass", "driverName")), ageCol()],
  Ingress: [
    nameCol(),
    col("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
    col("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
    col("Address", "string", "Address is a list containing ingress points for the load-balancer"),
    col("Ports", "string", "Ports of TLS configurations that open"),
    ageCol(),
  ],
  IngressClass: [
    nameCol(),
    col("Controller", "string", "Controller that is responsible for handling this class"),
    col("Parameters", "string", "A reference to a resource with additional parameters"),
    ageCol(),
  ],
  NetworkPolicy: [nameCol(), col("Pod-Selector", "string", fieldDoc("networking/v1.NetworkPolicySpec", "podSelector")), ageCol()],
  ValidatingAdmissionPolicy: [
    nameCol(),
    col("Validations", "integer", "Validations indicates the number of validation rules defined in this configuration"),
    col("ParamKind", "string", "ParamKind specifies the kind of resources used to parameterize this policy"),
    ageCol(),
  ],
  // printMutatingWebhook, printValidatingWebhook: the number of webhooks
  MutatingWebhookConfiguration: [nameCol(), col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"), ageCol()],
  ValidatingWebhookConfiguration: [nameCol(), col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"), ageCol()],
  ValidatingAdmissionPolicyBinding: [
    nameCol(),
    col("PolicyName", "string", "PolicyName indicates the policy definition which the policy binding binded to"),
    col("ParamRef", "string", "ParamRef indicates the param resource which sets the configration param"),
    ageCol(),
  ],
  // printCertificateSigningRequest: Requestor's description is spec.request's, as printers.go cites it
  CertificateSigningRequest: [
    nameCol(), ageCol(),
    col("SignerName", "string", fieldDoc("certificates/v1.CertificateSigningRequestSpec", "signerName")),
    col("Requestor", "string", fieldDoc("certificates/v1.CertificateSigningRequestSpec", "request")),
    col("RequestedDuration", "string", fieldDoc("certificates/v1.CertificateSigningRequestSpec", "expirationSeconds")),
    col("Condition", "string", fieldDoc("certificates/v1.CertificateSigningRequestStatus", "conditions")),
  ],
  // printRuntimeClass
  RuntimeClass: [nameCol(), col("Handler", "string", fieldDoc("node/v1.RuntimeClass", "handler")), ageCol()],
  PriorityClass: [
    nameCol(), col("Value", "integer", doc("PriorityClass.value")), col("Global-Default", "boolean", doc("PriorityClass.globalDefault")),
    ageCol(), col("PreemptionPolicy", "string", doc("PriorityClass.preemptionPolicy")),
  ],
};
const genericColumns: TableColumn[] = [nameCol(), ageCol()];

/** extractCSRStatus: Denied, else Approved, else Pending (in that precedence), then ",Failed" and ",Issued". */
function csrCondition(csr: Obj): string {
  const types = new Set((Array.isArray(csr.status?.conditions) ? csr.status.conditions : []).map((c: Obj) => c?.type));
  let status = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) status += ",Failed";
  if (typeof csr.status?.certificate === "string" && csr.status.certificate.length > 0) status += ",Issued";
  return status;
}

/** kubectl's duration.HumanDuration: "45s", "3m2s", "10m", "5h3m", "2d3h", "400d", "3y20d". */
export function formatAge(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Up to two seconds of clock skew count as "now".
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** translateTimestampSince: the age of an RFC 3339 timestamp at `now`, "<unknown>" when unset. */
export function timestampSince(ts: string | undefined, now: number): string {
  if (!ts) return "<unknown>";
  const t = Date.parse(ts);
  return Number.isNaN(t) ? "<unknown>" : formatAge(now - t);
}

// ---- Pod ----

// Loose views of objects the project may hand us untyped.
type Obj = { metadata?: { name?: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string> } } & Record<string, any>;

const isSidecar = (c: Container | undefined) => c?.restartPolicy === "Always";
const hasPodReadyCondition = (conds: PodCondition[] | undefined) => (conds ?? []).some((c) => c.type === "Ready" && c.status === "True");
const isInitializedTrue = (conds: PodCondition[] | undefined) => (conds ?? []).some((c) => c.type === "Initialized" && c.status === "True");
const later = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : Date.parse(b) > Date.parse(a) ? b : a);

interface PodSummary { ready: string; status: string; restarts: string }

/** printPod's READY, STATUS and RESTARTS cells for a pod at `now`. */
export function podSummary(pod: Pod, now: number): PodSummary {
  const spec = pod.spec ?? { containers: [] };
  const st = pod.status ?? {};
  const inits = new Map((spec.initContainers ?? []).map((c) => [c.name, c] as const));
  const total = spec.containers.length + (spec.initContainers ?? []).filter(isSidecar).length;
  let readyCount = 0;
  let restarts = 0, sidecarRestarts = 0;
  let lastRestart: string | undefined, lastSidecarRestart: string | undefined;
  let reason = st.reason || st.phase || "";
  // A scheduling-gated pod reports its gate rather than Pending.
  if ((st.conditions ?? []).some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) reason = "SchedulingGated";

  let initializing = false;
  const initStatuses = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (c.lastState?.terminated) lastRestart = later(lastRestart, finished);
    const sidecar = isSidecar(inits.get(c.name));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastSidecarRestart = later(lastSidecarRestart, finished);
    }
    const term = c.state?.terminated;
    const wait = c.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (sidecar && c.started === true) { if (c.ready) readyCount++; continue; }
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    else if (wait?.reason && wait.reason !== "PodInitializing") reason = `Init:${wait.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }

  if (!initializing || isInitializedTrue(st.conditions)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = st.containerStatuses ?? [];
    // Walk backwards so the first container's state wins, as printPod does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastRestart = later(lastRestart, c.lastState.terminated.finishedAt);
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) { hasRunning = true; readyCount++; }
    }
    // A completed container beside a running one is not the pod's story.
    if (reason === "Completed" && hasRunning) reason = hasPodReadyCondition(st.conditions) ? "Running" : "NotReady";
  }

  const terminal = st.phase === "Succeeded" || st.phase === "Failed";
  if (pod.metadata?.deletionTimestamp && st.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = "Terminating";

  const restartsCell = restarts !== 0 && lastRestart ? `${restarts} (${timestampSince(lastRestart, now)} ago)` : String(restarts);
  return { ready: `${readyCount}/${total}`, status: reason, restarts: restartsCell };
}

function readinessGatesCell(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const conds = pod.status?.conditions ?? [];
  const ok = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === "True").length;
  return `${ok}/${gates.length}`;
}

function podCells(pod: Pod, wide: boolean, now: number): (string | number)[] {
  const s = podSummary(pod, now);
  const cells: (string | number)[] = [pod.metadata?.name ?? "", s.ready, s.status, s.restarts, timestampSince(pod.metadata?.creationTimestamp, now)];
  if (!wide) return cells;
  const ip = pod.status?.podIPs?.[0]?.ip || "<none>";
  return [...cells, ip, pod.spec?.nodeName || "<none>", pod.status?.nominatedNodeName || "<none>", readinessGatesCell(pod)];
}

// ---- Node ----

/** Node roles from node-role.kubernetes.io/<role> and kubernetes.io/role labels, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  return [...roles].sort();
}

function nodeCells(n: Obj, wide: boolean, now: number): (string | number)[] {
  const readyCond = (n.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
  const status: string[] = readyCond ? [readyCond.status === "True" ? "Ready" : "NotReady"] : ["Unknown"];
  if (n.spec?.unschedulable) status.push("SchedulingDisabled");
  const info = n.status?.nodeInfo ?? {};
  const cells: (string | number)[] = [n.metadata?.name ?? "", status.join(","), nodeRoles(n.metadata?.labels).join(",") || "<none>",
    timestampSince(n.metadata?.creationTimestamp, now), info.kubeletVersion ?? ""];
  if (!wide) return cells;
  const addr = (type: string) => (n.status?.addresses ?? []).find((a: { type: string }) => a.type === type)?.address ?? "<none>";
  return [...cells, addr("InternalIP"), addr("ExternalIP"), info.osImage || "<unknown>", info.kernelVersion || "<unknown>", info.containerRuntimeVersion || "<unknown>"];
}

// ---- Service, Endpoints, EndpointSlice ----

/** labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty. */
export function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length === 0 ? "<none>" : keys.map((k) => `${k}=${m![k]}`).join(",");
}

/** A LabelSelector as labels.Selector.String() prints it: requirements sorted by key. */
export function selectorString(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): string {
  const reqs: [string, string][] = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of sel?.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(",");
    const text = e.operator === "In" ? `${e.key} in (${vals})` : e.operator === "NotIn" ? `${e.key} notin (${vals})`
      : e.operator === "Exists" ? e.key : `!${e.key}`;
    reqs.push([e.key, text]);
  }
  return reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((r) => r[1]).join(",");
}

const formatLabelSelector = (sel: Parameters<typeof selectorString>[0]) => selectorString(sel) || "<none>";

function loadBalancerIPs(svc: Obj, wide: boolean): string {
  const set = new Set<string>();
  for (const i of svc.status?.loadBalancer?.ingress ?? []) { if (i.ip) set.add(i.ip); else if (i.hostname) set.add(i.hostname); }
  const r = [...set].sort().join(",");
  return !wide && r.length > 16 ? `${r.slice(0, 13)}...` : r;
}

function serviceExternalIP(svc: Obj, wide: boolean): string {
  const ext: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? "ClusterIP") {
    case "ClusterIP": case "NodePort": return ext.length > 0 ? ext.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerIPs(svc, wide);
      if (ext.length > 0) return [...(lb ? lb.split(",") : []), ...ext].join(",");
      return lb || "<pending>";
    }
    case "ExternalName": return svc.spec?.externalName ?? "";
    default: return "<unknown>";
  }
}

function servicePorts(ports: { port: number; nodePort?: number; protocol?: string }[] | undefined): string {
  const s = (ports ?? []).map((p) => p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`).join(",");
  return s || "<none>";
}

function serviceCells(svc: Obj, wide: boolean, now: number): (string | number)[] {
  const clusterIP = svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? "<none>";
  const cells: (string | number)[] = [svc.metadata?.name ?? "", svc.spec?.type ?? "ClusterIP", clusterIP, serviceExternalIP(svc, wide),
    servicePorts(svc.spec?.ports), timestampSince(svc.metadata?.creationTimestamp, now)];
  return wide ? [...cells, formatLabels(svc.spec?.selector)] : cells;
}

const joinHostPort = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);

/** formatEndpoints: up to three ip:port pairs then "+ N more...", "<none>" without subsets. */
export function formatEndpoints(ep: Obj): string {
  const subsets: { addresses?: { ip: string }[]; ports?: { port: number }[] }[] = ep.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const items = (ss.ports ?? []).length === 0 ? addrs.map((a) => a.ip) : (ss.ports ?? []).flatMap((p) => addrs.map((a) => joinHostPort(a.ip, p.port)));
    count += items.length;
    for (const it of items) if (list.length < 3) list.push(it);
  }
  return count > 3 ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

function listWithMore(items: string[]): string {
  const shown = items.slice(0, 3).join(",");
  if (items.length > 3) return `${shown} + ${items.length - 3} more...`;
  return shown || "<unset>";
}

function endpointSliceCells(es: Obj, now: number): (string | number)[] {
  const ports = (es.ports ?? []).map((p: { port?: number; name?: string }) => (p.port !== undefined ? String(p.port) : p.name ?? "*"));
  const addrs = (es.endpoints ?? []).flatMap((e: { addresses?: string[] }) => e.addresses ?? []);
  return [es.metadata?.name ?? "", es.addressType ?? "", listWithMore(ports), listWithMore(addrs), timestampSince(es.metadata?.creationTimestamp, now)];
}

// ---- Workloads ----

function containerCells(containers: Container[] | undefined): [string, string] {
  return [(containers ?? []).map((c) => c.name).join(","), (containers ?? []).map((c) => c.image ?? "").join(",")];
}

function deploymentCells(d: Obj, wide: boolean, now: number): (string | number)[] {
  const st = d.status ?? {};
  const cells: (string | number)[] = [d.metadata?.name ?? "", `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, st.updatedReplicas ?? 0,
    st.availableReplicas ?? 0, timestampSince(d.metadata?.creationTimestamp, now)];
  return wide ? [...cells, ...containerCells(d.spec?.template?.spec?.containers), selectorString(d.spec?.selector)] : cells;
}

function replicaSetCells(rs: Obj, wide: boolean, now: number): (string | number)[] {
  const st = rs.status ?? {};
  const cells: (string | number)[] = [rs.metadata?.name ?? "", rs.spec?.replicas ?? 0, st.replicas ?? 0, st.readyReplicas ?? 0,
    timestampSince(rs.metadata?.creationTimestamp, now)];
  return wide ? [...cells, ...containerCells(rs.spec?.template?.spec?.containers), formatLabelSelector(rs.spec?.selector)] : cells;
}

/** printStatefulSet: ready/desired and age; wide adds containers and images. */
function statefulSetCells(sts: Obj, wide: boolean, now: number): (string | number)[] {
  const cells: (string | number)[] = [sts.metadata?.name ?? "", `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, timestampSince(sts.metadata?.creationTimestamp, now)];
  return wide ? [...cells, ...containerCells(sts.spec?.template?.spec?.containers)] : cells;
}

/** printReplicationController: as a ReplicaSet, its selector a plain map (labels.FormatLabels). */
function replicationControllerCells(rc: Obj, wide: boolean, now: number): (string | number)[] {
  const st = rc.status ?? {};
  const cells: (string | number)[] = [rc.metadata?.name ?? "", rc.spec?.replicas ?? 0, st.replicas ?? 0, st.readyReplicas ?? 0, timestampSince(rc.metadata?.creationTimestamp, now)];
  return wide ? [...cells, ...containerCells(rc.spec?.template?.spec?.containers), formatLabels(rc.spec?.selector)] : cells;
}

// ---- DaemonSet and ControllerRevision ----

/** printDaemonSet: the status counts, the template's nodeSelector (labels.FormatLabels), age; wide adds containers, images, selector. */
function daemonSetCells(ds: Obj, wide: boolean, now: number): (string | number)[] {
  const st = ds.status ?? {};
  const cells: (string | number)[] = [ds.metadata?.name ?? "", st.desiredNumberScheduled ?? 0, st.currentNumberScheduled ?? 0, st.numberReady ?? 0,
    st.updatedNumberScheduled ?? 0, st.numberAvailable ?? 0, formatLabels(ds.spec?.template?.spec?.nodeSelector), timestampSince(ds.metadata?.creationTimestamp, now)];
  return wide ? [...cells, ...containerCells(ds.spec?.template?.spec?.containers), formatLabelSelector(ds.spec?.selector)] : cells;
}

/** printControllerRevision: the controller as lower-case kind.group/name (formatResourceName), "<none>" without one. */
function controllerRevisionCells(cr: Obj & { metadata?: { ownerReferences?: OwnerReference[] } }, now: number): (string | number)[] {
  const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  const group = ref ? String(ref.apiVersion ?? "").split("/").slice(0, -1).join("/") : "";
  const controller = ref ? `${(group ? `${ref.kind}.${group}` : String(ref.kind)).toLowerCase()}/${ref.name}` : "<none>";
  return [cr.metadata?.name ?? "", controller, cr.revision ?? 0, timestampSince(cr.metadata?.creationTimestamp, now)];
}

// ---- Job ----

const jobCondition = (job: Obj, type: string) => (job.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === type && c.status === "True");

// printJob: the first of Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, else Running.
function jobStatus(job: Obj): string {
  if (jobCondition(job, "Complete")) return "Complete";
  if (jobCondition(job, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  for (const t of ["Suspended", "FailureTarget", "SuccessCriteriaMet"]) if (jobCondition(job, t)) return t;
  return "Running";
}

/** printJob: status, succeeded/completions ("0/1 of 3" without completions), duration until completion or now. */
function jobCells(job: Obj, wide: boolean, now: number): (string | number)[] {
  const succeeded = job.status?.succeeded ?? 0;
  const parallelism = job.spec?.parallelism ?? 0;
  const completions = job.spec?.completions != null ? `${succeeded}/${job.spec.completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  const start = job.status?.startTime ? Date.parse(job.status.startTime) : undefined;
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  const duration = start === undefined ? "" : formatAge(end - start);
  const cells: (string | number)[] = [job.metadata?.name ?? "", jobStatus(job), completions, duration, timestampSince(job.metadata?.creationTimestamp, now)];
  return wide ? [...cells, ...containerCells(job.spec?.template?.spec?.containers), job.spec?.selector ? formatLabelSelector(job.spec.selector) : "<none>"] : cells;
}

/** printCronJob: schedule, time zone, suspend (printBoolPtr), active Jobs, last schedule and age; wide adds the job template's containers and selector. */
function cronJobCells(cj: Obj, wide: boolean, now: number): (string | number)[] {
  const suspend = cj.spec?.suspend == null ? "<unset>" : cj.spec.suspend ? "True" : "False";
  const last = cj.status?.lastScheduleTime ? timestampSince(cj.status.lastScheduleTime, now) : "<none>";
  const cells: (string | number)[] = [cj.metadata?.name ?? "", cj.spec?.schedule ?? "", cj.spec?.timeZone ?? "<none>", suspend,
    (cj.status?.active ?? []).length, last, timestampSince(cj.metadata?.creationTimestamp, now)];
  const job = cj.spec?.jobTemplate?.spec;
  return wide ? [...cells, ...containerCells(job?.template?.spec?.containers), job?.selector ? formatLabelSelector(job.selector) : "<none>"] : cells;
}

// ---- Events and the rest ----

function eventSource(e: Obj): string {
  const component = e.source?.component || e.reportingComponent || "";
  const host = e.source?.host || e.reportingInstance || "";
  return host ? `${component}, ${host}` : component;
}

function eventCells(e: Obj, wide: boolean, now: number): (string | number)[] {
  const first = e.firstTimestamp ? timestampSince(e.firstTimestamp, now) : timestampSince(e.eventTime, now);
  let last = e.lastTimestamp ? timestampSince(e.lastTimestamp, now) : first;
  let count: number = e.count ?? 0;
  if (e.series) { last = timestampSince(e.series.lastObservedTime, now); count = e.series.count ?? 0; }
  else if (count === 0) count = 1; // singleton events carry no count in the events.k8s.io API
  const inv = e.involvedObject ?? {};
  const target = inv.name ? `${String(inv.kind ?? "").toLowerCase()}/${inv.name}` : String(inv.kind ?? "").toLowerCase();
  const message = String(e.message ?? "").trim();
  if (!wide) return [last, e.type ?? "", e.reason ?? "", target, message];
  return [last, e.type ?? "", e.reason ?? "", target, inv.fieldPath ?? "", eventSource(e), message, first, count, e.metadata?.name ?? ""];
}

/** printResourceQuota: "used/hard" of each resource by name, limits.* in the LIMIT column, the rest in REQUEST. */
function quotaCells(q: Obj): [string, string] {
  const request: string[] = [];
  const limit: string[] = [];
  for (const r of Object.keys(q.spec?.hard ?? {}).sort()) {
    const cell = `${r}: ${q.status?.used?.[r] ?? "0"}/${q.status?.hard?.[r] ?? "0"}`;
    (r.split(".").length > 1 && r.split(".")[0] === "limits" ? limit : request).push(cell);
  }
  return [request.join(", "), limit.join(", ")];
}

// helper.GetAccessModesAsString: duplicates dropped, in the order RWO, ROX, RWX, RWOP.
export function accessModesString(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  return ([["ReadWriteOnce", "RWO"], ["ReadOnlyMany", "ROX"], ["ReadWriteMany", "RWX"], ["ReadWriteOncePod", "RWOP"]] as const)
    .filter(([m]) => have.has(m)).map(([, s]) => s).join(",");
}

const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";
// GetPersistentVolume(Claim)Class: the beta annotation first, then spec.storageClassName.
const annotationsOf = (o: Obj): Record<string, string> => (o.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
// Quantity.String(): the canonical form ("0" when unset).
const quantityCell = (raw: unknown): string => {
  const q = parseGoQuantity(raw);
  return q ? quantityString(q) : "0";
};

function storageClassOf(o: Obj): string {
  const ann = annotationsOf(o);
  if (Object.hasOwn(ann, BETA_STORAGE_CLASS_ANNOTATION)) return String(ann[BETA_STORAGE_CLASS_ANNOTATION]);
  return o.spec?.storageClassName ?? "";
}

// printPersistentVolume: a PV being deleted shows Terminating; the claim as namespace/name.
function persistentVolumeCells(pv: Obj, now: number): (string | number | boolean)[] {
  const ref = pv.spec?.claimRef;
  const phase = pv.metadata?.deletionTimestamp ? "Terminating" : (pv.status?.phase ?? "");
  return [pv.metadata?.name ?? "", quantityCell(pv.spec?.capacity?.storage), accessModesString(pv.spec?.accessModes), pv.spec?.persistentVolumeReclaimPolicy ?? "",
    phase, ref ? `${ref.namespace ?? ""}/${ref.name ?? ""}` : "", storageClassOf(pv), pv.spec?.volumeAttributesClassName ?? "<unset>",
    pv.status?.reason ?? "", timestampSince(pv.metadata?.creationTimestamp, now), pv.spec?.volumeMode ?? "<unset>"];
}

// printPersistentVolumeClaim: capacity and access modes only once the claim names its volume.
function persistentVolumeClaimCells(pvc: Obj, now: number): (string | number | boolean)[] {
  const bound = !!pvc.spec?.volumeName;
  const phase = pvc.metadata?.deletionTimestamp ? "Terminating" : (pvc.status?.phase ?? "");
  return [pvc.metadata?.name ?? "", phase, pvc.spec?.volumeName ?? "", bound ? quantityCell(pvc.status?.capacity?.storage) : "",
    bound ? accessModesString(pvc.status?.accessModes) : "", storageClassOf(pvc), pvc.spec?.volumeAttributesClassName ?? "<unset>",
    timestampSince(pvc.metadata?.creationTimestamp, now), pvc.spec?.volumeMode ?? "<unset>"];
}

// printCSIDriver: attachRequired true and the other booleans false when unset, the token audiences
// joined (<unset> without a tokenRequests list), the lifecycle modes joined (<none> without any).
function csiDriverCells(o: Obj, age: string): (string | number | boolean)[] {
  const spec = o.spec ?? {};
  const tokens = Array.isArray(spec.tokenRequests) ? spec.tokenRequests.map((t: Obj) => t?.audience ?? "").join(",") : "<unset>";
  const modes = Array.isArray(spec.volumeLifecycleModes) ? spec.volumeLifecycleModes.join(",") : "";
  return [o.metadata?.name ?? "", spec.attachRequired !== false, spec.podInfoOnMount === true, spec.storageCapacity === true, tokens, spec.requiresRepublish === true, modes || "<none>", age];
}

// printStorageClass: the default class (storageutil.IsDefaultAnnotation) is named "<name> (default)".
function storageClassCells(sc: Obj, now: number): (string | number | boolean)[] {
  const ann = annotationsOf(sc);
  const isDefault = ann["storageclass.kubernetes.io/is-default-class"] === "true" || ann["storageclass.beta.kubernetes.io/is-default-class"] === "true";
  return [`${sc.metadata?.name ?? ""}${isDefault ? " (default)" : ""}`, sc.provisioner ?? "", sc.reclaimPolicy ?? "Delete", sc.volumeBindingMode ?? "Immediate",
    sc.allowVolumeExpansion === true, timestampSince(sc.metadata?.creationTimestamp, now)];
}

// printIngress: at most three hosts ("*" for none), ports 80 or "80, 443" with TLS.
function ingressCells(ing: Obj, wide: boolean, now: number): (string | number | boolean)[] {
  const rules: Obj[] = ing.spec?.rules ?? [];
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === 3) more = true;
    if (!more && rule?.host) hosts.push(rule.host);
  }
  const hostCell = hosts.length === 0 ? "*" : more ? `${hosts.join(",")} + ${rules.length - 3} more...` : hosts.join(",");
  return [ing.metadata?.name ?? "", ing.spec?.ingressClassName ?? "<none>", hostCell, loadBalancerIPs(ing, wide),
    (ing.spec?.tls ?? []).length > 0 ? "80, 443" : "80", timestampSince(ing.metadata?.creationTimestamp, now)];
}

// printIngressClass: parameters as Kind[.apiGroup]/name.
function ingressClassCells(ic: Obj, now: number): (string | number | boolean)[] {
  const p = ic.spec?.parameters;
  const parameters = p ? `${p.kind ?? ""}${p.apiGroup != null ? `.${p.apiGroup}` : ""}/${p.name ?? ""}` : "<none>";
  return [ic.metadata?.name ?? "", ic.spec?.controller ?? "", parameters, timestampSince(ic.metadata?.creationTimestamp, now)];
}

function rowCells(kind: string, o: Obj, wide: boolean, now: number): (string | number | boolean)[] {
  const name = o.metadata?.name ?? "";
  const age = timestampSince(o.metadata?.creationTimestamp, now);
  switch (kind) {
    case "Pod": return podCells(o as Pod, wide, now);
    case "Node": return nodeCells(o, wide, now);
    case "Service": return serviceCells(o, wide, now);
    case "Endpoints": return [name, formatEndpoints(o), age];
    case "EndpointSlice": return endpointSliceCells(o, now);
    case "Deployment": return deploymentCells(o, wide, now);
    case "ReplicaSet": return replicaSetCells(o, wide, now);
    case "ComponentStatus": return componentStatusCells(o);
    case "APIService": return [name, apiServiceCell(o), apiServiceAvailable(o), age];
    case "CSINode": return [name, Array.isArray(o.spec?.drivers) ? o.spec.drivers.length : 0, age];
    case "ServiceCIDR": return [name, (Array.isArray(o.spec?.cidrs) ? o.spec.cidrs : []).join(","), age];
    case "IPAddress": return [name, ipAddressParent(o.spec?.parentRef), age];
    case "FlowSchema": return flowSchemaCells(o, age);
    case "PriorityLevelConfiguration": return priorityLevelCells(o, age);
    // printPodTemplate: the template's container names and images (layoutContainerCells), its labels
    case "PodTemplate": return [name, ...containerCells(o.template?.spec?.containers), formatLabels(o.template?.metadata?.labels)];
    case "Job": return jobCells(o, wide, now);
    case "DaemonSet": return daemonSetCells(o, wide, now);
    case "StatefulSet": return statefulSetCells(o, wide, now);
    case "ReplicationController": return replicationControllerCells(o, wide, now);
    case "ControllerRevision": return controllerRevisionCells(o, now);
    case "CronJob": return cronJobCells(o, wide, now);
    // printHorizontalPodAutoscaler
    case "HorizontalPodAutoscaler": return [name, `${o.spec?.scaleTargetRef?.kind ?? ""}/${o.spec?.scaleTargetRef?.name ?? ""}`, formatHPAMetrics(o.spec?.metrics ?? [], o.status?.currentMetrics ?? []), o.spec?.minReplicas != null ? String(o.spec.minReplicas) : "<unset>", o.spec?.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, age];
    case "Event": return eventCells(o, wide, now);
    // printPodDisruptionBudget: an unset bound prints N/A, an IntOrString as written.
    case "PodDisruptionBudget": return [name, o.spec?.minAvailable == null ? "N/A" : String(o.spec.minAvailable), o.spec?.maxUnavailable == null ? "N/A" : String(o.spec.maxUnavailable), o.status?.disruptionsAllowed ?? 0, age];
    case "Namespace": return [name, o.status?.phase ?? "", age];
    case "Lease": return [name, o.spec?.holderIdentity ?? "", age];
    case "ConfigMap": return [name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age];
    case "Secret": return [name, o.type ?? "", Object.keys(o.data ?? {}).length, age];
    case "ServiceAccount": return [name, Array.isArray(o.secrets) ? o.secrets.length : 0, age];
    case "ResourceQuota": return [name, age, ...quotaCells(o)];
    case "LimitRange":
    case "Role":
    case "ClusterRole": return [name, o.metadata?.creationTimestamp ?? ""];
    case "RoleBinding":
    case "ClusterRoleBinding": return bindingCells(o, wide, now);
    case "PersistentVolume": return persistentVolumeCells(o, now);
    case "PersistentVolumeClaim": return persistentVolumeClaimCells(o, now);
    case "StorageClass": return storageClassCells(o, now);
    case "CSIDriver": return csiDriverCells(o, age);
    // printCSIStorageCapacity: Quantity.String() of the capacity, <unset> without one
    case "CSIStorageCapacity": return [name, o.storageClassName ?? "", o.capacity != null ? quantityCell(o.capacity) : "<unset>"];
    case "VolumeAttachment": return [name, o.spec?.attacher ?? "", o.spec?.source?.persistentVolumeName ?? "", o.spec?.nodeName ?? "", o.status?.attached === true, age];
    case "VolumeAttributesClass": return [name, o.driverName ?? "", age];
    case "Ingress": return ingressCells(o, wide, now);
    case "IngressClass": return ingressClassCells(o, now);
    // printNetworkPolicy: metav1.FormatLabelSelector of the pod selector
    case "NetworkPolicy": return [name, formatLabelSelector(o.spec?.podSelector), age];
    case "RuntimeClass": return [name, o.handler ?? "", age];
    case "CertificateSigningRequest": {
      const seconds = o.spec?.expirationSeconds;
      const requested = typeof seconds === "number" ? formatAge(seconds * 1000) : "<none>";
      return [name, age, o.spec?.signerName || "<none>", o.spec?.username ?? "", requested, csrCondition(o)];
    }
    // printValidatingAdmissionPolicy: the number of validations, paramKind as apiVersion/kind
    case "ValidatingAdmissionPolicy": {
      const pk = o.spec?.paramKind;
      return [name, Array.isArray(o.spec?.validations) ? o.spec.validations.length : 0, pk != null ? `${pk.apiVersion ?? ""}/${pk.kind ?? ""}` : "<unset>", age];
    }
    case "MutatingWebhookConfiguration":
    case "ValidatingWebhookConfiguration": return [name, Array.isArray(o.webhooks) ? o.webhooks.length : 0, age];
    case "ValidatingAdmissionPolicyBinding": return [name, o.spec?.policyName ?? "", paramRefCell(o.spec?.paramRef), age];
    // printPriorityClass: PreemptionPolicy is a wide column, so only a wide row carries it.
    case "PriorityClass": return wide ? [name, o.value ?? 0, o.globalDefault === true, age, o.preemptionPolicy ?? ""] : [name, o.value ?? 0, o.globalDefault === true, age];
    case "CustomResourceDefinition": return [name, o.metadata?.creationTimestamp ?? ""];
    default: return [name, age];
  }
}

/**
 * printValidatingAdmissionPolicyBinding's ParamRef: namespace/name, the name under the "*" namespace
 * when none is given (the printer cannot tell a cluster-scoped param), or the selector's Go String().
 */
function paramRefCell(pr: Obj): string {
  if (pr == null) return "<unset>";
  if (typeof pr.name === "string" && pr.name.length > 0) return pr.namespace ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
  if (pr.selector != null) return labelSelectorGoString(pr.selector);
  return "<unset>";
}

// gogo-protobuf's generated (*LabelSelector).String(): sorted "k: v," labels, requirements as their own String() without "&".
function labelSelectorGoString(sel: Obj): string {
  const labels = sel.matchLabels ?? {};
  const keys = Object.keys(labels).sort();
  const reqs = (Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [])
    .map((r: Obj) => `LabelSelectorRequirement{Key:${r?.key ?? ""},Operator:${r?.operator ?? ""},Values:[${(Array.isArray(r?.values) ? r.values : []).join(" ")}],}`);
  return `&LabelSelector{MatchLabels:map[string]string{${keys.map((k) => `${k}: ${labels[k]},`).join("")}},MatchExpressions:[]LabelSelectorRequirement{${reqs.map((r: string) => `${r},`).join("")}},}`;
}

/** formatHPAMetrics for Resource metrics: "cpu: 250%/50%", "<unknown>" before the first reading, at most the first few then "+ N more...". */
export function formatHPAMetrics(specs: Obj[], statuses: Obj[]): string {
  if (specs.length === 0) return "<none>";
  const list: string[] = [];
  const max = 2;
  const q = (v: unknown) => (v == null ? "<unknown>" : String(v));
  // External and Object metrics: an averageValue target is "(avg)" and reads the status's averageValue.
  const valueOrAverage = (target: Obj, current: Obj | undefined) =>
    target.averageValue != null ? `${q(current?.averageValue)}/${target.averageValue} (avg)` : `${current === undefined ? "<unknown>" : q(current.value)}/${q(target.value)}`;
  // Resource and ContainerResource metrics: "name: current/target", a value or a utilization.
  const resource = (src: Obj, current: Obj | undefined) => {
    const t = src.target ?? {};
    if (t.averageValue != null) return `${src.name}: ${current === undefined ? "<unknown>" : q(current.averageValue)}/${t.averageValue}`;
    const cur = current?.averageUtilization != null ? `${current.averageUtilization}%` : "<unknown>";
    return `${src.name}: ${cur}/${t.averageUtilization != null ? `${t.averageUtilization}%` : "<auto>"}`;
  };
  for (let i = 0; i < specs.length && list.length < max; i++) {
    const spec = specs[i];
    const st = statuses[i];
    switch (spec?.type) {
      case "External": list.push(valueOrAverage(spec.external?.target ?? {}, st?.external?.current)); break;
      case "Pods": list.push(`${st?.pods ? q(st.pods.current?.averageValue) : "<unknown>"}/${q(spec.pods?.target?.averageValue)}`); break;
      case "Object": list.push(valueOrAverage(spec.object?.target ?? {}, st?.object?.current)); break;
      case "Resource": list.push(resource(spec.resource ?? {}, st?.resource?.current)); break;
      case "ContainerResource": list.push(resource(spec.containerResource ?? {}, st?.containerResource?.current)); break;
      default: list.push("<unknown type>");
    }
  }
  const ret = list.join(", ");
  return specs.length > max ? `${ret} + ${specs.length - max} more...` : ret;
}

/**
 * The Table kubectl gets for `kind`: Kubernetes' column definitions and one row per object.
 * With wide, rows also carry the priority-1 cells (the API server always generates them).
 */
export function tableFor(kind: string, objects: object[], opts: { wide?: boolean; now: number }): Table {
  const columns = (columnDefinitions[kind] ?? genericColumns).map((c) => ({ ...c }));
  // printFlowSchemaList sorts a list by matching precedence, then name (FlowSchemaSequence)
  const ordered = kind === "FlowSchema" && objects.length > 1 ? [...objects].sort((a: any, b: any) => (a.spec?.matchingPrecedence ?? 0) - (b.spec?.matchingPrecedence ?? 0) || (a.metadata?.name < b.metadata?.name ? -1 : a.metadata?.name > b.metadata?.name ? 1 : 0)) : objects;
  const rows = ordered.map((object): TableRow => {
    const cells = rowCells(kind, object as Obj, opts.wide ?? false, opts.now);
    const conditions = kind === "Pod" ? podRowConditions(object as Pod) : undefined;
    return conditions ? { cells, conditions, object } : { cells, object };
  });
  return { columns, rows };
}

/** printPod's row conditions: podSuccessConditions or podFailedConditions by the pod's phase. */
function podRowConditions(pod: Pod): TableRowCondition[] | undefined {
  switch (pod.status?.phase) {
    case "Succeeded": return [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
    case "Failed": return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
    default: return undefined;
  }
}

/**
 * Renders a Table as kubectl prints it: upper-case headers, wide-only columns dropped unless wide,
 * every column but the last padded to its widest cell plus 3 spaces (tabwriter minwidth 6, padding 3).
 */
export function renderTable(table: Table, opts: { noHeaders?: boolean; wide?: boolean } = {}): string {
  const keep = table.columns.map((c, i) => [c, i] as const).filter(([c]) => opts.wide || c.priority === 0).map(([, i]) => i);
  const lines: string[][] = [];
  if (!opts.noHeaders) lines.push(keep.map((i) => table.columns[i]!.name.toUpperCase()));
  const normal = table.columns.map((c, i) => [c, i] as const).filter(([c]) => c.priority === 0).map(([, i]) => i);
  for (const r of table.rows) {
    // Rows built without wide carry only the priority-0 cells, in column order.
    const full = r.cells.length >= table.columns.length;
    lines.push(keep.map((i) => String((full ? r.cells[i] : r.cells[normal.indexOf(i)]) ?? "")));
  }
  const widths = keep.map((_, j) => Math.max(6, ...lines.map((l) => l[j]!.length + 3)));
  return lines.map((l) => l.map((cell, j) => (j === l.length - 1 ? cell : cell.padEnd(widths[j]!))).join("")).join("\n") + (lines.length ? "\n" : "");
}

/** printIPAddress's parent: the group resource (lower case, "services" for the core group), namespace and name. */
function ipAddressParent(ref: any): string {
  if (ref === undefined || ref === null) return "<none>";
  const gr = ref.group ? `${ref.resource ?? ""}.${ref.group}` : String(ref.resource ?? "");
  return `${gr.toLowerCase()}${ref.namespace ? `/${ref.namespace}` : ""}/${ref.name ?? ""}`;
}

/** printFlowSchema: the distinguisher "<none>" when nil, MissingPL the Dangling condition's status or "?". */
function flowSchemaCells(o: any, age: string): (string | number)[] {
  const dangling = (Array.isArray(o.status?.conditions) ? o.status.conditions : []).find((c: any) => c?.type === "Dangling");
  return [o.metadata?.name ?? "", o.spec?.priorityLevelConfiguration?.name ?? "", o.spec?.matchingPrecedence ?? 0, o.spec?.distinguisherMethod?.type ?? "<none>", age, dangling ? String(dangling.status ?? "") : "?"];
}

/** printPriorityLevelConfiguration: shares and queuing from spec.limited, "<none>" where absent (an Exempt level). */
function priorityLevelCells(o: any, age: string): (string | number)[] {
  const limited = o.spec?.limited;
  const q = limited?.limitResponse?.queuing;
  const none = "<none>";
  return [o.metadata?.name ?? "", String(o.spec?.type ?? ""), limited ? (limited.nominalConcurrencyShares ?? none) : none, q ? q.queues : none, q ? q.handSize : none, q ? q.queueLengthLimit : none, age];
}

/** The APIService's Service column: Local when it names none, else namespace/name. */
function apiServiceCell(o: any): string {
  const svc = o.spec?.service;
  return svc ? `${svc.namespace ?? ""}/${svc.name ?? ""}` : "Local";
}

/** The Available column: the condition's status, with its reason when not True; Unknown without one. */
function apiServiceAvailable(o: any): string {
  const c = (Array.isArray(o.status?.conditions) ? o.status.conditions : []).find((x: any) => x?.type === "Available");
  if (!c) return "Unknown";
  return c.status !== "True" && c.reason ? `${c.status} (${c.reason})` : String(c.status ?? "");
}

/** printComponentStatus: the Healthy condition's status (Healthy when True, else Unhealthy; Unknown without one), message and error. */
function componentStatusCells(o: any): string[] {
  const c = (Array.isArray(o.conditions) ? o.conditions : []).find((x: any) => x?.type === "Healthy");
  if (!c) return [o.metadata?.name ?? "", "Unknown", "", ""];
  return [o.metadata?.name ?? "", c.status === "True" ? "Healthy" : "Unhealthy", String(c.message ?? ""), String(c.error ?? "")];
}
