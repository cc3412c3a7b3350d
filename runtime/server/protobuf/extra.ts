// Messages of kinds served at a second version, which the generated table (one version per kind)
// does not carry: autoscaling/v1's HorizontalPodAutoscaler, which kubectl autoscale (v1.32) sends
// as protobuf. Field numbers from k8s.io/api autoscaling/v1 generated.proto.
import type { ProtoMessage } from "./model.js";

/** apiVersion/kind -> its message */
export const extraProtoRoots: Record<string, string> = {
  "autoscaling/v1/HorizontalPodAutoscaler": "k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler",
};

export const extraProtoMessages: Record<string, ProtoMessage> = {
  "k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler": { fields: [["metadata", 1, "o", ".k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "metadata", 1], ["spec", 2, "o", ".k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerSpec", "spec", 1], ["status", 3, "o", ".k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerStatus", "status", 1]] },
  "k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerSpec": { fields: [["scaleTargetRef", 1, "o", ".k8s.io.api.autoscaling.v1.CrossVersionObjectReference", "scaleTargetRef", 0], ["minReplicas", 2, "o", "int32", "minReplicas", 3], ["maxReplicas", 3, "o", "int32", "maxReplicas", 0], ["targetCPUUtilizationPercentage", 4, "o", "int32", "targetCPUUtilizationPercentage", 3]] },
  "k8s.io.api.autoscaling.v1.CrossVersionObjectReference": { fields: [["kind", 1, "o", "string", "kind", 0], ["name", 2, "o", "string", "name", 0], ["apiVersion", 3, "o", "string", "apiVersion", 1]] },
  "k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerStatus": { fields: [["observedGeneration", 1, "o", "int64", "observedGeneration", 3], ["lastScaleTime", 2, "o", ".k8s.io.apimachinery.pkg.apis.meta.v1.Time", "lastScaleTime", 3], ["currentReplicas", 3, "o", "int32", "currentReplicas", 0], ["desiredReplicas", 4, "o", "int32", "desiredReplicas", 0], ["currentCPUUtilizationPercentage", 5, "o", "int32", "currentCPUUtilizationPercentage", 3]] },
};
