"""Upstream's strict JSON decoding of a write, as the type checks and unknown fields it reports.

Upstream decodes every create, update and patch body into the kind's Go struct
with `sigs.k8s.io/json` (a fork of `encoding/json`: case-sensitive, and with
`fieldValidation` Strict or Warn also reporting unknown and duplicate fields).
Clients print its messages verbatim, so this module reproduces them from the
kind's 1.33 schema (`bosun.api.schema`) plus the Go type names the schema does
not carry (`_GO_TYPES`, read from the reflection data of kubectl 1.33, which
links every `k8s.io/api` type):

* A value of the wrong JSON type is a type error, worded as Go words it:
  ``json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas
  of type int32`` (the innermost struct's Go name, then the JSON field names from
  the root without list indices or map keys). Types with their own
  `UnmarshalJSON` answer in their own words: quantities
  (``quantities must match the regular expression ...``), times
  (``parsing time ...``), byte slices (``illegal base64 data at input byte N``).
  Go keeps the first plain type error and goes on, but stops at the first error
  a custom `UnmarshalJSON` returns; `check` does the same.
* A field the struct does not have is ``unknown field "spec.containers[0].foo"``
  (the path with list indices and map keys); fields under `RawExtension`, `JSON`,
  `FieldsV1` and `x-kubernetes-preserve-unknown-fields` are free-form.
* A key repeated in one JSON object is ``duplicate field "metadata.name"``.

Schemas are compiled once per definition into `_Type` trees, so a check is a
walk of the object with one dict lookup per field.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import orjson

from bosun.api import schema
from bosun.machinery import errors
from bosun.machinery.quantity import QuantityError, quantity_from_wire

__all__ = ["check", "duplicate_fields", "strict_error"]

# Go type names that the schema cannot tell: named string types (`v1.RestartPolicy`),
# named maps and slices (`v1.ResourceList`), `types.UID`. One entry per definition
# (without its `io.k8s.api.` prefix): "field=GoType ...". Elements of `[]T` and
# `map[K]T` are derived from the name; everything else from the schema.
_GO_TYPES: dict[str, str] = {
    "admissionregistration.v1.MatchResources": "matchPolicy=v1.MatchPolicyType",
    "admissionregistration.v1.MutatingWebhook": (
        "failurePolicy=v1.FailurePolicyType matchPolicy=v1.MatchPolicyType "
        "reinvocationPolicy=v1.ReinvocationPolicyType sideEffects=v1.SideEffectClass"
    ),
    "admissionregistration.v1.NamedRuleWithOperations": "operations=[]v1.OperationType scope=v1.ScopeType",
    "admissionregistration.v1.ParamRef": "parameterNotFoundAction=v1.ParameterNotFoundActionType",
    "admissionregistration.v1.RuleWithOperations": "operations=[]v1.OperationType scope=v1.ScopeType",
    "admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec": (
        "validationActions=[]v1.ValidationAction"
    ),
    "admissionregistration.v1.ValidatingAdmissionPolicySpec": "failurePolicy=v1.FailurePolicyType",
    "admissionregistration.v1.ValidatingWebhook": (
        "failurePolicy=v1.FailurePolicyType matchPolicy=v1.MatchPolicyType sideEffects=v1.SideEffectClass"
    ),
    "admissionregistration.v1.Validation": "reason=v1.StatusReason",
    "admissionregistration.v1alpha1.MatchResources": "matchPolicy=v1alpha1.MatchPolicyType",
    "admissionregistration.v1alpha1.MutatingAdmissionPolicySpec": (
        "failurePolicy=v1alpha1.FailurePolicyType reinvocationPolicy=v1.ReinvocationPolicyType"
    ),
    "admissionregistration.v1alpha1.Mutation": "patchType=v1alpha1.PatchType",
    "admissionregistration.v1alpha1.NamedRuleWithOperations": (
        "operations=[]v1.OperationType scope=v1.ScopeType"
    ),
    "admissionregistration.v1alpha1.ParamRef": "parameterNotFoundAction=v1alpha1.ParameterNotFoundActionType",
    "admissionregistration.v1beta1.MatchResources": "matchPolicy=v1beta1.MatchPolicyType",
    "admissionregistration.v1beta1.NamedRuleWithOperations": (
        "operations=[]v1.OperationType scope=v1.ScopeType"
    ),
    "admissionregistration.v1beta1.ParamRef": "parameterNotFoundAction=v1beta1.ParameterNotFoundActionType",
    "admissionregistration.v1beta1.ValidatingAdmissionPolicyBindingSpec": (
        "validationActions=[]v1beta1.ValidationAction"
    ),
    "admissionregistration.v1beta1.ValidatingAdmissionPolicySpec": "failurePolicy=v1beta1.FailurePolicyType",
    "admissionregistration.v1beta1.Validation": "reason=v1.StatusReason",
    "apiextensions.v1.CustomResourceConversion": "strategy=v1.ConversionStrategyType",
    "apiextensions.v1.CustomResourceDefinitionCondition": (
        "status=v1.ConditionStatus type=v1.CustomResourceDefinitionConditionType"
    ),
    "apiextensions.v1.CustomResourceDefinitionSpec": "scope=v1.ResourceScope",
    "apiextensions.v1.JSONSchemaProps": (
        "$schema=v1.JSONSchemaURL definitions=v1.JSONSchemaDefinitions "
        "dependencies=v1.JSONSchemaDependencies x-kubernetes-validations=v1.ValidationRules"
    ),
    "apiextensions.v1.ValidationRule": "reason=v1.FieldValueErrorReason",
    "apiregistration.v1.APIServiceCondition": "status=v1.ConditionStatus type=v1.APIServiceConditionType",
    "apiserverinternal.v1alpha1.StorageVersionCondition": (
        "status=v1alpha1.ConditionStatus type=v1alpha1.StorageVersionConditionType"
    ),
    "apps.v1.DaemonSetCondition": "status=v1.ConditionStatus type=v1.DaemonSetConditionType",
    "apps.v1.DaemonSetUpdateStrategy": "type=v1.DaemonSetUpdateStrategyType",
    "apps.v1.DeploymentCondition": "status=v1.ConditionStatus type=v1.DeploymentConditionType",
    "apps.v1.DeploymentStrategy": "type=v1.DeploymentStrategyType",
    "apps.v1.ReplicaSetCondition": "status=v1.ConditionStatus type=v1.ReplicaSetConditionType",
    "apps.v1.StatefulSetCondition": "status=v1.ConditionStatus type=v1.StatefulSetConditionType",
    "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy": (
        "whenDeleted=v1.PersistentVolumeClaimRetentionPolicyType "
        "whenScaled=v1.PersistentVolumeClaimRetentionPolicyType"
    ),
    "apps.v1.StatefulSetSpec": "podManagementPolicy=v1.PodManagementPolicyType",
    "apps.v1.StatefulSetUpdateStrategy": "type=v1.StatefulSetUpdateStrategyType",
    "authentication.v1.BoundObjectReference": "uid=types.UID",
    "authentication.v1.UserInfo": "extra=map[string]v1.ExtraValue",
    "authorization.v1.SubjectAccessReviewSpec": "extra=map[string]v1.ExtraValue",
    "autoscaling.v2.ContainerResourceMetricSource": "name=v1.ResourceName",
    "autoscaling.v2.ContainerResourceMetricStatus": "name=v1.ResourceName",
    "autoscaling.v2.HPAScalingPolicy": "type=v2.HPAScalingPolicyType",
    "autoscaling.v2.HPAScalingRules": "selectPolicy=v2.ScalingPolicySelect",
    "autoscaling.v2.HorizontalPodAutoscalerCondition": (
        "status=v1.ConditionStatus type=v2.HorizontalPodAutoscalerConditionType"
    ),
    "autoscaling.v2.MetricSpec": "type=v2.MetricSourceType",
    "autoscaling.v2.MetricStatus": "type=v2.MetricSourceType",
    "autoscaling.v2.MetricTarget": "type=v2.MetricTargetType",
    "autoscaling.v2.ResourceMetricSource": "name=v1.ResourceName",
    "autoscaling.v2.ResourceMetricStatus": "name=v1.ResourceName",
    "batch.v1.CronJobSpec": "concurrencyPolicy=v1.ConcurrencyPolicy",
    "batch.v1.JobCondition": "status=v1.ConditionStatus type=v1.JobConditionType",
    "batch.v1.JobSpec": "completionMode=v1.CompletionMode podReplacementPolicy=v1.PodReplacementPolicy",
    "batch.v1.PodFailurePolicyOnExitCodesRequirement": "operator=v1.PodFailurePolicyOnExitCodesOperator",
    "batch.v1.PodFailurePolicyOnPodConditionsPattern": "status=v1.ConditionStatus type=v1.PodConditionType",
    "batch.v1.PodFailurePolicyRule": "action=v1.PodFailurePolicyAction",
    "batch.v1.UncountedTerminatedPods": "failed=[]types.UID succeeded=[]types.UID",
    "certificates.v1.CertificateSigningRequestCondition": (
        "status=v1.ConditionStatus type=v1.RequestConditionType"
    ),
    "certificates.v1.CertificateSigningRequestSpec": "extra=map[string]v1.ExtraValue usages=[]v1.KeyUsage",
    "coordination.v1.LeaseSpec": "strategy=v1.CoordinatedLeaseStrategy",
    "coordination.v1alpha2.LeaseCandidateSpec": "strategy=v1.CoordinatedLeaseStrategy",
    "coordination.v1beta1.LeaseCandidateSpec": "strategy=v1.CoordinatedLeaseStrategy",
    "core.v1.AppArmorProfile": "type=v1.AppArmorProfileType",
    "core.v1.AttachedVolume": "name=v1.UniqueVolumeName",
    "core.v1.AzureDiskVolumeSource": "cachingMode=v1.AzureDataDiskCachingMode kind=v1.AzureDataDiskKind",
    "core.v1.Capabilities": "add=[]v1.Capability drop=[]v1.Capability",
    "core.v1.ComponentCondition": "status=v1.ConditionStatus type=v1.ComponentConditionType",
    "core.v1.ConfigMapNodeConfigSource": "uid=types.UID",
    "core.v1.Container": (
        "imagePullPolicy=v1.PullPolicy restartPolicy=v1.ContainerRestartPolicy "
        "terminationMessagePolicy=v1.TerminationMessagePolicy"
    ),
    "core.v1.ContainerPort": "protocol=v1.Protocol",
    "core.v1.ContainerResizePolicy": (
        "resourceName=v1.ResourceName restartPolicy=v1.ResourceResizeRestartPolicy"
    ),
    "core.v1.ContainerStatus": "allocatedResources=v1.ResourceList stopSignal=v1.Signal",
    "core.v1.EmptyDirVolumeSource": "medium=v1.StorageMedium",
    "core.v1.EndpointPort": "protocol=v1.Protocol",
    "core.v1.EphemeralContainer": (
        "imagePullPolicy=v1.PullPolicy restartPolicy=v1.ContainerRestartPolicy "
        "terminationMessagePolicy=v1.TerminationMessagePolicy"
    ),
    "core.v1.HTTPGetAction": "scheme=v1.URIScheme",
    "core.v1.HostPathVolumeSource": "type=v1.HostPathType",
    "core.v1.ImageVolumeSource": "pullPolicy=v1.PullPolicy",
    "core.v1.Lifecycle": "stopSignal=v1.Signal",
    "core.v1.LimitRangeItem": (
        "default=v1.ResourceList defaultRequest=v1.ResourceList max=v1.ResourceList "
        "maxLimitRequestRatio=v1.ResourceList min=v1.ResourceList type=v1.LimitType"
    ),
    "core.v1.LoadBalancerIngress": "ipMode=v1.LoadBalancerIPMode",
    "core.v1.ModifyVolumeStatus": "status=v1.PersistentVolumeClaimModifyVolumeStatus",
    "core.v1.NamespaceCondition": "status=v1.ConditionStatus type=v1.NamespaceConditionType",
    "core.v1.NamespaceSpec": "finalizers=[]v1.FinalizerName",
    "core.v1.NamespaceStatus": "phase=v1.NamespacePhase",
    "core.v1.NodeAddress": "type=v1.NodeAddressType",
    "core.v1.NodeCondition": "status=v1.ConditionStatus type=v1.NodeConditionType",
    "core.v1.NodeSelectorRequirement": "operator=v1.NodeSelectorOperator",
    "core.v1.NodeStatus": (
        "allocatable=v1.ResourceList capacity=v1.ResourceList phase=v1.NodePhase "
        "volumesInUse=[]v1.UniqueVolumeName"
    ),
    "core.v1.ObjectReference": "uid=types.UID",
    "core.v1.PersistentVolumeClaimCondition": (
        "status=v1.ConditionStatus type=v1.PersistentVolumeClaimConditionType"
    ),
    "core.v1.PersistentVolumeClaimSpec": (
        "accessModes=[]v1.PersistentVolumeAccessMode volumeMode=v1.PersistentVolumeMode"
    ),
    "core.v1.PersistentVolumeClaimStatus": (
        "accessModes=[]v1.PersistentVolumeAccessMode "
        "allocatedResourceStatuses=map[v1.ResourceName]v1.ClaimResourceStatus "
        "allocatedResources=v1.ResourceList capacity=v1.ResourceList phase=v1.PersistentVolumeClaimPhase"
    ),
    "core.v1.PersistentVolumeSpec": (
        "accessModes=[]v1.PersistentVolumeAccessMode capacity=v1.ResourceList "
        "persistentVolumeReclaimPolicy=v1.PersistentVolumeReclaimPolicy "
        "volumeMode=v1.PersistentVolumeMode"
    ),
    "core.v1.PersistentVolumeStatus": "phase=v1.PersistentVolumePhase",
    "core.v1.PodCondition": "status=v1.ConditionStatus type=v1.PodConditionType",
    "core.v1.PodOS": "name=v1.OSName",
    "core.v1.PodReadinessGate": "conditionType=v1.PodConditionType",
    "core.v1.PodSecurityContext": (
        "fsGroupChangePolicy=v1.PodFSGroupChangePolicy seLinuxChangePolicy=v1.PodSELinuxChangePolicy "
        "supplementalGroupsPolicy=v1.SupplementalGroupsPolicy"
    ),
    "core.v1.PodSpec": (
        "dnsPolicy=v1.DNSPolicy overhead=v1.ResourceList preemptionPolicy=v1.PreemptionPolicy "
        "restartPolicy=v1.RestartPolicy"
    ),
    "core.v1.PodStatus": "phase=v1.PodPhase qosClass=v1.PodQOSClass resize=v1.PodResizeStatus",
    "core.v1.PortStatus": "protocol=v1.Protocol",
    "core.v1.ReplicationControllerCondition": (
        "status=v1.ConditionStatus type=v1.ReplicationControllerConditionType"
    ),
    "core.v1.ResourceHealth": "health=v1.ResourceHealthStatus resourceID=v1.ResourceID",
    "core.v1.ResourceQuotaSpec": "hard=v1.ResourceList scopes=[]v1.ResourceQuotaScope",
    "core.v1.ResourceQuotaStatus": "hard=v1.ResourceList used=v1.ResourceList",
    "core.v1.ResourceRequirements": "limits=v1.ResourceList requests=v1.ResourceList",
    "core.v1.ResourceStatus": "name=v1.ResourceName",
    "core.v1.ScopedResourceSelectorRequirement": (
        "operator=v1.ScopeSelectorOperator scopeName=v1.ResourceQuotaScope"
    ),
    "core.v1.SeccompProfile": "type=v1.SeccompProfileType",
    "core.v1.Secret": "type=v1.SecretType",
    "core.v1.SecurityContext": "procMount=v1.ProcMountType",
    "core.v1.ServicePort": "protocol=v1.Protocol",
    "core.v1.ServiceSpec": (
        "externalTrafficPolicy=v1.ServiceExternalTrafficPolicy "
        "internalTrafficPolicy=v1.ServiceInternalTrafficPolicy ipFamilies=[]v1.IPFamily "
        "ipFamilyPolicy=v1.IPFamilyPolicy sessionAffinity=v1.ServiceAffinity type=v1.ServiceType"
    ),
    "core.v1.Taint": "effect=v1.TaintEffect",
    "core.v1.Toleration": "effect=v1.TaintEffect operator=v1.TolerationOperator",
    "core.v1.TopologySpreadConstraint": (
        "nodeAffinityPolicy=v1.NodeInclusionPolicy nodeTaintsPolicy=v1.NodeInclusionPolicy "
        "whenUnsatisfiable=v1.UnsatisfiableConstraintAction"
    ),
    "core.v1.VolumeMount": (
        "mountPropagation=v1.MountPropagationMode recursiveReadOnly=v1.RecursiveReadOnlyMode"
    ),
    "core.v1.VolumeMountStatus": "recursiveReadOnly=v1.RecursiveReadOnlyMode",
    "core.v1.VolumeResourceRequirements": "limits=v1.ResourceList requests=v1.ResourceList",
    "discovery.v1.EndpointPort": "protocol=v1.Protocol",
    "discovery.v1.EndpointSlice": "addressType=v1.AddressType",
    "flowcontrol.v1.FlowDistinguisherMethod": "type=v1.FlowDistinguisherMethodType",
    "flowcontrol.v1.FlowSchemaCondition": "status=v1.ConditionStatus type=v1.FlowSchemaConditionType",
    "flowcontrol.v1.LimitResponse": "type=v1.LimitResponseType",
    "flowcontrol.v1.PriorityLevelConfigurationCondition": (
        "status=v1.ConditionStatus type=v1.PriorityLevelConfigurationConditionType"
    ),
    "flowcontrol.v1.PriorityLevelConfigurationSpec": "type=v1.PriorityLevelEnablement",
    "flowcontrol.v1.Subject": "kind=v1.SubjectKind",
    "meta.v1.APIResource": "verbs=v1.Verbs",
    "meta.v1.Condition": "status=v1.ConditionStatus",
    "meta.v1.DeleteOptions": "propagationPolicy=v1.DeletionPropagation",
    "meta.v1.FieldSelectorRequirement": "operator=v1.FieldSelectorOperator",
    "meta.v1.LabelSelectorRequirement": "operator=v1.LabelSelectorOperator",
    "meta.v1.ManagedFieldsEntry": "operation=v1.ManagedFieldsOperationType",
    "meta.v1.ObjectMeta": "uid=types.UID",
    "meta.v1.OwnerReference": "uid=types.UID",
    "meta.v1.Preconditions": "uid=types.UID",
    "meta.v1.Status": "reason=v1.StatusReason",
    "meta.v1.StatusCause": "reason=v1.CauseType",
    "meta.v1.StatusDetails": "uid=types.UID",
    "networking.v1.HTTPIngressPath": "pathType=v1.PathType",
    "networking.v1.IngressPortStatus": "protocol=v1.Protocol",
    "networking.v1.NetworkPolicyPort": "protocol=v1.Protocol",
    "networking.v1.NetworkPolicySpec": "policyTypes=[]v1.PolicyType",
    "node.v1.Overhead": "podFixed=v1.ResourceList",
    "policy.v1.PodDisruptionBudgetSpec": "unhealthyPodEvictionPolicy=v1.UnhealthyPodEvictionPolicyType",
    "resource.v1alpha3.BasicDevice": (
        "attributes=map[v1alpha3.QualifiedName]v1alpha3.DeviceAttribute "
        "capacity=map[v1alpha3.QualifiedName]resource.Quantity"
    ),
    "resource.v1alpha3.DeviceAllocationConfiguration": "source=v1alpha3.AllocationConfigSource",
    "resource.v1alpha3.DeviceConstraint": "matchAttribute=v1alpha3.FullyQualifiedName",
    "resource.v1alpha3.DeviceRequest": "allocationMode=v1alpha3.DeviceAllocationMode",
    "resource.v1alpha3.DeviceSubRequest": "allocationMode=v1alpha3.DeviceAllocationMode",
    "resource.v1alpha3.DeviceTaint": "effect=v1alpha3.DeviceTaintEffect",
    "resource.v1alpha3.DeviceToleration": (
        "effect=v1alpha3.DeviceTaintEffect operator=v1alpha3.DeviceTolerationOperator"
    ),
    "resource.v1alpha3.ResourceClaimConsumerReference": "uid=types.UID",
    "resource.v1beta1.BasicDevice": (
        "attributes=map[v1beta1.QualifiedName]v1beta1.DeviceAttribute "
        "capacity=map[v1beta1.QualifiedName]v1beta1.DeviceCapacity"
    ),
    "resource.v1beta1.DeviceAllocationConfiguration": "source=v1beta1.AllocationConfigSource",
    "resource.v1beta1.DeviceConstraint": "matchAttribute=v1beta1.FullyQualifiedName",
    "resource.v1beta1.DeviceRequest": "allocationMode=v1beta1.DeviceAllocationMode",
    "resource.v1beta1.DeviceSubRequest": "allocationMode=v1beta1.DeviceAllocationMode",
    "resource.v1beta1.DeviceTaint": "effect=v1beta1.DeviceTaintEffect",
    "resource.v1beta1.DeviceToleration": (
        "effect=v1beta1.DeviceTaintEffect operator=v1beta1.DeviceTolerationOperator"
    ),
    "resource.v1beta1.ResourceClaimConsumerReference": "uid=types.UID",
    "resource.v1beta2.Device": (
        "attributes=map[v1beta2.QualifiedName]v1beta2.DeviceAttribute "
        "capacity=map[v1beta2.QualifiedName]v1beta2.DeviceCapacity"
    ),
    "resource.v1beta2.DeviceAllocationConfiguration": "source=v1beta2.AllocationConfigSource",
    "resource.v1beta2.DeviceConstraint": "matchAttribute=v1beta2.FullyQualifiedName",
    "resource.v1beta2.DeviceSubRequest": "allocationMode=v1beta2.DeviceAllocationMode",
    "resource.v1beta2.DeviceTaint": "effect=v1beta2.DeviceTaintEffect",
    "resource.v1beta2.DeviceToleration": (
        "effect=v1beta2.DeviceTaintEffect operator=v1beta2.DeviceTolerationOperator"
    ),
    "resource.v1beta2.ExactDeviceRequest": "allocationMode=v1beta2.DeviceAllocationMode",
    "resource.v1beta2.ResourceClaimConsumerReference": "uid=types.UID",
    "scheduling.v1.PriorityClass": "preemptionPolicy=v1.PreemptionPolicy",
    "storage.v1.CSIDriverSpec": (
        "fsGroupPolicy=v1.FSGroupPolicy volumeLifecycleModes=[]v1.VolumeLifecycleMode"
    ),
    "storage.v1.StorageClass": (
        "reclaimPolicy=v1.PersistentVolumeReclaimPolicy volumeBindingMode=v1.VolumeBindingMode"
    ),
    "storagemigration.v1alpha1.MigrationCondition": (
        "status=v1.ConditionStatus type=v1alpha1.MigrationConditionType"
    ),
}

_PREFIXES = {
    "meta.": "io.k8s.apimachinery.pkg.apis.",
    "apiextensions.": "io.k8s.apiextensions-apiserver.pkg.apis.",
    "apiregistration.": "io.k8s.kube-aggregator.pkg.apis.",
}
_STRICT_ERRORS_MAX = 100  # upstream keeps at most 100 strict errors


@functools.cache
def _go_types() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for short, spec in _GO_TYPES.items():
        prefix = next((p for s, p in _PREFIXES.items() if short.startswith(s)), "io.k8s.api.")
        out[prefix + short] = dict(entry.split("=", 1) for entry in spec.split())
    return out


# ---- compiled types

class _Never:
    """A type no JSON value has: the fast path of a field that always needs a check."""


# Kinds of compiled types.
K_STRING, K_BOOL, K_INT, K_FLOAT, K_BYTES, K_SLICE, K_MAP, K_STRUCT = range(8)
K_QUANTITY, K_INTSTR, K_TIME, K_RAW, K_OR_BOOL, K_OR_ARRAY, K_OR_STRINGS, K_LENIENT = range(8, 16)


class _Type:
    """One Go type: how to check a JSON value against it and how Go names it in errors."""

    __slots__ = ("kind", "name", "fast", "check", "elem", "fields", "go_name", "lo", "hi", "preserve", "micro")

    def __init__(self, kind: int, name: str, check: Any, fast: type = _Never) -> None:
        self.kind = kind
        self.name = name  # Go's type string: "int32", "[]v1.Container", "v1.ResourceList"
        self.fast = fast  # a value of exactly this Python type needs no check
        self.check = check  # check(t, value, owner, path, cx)
        self.elem: _Type | None = None
        self.fields: dict[str, _Type] = {}
        self.go_name = ""  # a struct's Go name, as errors name it ("DeploymentSpec")
        self.lo = self.hi = 0
        self.preserve = False  # a struct that keeps unknown fields (x-kubernetes-preserve-unknown-fields)
        self.micro = False

    def __repr__(self) -> str:
        return f"_Type({self.name})"


# A path is a chain of (parent, segment, how): how 0 is a struct field, 1 a list index, 2 a map key.
Path = tuple | None


class _Ctx:
    """What one walk has found: the first plain type error and the unknown fields."""

    __slots__ = ("strict", "soft", "unknown", "drop")

    def __init__(self, strict: bool) -> None:
        self.strict = strict  # report unknown fields (a strict decoder); they are dropped either way
        self.soft: tuple | None = None
        self.unknown: list[tuple[Path, str]] = []
        self.drop: list[tuple[dict, str]] = []


class _Hard(Exception):
    """An error that stops Go's decoder at once (one returned by a custom UnmarshalJSON)."""

    def __init__(self, err: tuple) -> None:
        self.err = err


