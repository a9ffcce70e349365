"""Server-side printing: the ``meta.k8s.io/v1`` Table columns and cells of every built-in kind.

kubectl prints exactly what the server sends when it asks for
``application/json;as=Table;v=v1;g=meta.k8s.io``, so the columns (name, type,
format, priority) and the cell values here follow the printers upstream
Kubernetes 1.33 registers for its built-in kinds. As upstream's table
convertor does, rows always carry the wide (``priority: 1``) cells too; kubectl
hides those columns unless asked for ``-o wide``.

Entry points:

* :func:`columns` / :func:`cells` for a resource, keyed by API group and plural;
  resources upstream prints with its generic convertor (roles, limit ranges,
  custom resource definitions...) get :func:`default_columns` /
  :func:`default_cells` (``Name``, ``Created At``).
* :func:`printer_for` hands the per-row function to a caller that builds many
  rows, saving the lookup per row.
* :func:`row_conditions` gives the row conditions upstream attaches to pod rows.
* :func:`human_duration` / :func:`short_human_duration`: upstream's duration
  formats (``5m30s``, ``3h``, ``2d3h``...).

Objects are wire-form dicts and are only read, never copied or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "cells",
    "columns",
    "default_cells",
    "default_columns",
    "has_printer",
    "human_duration",
    "printer_for",
    "resources_with_printers",
    "row_conditions",
    "short_human_duration",
]

RowFunc = Callable[[dict, float], list]

_EMPTY: dict = {}
_NONE = "<none>"
_UNKNOWN = "<unknown>"
_UNSET = "<unset>"

# ---------------------------------------------------------------------------
# durations and timestamps


def human_duration(d: timedelta | float | int) -> str:
    """A duration (timedelta or seconds) the way upstream's HumanDuration writes it (~2-3 figures)."""
    return _human(d.total_seconds() if isinstance(d, timedelta) else d)


# Past ten minutes the text depends on whole minutes only: keep what was written.
_by_minute: dict[int, str] = {}


def _human(seconds: float) -> str:
    s = int(seconds)  # truncates toward zero, as Go's int(d.Seconds())
    if s < 600:
        if s < 120:
            if s >= 0:
                return f"{s}s"
            return "0s" if s == -1 else "<invalid>"
        m, r = divmod(s, 60)
        return f"{m}m{r}s" if r else f"{m}m"
    m = s // 60
    text = _by_minute.get(m)
    if text is None:
        text = _human_minutes(m)
        if len(_by_minute) >= 4096:
            _by_minute.clear()
        _by_minute[m] = text
    return text


def _human_minutes(m: int) -> str:
    if m < 180:
        return f"{m}m"
    h = m // 60
    if h < 8:
        r = m % 60
        return f"{h}h{r}m" if r else f"{h}h"
    if h < 48:
        return f"{h}h"
    days = h // 24
    if h < 192:
        r = h % 24
        return f"{days}d{r}h" if r else f"{days}d"
    if h < 17520:  # two years
        return f"{days}d"
    years = days // 365
    if h < 70080:  # eight years
        r = days % 365
        return f"{years}y{r}d" if r else f"{years}y"
    return f"{years}y"


def short_human_duration(d: timedelta | float | int) -> str:
    """A duration the way upstream's ShortHumanDuration writes it (one unit only)."""
    secs = d.total_seconds() if isinstance(d, timedelta) else d
    s = int(secs)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    h = s // 3600
    if h < 24:
        return f"{h}h"
    if h < 24 * 365:
        return f"{h // 24}d"
    return f"{int(secs / 3600 / 24 / 365)}y"


_ts_cache: dict[str, float | None] = {}


def _ts(value: Any) -> float | None:
    """Seconds since the epoch of an RFC 3339 timestamp; None when absent or unreadable."""
    if not value:
        return None
    try:
        return _ts_cache[value]
    except KeyError:
        pass
    except TypeError:  # not a string
        return None
    try:
        dt = datetime.fromisoformat(value)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        t: float | None = dt.timestamp()
    except (TypeError, ValueError):
        t = None
    if len(_ts_cache) >= 8192:
        _ts_cache.clear()
    _ts_cache[value] = t
    return t


def _since(value: Any, now: float) -> str:
    """Age of a timestamp: HumanDuration of now minus it, ``<unknown>`` when absent."""
    t = _ts_cache.get(value) if value.__class__ is str else None
    if t is None:
        t = _ts(value)
        if t is None:
            return _UNKNOWN
    return _human(now - t)


def _age(obj: dict, now: float) -> str:
    return _since((obj.get("metadata") or _EMPTY).get("creationTimestamp"), now)


# the last "now" converted, as one tuple so threads never see half an update
_now_cache: tuple[Any, float] = (None, 0.0)


def _now_ts(now: datetime | float | int | None) -> float:
    global _now_cache
    if now is None:
        return datetime.now(UTC).timestamp()
    cached = _now_cache
    if now is cached[0]:
        return cached[1]
    if isinstance(now, datetime):
        t = (now if now.tzinfo is not None else now.replace(tzinfo=UTC)).timestamp()
    else:
        t = float(now)
    _now_cache = (now, t)
    return t


