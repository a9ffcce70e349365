"""The table of built-in resources: what the API server serves and where it keeps it.

One row per (group, version, resource). Behaviour that differs per kind lives
in strategies (`bosun.api.strategy`); this table is only facts: names, scope,
verbs, short names, categories, subresources and the storage key.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
NO_COLLECTION = ("create", "delete", "get", "list", "patch", "update", "watch")
CREATE_ONLY = ("create",)


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str  # kind served by the subresource (group/version given separately when they differ)
    verbs: tuple[str, ...]
    group: str | None = None  # None: same as parent
    version: str | None = None


@dataclass(frozen=True)
class Resource:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: tuple[str, ...] = ALL_VERBS
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()
    # storage key prefix below /registry/, e.g. "services/specs"; "" means plural
    key: str = ""
    # True when this version is not the storage version: objects are converted
    storage_version: str = ""
    singular: str = ""
    stored: bool = True  # False for virtual resources (reviews, bindings)
    hash_: str = field(default="", compare=False)

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def api_version(self) -> str:
        return self.group_version

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @property
    def singular_name(self) -> str:
        return self.singular or self.kind.lower()

    @property
    def key_prefix(self) -> str:
        return "/registry/" + (self.key or self.plural) + "/"

    def subresource(self, name: str) -> Subresource | None:
        for s in self.subresources:
            if s.name == name:
                return s
        return None

    @property
    def storage_version_hash(self) -> str:
        group, version = self.group, self.storage_version or self.version
        if version == "core":  # stored as the core/v1 kind (events.k8s.io Events)
            group, version = "", "v1"
        digest = hashlib.sha256(f"{group}/{version}/{self.kind}".encode()).digest()
        return base64.b64encode(digest[:8]).decode()


def _st(kind: str, verbs: tuple[str, ...] = ("get", "patch", "update")) -> Subresource:
    return Subresource("status", kind, verbs)


def _scale(group: str = "autoscaling", version: str = "v1") -> Subresource:
    return Subresource("scale", "Scale", ("get", "patch", "update"), group, version)


R = Resource
S = Subresource
_ALL = ("all",)
_EXT = ("api-extensions",)

RESOURCES: list[Resource] = [
    # ---- core/v1
    R("", "v1", "Binding", "bindings", True, CREATE_ONLY, stored=False),
    R("", "v1", "ComponentStatus", "componentstatuses", False, ("get", "list"), ("cs",), stored=False),
    R("", "v1", "ConfigMap", "configmaps", True, short_names=("cm",)),
    R("", "v1", "Endpoints", "endpoints", True, short_names=("ep",), key="services/endpoints",
      singular="endpoints"),
    R("", "v1", "Event", "events", True, short_names=("ev",)),
    R("", "v1", "LimitRange", "limitranges", True, short_names=("limits",)),
    R("", "v1", "Namespace", "namespaces", False, NO_COLLECTION, ("ns",),
      subresources=(S("finalize", "Namespace", ("update",)), _st("Namespace"))),
    R("", "v1", "Node", "nodes", False, short_names=("no",), key="minions",
      subresources=(S("proxy", "NodeProxyOptions", ("create", "delete", "get", "patch", "update")),
                    _st("Node"))),
    R("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, short_names=("pvc",),
      subresources=(_st("PersistentVolumeClaim"),)),
    R("", "v1", "PersistentVolume", "persistentvolumes", False, short_names=("pv",),
      subresources=(_st("PersistentVolume"),)),
    R("", "v1", "Pod", "pods", True, short_names=("po",), categories=_ALL,
      subresources=(
          S("attach", "PodAttachOptions", ("create", "get")),
          S("binding", "Binding", ("create",)),
          S("ephemeralcontainers", "Pod", ("get", "patch", "update")),
          S("eviction", "Eviction", ("create",), "policy", "v1"),
          S("exec", "PodExecOptions", ("create", "get")),
          S("log", "Pod", ("get",)),
          S("portforward", "PodPortForwardOptions", ("create", "get")),
          S("proxy", "PodProxyOptions", ("create", "delete", "get", "patch", "update")),
          S("resize", "Pod", ("get", "patch", "update")),
          _st("Pod"))),
    R("", "v1", "PodTemplate", "podtemplates", True),
    R("", "v1", "ReplicationController", "replicationcontrollers", True, short_names=("rc",),
      categories=_ALL, key="controllers", subresources=(_scale(), _st("ReplicationController"))),
    R("", "v1", "ResourceQuota", "resourcequotas", True, short_names=("quota",),
      subresources=(_st("ResourceQuota"),)),
    R("", "v1", "Secret", "secrets", True),
    R("", "v1", "ServiceAccount", "serviceaccounts", True, short_names=("sa",),
      subresources=(S("token", "TokenRequest", ("create",), "authentication.k8s.io", "v1"),)),
    R("", "v1", "Service", "services", True, short_names=("svc",), categories=_ALL, key="services/specs",
      subresources=(S("proxy", "ServiceProxyOptions", ("create", "delete", "get", "patch", "update")),
                    _st("Service"))),
    # ---- admissionregistration.k8s.io/v1
    R("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations",
      False, categories=_EXT),
    R("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies",
      False, categories=_EXT, subresources=(_st("ValidatingAdmissionPolicy"),)),
    R("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding",
      "validatingadmissionpolicybindings", False, categories=_EXT),
    R("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration",
      "validatingwebhookconfigurations", False, categories=_EXT),
    # ---- apiextensions.k8s.io/v1
    R("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", False,
      short_names=("crd", "crds"), categories=_EXT, key="apiextensions.k8s.io/customresourcedefinitions",
      subresources=(_st("CustomResourceDefinition"),)),
    # ---- apiregistration.k8s.io/v1
    R("apiregistration.k8s.io", "v1", "APIService", "apiservices", False, categories=_EXT,
      key="apiregistration.k8s.io/apiservices", subresources=(_st("APIService"),)),
    # ---- apps/v1
    R("apps", "v1", "ControllerRevision", "controllerrevisions", True),
    R("apps", "v1", "DaemonSet", "daemonsets", True, short_names=("ds",), categories=_ALL,
      subresources=(_st("DaemonSet"),)),
    R("apps", "v1", "Deployment", "deployments", True, short_names=("deploy",), categories=_ALL,
      subresources=(_scale(), _st("Deployment"))),
    R("apps", "v1", "ReplicaSet", "replicasets", True, short_names=("rs",), categories=_ALL,
      subresources=(_scale(), _st("ReplicaSet"))),
    R("apps", "v1", "StatefulSet", "statefulsets", True, short_names=("sts",), categories=_ALL,
      subresources=(_scale(), _st("StatefulSet"))),
    # ---- authentication.k8s.io/v1
    R("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", False, CREATE_ONLY,
      stored=False),
    R("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", False, CREATE_ONLY, stored=False),
    # ---- authorization.k8s.io/v1
    R("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", True,
      CREATE_ONLY, stored=False),
    R("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False,
      CREATE_ONLY, stored=False),
    R("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False,
      CREATE_ONLY, stored=False),
    R("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", False, CREATE_ONLY,
      stored=False),
    # ---- autoscaling (v2 is the storage version; v1 is converted)
    R("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, short_names=("hpa",),
      categories=_ALL, subresources=(_st("HorizontalPodAutoscaler"),)),
    R("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, short_names=("hpa",),
      categories=_ALL, subresources=(_st("HorizontalPodAutoscaler"),), storage_version="v2"),
    # ---- batch/v1
    R("batch", "v1", "CronJob", "cronjobs", True, short_names=("cj",), categories=_ALL,
      subresources=(_st("CronJob"),)),
    R("batch", "v1", "Job", "jobs", True, categories=_ALL, subresources=(_st("Job"),)),
    # ---- certificates.k8s.io/v1
    R("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", False,
      short_names=("csr",), subresources=(S("approval", "CertificateSigningRequest", ("get", "patch", "update")),
                                          _st("CertificateSigningRequest"))),
    # ---- coordination.k8s.io/v1
    R("coordination.k8s.io", "v1", "Lease", "leases", True),
    # ---- discovery.k8s.io/v1
    R("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    # ---- events.k8s.io/v1 (same storage as core events, converted)
    R("events.k8s.io", "v1", "Event", "events", True, short_names=("ev",), key="events",
      storage_version="core"),
    # ---- flowcontrol.apiserver.k8s.io/v1
    R("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", False,
      subresources=(_st("FlowSchema"),)),
    R("flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration", "prioritylevelconfigurations",
      False, subresources=(_st("PriorityLevelConfiguration"),)),
    # ---- networking.k8s.io/v1
    R("networking.k8s.io", "v1", "IngressClass", "ingressclasses", False),
    R("networking.k8s.io", "v1", "Ingress", "ingresses", True, short_names=("ing",), key="ingress",
      subresources=(_st("Ingress"),)),
    R("networking.k8s.io", "v1", "IPAddress", "ipaddresses", False, short_names=("ip",)),
    R("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, short_names=("netpol",)),
    R("networking.k8s.io", "v1", "ServiceCIDR", "servicecidrs", False, subresources=(_st("ServiceCIDR"),)),
    # ---- node.k8s.io/v1
    R("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", False),
    # ---- policy/v1
    R("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, short_names=("pdb",),
      subresources=(_st("PodDisruptionBudget"),)),
    # ---- rbac.authorization.k8s.io/v1
    R("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    R("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False),
    R("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", True),
    R("rbac.authorization.k8s.io", "v1", "Role", "roles", True),
    # ---- scheduling.k8s.io/v1
    R("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", False, short_names=("pc",)),
    # ---- storage.k8s.io/v1
    R("storage.k8s.io", "v1", "CSIDriver", "csidrivers", False),
    R("storage.k8s.io", "v1", "CSINode", "csinodes", False),
    R("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", True),
    R("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, short_names=("sc",)),
    R("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", False,
      subresources=(_st("VolumeAttachment"),)),
]

# Group order as upstream lists them in /apis (preferred versions first within a group).
GROUP_ORDER = [
    "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
    "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io", "policy",
    "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
    "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
]


class ResourceTable:
    """Look-ups over the resource rows (built-ins now; CRDs register here later)."""

    def __init__(self, rows: list[Resource]) -> None:
        self.rows: list[Resource] = []
        self._by_gvr: dict[tuple[str, str, str], Resource] = {}
        self._by_gvk: dict[tuple[str, str, str], Resource] = {}
        for r in rows:
            self.add(r)

    def add(self, r: Resource) -> None:
        self.rows.append(r)
        self._by_gvr[(r.group, r.version, r.plural)] = r
        self._by_gvk.setdefault((r.group, r.version, r.kind), r)

    def remove_group_resource(self, group: str, plural: str) -> None:
        self.rows = [r for r in self.rows if not (r.group == group and r.plural == plural)]
        self._by_gvr = {k: v for k, v in self._by_gvr.items() if not (k[0] == group and k[2] == plural)}
        self._by_gvk = {k: v for k, v in self._by_gvk.items() if not (v.group == group and v.plural == plural)}

    def get(self, group: str, version: str, plural: str) -> Resource | None:
        return self._by_gvr.get((group, version, plural))

    def by_kind(self, group: str, version: str, kind: str) -> Resource | None:
        return self._by_gvk.get((group, version, kind))

    def groups(self) -> dict[str, list[str]]:
        """group -> versions, preferred first."""
        out: dict[str, list[str]] = {}
        for r in self.rows:
            vs = out.setdefault(r.group, [])
            if r.version not in vs:
                vs.append(r.version)
        return out

    def in_group_version(self, group: str, version: str) -> list[Resource]:
        return [r for r in self.rows if r.group == group and r.version == version]


def builtin_table() -> ResourceTable:
    return ResourceTable(RESOURCES)