# Errors are kept unformatted: ("type", value, go type, struct, path) or ("text", message).
def _type_error(value: str, type_name: str, owner: _Type | None, path: Path) -> tuple:
    return ("type", value, type_name, owner.go_name if owner is not None else "", path)


def _format_error(err: tuple) -> str:
    if err[0] == "text":
        return err[1]
    _, value, type_name, struct, path = err
    stack = _field_stack(path)
    if struct or stack:
        return f"json: cannot unmarshal {value} into Go struct field {struct}.{stack} of type {type_name}"
    return f"json: cannot unmarshal {value} into Go value of type {type_name}"


def _recontext(err: tuple, owner: _Type | None, path: Path) -> tuple:
    """Go's decoder puts its own context on a type error a nested UnmarshalJSON returns."""
    if err[0] == "type":
        return _type_error(err[1], err[2], owner, path)
    return err


def _field_stack(path: Path) -> str:
    names = []
    while path is not None:
        path, seg, how = path
        if how == 0:
            names.append(seg)
    return ".".join(reversed(names))


def _strict_path(path: Path, key: str) -> str:
    """Upstream's strict path: field names and map keys joined by ".", list indices as "[i]"."""
    segs = []
    while path is not None:
        path, seg, how = path
        segs.append((seg, how))
    out = []
    for seg, how in reversed(segs):
        if how == 1:
            out.append(f"[{seg}]")
        else:
            if out:
                out.append(".")
            out.append(seg)
    if out:
        out.append(".")
    out.append(key)
    return "".join(out)