def _rfc3339(value: Any) -> str:
    """A timestamp in UTC RFC 3339 at second precision, as Go's time.RFC3339 layout prints it."""
    if isinstance(value, str) and len(value) == 20 and value[19] == "Z":
        return value
    t = _ts(value)
    if t is None:
        return "0001-01-01T00:00:00Z"
    return datetime.fromtimestamp(int(t // 1), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------
# small formatters shared by several printers


try:  # the quantity arithmetic lives in machinery; without it, quantities print as stored
    from bosun.machinery.quantity import canonical as _canonical_quantity
except ImportError:  # pragma: no cover
    _canonical_quantity = None

_quantity_cache: dict[Any, str] = {}


def _quantity(q: Any) -> str:
    """A quantity in upstream's canonical form (``1Gi``, ``500m``), ``0`` when absent."""
    if q is None:
        return "0"
    try:
        return _quantity_cache[q]
    except (KeyError, TypeError):
        pass
    text = q if isinstance(q, str) else str(q)
    if _canonical_quantity is not None:
        try:
            text = _canonical_quantity(q)
        except (ValueError, TypeError):
            pass
    if len(_quantity_cache) >= 4096:
        _quantity_cache.clear()
    try:
        _quantity_cache[q] = text
    except TypeError:
        pass
    return text


def _quantity_ptr(q: Any) -> str:
    """A pointer quantity: Go prints a nil *Quantity as ``<nil>``."""
    return "<nil>" if q is None else _quantity(q)


def _int_or_string(v: Any) -> str:
    return v if isinstance(v, str) else str(v)


def _format_labels(labels: dict | None) -> str:
    """``k=v`` pairs sorted by key and joined by commas, ``<none>`` when there are none."""
    if not labels:
        return _NONE
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


_SELECTOR_OPS = {"In": " in ", "NotIn": " notin "}


def _selector_string(sel: dict | None) -> str | None:
    """A LabelSelector in label-selector syntax; ``""`` when it selects everything or nothing,
    None when it is invalid."""
    if not sel:
        return ""
    match_labels = sel.get("matchLabels") or _EMPTY
    exprs = sel.get("matchExpressions") or ()
    if not match_labels and not exprs:
        return ""
    reqs: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in match_labels.items()]
    for e in exprs:
        key = e.get("key") or ""
        op = e.get("operator")
        values = e.get("values") or ()
        if op in _SELECTOR_OPS:
            if not values:
                return None
            vals = values[0] if len(values) == 1 else ",".join(sorted(values))
            reqs.append((key, f"{key}{_SELECTOR_OPS[op]}({vals})"))
        elif op == "Exists" or op == "DoesNotExist":
            if values:
                return None
            reqs.append((key, key if op == "Exists" else "!" + key))
        else:
            return None
    reqs.sort(key=lambda r: r[0])
    return ",".join(r[1] for r in reqs)


def _format_label_selector(sel: dict | None) -> str:
    """metav1.FormatLabelSelector: ``<none>`` when empty, ``<error>`` when invalid."""
    s = _selector_string(sel)
    if s is None:
        return "<error>"
    return s or _NONE


def _layout_containers(containers: Iterable[dict] | None) -> tuple[str, str]:
    if not containers:
        return "", ""
    names = []
    images = []
    for c in containers:
        names.append(c.get("name") or "")
        images.append(c.get("image") or "")
    return ",".join(names), ",".join(images)


def _template_containers(obj: dict) -> list | None:
    template = (obj.get("spec") or _EMPTY).get("template") or _EMPTY
    return (template.get("spec") or _EMPTY).get("containers")


def _list_with_more(items: list[str], count: int, limit: int = 3) -> str:
    ret = ",".join(items)
    if count > limit:
        return f"{ret} + {count - limit} more..."
    return ret or _UNSET


def _join_host_port(host: str, port: Any) -> str:
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def _bool_ptr(value: Any) -> str:
    if value is None:
        return _UNSET
    return "True" if value else "False"


def _lb_status(status: dict | None) -> str:
    """Load-balancer ingress points (IP, else hostname), de-duplicated, sorted, comma-joined.

    Server-side tables are generated wide, so nothing is clipped."""
    ingress = (status or _EMPTY).get("ingress") or ()
    result = set()
    for i in ingress:
        v = i.get("ip") or i.get("hostname")
        if v:
            result.add(v)
    return ",".join(sorted(result))


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def _access_modes(modes: list | None) -> str:
    if not modes:
        return ""
    return ",".join(short for mode, short in _ACCESS_MODES if mode in modes)


def _controller_ref(meta: dict) -> dict | None:
    for ref in meta.get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


# ---------------------------------------------------------------------------
# column definitions


def _col(name: str, description: str, type_: str = "string", priority: int = 0, fmt: str = "") -> dict:
    return {"name": name, "type": type_, "format": fmt, "description": description, "priority": priority}


_D_NAME = ("Name must be unique within a namespace (or the cluster, for cluster-scoped objects); "
           "it identifies the object.")
_D_AGE = "Time since the object was created (metadata.creationTimestamp)."
_D_CONTAINERS = "Names of each container in the template."
_D_IMAGES = "Images referenced by each container in the template."


def _name(description: str = _D_NAME, fmt: str = "name") -> dict:
    return _col("Name", description, fmt=fmt)


def _age_col() -> dict:
    return _col("Age", _D_AGE)


def _wide_template(selector: bool = True) -> list[dict]:
    cols = [_col("Containers", _D_CONTAINERS, priority=1), _col("Images", _D_IMAGES, priority=1)]
    if selector:
        cols.append(_col("Selector", "Label query over the pods this object manages.", priority=1))
    return cols


_DEFAULT_COLUMNS = [
    _name(),
    _col("Created At", "When the object was created (metadata.creationTimestamp).", type_="date"),
]

_POD_COLUMNS = [
    _name(),
    _col("Ready", "Ready containers out of all containers of the pod."),
    _col("Status", "The aggregate status of the pod and its containers."),
    _col("Restarts", "Container restarts of the pod, and how long ago the last one was."),
    _age_col(),
    _col("IP", "The IP address allocated to the pod.", priority=1),
    _col("Node", "The node the pod is bound to.", priority=1),
    _col("Nominated Node", "The node preemption nominated for the pod.", priority=1),
    _col("Readiness Gates", "Readiness gates whose condition is true, out of all of them.", priority=1),
]

_POD_TEMPLATE_COLUMNS = [
    _name(),
    _col("Containers", _D_CONTAINERS),
    _col("Images", _D_IMAGES),
    _col("Pod Labels", "Labels of the pod template."),
]

_PDB_COLUMNS = [
    _name(),
    _col("Min Available", "Pods that must stay available."),
    _col("Max Unavailable", "Pods that may be unavailable."),
    _col("Allowed Disruptions", "Pods that may be disrupted right now.", type_="integer"),
    _age_col(),
]

_REPLICAS_COLUMNS = [
    _name(),
    _col("Desired", "Desired number of replicas.", type_="integer"),
    _col("Current", "Replicas currently created.", type_="integer"),
    _col("Ready", "Replicas that are ready.", type_="integer"),
    _age_col(),
    *_wide_template(),
]

_DAEMON_SET_COLUMNS = [
    _name(),
    _col("Desired", "Nodes that should run the daemon pod.", type_="integer"),
    _col("Current", "Nodes running at least one daemon pod that should.", type_="integer"),
    _col("Ready", "Nodes whose daemon pod is ready.", type_="integer"),
    _col("Up-to-date", "Nodes running the updated daemon pod.", type_="integer"),
    _col("Available", "Nodes whose daemon pod is available.", type_="integer"),
    _col("Node Selector", "Node labels the daemon pods are restricted to."),
    _age_col(),
    *_wide_template(),
]

_JOB_COLUMNS = [
    _name(),
    _col("Status", "Status of the job."),
    _col("Completions", "Succeeded pods out of the completions wanted."),
    _col("Duration", "Time the job took, or has been running."),
    _age_col(),
    *_wide_template(),
]

_CRON_JOB_COLUMNS = [
    _name(),
    _col("Schedule", "The cron schedule."),
    _col("Timezone", "Time zone of the schedule."),
    _col("Suspend", "Whether later runs are suspended.", type_="boolean"),
    _col("Active", "Jobs currently running.", type_="integer"),
    _col("Last Schedule", "Time since a job was last scheduled."),
    _age_col(),
    *_wide_template(),
]

_SERVICE_COLUMNS = [
    _name(),
    _col("Type", "How the service is exposed."),
    _col("Cluster-IP", "The IP address of the service inside the cluster."),
    _col("External-IP", "IP addresses or host names the service is reachable at from outside."),
    _col("Port(s)", "The ports the service exposes."),
    _age_col(),
    _col("Selector", "Labels of the pods the service routes to.", priority=1),
]

_INGRESS_COLUMNS = [
    _name(),
    _col("Class", "The IngressClass that handles this ingress."),
    _col("Hosts", "Hosts that requests are matched against."),
    _col("Address", "Ingress points of the load balancer."),
    _col("Ports", "Ports the ingress serves on."),
    _age_col(),
]

_INGRESS_CLASS_COLUMNS = [
    _name(),
    _col("Controller", "The controller that implements this class."),
    _col("Parameters", "Reference to a resource holding more parameters."),
    _age_col(),
]

_STATEFUL_SET_COLUMNS = [
    _name(),
    _col("Ready", "Ready pods out of the desired replicas."),
    _age_col(),
    *_wide_template(selector=False),
]

_ENDPOINTS_COLUMNS = [
    _name(),
    _col("Endpoints", "Addresses and ports of the endpoints."),
    _age_col(),
]

_NODE_COLUMNS = [
    _name(),
    _col("Status", "The status of the node."),
    _col("Roles", "The roles of the node."),
    _age_col(),
    _col("Version", "Kubelet version of the node."),
    _col("Internal-IP", "Internal IP address of the node.", priority=1),
    _col("External-IP", "External IP address of the node.", priority=1),
    _col("OS-Image", "Operating system image of the node.", priority=1),
    _col("Kernel-Version", "Kernel version of the node.", priority=1),
    _col("Container-Runtime", "Container runtime and its version.", priority=1),
]

_EVENT_COLUMNS = [
    _col("Last Seen", "Time since the event was last seen."),
    _col("Type", "Type of the event (Normal, Warning)."),
    _col("Reason", "Why the event happened, in one word."),
    _col("Object", "The object the event is about."),
    _col("Subobject", "The part of the object the event is about.", priority=1),
    _col("Source", "The component that reported the event.", priority=1),
    _col("Message", "What happened, for humans."),
    _col("First Seen", "Time since the event was first seen.", priority=1),
    _col("Count", "How many times the event happened.", priority=1),
    _col("Name", _D_NAME, priority=1, fmt="name"),
]

_NAMESPACE_COLUMNS = [
    _name(),
    _col("Status", "The phase of the namespace."),
    _age_col(),
]

_SECRET_COLUMNS = [
    _name(),
    _col("Type", "Type of the secret."),
    _col("Data", "Number of data items."),
    _age_col(),
]

_SERVICE_ACCOUNT_COLUMNS = [
    _name(),
    _col("Secrets", "Number of secrets listed for the service account."),
    _age_col(),
]

_PV_COLUMNS = [
    _name(),
    _col("Capacity", "Storage capacity of the volume."),
    _col("Access Modes", "Ways the volume can be mounted."),
    _col("Reclaim Policy", "What happens to the volume when its claim is released."),
    _col("Status", "Phase of the volume."),
    _col("Claim", "The claim bound to the volume."),
    _col("StorageClass", "StorageClass of the volume."),
    _col("VolumeAttributesClass", "VolumeAttributesClass of the volume."),
    _col("Reason", "Why the volume is in its phase."),
    _age_col(),
    _col("VolumeMode", "Whether the volume is a filesystem or a raw block device.", priority=1),
]

_PVC_COLUMNS = [
    _name(),
    _col("Status", "Phase of the claim."),
    _col("Volume", "The volume bound to the claim."),
    _col("Capacity", "Storage capacity of the bound volume."),
    _col("Access Modes", "Ways the bound volume can be mounted."),
    _col("StorageClass", "StorageClass of the claim."),
    _col("VolumeAttributesClass", "VolumeAttributesClass of the claim."),
    _age_col(),
    _col("VolumeMode", "Whether the claim is for a filesystem or a raw block device.", priority=1),
]

_COMPONENT_STATUS_COLUMNS = [
    _name(),
    _col("Status", "Health of the component."),
    _col("Message", "Message of the component's health condition."),
    _col("Error", "Error of the component's health condition."),
]

_DEPLOYMENT_COLUMNS = [
    _name(),
    _col("Ready", "Ready pods out of the desired replicas."),
    _col("Up-to-date", "Replicas running the latest template."),
    _col("Available", "Replicas available to serve."),
    _age_col(),
    *_wide_template(),
]

_HPA_COLUMNS = [
    _name(),
    _col("Reference", "The object whose scale is controlled."),
    _col("Targets", "Current and target values of the metrics."),
    _col("MinPods", "Lower limit of replicas."),
    _col("MaxPods", "Upper limit of replicas."),
    _col("Replicas", "Current number of replicas."),
    _age_col(),
]

_CONFIG_MAP_COLUMNS = [
    _name(),
    _col("Data", "Number of data and binary data items."),
    _age_col(),
]

_NETWORK_POLICY_COLUMNS = [
    _name(),
    _col("Pod-Selector", "Labels of the pods the policy applies to."),
    _age_col(),
]


def _binding_columns(what: str) -> list[dict]:
    return [
        _name(),
        _col("Role", "The role the subjects are bound to."),
        _age_col(),
        _col("Users", f"Users in the {what}.", priority=1),
        _col("Groups", f"Groups in the {what}.", priority=1),
        _col("ServiceAccounts", f"ServiceAccounts in the {what}.", priority=1),
    ]


_CSR_COLUMNS = [
    _name(),
    _age_col(),
    _col("SignerName", "The signer asked to sign the certificate."),
    _col("Requestor", "The user who created the request."),
    _col("RequestedDuration", "Validity duration asked for the certificate."),
    _col("Condition", "Approval state of the request."),
]

_CLUSTER_TRUST_BUNDLE_COLUMNS = [
    _name(),
    _col("SignerName", "The signer the bundle belongs to."),
]

_LEASE_COLUMNS = [
    _name(),
    _col("Holder", "Identity of the holder of the lease."),
    _age_col(),
]

_LEASE_CANDIDATE_COLUMNS = [
    _name(),
    _col("LeaseName", "The lease the candidate runs for."),
    _col("BinaryVersion", "Binary version of the candidate."),
    _col("EmulationVersion", "Emulation version of the candidate."),
    _age_col(),
]

_STORAGE_CLASS_COLUMNS = [
    _name(),
    _col("Provisioner", "The volume plugin that provisions volumes of this class."),
    _col("ReclaimPolicy", "Reclaim policy of volumes provisioned for this class."),
    _col("VolumeBindingMode", "When volumes are bound and provisioned."),
    _col("AllowVolumeExpansion", "Whether volumes of this class can be expanded."),
    _age_col(),
]

_VOLUME_ATTRIBUTES_CLASS_COLUMNS = [
    _name(),
    _col("DriverName", "The CSI driver of this class."),
    _age_col(),
]

_CONTROLLER_REVISION_COLUMNS = [
    _name(),
    _col("Controller", "Controller of the revision."),
    _col("Revision", "Revision number of the state data."),
    _age_col(),
]

_RESOURCE_QUOTA_COLUMNS = [
    _name(),
    _col("Request", "Used out of hard limits for the resources that are not limits."),
    _col("Limit", "Used out of hard limits for the limits.* resources."),
    _age_col(),
]

_PRIORITY_CLASS_COLUMNS = [
    _name(),
    _col("Value", "Priority of pods of this class.", type_="integer"),
    _col("Global-Default", "Whether this class is the default for pods without one.", type_="boolean"),
    _age_col(),
    _col("PreemptionPolicy", "Whether pods of this class preempt lower priority pods.", priority=1),
]

_RUNTIME_CLASS_COLUMNS = [
    _name(),
    _col("Handler", "The CRI handler that runs pods of this class."),
    _age_col(),
]

_VOLUME_ATTACHMENT_COLUMNS = [
    _name(),
    _col("Attacher", "The driver that attaches the volume.", fmt="name"),
    _col("PV", "The persistent volume being attached."),
    _col("Node", "The node the volume is attached to."),
    _col("Attached", "Whether the volume is attached.", type_="boolean"),
    _age_col(),
]

_ENDPOINT_SLICE_COLUMNS = [
    _name(),
    _col("AddressType", "Type of the addresses in the slice."),
    _col("Ports", "Ports of the endpoints."),
    _col("Endpoints", "Addresses of the endpoints."),
    _age_col(),
]

_CSI_NODE_COLUMNS = [
    _name(),
    _col("Drivers", "Number of CSI drivers registered on the node.", type_="integer"),
    _age_col(),
]

_CSI_DRIVER_COLUMNS = [
    _name(),
    _col("AttachRequired", "Whether volumes need an attach operation.", type_="boolean"),
    _col("PodInfoOnMount", "Whether pod information is passed on mount.", type_="boolean"),
    _col("StorageCapacity", "Whether the driver reports storage capacity.", type_="boolean"),
    _col("TokenRequests", "Audiences of the service account tokens passed to the driver."),
    _col("RequiresRepublish", "Whether volumes are periodically republished.", type_="boolean"),
    _col("Modes", "Volume lifecycle modes the driver supports."),
    _age_col(),
]

_CSI_STORAGE_CAPACITY_COLUMNS = [
    _name(),
    _col("StorageClassName", "The storage class the capacity is for."),
    _col("Capacity", "Available capacity."),
]

_WEBHOOK_COLUMNS = [
    _name(),
    _col("Webhooks", "Number of webhooks in the configuration.", type_="integer"),
    _age_col(),
]

_VAP_COLUMNS = [
    _name(),
    _col("Validations", "Number of validation rules of the policy.", type_="integer"),
    _col("ParamKind", "Kind of the resources that parameterize the policy."),
    _age_col(),
]

_MAP_COLUMNS = [
    _name(),
    _col("Mutations", "Number of mutations of the policy.", type_="integer"),
    _col("ParamKind", "Kind of the resources that parameterize the policy."),
    _age_col(),
]

_POLICY_BINDING_COLUMNS = [
    _name(),
    _col("PolicyName", "The policy the binding binds."),
    _col("ParamRef", "The parameter resource of the binding."),
    _age_col(),
]

_FLOW_SCHEMA_COLUMNS = [
    _name(),
    _col("PriorityLevel", "The priority level requests of this schema go to."),
    _col("MatchingPrecedence", "Precedence among the flow schemas; lower matches first."),
    _col("DistinguisherMethod", "How flows are told apart."),
    _age_col(),
    _col("MissingPL", "Whether the priority level referenced is missing."),
]

_PRIORITY_LEVEL_COLUMNS = [
    _name(),
    _col("Type", "Whether the level is limited or exempt."),
    _col("NominalConcurrencyShares", "Share of the server's concurrency for this level."),
    _col("Queues", "Number of queues."),
    _col("HandSize", "Queues a flow is shuffle-sharded over."),
    _col("QueueLengthLimit", "Requests a queue may hold."),
    _age_col(),
]

_STORAGE_VERSION_COLUMNS = [
    _name(),
    _col("CommonEncodingVersion", "Encoding version all API servers agree on."),
    _col("StorageVersions", "Encoding version of each API server."),
    _age_col(),
]

_STORAGE_VERSION_MIGRATION_COLUMNS = [
    _name(fmt=""),
    _col("Resource", "Fully qualified resource to migrate."),
]

_SCALE_COLUMNS = [
    _name(fmt=""),
    _col("Desired", "Desired number of replicas.", type_="integer"),
    _col("Available", "Current number of replicas.", type_="integer"),
    _age_col(),
]

_DEVICE_CLASS_COLUMNS = [_name(), _age_col()]

_RESOURCE_CLAIM_COLUMNS = [
    _name(),
    _col("State", "Summary of the claim's state (pending, allocated, reserved...)."),
    _age_col(),
]

_RESOURCE_SLICE_COLUMNS = [
    _name(),
    _col("Node", "The node the slice's devices are on."),
    _col("Driver", "The driver that publishes the slice."),
    _col("Pool", "The pool the slice belongs to."),
    _age_col(),
]

_SERVICE_CIDR_COLUMNS = [
    _name(),
    _col("CIDRs", "IP ranges service cluster IPs are allocated from."),
    _age_col(),
]

# Upstream 1.33 declares only these two columns for IPAddress (its row carries a
# stray age cell that kubectl drops); the row here stops at the declared columns.
_IP_ADDRESS_COLUMNS = [
    _name(),
    _col("ParentRef", "The object the IP address is allocated to."),
]

_API_SERVICE_COLUMNS = [
    _name(),
    _col("Service", "The service that serves this API, or Local."),
    _col("Available", "Whether the API is available."),
    _age_col(),
]


# ---------------------------------------------------------------------------
# row functions: (obj, now as epoch seconds) -> cells


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or _EMPTY


def default_cells(obj: dict, now: Any = None) -> list:
    """Cells of the generic table: the name and the creation time in RFC 3339."""
    meta = _meta(obj)
    return [meta.get("name", ""), _rfc3339(meta.get("creationTimestamp"))]


def _row_default(obj: dict, now: float) -> list:
    return default_cells(obj)


# "ready/total" strings for the common small pods, built once
_RATIOS = [[f"{r}/{t}" for r in range(t + 1)] for t in range(17)]


def _init_reason(terminated: dict, prefix: str) -> str:
    reason = terminated.get("reason")
    if reason:
        return prefix + reason
    signal = terminated.get("signal")
    if signal:
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{terminated.get('exitCode') or 0}"


def _pod(obj: dict, now: float) -> list:
    meta = obj.get("metadata") or _EMPTY
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    sget = status.get

    phase = sget("phase") or ""
    reason = sget("reason") or phase
    initialized = None
    pod_ready = False
    conditions = sget("conditions")
    if conditions:
        for cond in conditions:
            ctype = cond.get("type")
            if ctype == "Ready":
                if cond.get("status") == "True":
                    pod_ready = True
            elif ctype == "PodScheduled":
                if cond.get("reason") == "SchedulingGated":
                    reason = "SchedulingGated"
            elif ctype == "Initialized" and initialized is None:
                initialized = cond.get("status") == "True"

    containers = spec.get("containers")
    total = len(containers) if containers else 0
    ready = 0
    restarts = 0
    last_restart = 0.0
    initializing = False

    init_specs = spec.get("initContainers")
    init_statuses = sget("initContainerStatuses")
    if init_specs or init_statuses:
        sidecars = set()
        for c in init_specs or ():
            if c.get("restartPolicy") == "Always":
                sidecars.add(c.get("name"))
                total += 1
        sidecar_restarts = 0
        sidecar_last_restart = 0.0
        for i, cs in enumerate(init_statuses or ()):
            count = cs.get("restartCount") or 0
            restarts += count
            last_term = (cs.get("lastState") or _EMPTY).get("terminated")
            finished = _ts(last_term.get("finishedAt")) if last_term else None
            if finished is not None and finished > last_restart:
                last_restart = finished
            sidecar = cs.get("name") in sidecars
            if sidecar:
                sidecar_restarts += count
                if finished is not None and finished > sidecar_last_restart:
                    sidecar_last_restart = finished
            state = cs.get("state") or _EMPTY
            terminated = state.get("terminated")
            if terminated is not None and not terminated.get("exitCode"):
                continue
            if sidecar and cs.get("started"):
                if cs.get("ready"):
                    ready += 1
                continue
            waiting = state.get("waiting")
            if terminated is not None:
                reason = _init_reason(terminated, "Init:")
            elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
                reason = "Init:" + waiting["reason"]
            else:
                reason = f"Init:{i}/{len(init_specs or ())}"
            initializing = True
            break
        if not initializing or initialized:
            # Once initialized, only restartable (sidecar) init containers count.
            restarts = sidecar_restarts
            last_restart = sidecar_last_restart

    if not initializing or initialized:
        has_running = False
        statuses = sget("containerStatuses")
        if statuses:
            for cs in reversed(statuses):
                count = cs.get("restartCount")
                if count:
                    restarts += count
                last_state = cs.get("lastState")
                if last_state:
                    last_term = last_state.get("terminated")
                    if last_term:
                        finished = _ts(last_term.get("finishedAt"))
                        if finished is not None and finished > last_restart:
                            last_restart = finished
                state = cs.get("state") or _EMPTY
                waiting = state.get("waiting")
                if waiting is not None and waiting.get("reason"):
                    reason = waiting["reason"]
                    continue
                terminated = state.get("terminated")
                if terminated is not None:
                    reason = _init_reason(terminated, "")
                elif cs.get("ready") and state.get("running") is not None:
                    has_running = True
                    ready += 1
        if has_running and reason == "Completed":
            reason = "Running" if pod_ready else "NotReady"

    if meta.get("deletionTimestamp"):
        if sget("reason") == "NodeLost":
            reason = "Unknown"
        elif phase != "Succeeded" and phase != "Failed":
            reason = "Terminating"

    if not restarts:
        restarts_cell = "0"
    elif last_restart:
        restarts_cell = f"{restarts} ({_human(now - last_restart)} ago)"
    else:
        restarts_cell = str(restarts)

    ip = sget("podIP")
    if not ip:
        ips = sget("podIPs")
        ip = (ips[0].get("ip") if ips else None) or _NONE
    gates = spec.get("readinessGates")
    if gates:
        true_count = 0
        for gate in gates:
            ctype = gate.get("conditionType")
            for cond in conditions or ():
                if cond.get("type") == ctype:
                    if cond.get("status") == "True":
                        true_count += 1
                    break
        gates_cell = f"{true_count}/{len(gates)}"
    else:
        gates_cell = _NONE

    return [
        meta.get("name", ""),
        _RATIOS[total][ready] if total <= 16 and 0 <= ready <= total else f"{ready}/{total}",
        reason,
        restarts_cell,
        _since(meta.get("creationTimestamp"), now),
        ip,
        spec.get("nodeName") or _NONE,
        sget("nominatedNodeName") or _NONE,
        gates_cell,
    ]


def _pod_template(obj: dict, now: float) -> list:
    template = obj.get("template") or _EMPTY
    names, images = _layout_containers((template.get("spec") or _EMPTY).get("containers"))
    return [_meta(obj).get("name", ""), names, images,
            _format_labels((template.get("metadata") or _EMPTY).get("labels"))]


def _pdb(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    min_available = spec.get("minAvailable")
    max_unavailable = spec.get("maxUnavailable")
    return [
        _meta(obj).get("name", ""),
        "N/A" if min_available is None else _int_or_string(min_available),
        "N/A" if max_unavailable is None else _int_or_string(max_unavailable),
        (obj.get("status") or _EMPTY).get("disruptionsAllowed") or 0,
        _age(obj, now),
    ]


def _replicas(spec: dict) -> int:
    # Defaulting gives every workload one replica when none is asked for.
    r = spec.get("replicas")
    return 1 if r is None else r


def _replication_controller(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    names, images = _layout_containers(_template_containers(obj))
    return [
        _meta(obj).get("name", ""), _replicas(spec), status.get("replicas") or 0,
        status.get("readyReplicas") or 0, _age(obj, now),
        names, images, _format_labels(spec.get("selector")),
    ]


def _replica_set(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    names, images = _layout_containers(_template_containers(obj))
    return [
        _meta(obj).get("name", ""), _replicas(spec), status.get("replicas") or 0,
        status.get("readyReplicas") or 0, _age(obj, now),
        names, images, _format_label_selector(spec.get("selector")),
    ]


def _daemon_set(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    containers = _template_containers(obj)
    names, images = _layout_containers(containers)
    pod_spec = (spec.get("template") or _EMPTY).get("spec") or _EMPTY
    return [
        _meta(obj).get("name", ""),
        status.get("desiredNumberScheduled") or 0,
        status.get("currentNumberScheduled") or 0,
        status.get("numberReady") or 0,
        status.get("updatedNumberScheduled") or 0,
        status.get("numberAvailable") or 0,
        _format_labels(pod_spec.get("nodeSelector")),
        _age(obj, now),
        names, images, _format_label_selector(spec.get("selector")),
    ]


def _has_condition(conditions: Iterable[dict], ctype: str) -> bool:
    """Whether the first condition of that type is true."""
    for c in conditions:
        if c.get("type") == ctype:
            return c.get("status") == "True"
    return False


def _job(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    succeeded = status.get("succeeded") or 0
    completions = spec.get("completions")
    if completions is not None:
        completions_cell = f"{succeeded}/{completions}"
    else:
        parallelism = spec.get("parallelism") or 0
        completions_cell = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    start = _ts(status.get("startTime"))
    if start is None:
        duration = ""
    else:
        end = _ts(status.get("completionTime"))
        duration = _human((now if end is None else end) - start)
    conditions = status.get("conditions") or ()
    if _has_condition(conditions, "Complete"):
        state = "Complete"
    elif _has_condition(conditions, "Failed"):
        state = "Failed"
    elif _meta(obj).get("deletionTimestamp"):
        state = "Terminating"
    elif _has_condition(conditions, "Suspended"):
        state = "Suspended"
    elif _has_condition(conditions, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    names, images = _layout_containers(_template_containers(obj))
    return [
        _meta(obj).get("name", ""), state, completions_cell, duration, _age(obj, now),
        names, images, _format_label_selector(spec.get("selector")),
    ]


def _cron_job(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    job_spec = (spec.get("jobTemplate") or _EMPTY).get("spec") or _EMPTY
    pod_spec = (job_spec.get("template") or _EMPTY).get("spec") or _EMPTY
    names, images = _layout_containers(pod_spec.get("containers"))
    last = status.get("lastScheduleTime")
    time_zone = spec.get("timeZone")
    return [
        _meta(obj).get("name", ""),
        spec.get("schedule") or "",
        _NONE if time_zone is None else time_zone,
        _bool_ptr(spec.get("suspend")),
        len(status.get("active") or ()),
        _NONE if last is None else _since(last, now),
        _age(obj, now),
        names, images, _format_label_selector(job_spec.get("selector")),
    ]


def _service_external_ip(spec: dict, status: dict) -> str:
    svc_type = spec.get("type")
    external_ips = spec.get("externalIPs")
    if svc_type == "ClusterIP" or svc_type == "NodePort":
        return ",".join(external_ips) if external_ips else _NONE
    if svc_type == "LoadBalancer":
        lb = _lb_status(status.get("loadBalancer"))
        if external_ips:
            return ",".join([*(lb.split(",") if lb else ()), *external_ips])
        return lb or "<pending>"
    if svc_type == "ExternalName":
        return spec.get("externalName") or ""
    return _UNKNOWN


def _service_ports(ports: list | None) -> str:
    if not ports:
        return _NONE
    pieces = []
    for p in ports:
        proto = p.get("protocol") or "TCP"
        node_port = p.get("nodePort") or 0
        if node_port > 0:
            pieces.append(f"{p.get('port', 0)}:{node_port}/{proto}")
        else:
            pieces.append(f"{p.get('port', 0)}/{proto}")
    return ",".join(pieces)


def _service(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    cluster_ip = spec.get("clusterIP")
    if not cluster_ip:
        ips = spec.get("clusterIPs")
        cluster_ip = ips[0] if ips else _NONE
    return [
        _meta(obj).get("name", ""),
        spec.get("type") or "",
        cluster_ip,
        _service_external_ip(spec, obj.get("status") or _EMPTY),
        _service_ports(spec.get("ports")),
        _age(obj, now),
        _format_labels(spec.get("selector")),
    ]


def _ingress_hosts(rules: list | None) -> str:
    if not rules:
        return "*"
    hosts = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        host = rule.get("host")
        if not more and host:
            hosts.append(host)
    if not hosts:
        return "*"
    ret = ",".join(hosts)
    if more:
        return f"{ret} + {len(rules) - 3} more..."
    return ret


def _ingress(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    class_name = spec.get("ingressClassName")
    return [
        _meta(obj).get("name", ""),
        _NONE if class_name is None else class_name,
        _ingress_hosts(spec.get("rules")),
        _lb_status((obj.get("status") or _EMPTY).get("loadBalancer")),
        "80, 443" if spec.get("tls") else "80",
        _age(obj, now),
    ]


def _ingress_class(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    params = spec.get("parameters")
    if params is None:
        parameters = _NONE
    else:
        parameters = params.get("kind") or ""
        group = params.get("apiGroup")
        if group is not None:
            parameters += "." + group
        parameters += "/" + (params.get("name") or "")
    return [_meta(obj).get("name", ""), spec.get("controller") or "", parameters, _age(obj, now)]


def _stateful_set(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    names, images = _layout_containers(_template_containers(obj))
    return [
        _meta(obj).get("name", ""),
        f"{status.get('readyReplicas') or 0}/{_replicas(spec)}",
        _age(obj, now),
        names, images,
    ]


def _endpoints_cell(subsets: list | None) -> str:
    if not subsets:
        return _NONE
    items: list[str] = []
    more = False
    count = 0
    for ss in subsets:
        addresses = ss.get("addresses") or ()
        ports = ss.get("ports")
        if not ports:
            count += len(addresses)
            for a in addresses:
                if len(items) == 3:
                    more = True
                    break
                items.append(a.get("ip") or "")
            continue
        for port in ports:
            count += len(addresses)
            for a in addresses:
                if len(items) == 3:
                    more = True
                    break
                items.append(_join_host_port(a.get("ip") or "", port.get("port", 0)))
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - 3} more..."
    return ret


def _endpoints(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), _endpoints_cell(obj.get("subsets")), _age(obj, now)]


def _endpoint_slice(obj: dict, now: float) -> list:
    ports = obj.get("ports") or ()
    port_items = []
    for p in ports[:3]:
        port = p.get("port")
        if port is not None:
            port_items.append(str(port))
        else:
            name = p.get("name")
            port_items.append("*" if name is None else name)
    addresses = []
    count = 0
    for ep in obj.get("endpoints") or ():
        for addr in ep.get("addresses") or ():
            if count < 3:
                addresses.append(addr)
            count += 1
    return [
        _meta(obj).get("name", ""),
        obj.get("addressType") or "",
        _list_with_more(port_items, len(ports)),
        _list_with_more(addresses, count),
        _age(obj, now),
    ]


_ROLE_PREFIX = "node-role.kubernetes.io/"


def _node_roles(labels: dict | None) -> str:
    if not labels:
        return _NONE
    roles = set()
    for k, v in labels.items():
        if k.startswith(_ROLE_PREFIX):
            role = k[len(_ROLE_PREFIX):]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return ",".join(sorted(roles)) if roles else _NONE


def _node_address(addresses: list | None, kind: str) -> str:
    for a in addresses or ():
        if a.get("type") == kind:
            return a.get("address") or ""
    return _NONE


def _node(obj: dict, now: float) -> list:
    meta = _meta(obj)
    status = obj.get("status") or _EMPTY
    state = "Unknown"
    for cond in status.get("conditions") or ():
        if cond.get("type") == "Ready":
            # the last Ready condition wins, as upstream keeps them in a map
            state = "Ready" if cond.get("status") == "True" else "NotReady"
    if (obj.get("spec") or _EMPTY).get("unschedulable"):
        state += ",SchedulingDisabled"
    info = status.get("nodeInfo") or _EMPTY
    addresses = status.get("addresses")
    return [
        meta.get("name", ""),
        state,
        _node_roles(meta.get("labels")),
        _since(meta.get("creationTimestamp"), now),
        info.get("kubeletVersion") or "",
        _node_address(addresses, "InternalIP"),
        _node_address(addresses, "ExternalIP"),
        info.get("osImage") or _UNKNOWN,
        info.get("kernelVersion") or _UNKNOWN,
        info.get("containerRuntimeVersion") or _UNKNOWN,
    ]


def _event(obj: dict, now: float) -> list:
    # Core v1 events and events.k8s.io/v1 events share one printer upstream; read either shape.
    if "regarding" in obj or "note" in obj or "deprecatedFirstTimestamp" in obj:
        involved = obj.get("regarding") or _EMPTY
        message = obj.get("note") or ""
        first = obj.get("deprecatedFirstTimestamp")
        last = obj.get("deprecatedLastTimestamp")
        count = obj.get("deprecatedCount") or 0
        source = obj.get("deprecatedSource") or _EMPTY
    else:
        involved = obj.get("involvedObject") or _EMPTY
        message = obj.get("message") or ""
        first = obj.get("firstTimestamp")
        last = obj.get("lastTimestamp")
        count = obj.get("count") or 0
        source = obj.get("source") or _EMPTY
    first_seen = _since(first if _ts(first) is not None else obj.get("eventTime"), now)
    last_seen = _since(last, now) if _ts(last) is not None else first_seen
    series = obj.get("series")
    if series is not None:
        last_seen = _since(series.get("lastObservedTime"), now)
        count = series.get("count") or 0
    elif count == 0:
        count = 1
    kind = (involved.get("kind") or "").lower()
    name = involved.get("name")
    component = source.get("component") or obj.get("reportingController") or ""
    instance = source.get("host") or obj.get("reportingInstance") or ""
    return [
        last_seen,
        obj.get("type") or "",
        obj.get("reason") or "",
        f"{kind}/{name}" if name else kind,
        involved.get("fieldPath") or "",
        f"{component}, {instance}" if instance else component,
        message.strip(),
        first_seen,
        count,
        _meta(obj).get("name", ""),
    ]


def _namespace(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), (obj.get("status") or _EMPTY).get("phase") or "", _age(obj, now)]


def _secret(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), obj.get("type") or "", len(obj.get("data") or ()), _age(obj, now)]


def _service_account(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), len(obj.get("secrets") or ()), _age(obj, now)]


_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def _persistent_volume(obj: dict, now: float) -> list:
    meta = _meta(obj)
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    claim_ref = spec.get("claimRef")
    claim = f"{claim_ref.get('namespace') or ''}/{claim_ref.get('name') or ''}" if claim_ref else ""
    annotations = meta.get("annotations") or _EMPTY
    storage_class = annotations.get(_BETA_STORAGE_CLASS)
    if storage_class is None:
        storage_class = spec.get("storageClassName") or ""
    phase = "Terminating" if meta.get("deletionTimestamp") else status.get("phase") or ""
    volume_mode = spec.get("volumeMode")
    vac = spec.get("volumeAttributesClassName")
    return [
        meta.get("name", ""),
        _quantity((spec.get("capacity") or _EMPTY).get("storage")),
        _access_modes(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy") or "",
        phase,
        claim,
        storage_class,
        _UNSET if vac is None else vac,
        status.get("reason") or "",
        _since(meta.get("creationTimestamp"), now),
        _UNSET if volume_mode is None else volume_mode,
    ]


def _persistent_volume_claim(obj: dict, now: float) -> list:
    meta = _meta(obj)
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    phase = "Terminating" if meta.get("deletionTimestamp") else status.get("phase") or ""
    volume_name = spec.get("volumeName") or ""
    if volume_name:
        capacity = _quantity((status.get("capacity") or _EMPTY).get("storage"))
        access_modes = _access_modes(status.get("accessModes"))
    else:
        capacity = access_modes = ""
    annotations = meta.get("annotations") or _EMPTY
    storage_class = annotations.get(_BETA_STORAGE_CLASS)
    if storage_class is None:
        storage_class = spec.get("storageClassName") or ""
    volume_mode = spec.get("volumeMode")
    vac = spec.get("volumeAttributesClassName")
    return [
        meta.get("name", ""), phase, volume_name, capacity, access_modes, storage_class,
        _UNSET if vac is None else vac,
        _since(meta.get("creationTimestamp"), now),
        _UNSET if volume_mode is None else volume_mode,
    ]


def _component_status(obj: dict, now: float) -> list:
    state, message, error = "Unknown", "", ""
    for cond in obj.get("conditions") or ():
        if cond.get("type") == "Healthy":
            state = "Healthy" if cond.get("status") == "True" else "Unhealthy"
            message = cond.get("message") or ""
            error = cond.get("error") or ""
            break
    return [_meta(obj).get("name", ""), state, message, error]


def _deployment(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    names, images = _layout_containers(_template_containers(obj))
    selector = _selector_string(spec.get("selector"))
    return [
        _meta(obj).get("name", ""),
        f"{status.get('readyReplicas') or 0}/{_replicas(spec)}",
        status.get("updatedReplicas") or 0,
        status.get("availableReplicas") or 0,
        _age(obj, now),
        names, images,
        "<invalid>" if selector is None else selector,
    ]


def _percent(v: Any) -> str:
    return f"{v}%"


def _hpa_metric(spec: dict, status: dict | None) -> str:
    mtype = spec.get("type")
    if mtype == "External" or mtype == "Object":
        key = "external" if mtype == "External" else "object"
        target = (spec.get(key) or _EMPTY).get("target") or _EMPTY
        source = status.get(key) if status else None
        current = (source or _EMPTY).get("current") or _EMPTY
        if target.get("averageValue") is not None:
            cur = _quantity_ptr(current["averageValue"]) if current.get("averageValue") is not None \
                else _UNKNOWN
            return f"{cur}/{_quantity_ptr(target['averageValue'])} (avg)"
        cur = _quantity_ptr(current.get("value")) if source is not None else _UNKNOWN
        return f"{cur}/{_quantity_ptr(target.get('value'))}"
    if mtype == "Pods":
        target = ((spec.get("pods") or _EMPTY).get("target") or _EMPTY).get("averageValue")
        source = status.get("pods") if status else None
        cur = _quantity_ptr((source.get("current") or _EMPTY).get("averageValue")) \
            if source is not None else _UNKNOWN
        return f"{cur}/{_quantity_ptr(target)}"
    if mtype == "Resource" or mtype == "ContainerResource":
        key = "resource" if mtype == "Resource" else "containerResource"
        metric = spec.get(key) or _EMPTY
        target = metric.get("target") or _EMPTY
        source = status.get(key) if status else None
        current = (source or _EMPTY).get("current") or _EMPTY
        name = metric.get("name") or ""
        if target.get("averageValue") is not None:
            cur = _quantity_ptr(current.get("averageValue")) if source is not None else _UNKNOWN
            return f"{name}: {cur}/{_quantity_ptr(target['averageValue'])}"
        utilization = current.get("averageUtilization")
        cur = _percent(utilization) if source is not None and utilization is not None else _UNKNOWN
        goal = target.get("averageUtilization")
        return f"{name}: {cur}/{'<auto>' if goal is None else _percent(goal)}"
    return "<unknown type>"


def _hpa_metrics(spec: dict, status: dict) -> tuple[list, list]:
    metrics = spec.get("metrics")
    if metrics:
        return metrics, status.get("currentMetrics") or []
    # autoscaling/v1 shape, or a v2 object before defaulting: a single CPU utilization
    # target, 80% when none is set (the default policy of both versions)
    target = spec.get("targetCPUUtilizationPercentage")
    specs = [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization",
                                  "averageUtilization": 80 if target is None else target}}}]
    current = status.get("currentCPUUtilizationPercentage")
    if current is None:
        return specs, status.get("currentMetrics") or []
    return specs, [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": current}}}]


def _hpa_targets(spec: dict, status: dict) -> str:
    specs, statuses = _hpa_metrics(spec, status)
    if not specs:
        return _NONE
    items = []
    for i, metric in enumerate(specs):
        if i == 2:
            break
        items.append(_hpa_metric(metric, statuses[i] if len(statuses) > i else None))
    ret = ", ".join(items)
    if len(specs) > 2:
        return f"{ret} + {len(specs) - 2} more..."
    return ret


def _hpa(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    ref = spec.get("scaleTargetRef") or _EMPTY
    min_replicas = spec.get("minReplicas")
    return [
        _meta(obj).get("name", ""),
        f"{ref.get('kind') or ''}/{ref.get('name') or ''}",
        _hpa_targets(spec, status),
        _UNSET if min_replicas is None else str(min_replicas),
        spec.get("maxReplicas") or 0,
        status.get("currentReplicas") or 0,
        _age(obj, now),
    ]


def _config_map(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), len(obj.get("data") or ()) + len(obj.get("binaryData") or ()),
            _age(obj, now)]


def _network_policy(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""),
            _format_label_selector((obj.get("spec") or _EMPTY).get("podSelector")), _age(obj, now)]


def _subjects(subjects: list | None) -> tuple[str, str, str]:
    users, groups, sas = [], [], []
    for s in subjects or ():
        kind = s.get("kind")
        if kind == "ServiceAccount":
            sas.append(f"{s.get('namespace') or ''}/{s.get('name') or ''}")
        elif kind == "User":
            users.append(s.get("name") or "")
        elif kind == "Group":
            groups.append(s.get("name") or "")
    return ", ".join(users), ", ".join(groups), ", ".join(sas)


def _role_binding(obj: dict, now: float) -> list:
    ref = obj.get("roleRef") or _EMPTY
    users, groups, sas = _subjects(obj.get("subjects"))
    return [_meta(obj).get("name", ""), f"{ref.get('kind') or ''}/{ref.get('name') or ''}", _age(obj, now),
            users, groups, sas]


def _csr(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    approved = denied = failed = False
    for c in status.get("conditions") or ():
        ctype = c.get("type")
        if ctype == "Approved":
            approved = True
        elif ctype == "Denied":
            denied = True
        elif ctype == "Failed":
            failed = True
    state = "Denied" if denied else "Approved" if approved else "Pending"
    if failed:
        state += ",Failed"
    if status.get("certificate"):
        state += ",Issued"
    expiration = spec.get("expirationSeconds")
    return [
        _meta(obj).get("name", ""),
        _age(obj, now),
        spec.get("signerName") or _NONE,
        spec.get("username") or "",
        _NONE if expiration is None else human_duration(expiration),
        state,
    ]


def _cluster_trust_bundle(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), (obj.get("spec") or _EMPTY).get("signerName") or _NONE]


def _lease(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), (obj.get("spec") or _EMPTY).get("holderIdentity") or "",
            _age(obj, now)]


def _lease_candidate(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    return [_meta(obj).get("name", ""), spec.get("leaseName") or "", spec.get("binaryVersion") or "",
            spec.get("emulationVersion") or "", _age(obj, now)]


def _storage_class(obj: dict, now: float) -> list:
    meta = _meta(obj)
    annotations = meta.get("annotations") or _EMPTY
    name = meta.get("name", "")
    if annotations.get("storageclass.kubernetes.io/is-default-class") == "true" or \
            annotations.get("storageclass.beta.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [
        name,
        obj.get("provisioner") or "",
        obj.get("reclaimPolicy") or "Delete",
        obj.get("volumeBindingMode") or "Immediate",
        bool(obj.get("allowVolumeExpansion")),
        _since(meta.get("creationTimestamp"), now),
    ]


def _volume_attributes_class(obj: dict, now: float) -> list:
    meta = _meta(obj)
    name = meta.get("name", "")
    if (meta.get("annotations") or _EMPTY).get("volumeattributesclass.alpha.kubernetes.io/is-default-class") \
            == "true":
        name += " (default)"
    return [name, obj.get("driverName") or "", _since(meta.get("creationTimestamp"), now)]


def _controller_revision(obj: dict, now: float) -> list:
    meta = _meta(obj)
    ref = _controller_ref(meta)
    if ref is None:
        controller = _NONE
    else:
        api_version = ref.get("apiVersion") or ""
        group = api_version.split("/", 1)[0] if "/" in api_version else ""
        kind = ref.get("kind") or ""
        name = ref.get("name") or ""
        if not kind and not group:
            controller = name
        else:
            controller = (f"{kind}.{group}" if group else kind).lower() + "/" + name
    return [meta.get("name", ""), controller, obj.get("revision") or 0, _since(meta.get("creationTimestamp"), now)]


def _resource_quota(obj: dict, now: float) -> list:
    status = obj.get("status") or _EMPTY
    hard = status.get("hard") or _EMPTY
    used = status.get("used") or _EMPTY
    requests = []
    limits = []
    for resource in sorted(hard):
        item = f"{resource}: {_quantity(used.get(resource))}/{_quantity(hard[resource])}"
        if resource.startswith("limits."):
            limits.append(item)
        else:
            requests.append(item)
    return [_meta(obj).get("name", ""), ", ".join(requests), ", ".join(limits), _age(obj, now)]


def _priority_class(obj: dict, now: float) -> list:
    return [
        _meta(obj).get("name", ""),
        obj.get("value") or 0,
        bool(obj.get("globalDefault")),
        _age(obj, now),
        obj.get("preemptionPolicy") or "",
    ]


def _runtime_class(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), obj.get("handler") or "", _age(obj, now)]


def _volume_attachment(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    return [
        _meta(obj).get("name", ""),
        spec.get("attacher") or "",
        (spec.get("source") or _EMPTY).get("persistentVolumeName") or "",
        spec.get("nodeName") or "",
        bool((obj.get("status") or _EMPTY).get("attached")),
        _age(obj, now),
    ]


def _csi_node(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), len((obj.get("spec") or _EMPTY).get("drivers") or ()), _age(obj, now)]


def _csi_driver(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    attach_required = spec.get("attachRequired")
    token_requests = spec.get("tokenRequests")
    modes = ",".join(spec.get("volumeLifecycleModes") or ())
    return [
        _meta(obj).get("name", ""),
        True if attach_required is None else bool(attach_required),
        bool(spec.get("podInfoOnMount")),
        bool(spec.get("storageCapacity")),
        _UNSET if token_requests is None else ",".join(t.get("audience") or "" for t in token_requests),
        bool(spec.get("requiresRepublish")),
        modes or _NONE,
        _age(obj, now),
    ]


def _csi_storage_capacity(obj: dict, now: float) -> list:
    capacity = obj.get("capacity")
    return [_meta(obj).get("name", ""), obj.get("storageClassName") or "",
            _UNSET if capacity is None else _quantity(capacity)]


def _webhook_configuration(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), len(obj.get("webhooks") or ()), _age(obj, now)]


def _param_kind(spec: dict) -> str:
    pk = spec.get("paramKind")
    if pk is None:
        return _UNSET
    return f"{pk.get('apiVersion') or ''}/{pk.get('kind') or ''}"


def _validating_admission_policy(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    return [_meta(obj).get("name", ""), len(spec.get("validations") or ()), _param_kind(spec), _age(obj, now)]


def _mutating_admission_policy(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    return [_meta(obj).get("name", ""), len(spec.get("mutations") or ()), _param_kind(spec), _age(obj, now)]


def _go_label_selector_struct(sel: dict) -> str:
    # ParamRef.Selector is printed with the generated Go String() of the LabelSelector struct.
    exprs = "".join(
        f"LabelSelectorRequirement{{Key:{e.get('key') or ''},Operator:{e.get('operator') or ''},"
        f"Values:[{' '.join(e.get('values') or ())}],}},"
        for e in sel.get("matchExpressions") or ())
    match_labels = sel.get("matchLabels") or _EMPTY
    labels = "".join(f"{k}: {match_labels[k]}," for k in sorted(match_labels))
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")


def _policy_binding(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    param = _UNSET
    ref = spec.get("paramRef")
    if ref is not None:
        name = ref.get("name")
        if name:
            namespace = ref.get("namespace")
            param = f"{namespace}/{name}" if namespace else f"*/{name}"
        elif ref.get("selector") is not None:
            param = _go_label_selector_struct(ref["selector"])
    return [_meta(obj).get("name", ""), spec.get("policyName") or "", param, _age(obj, now)]


def _flow_schema(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    distinguisher = spec.get("distinguisherMethod")
    missing = "?"
    for cond in (obj.get("status") or _EMPTY).get("conditions") or ():
        if cond.get("type") == "Dangling":
            missing = cond.get("status") or ""
            break
    return [
        _meta(obj).get("name", ""),
        (spec.get("priorityLevelConfiguration") or _EMPTY).get("name") or "",
        spec.get("matchingPrecedence") or 0,
        _NONE if distinguisher is None else distinguisher.get("type") or "",
        _age(obj, now),
        missing,
    ]


def _priority_level(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    limited = spec.get("limited")
    shares: Any = _NONE
    queues: Any = _NONE
    hand_size: Any = _NONE
    queue_length: Any = _NONE
    if limited is not None:
        # unset fields read as their defaults, as the API server stores them
        shares = limited.get("nominalConcurrencyShares")
        if shares is None:
            shares = 30
        queuing = (limited.get("limitResponse") or _EMPTY).get("queuing")
        if queuing is not None:
            queues = queuing.get("queues") or 64
            hand_size = queuing.get("handSize") or 8
            queue_length = queuing.get("queueLengthLimit") or 50
    return [_meta(obj).get("name", ""), spec.get("type") or "", shares, queues, hand_size, queue_length,
            _age(obj, now)]


def _storage_version(obj: dict, now: float) -> list:
    status = obj.get("status") or _EMPTY
    common = status.get("commonEncodingVersion")
    versions = status.get("storageVersions") or ()
    items = [f"{v.get('apiServerID') or ''}={v.get('encodingVersion') or ''}" for v in versions[:3]]
    return [_meta(obj).get("name", ""), _UNSET if common is None else common,
            _list_with_more(items, len(versions)), _age(obj, now)]


def _storage_version_migration(obj: dict, now: float) -> list:
    r = (obj.get("spec") or _EMPTY).get("resource") or _EMPTY
    return [_meta(obj).get("name", ""),
            f"{r.get('resource') or ''}.{r.get('version') or ''}.{r.get('group') or ''}"]


def _scale(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), (obj.get("spec") or _EMPTY).get("replicas") or 0,
            (obj.get("status") or _EMPTY).get("replicas") or 0, _age(obj, now)]


def _name_age(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), _age(obj, now)]


def _resource_claim(obj: dict, now: float) -> list:
    deleting = bool(_meta(obj).get("deletionTimestamp"))
    status = obj.get("status") or _EMPTY
    states = ["deleted"] if deleting else []
    if status.get("allocation") is None:
        if not deleting:
            states.append("pending")
    else:
        states.append("allocated")
        if status.get("reservedFor"):
            states.append("reserved")
    return [_meta(obj).get("name", ""), ",".join(states), _age(obj, now)]


def _resource_slice(obj: dict, now: float) -> list:
    spec = obj.get("spec") or _EMPTY
    return [_meta(obj).get("name", ""), spec.get("nodeName") or "", spec.get("driver") or "",
            (spec.get("pool") or _EMPTY).get("name") or "", _age(obj, now)]


def _service_cidr(obj: dict, now: float) -> list:
    return [_meta(obj).get("name", ""), ",".join((obj.get("spec") or _EMPTY).get("cidrs") or ()),
            _age(obj, now)]


def _ip_address(obj: dict, now: float) -> list:
    ref = (obj.get("spec") or _EMPTY).get("parentRef")
    if ref is None:
        parent = _NONE
    else:
        group = ref.get("group") or ""
        resource = ref.get("resource") or ""
        parent = (f"{resource}.{group}" if group else resource).lower()
        if ref.get("namespace"):
            parent += "/" + ref["namespace"]
        parent += "/" + (ref.get("name") or "")
    return [_meta(obj).get("name", ""), parent]


def _api_service(obj: dict, now: float) -> list:
    service = (obj.get("spec") or _EMPTY).get("service")
    where = "Local" if service is None else f"{service.get('namespace') or ''}/{service.get('name') or ''}"
    available = "Unknown"
    for cond in (obj.get("status") or _EMPTY).get("conditions") or ():
        if cond.get("type") == "Available":
            state = cond.get("status") or ""
            reason = cond.get("reason")
            available = f"{state} ({reason})" if state != "True" and reason else state
            break
    return [_meta(obj).get("name", ""), where, available, _age(obj, now)]


# ---------------------------------------------------------------------------
# the registry: (group, plural) -> (columns, row function)

_CORE = ""
_PRINTERS: dict[tuple[str, str], tuple[list[dict], RowFunc]] = {
    (_CORE, "pods"): (_POD_COLUMNS, _pod),
    (_CORE, "podtemplates"): (_POD_TEMPLATE_COLUMNS, _pod_template),
    (_CORE, "replicationcontrollers"): (_REPLICAS_COLUMNS, _replication_controller),
    (_CORE, "services"): (_SERVICE_COLUMNS, _service),
    (_CORE, "endpoints"): (_ENDPOINTS_COLUMNS, _endpoints),
    (_CORE, "nodes"): (_NODE_COLUMNS, _node),
    (_CORE, "events"): (_EVENT_COLUMNS, _event),
    (_CORE, "namespaces"): (_NAMESPACE_COLUMNS, _namespace),
    (_CORE, "secrets"): (_SECRET_COLUMNS, _secret),
    (_CORE, "serviceaccounts"): (_SERVICE_ACCOUNT_COLUMNS, _service_account),
    (_CORE, "persistentvolumes"): (_PV_COLUMNS, _persistent_volume),
    (_CORE, "persistentvolumeclaims"): (_PVC_COLUMNS, _persistent_volume_claim),
    (_CORE, "configmaps"): (_CONFIG_MAP_COLUMNS, _config_map),
    (_CORE, "componentstatuses"): (_COMPONENT_STATUS_COLUMNS, _component_status),
    (_CORE, "resourcequotas"): (_RESOURCE_QUOTA_COLUMNS, _resource_quota),
    ("apps", "deployments"): (_DEPLOYMENT_COLUMNS, _deployment),
    ("apps", "replicasets"): (_REPLICAS_COLUMNS, _replica_set),
    ("apps", "statefulsets"): (_STATEFUL_SET_COLUMNS, _stateful_set),
    ("apps", "daemonsets"): (_DAEMON_SET_COLUMNS, _daemon_set),
    ("apps", "controllerrevisions"): (_CONTROLLER_REVISION_COLUMNS, _controller_revision),
    ("batch", "jobs"): (_JOB_COLUMNS, _job),
    ("batch", "cronjobs"): (_CRON_JOB_COLUMNS, _cron_job),
    ("autoscaling", "horizontalpodautoscalers"): (_HPA_COLUMNS, _hpa),
    ("networking.k8s.io", "ingresses"): (_INGRESS_COLUMNS, _ingress),
    ("networking.k8s.io", "ingressclasses"): (_INGRESS_CLASS_COLUMNS, _ingress_class),
    ("networking.k8s.io", "networkpolicies"): (_NETWORK_POLICY_COLUMNS, _network_policy),
    ("networking.k8s.io", "ipaddresses"): (_IP_ADDRESS_COLUMNS, _ip_address),
    ("networking.k8s.io", "servicecidrs"): (_SERVICE_CIDR_COLUMNS, _service_cidr),
    ("policy", "poddisruptionbudgets"): (_PDB_COLUMNS, _pdb),
    ("rbac.authorization.k8s.io", "rolebindings"): (_binding_columns("roleBinding"), _role_binding),
    ("rbac.authorization.k8s.io", "clusterrolebindings"): (_binding_columns("clusterRoleBinding"),
                                                           _role_binding),
    ("storage.k8s.io", "storageclasses"): (_STORAGE_CLASS_COLUMNS, _storage_class),
    ("storage.k8s.io", "volumeattributesclasses"): (_VOLUME_ATTRIBUTES_CLASS_COLUMNS, _volume_attributes_class),
    ("storage.k8s.io", "volumeattachments"): (_VOLUME_ATTACHMENT_COLUMNS, _volume_attachment),
    ("storage.k8s.io", "csidrivers"): (_CSI_DRIVER_COLUMNS, _csi_driver),
    ("storage.k8s.io", "csinodes"): (_CSI_NODE_COLUMNS, _csi_node),
    ("storage.k8s.io", "csistoragecapacities"): (_CSI_STORAGE_CAPACITY_COLUMNS, _csi_storage_capacity),
    ("coordination.k8s.io", "leases"): (_LEASE_COLUMNS, _lease),
    ("coordination.k8s.io", "leasecandidates"): (_LEASE_CANDIDATE_COLUMNS, _lease_candidate),
    ("discovery.k8s.io", "endpointslices"): (_ENDPOINT_SLICE_COLUMNS, _endpoint_slice),
    ("events.k8s.io", "events"): (_EVENT_COLUMNS, _event),
    ("scheduling.k8s.io", "priorityclasses"): (_PRIORITY_CLASS_COLUMNS, _priority_class),
    ("node.k8s.io", "runtimeclasses"): (_RUNTIME_CLASS_COLUMNS, _runtime_class),
    ("certificates.k8s.io", "certificatesigningrequests"): (_CSR_COLUMNS, _csr),
    ("certificates.k8s.io", "clustertrustbundles"): (_CLUSTER_TRUST_BUNDLE_COLUMNS, _cluster_trust_bundle),
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"): (_WEBHOOK_COLUMNS,
                                                                        _webhook_configuration),
    ("admissionregistration.k8s.io", "validatingwebhookconfigurations"): (_WEBHOOK_COLUMNS,
                                                                          _webhook_configuration),
    ("admissionregistration.k8s.io", "validatingadmissionpolicies"): (_VAP_COLUMNS,
                                                                      _validating_admission_policy),
    ("admissionregistration.k8s.io", "validatingadmissionpolicybindings"): (_POLICY_BINDING_COLUMNS,
                                                                            _policy_binding),
    ("admissionregistration.k8s.io", "mutatingadmissionpolicies"): (_MAP_COLUMNS, _mutating_admission_policy),
    ("admissionregistration.k8s.io", "mutatingadmissionpolicybindings"): (_POLICY_BINDING_COLUMNS,
                                                                          _policy_binding),
    ("flowcontrol.apiserver.k8s.io", "flowschemas"): (_FLOW_SCHEMA_COLUMNS, _flow_schema),
    ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations"): (_PRIORITY_LEVEL_COLUMNS,
                                                                      _priority_level),
    ("apiregistration.k8s.io", "apiservices"): (_API_SERVICE_COLUMNS, _api_service),
    ("internal.apiserver.k8s.io", "storageversions"): (_STORAGE_VERSION_COLUMNS, _storage_version),
    ("storagemigration.k8s.io", "storageversionmigrations"): (_STORAGE_VERSION_MIGRATION_COLUMNS,
                                                              _storage_version_migration),
    ("resource.k8s.io", "deviceclasses"): (_DEVICE_CLASS_COLUMNS, _name_age),
    ("resource.k8s.io", "resourceclaims"): (_RESOURCE_CLAIM_COLUMNS, _resource_claim),
    ("resource.k8s.io", "resourceclaimtemplates"): (_DEVICE_CLASS_COLUMNS, _name_age),
    ("resource.k8s.io", "resourceslices"): (_RESOURCE_SLICE_COLUMNS, _resource_slice),
}

_DEFAULT = (_DEFAULT_COLUMNS, _row_default)
_SCALE = (_SCALE_COLUMNS, _scale)


def _lookup(group: str, resource: str) -> tuple[list[dict], RowFunc]:
    if group == "core":
        group = ""
    found = _PRINTERS.get((group, resource))
    if found is not None:
        return found
    if "/" in resource:
        parent, sub = resource.split("/", 1)
        if sub == "scale":
            return _SCALE
        return _PRINTERS.get((group, parent), _DEFAULT)
    return _DEFAULT


# ---------------------------------------------------------------------------
# public interface


def default_columns() -> list[dict]:
    """Columns of the generic table upstream serves for kinds without a printer: Name, Created At."""
    return [dict(c) for c in _DEFAULT_COLUMNS]


def has_printer(group: str, resource: str) -> bool:
    """Whether the resource has its own printer (else it gets the default table)."""
    return _lookup(group, resource) is not _DEFAULT


def resources_with_printers() -> list[tuple[str, str]]:
    """Every (group, plural) with its own printer."""
    return list(_PRINTERS)


def columns(group: str, resource: str) -> list[dict]:
    """The ``columnDefinitions`` of the resource's table (plural, lower case, e.g. ("apps", "deployments")).

    ``resource`` may name a subresource: ``x/scale`` gets the Scale table, ``x/status`` the parent's."""
    return [dict(c) for c in _lookup(group, resource)[0]]


def cells(group: str, resource: str, obj: dict, now: datetime) -> list:
    """One row's cells for ``obj``, in the order of :func:`columns`; ages are relative to ``now``."""
    return _lookup(group, resource)[1](obj, _now_ts(now))


def printer_for(group: str, resource: str) -> Callable[[dict, datetime], list]:
    """The row function of a resource, for callers building many rows: ``fn(obj, now) -> cells``."""
    row = _lookup(group, resource)[1]

    def print_row(obj: dict, now: datetime) -> list:
        return row(obj, _now_ts(now))

    return print_row


_POD_SUCCEEDED = [{"type": "Completed", "status": "True", "reason": "Succeeded",
                   "message": "The pod has completed successfully."}]
_POD_FAILED = [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]


def row_conditions(group: str, resource: str, obj: dict) -> list[dict] | None:
    """The row ``conditions`` upstream sets (pods that succeeded or failed are marked Completed)."""
    if resource != "pods" or group not in ("", "core"):
        return None
    phase = (obj.get("status") or _EMPTY).get("phase")
    if phase == "Succeeded":
        return [dict(c) for c in _POD_SUCCEEDED]
    if phase == "Failed":
        return [dict(c) for c in _POD_FAILED]
    return None