def _json_kind(v: Any) -> str:
    t = type(v)
    if t is str:
        return "string"
    if t is bool:
        return "bool"
    if t is int or t is float:
        return "number"
    if t is dict:
        return "object"
    if t is list:
        return "array"
    return "null"


def _number_text(v: int | float) -> str:
    return str(v) if type(v) is int else orjson.dumps(v).decode()


# ---- checks, one per kind; they are only called for values that are not None and failed the fast path

def _walk_struct(t: _Type, obj: dict, path: Path, cx: _Ctx) -> None:
    fields = t.fields
    for k, v in obj.items():
        f = fields.get(k)
        if f is None:
            if not t.preserve:
                cx.drop.append((obj, k))
                if cx.strict:
                    cx.unknown.append((path, k))
            continue
        if type(v) is f.fast or v is None:
            continue
        f.check(f, v, t, (path, k, 0), cx)


def _check_struct(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    if type(v) is dict:
        _walk_struct(t, v, path, cx)
    elif cx.soft is None:
        cx.soft = _type_error(_json_kind(v), t.name, owner, path)


def _check_slice(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    if type(v) is not list:
        if cx.soft is None:
            cx.soft = _type_error(_json_kind(v), t.name, owner, path)
        return
    e = t.elem
    fast, check = e.fast, e.check
    for i, x in enumerate(v):
        if type(x) is fast or x is None:
            continue
        check(e, x, owner, (path, i, 1), cx)


def _check_map(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    if type(v) is not dict:
        if cx.soft is None:
            cx.soft = _type_error(_json_kind(v), t.name, owner, path)
        return
    e = t.elem
    fast, check = e.fast, e.check
    for k, x in v.items():
        if type(x) is fast or x is None:
            continue
        check(e, x, owner, (path, k, 2), cx)


def _check_leaf(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    # Strings and booleans: the fast path took every right value.
    if cx.soft is None:
        cx.soft = _type_error(_json_kind(v), t.name, owner, path)


def _check_int(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    tv = type(v)
    if tv is int and t.lo <= v <= t.hi:
        return
    if cx.soft is None:
        what = "number " + _number_text(v) if tv is int or tv is float else _json_kind(v)
        cx.soft = _type_error(what, t.name, owner, path)


def _check_float(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    tv = type(v)
    if (tv is int or tv is float) or cx.soft is not None:
        return
    cx.soft = _type_error(_json_kind(v), t.name, owner, path)


def _check_bytes(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    tv = type(v)
    if tv is str:
        if _B64_OK.match(v) is None and cx.soft is None:
            bad = _base64_error(v)
            if bad is not None:
                cx.soft = ("text", bad)
    elif tv is list:  # Go also takes a []byte as a list of numbers
        _check_slice(t, v, owner, path, cx)
    elif cx.soft is None:
        cx.soft = _type_error(_json_kind(v), t.name, owner, path)


def _check_raw(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    return


_QUANTITY_OK: dict[str, str | None] = {}


def _check_quantity(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    tv = type(v)
    if tv is str:
        try:
            bad = _QUANTITY_OK[v]
        except KeyError:
            try:
                quantity_from_wire(v)
                bad = None
            except QuantityError as e:
                bad = e.message
            if len(_QUANTITY_OK) > 4096:
                _QUANTITY_OK.clear()
            _QUANTITY_OK[v] = bad
        if bad is not None:
            raise _Hard(("text", bad))
    elif tv is not int and tv is not float:
        try:
            quantity_from_wire(v)
        except QuantityError as e:
            raise _Hard(("text", e.message)) from None


def _check_intstr(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    # IntOrString.UnmarshalJSON: a JSON string is the string, anything else json.Unmarshal's into an int32.
    tv = type(v)
    if tv is int and -(1 << 31) <= v < (1 << 31):
        return
    what = "number " + _number_text(v) if tv is int or tv is float else _json_kind(v)
    raise _Hard(_type_error(what, "int32", owner, path))


def _check_time(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    if type(v) is not str:
        raise _Hard(_type_error(_json_kind(v), "string", owner, path))
    bad = _time_error(v, t.micro)
    if bad is not None:
        raise _Hard(("text", bad))


def _nested(t: _Type, v: Any, owner: _Type | None, path: Path, outer: _Ctx) -> None:
    """A value a custom UnmarshalJSON decodes with a fresh, non-strict json.Unmarshal."""
    cx = _Ctx(False)
    cx.drop = outer.drop
    try:
        t.check(t, v, None, None, cx)
        err = cx.soft
    except _Hard as h:
        err = h.err
    if err is not None:
        raise _Hard(_recontext(err, owner, path))


def _check_or_bool(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    # JSONSchemaPropsOrBool: a schema object or true/false.
    if type(v) is dict:
        _nested(t.elem, v, owner, path, cx)
    elif type(v) is not bool:
        raise _Hard(("text", "boolean or JSON schema expected"))


def _check_or_array(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    # JSONSchemaPropsOrArray: a schema or a list of schemas; any other value is silently dropped.
    if type(v) is dict:
        _nested(t.elem, v, owner, path, cx)
    elif type(v) is list:
        _nested(_slice_of(t.elem), v, owner, path, cx)


def _check_or_strings(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    # JSONSchemaPropsOrStringArray: a schema or a list of strings.
    if type(v) is dict:
        _nested(t.elem, v, owner, path, cx)
    elif type(v) is list:
        _nested(_STRINGS, v, owner, path, cx)


def _check_lenient(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    """Unknown fields only: custom resources report no decoder type errors."""
    sub = _Ctx(cx.strict)
    sub.unknown, sub.drop = cx.unknown, cx.drop
    try:
        t.elem.check(t.elem, v, owner, path, sub)
    except _Hard:
        pass


def _check_cr_object(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    if type(v) is dict:
        if t.kind == K_MAP:
            _check_map(t, v, owner, path, cx)
        else:
            _walk_struct(t, v, path, cx)


def _check_cr_slice(t: _Type, v: Any, owner: _Type | None, path: Path, cx: _Ctx) -> None:
    if type(v) is list:
        _check_slice(t, v, owner, path, cx)


# ---- compiling the built-in schemas

def _leaf(kind: int, name: str, fast: type = _Never, check: Any = _check_leaf) -> _Type:
    return _Type(kind, name, check, fast)


def _int_type(name: str, bits: int, lo: int | None = None) -> _Type:
    t = _Type(K_INT, name, _check_int)
    t.lo = -(1 << (bits - 1)) if lo is None else lo
    t.hi = (1 << (bits - 1)) - 1 if lo is None else (1 << bits) - 1
    return t


_UINT8 = _int_type("uint8", 8, lo=0)
_RAW = _leaf(K_RAW, "", check=_check_raw)


def _slice_of(elem: _Type, name: str | None = None) -> _Type:
    t = _Type(K_SLICE, name or "[]" + elem.name, _check_slice)
    t.elem = elem
    return t


def _map_of(elem: _Type, name: str | None = None) -> _Type:
    t = _Type(K_MAP, name or "map[string]" + elem.name, _check_map)
    t.elem = elem
    return t


_STRINGS = _slice_of(_leaf(K_STRING, "string", str))


@functools.cache
def _string_type(name: str) -> _Type:
    return _leaf(K_STRING, name, str)


def _bytes_type() -> _Type:
    t = _Type(K_BYTES, "[]uint8", _check_bytes)
    t.elem = _UINT8
    return t


_DEFS: dict[str, _Type] = {}
_META = "io.k8s.apimachinery.pkg.apis.meta.v1."
_EXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
_SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": (K_QUANTITY, "resource.Quantity", _check_quantity),
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": (K_INTSTR, "intstr.IntOrString", _check_intstr),
    _META + "Time": (K_TIME, "v1.Time", _check_time),
    _META + "MicroTime": (K_TIME, "v1.MicroTime", _check_time),
    _META + "FieldsV1": (K_RAW, "v1.FieldsV1", _check_raw),
    "io.k8s.apimachinery.pkg.runtime.RawExtension": (K_RAW, "runtime.RawExtension", _check_raw),
    _EXT + "JSON": (K_RAW, "v1.JSON", _check_raw),
    _EXT + "JSONSchemaPropsOrBool": (K_OR_BOOL, "v1.JSONSchemaPropsOrBool", _check_or_bool),
    _EXT + "JSONSchemaPropsOrArray": (K_OR_ARRAY, "v1.JSONSchemaPropsOrArray", _check_or_array),
    _EXT + "JSONSchemaPropsOrStringArray": (K_OR_STRINGS, "v1.JSONSchemaPropsOrStringArray", _check_or_strings),
}


def _compile_def(name: str) -> _Type:
    """The checker of a definition (`io.k8s.api.core.v1.PodSpec`), compiled once."""
    t = _DEFS.get(name)
    if t is not None:
        return t
    pkg, go_name = name.rsplit(".", 2)[1:]
    special = _SPECIAL.get(name)
    if special is not None:
        kind, type_name, check = special
        t = _Type(kind, type_name, check, str if kind == K_INTSTR else _Never)
        t.micro = go_name == "MicroTime"
        _DEFS[name] = t
        if kind in (K_OR_BOOL, K_OR_ARRAY, K_OR_STRINGS):
            t.elem = _compile_def(_EXT + "JSONSchemaProps")
        return t
    t = _Type(K_STRUCT, f"{pkg}.{go_name}", _check_struct)
    t.go_name = go_name
    _DEFS[name] = t  # before the fields: definitions refer to themselves (JSONSchemaProps)
    node = schema.definitions()[name]
    go_types = _go_types().get(name, {})
    t.fields = {p: _compile_node(sub, go_types.get(p)) for p, sub in (node.get("properties") or {}).items()}
    return t


def _elem_name(go_name: str | None) -> str | None:
    """`T` of `[]T` or `map[K]T`; None for a named type, whose element the schema tells."""
    if go_name is None:
        return None
    if go_name.startswith("[]"):
        return go_name[2:]
    if go_name.startswith("map["):
        depth = 0
        for i, c in enumerate(go_name):
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return go_name[i + 1:]
    return None


def _compile_node(node: dict, go_name: str | None) -> _Type:
    ref = node.get("$ref")
    if ref is not None:
        return _compile_def(ref.rsplit("/", 1)[1])
    typ = node.get("type")
    if isinstance(typ, list):
        typ = next((x for x in typ if x != "null"), None)
    fmt = node.get("format")
    if typ == "string":
        return _bytes_type() if fmt == "byte" else _string_type(go_name or "string")
    if typ == "integer":
        bits = 32 if fmt == "int32" else 64
        return _int_type(go_name or f"int{bits}", bits)
    if typ == "number":
        return _leaf(K_FLOAT, go_name or "float64", check=_check_float)
    if typ == "boolean":
        return _leaf(K_BOOL, go_name or "bool", bool)
    if typ == "array" and isinstance(node.get("items"), dict):
        return _slice_of(_compile_node(node["items"], _elem_name(go_name)), go_name)
    extra = node.get("additionalProperties")
    if typ == "object" and isinstance(extra, dict):
        return _map_of(_compile_node(extra, _elem_name(go_name)), go_name)
    return _RAW


@functools.cache
def _def_names() -> dict[int, str]:
    return {id(node): name for name, node in schema.definitions().items()}


# ---- compiling custom resource (structural) schemas: unknown fields only, as upstream's pruning reports them

def _compile_structural(node: Any, root: bool = False) -> _Type:
    if not isinstance(node, dict):
        return _RAW
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    props = node.get("properties")
    if node.get("type") == "array" or isinstance(node.get("items"), dict):
        items = node.get("items")
        if not isinstance(items, dict):
            return _RAW
        t = _slice_of(_compile_structural(items))
        t.check = _check_cr_slice
        return t
    embedded = node.get("x-kubernetes-embedded-resource") is True
    if root or embedded or isinstance(props, dict):
        t = _Type(K_STRUCT, "object", _check_cr_object)
        t.preserve = preserve
        t.fields = {k: _compile_structural(v) for k, v in (props or {}).items()}
        if root or embedded:
            t.fields.setdefault("apiVersion", _RAW)
            t.fields.setdefault("kind", _RAW)
            meta = _Type(K_LENIENT, "v1.ObjectMeta", _check_lenient)
            meta.elem = _compile_def(_META + "ObjectMeta")
            t.fields["metadata"] = meta
        return t
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        t = _map_of(_compile_structural(extra))
        t.check = _check_cr_object
        return t
    if node.get("type") == "object" and not preserve and extra is not True:
        t = _Type(K_STRUCT, "object", _check_cr_object)  # no properties: every field is unknown
        return t
    return _RAW


_BY_ID: dict[int, tuple[dict, _Type]] = {}


def _compiled(node: dict) -> _Type:
    hit = _BY_ID.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    name = _def_names().get(id(node))
    t = _compile_def(name) if name is not None else _compile_structural(node, root=True)
    if len(_BY_ID) > 512:
        _BY_ID.clear()
    _BY_ID[id(node)] = (node, t)  # the node is kept alive, so its id is not reused
    return t


# ---- the API

def check(obj: dict, node: dict, mode: str) -> tuple[list[str], list[str]]:
    """Type errors and unknown fields of a decoded write against its kind's schema.

    `node` is the kind's definition (`schema.for_kind`) or a custom resource's
    structural schema. Returns ([the decoder error], [`unknown field "..."`, ...]);
    with `mode` "Ignore" unknown fields are not reported. Either way they are
    removed from `obj`, as decoding into upstream's structs drops them (a custom
    resource's pruning does the same), so that they are never stored.
    """
    t = _compiled(node)
    cx = _Ctx(mode != "Ignore")
    try:
        t.check(t, obj, None, None, cx)
        err = cx.soft
    except _Hard as h:
        err = h.err
    except RecursionError:  # nesting deeper than Python's stack: what was found so far
        err = cx.soft
    type_errors = [_format_error(err)] if err is not None else []
    for d, k in cx.drop:
        d.pop(k, None)
    if not cx.unknown:
        return type_errors, []
    unknown = dict.fromkeys(f"unknown field {_go_quote(_strict_path(p, k))}" for p, k in cx.unknown)
    return type_errors, list(unknown)[:_STRICT_ERRORS_MAX]


def strict_error(unknown: list[str], kind: str = "", version: str = "") -> errors.StatusError:
    """The 400 of fieldValidation=Strict.

    A create or update names the kind as upstream's decoder error does
    (``ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding
    error: unknown field "datta"``); a patch has the bare ``strict decoding error: ...``.
    """
    message = "strict decoding error: " + ", ".join(unknown)
    if kind:
        message = f'{kind} in version "{version}" cannot be handled as a {kind}: {message}'
    return errors.bad_request(message)


class _Pairs(list):
    """A JSON object as its (key, value) pairs in order, duplicates kept."""

    __slots__ = ()


_UNSET: Any = object()


def duplicate_fields(raw: bytes, node: dict | None = None, obj: Any = _UNSET) -> list[str]:
    """Keys repeated in one object of a JSON body: [`duplicate field "metadata.name"`, ...].

    Most bodies have none, and are told apart cheaply: a repeated key brings a
    colon that the decoded object (`obj`, decoded again if not given) re-encoded
    lacks; only the rest are scanned. With the kind's schema (`node`), repeats
    under unknown or free-form fields are left out, as upstream's decoder never
    looks there.
    """
    try:
        if obj is _UNSET:
            obj = orjson.loads(raw)
        same = raw.count(b":") == orjson.dumps(obj).count(b":")
    except (orjson.JSONDecodeError, orjson.JSONEncodeError, TypeError):
        return []
    if same and b"\\u003a" not in raw and b"\\u003A" not in raw:  # an escaped colon would hide one
        return []
    out: dict[str, None] = {}
    try:
        tree = json.loads(raw, object_pairs_hook=_Pairs)
        _scan_duplicates(tree, None, _compiled(node) if node is not None else None, out)
    except (ValueError, RecursionError):
        pass
    return list(out)[:_STRICT_ERRORS_MAX]


_OPAQUE = frozenset((K_RAW, K_QUANTITY, K_INTSTR, K_TIME, K_OR_BOOL, K_OR_ARRAY, K_OR_STRINGS))


def _scan_duplicates(v: Any, path: Path, t: _Type | None, out: dict[str, None]) -> None:
    if t is not None:
        if t.kind == K_LENIENT:
            t = t.elem
        if t.kind in _OPAQUE:
            return  # decoded by a custom UnmarshalJSON (or not at all): no strict checks inside
    if type(v) is _Pairs:
        if t is not None and t.kind not in (K_STRUCT, K_MAP):
            return
        seen: set[str] = set()
        for k, x in v:
            sub = None
            if t is not None:
                if t.kind == K_MAP:
                    sub = t.elem
                else:
                    sub = t.fields.get(k)
                    if sub is None:
                        continue  # an unknown field: skipped whole
            if k in seen:
                out[f"duplicate field {_go_quote(_strict_path(path, k))}"] = None
            else:
                seen.add(k)
            _scan_duplicates(x, (path, k, 0), sub, out)
    elif type(v) is list:
        if t is not None and t.kind not in (K_SLICE, K_BYTES):
            return
        sub = t.elem if t is not None else None
        for i, x in enumerate(v):
            _scan_duplicates(x, (path, i, 1), sub, out)


# ---- Go's own texts

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _go_quote(s: str) -> str:
    """Go's strconv.Quote (`%q`)."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = ['"']
    for c in s:
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        elif c in _GO_ESCAPES:
            out.append(_GO_ESCAPES[c])
        else:
            n = ord(c)
            if n < 0x20 or n == 0x7F:
                out.append(f"\\x{n:02x}")
            elif n < 0x10000:
                out.append(f"\\u{n:04x}")
            else:
                out.append(f"\\U{n:08x}")
    out.append('"')
    return "".join(out)


# base64.StdEncoding.Decode of a canonical, newline-free string cannot fail.
_B64_OK = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")
_B64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def _base64_error(s: str) -> str | None:
    """The error of Go's base64.StdEncoding.Decode (a port of its decodeQuantum), or None."""
    src = s.encode()
    n = len(src)
    si = 0

    def bad(at: int) -> str:
        return f"illegal base64 data at input byte {at}"

    while si < n:
        j = 0
        while j < 4:
            if si == n:
                return bad(si - j) if j else None  # the end, or a short last quantum
            c = src[si]
            si += 1
            if c in _B64_ALPHABET:
                j += 1
                continue
            if c == 10 or c == 13:
                continue
            if c != 61 or j < 2:  # not '=', or padding too early
                return bad(si - 1)
            if j == 2:  # "==" is expected, the first "=" is consumed
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    return bad(n)
                if src[si] != 61:
                    return bad(si - 1)
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            if si < n:
                return bad(si)  # trailing garbage
            return None
    return None


_RFC3339 = "2006-01-02T15:04:05Z07:00"
_RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00"
# Go's layout chunks: (literal prefix, element, element's layout text).
_CHUNKS = [("", "year", "2006"), ("-", "month", "01"), ("-", "day", "02"), ("T", "hour", "15"),
           (":", "minute", "04"), (":", "second", "05")]
_CHUNKS_RFC3339 = [*_CHUNKS, ("", "zone", "Z07:00")]
_CHUNKS_MICRO = [*_CHUNKS, ("", "frac", ".000000"), ("", "zone", "Z07:00")]
_TIME_OK: dict[tuple[str, bool], None] = {}  # values known good, per layout


def _time_quote(s: bytes) -> str:
    """The quote() of Go's time package: bytes outside printable ASCII as \\xNN."""
    out = ['"']
    for b in s:
        if b >= 0x80 or b < 0x20:
            out.append(f"\\x{b:02x}")
        elif b == 0x22 or b == 0x5C:
            out.append("\\" + chr(b))
        else:
            out.append(chr(b))
    out.append('"')
    return "".join(out)


def _digit(s: bytes, i: int) -> bool:
    return i < len(s) and 0x30 <= s[i] <= 0x39


def _digits(s: bytes) -> bool:
    return all(0x30 <= b <= 0x39 for b in s)


def _getnum(s: bytes, fixed: bool) -> tuple[int, bytes, bool]:
    if not _digit(s, 0):
        return 0, s, True
    if not _digit(s, 1):
        if fixed:
            return 0, s, True
        return s[0] - 0x30, s[1:], False
    return (s[0] - 0x30) * 10 + s[1] - 0x30, s[2:], False


def _time_error(value: str, micro: bool) -> str | None:
    """The error of Go's time.Parse(RFC3339 or RFC3339Micro, value), or None.

    A port of the parse loop of Go 1.24 (which upstream 1.33 is built with) for
    these two layouts; it works on bytes, as Go does, so that the texts it quotes
    are cut where Go cuts them.
    """
    if (value, micro) in _TIME_OK:
        return None
    layout = (_RFC3339_MICRO if micro else _RFC3339).encode()
    chunks = _CHUNKS_MICRO if micro else _CHUNKS_RFC3339
    v = value.encode()
    head = "parsing time " + _time_quote(v)

    def cannot(elem: str, rest: bytes) -> str:
        return f"{head} as {_time_quote(layout)}: cannot parse {_time_quote(rest)} as {_time_quote(elem.encode())}"

    year = month = day = 0
    for i, (prefix, what, elem) in enumerate(chunks):
        for c in prefix.encode():
            if not v or v[0] != c:
                return cannot(prefix, v)
            v = v[1:]
        hold = v
        bad = False
        out_of_range = ""
        if what == "year":
            if len(v) < 4 or not _digit(v, 0):
                bad = True
            else:
                bad = not _digits(v[:4])
                year, v = (0 if bad else int(v[:4])), v[4:]
        elif what == "month":
            month, v, bad = _getnum(v, True)
            if not bad and not 1 <= month <= 12:
                out_of_range = "month"
        elif what == "day":
            day, v, bad = _getnum(v, True)
        elif what == "hour":
            hour, v, bad = _getnum(v, False)
            if hour >= 24:
                out_of_range = "hour"
        elif what == "minute":
            minute, v, bad = _getnum(v, True)
            if minute >= 60:
                out_of_range = "minute"
        elif what == "second":
            second, v, bad = _getnum(v, True)
            if not bad:
                if second >= 60:
                    out_of_range = "second"
                elif len(v) >= 2 and v[0] in b".," and _digit(v, 1) and chunks[i + 1][1] != "frac":
                    n = 2  # a fractional second the layout does not have is taken anyway
                    while _digit(v, n):
                        n += 1
                    v = v[n:]
        elif what == "frac":
            if len(v) < 7:
                bad = True
            else:
                frac, v = v[:7], v[7:]
                digits = frac[1:]
                signed = digits[0] in b"+-"
                if frac[0] not in b".," or not _digits(digits[signed:]):
                    bad = True
                elif digits[0] == 0x2D and int(digits) < 0:
                    out_of_range = "fractional second"
        else:  # zone: "Z" or +hh:mm
            if v[:1] == b"Z":
                v = v[1:]
            elif len(v) < 6 or v[3] != 0x3A:
                bad = True
            else:
                sign, hh, mm, v = v[0], v[1:3], v[4:6], v[6:]
                hours, _, bad = _getnum(hh, True)
                minutes = 0
                if not bad:
                    minutes, _, bad = _getnum(mm, True)
                if hours > 24:
                    out_of_range = "time zone offset hour"
                if minutes > 60:
                    out_of_range = "time zone offset minute"
                if sign not in b"+-":
                    bad = True
        if out_of_range:
            return f"{head}: {out_of_range} out of range"
        if bad:
            return cannot(elem, hold)
    if v:
        return f"{head}: extra text: {_time_quote(v)}"
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    if not 1 <= day <= days:
        return f"{head}: day out of range"
    if len(_TIME_OK) > 4096:
        _TIME_OK.clear()
    _TIME_OK[(value, micro)] = None
    return None
