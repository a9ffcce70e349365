"""batch/v1: Job and CronJob.

Upstream's pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation and
pkg/registry/batch/{job,cronjob}/strategy.go (Kubernetes 1.33), with the
schedule parser of robfig/cron v3 (`ParseStandard`) that validation uses.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from typing import Any

from bosun.api import validation as v
from bosun.api.apps import (
    StatusStrategy,
    d,
    default_template,
    go_selector,
    immutable_selector,
    is_int,
    label_selector,
    lst,
    raw_invalid,
    spec_of,
    template_labels,
)
from bosun.api.networking import validate_domain_prefixed_path
from bosun.api.strategy import Obj, register
from bosun.machinery.errors import Cause

LEGACY_CONTROLLER_UID = "controller-uid"
LEGACY_JOB_NAME = "job-name"
CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"

MAX_PARALLELISM_INDEXED = 100_000
MAX_FAILED_INDEXES = 100_000
COMPLETIONS_SOFT_LIMIT = 100_000
PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10_000
MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000
MAX_POD_FAILURE_RULES = 20
MAX_SUCCESS_RULES = 20
MAX_MANAGED_BY = 63
MAX_INT32 = 2**31 - 1

COMPLETION_MODES = ("NonIndexed", "Indexed")
POD_REPLACEMENT_POLICIES = ("Failed", "TerminatingOrFailed")
POD_FAILURE_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")


# ---------------------------------------------------------------------------
# Job


def default_job_spec(spec: Obj) -> None:
    """SetDefaults_Job's spec part (a CronJob's job template does not get it)."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
    if spec.get("completionMode") is None:
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("podReplacementPolicy") is None:  # JobPodReplacementPolicy: beta, on in 1.33
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") is not None else "TerminatingOrFailed"
    if spec.get("manualSelector") is None:
        spec["manualSelector"] = False
    for rule in lst(d(spec.get("podFailurePolicy")).get("rules")):
        for pattern in lst(d(rule).get("onPodConditions")):
            if isinstance(pattern, dict) and not pattern.get("status"):
                pattern["status"] = "True"


def generate_selector(obj: Obj) -> None:
    """The job's own labels on its pod template, and a selector of its uid (registry generateSelector)."""
    meta = obj["metadata"]
    spec = spec_of(obj)
    template = spec.get("template")
    if not isinstance(template, dict):
        template = spec["template"] = {}
    tmeta = template.get("metadata")
    if not isinstance(tmeta, dict):
        tmeta = template["metadata"] = {}
    labels = tmeta.get("labels")
    if not isinstance(labels, dict):
        labels = tmeta["labels"] = {}
    # A user's conflicting value stays and fails validation.
    for key in (LEGACY_JOB_NAME, JOB_NAME):
        labels.setdefault(key, meta.get("name", ""))
    for key in (LEGACY_CONTROLLER_UID, CONTROLLER_UID):
        labels.setdefault(key, meta.get("uid", ""))
    sel = spec.get("selector")
    if not isinstance(sel, dict):
        sel = spec["selector"] = {}
    ml = sel.get("matchLabels")
    if not isinstance(ml, dict):
        ml = sel["matchLabels"] = {}
    ml.setdefault(CONTROLLER_UID, meta.get("uid", ""))


@register("batch", "Job")
class JobStrategy(StatusStrategy):
    field_labels = ("status.successful",)

    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        default_job_spec(spec)
        labels = d(spec.get("template")).get("metadata")
        labels = d(labels).get("labels")
        meta = obj.get("metadata")
        if isinstance(labels, dict) and isinstance(meta, dict) and not meta.get("labels"):
            meta["labels"] = dict(labels)
        default_template(spec)

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        if spec_of(obj).get("manualSelector") is not True:
            generate_selector(obj)

    def validate(self, obj: Obj) -> list[Cause]:
        return self._validate(obj, None)

    def _validate(self, obj: Obj, old: Obj | None) -> list[Cause]:
        out = super().validate(obj)
        meta = d(obj.get("metadata"))
        spec = spec_of(obj)
        require_prefixed = True
        if old is not None:
            old_labels = template_labels(d(old.get("spec")))
            require_prefixed = JOB_NAME in old_labels and CONTROLLER_UID in old_labels
        out.extend(validate_generated_selector(meta, spec, require_prefixed))
        out.extend(validate_job_spec_with_selector(spec, "spec", allow_invalid_values=old is not None))
        completions = spec.get("completions")
        if spec.get("completionMode") == "Indexed" and is_int(completions) and completions > 0:
            host = f"{meta.get('name', '')}-{completions - 1}"
            if v.is_dns1123_label(host):
                out.append(v.invalid("metadata.name", meta.get("name", ""),
                                     f"will not able to create pod with invalid DNS label: {host}"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        spec, ospec = spec_of(obj), d(old.get("spec"))
        out.extend(_validate_completions_update(spec, ospec))
        out.extend(immutable_selector(spec.get("selector"), ospec.get("selector"), "spec.selector"))
        out.extend(_validate_template_update(spec, ospec, old))
        for f in ("completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"):
            out.extend(v.validate_immutable(spec.get(f), ospec.get(f), f"spec.{f}"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        status, ostatus = d(obj.get("status")), d(old.get("status"))
        path = "status"
        for f in ("active", "succeeded", "failed", "ready", "terminating"):
            if f in status:
                out.extend(v.validate_nonnegative(status[f], f"{path}.{f}"))
        seen: set[str] = set()
        uncounted = d(status.get("uncountedTerminatedPods"))
        for which in ("succeeded", "failed"):
            for i, uid in enumerate(lst(uncounted.get(which))):
                p = f"{path}.uncountedTerminatedPods.{which}[{i}]"
                if uid == "":
                    out.append(v.invalid(p, uid, "must not be empty"))
                elif uid in seen:
                    out.append(v.duplicate(p, uid))
                else:
                    seen.add(uid)
        ready, active = status.get("ready"), status.get("active", 0)
        if is_int(ready) and is_int(active) and ready > active:
            out.append(v.invalid(f"{path}.ready", ready, "cannot set more ready pods than active"))
        for ctype in ("Failed", "Complete", "FailureTarget"):
            if _condition_true(ostatus, ctype) and not _condition_true(status, ctype):
                out.append(Cause(f"{path}.conditions", f"Invalid value: cannot disable the terminal {ctype}=True "
                                                       "condition", v.INVALID))
        if _condition_true(status, "Complete") and _condition_true(status, "Failed"):
            out.append(Cause(f"{path}.conditions", "Invalid value: cannot set Complete=True and Failed=true "
                                                   "conditions", v.INVALID))
        return out

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        if old is not None:
            return []
        msgs = v.is_dns1123_label(d(obj.get("metadata")).get("name", "") or "")
        if msgs:
            return ["metadata.name: this is used in Pod names and hostnames, which can result in surprising "
                    f"behavior; a DNS label is recommended: [{' '.join(msgs)}]"]
        return []

    def field_values(self, obj: Obj) -> dict[str, str]:
        succeeded = d(obj.get("status")).get("succeeded", 0)
        return {"status.successful": str(succeeded if is_int(succeeded) else 0)}


def _condition_true(status: Obj, ctype: str) -> bool:
    return any(d(c).get("type") == ctype and d(c).get("status") == "True" for c in lst(status.get("conditions")))


def validate_generated_selector(meta: Obj, spec: Obj, require_prefixed: bool) -> list[Cause]:
    if spec.get("manualSelector") is True or spec.get("selector") is None:
        return []
    out: list[Cause] = []
    uid, name = meta.get("uid", ""), meta.get("name", "")
    if not uid:
        out.append(v.required("metadata.uid"))
    labels = template_labels(spec)
    tpath = "spec.template.metadata"
    expected = {LEGACY_CONTROLLER_UID: uid, LEGACY_JOB_NAME: name}
    checks = [(LEGACY_CONTROLLER_UID, uid), (LEGACY_JOB_NAME, name)]
    if require_prefixed:
        checks += [(CONTROLLER_UID, uid), (JOB_NAME, name)]
        expected.update({CONTROLLER_UID: uid, JOB_NAME: name})
    for key, want in checks:
        out.extend(_validate_has_label(labels, key, want, tpath))
    s = label_selector(spec.get("selector"))
    if s is not None and not s.matches(expected):
        out.append(raw_invalid("spec.selector", go_selector(spec.get("selector")), "`selector` not auto-generated"))
    return out


def _validate_has_label(labels: dict, key: str, want: str, path: str) -> list[Cause]:
    """core ValidateHasLabel."""
    if key not in labels:
        return [v.required(f"{path}.labels", f"must be '{want}'")]
    if labels[key] != want:
        return [v.invalid(f"{path}.labels", labels, f"must be '{want}'")]
    return []


def validate_job_spec_with_selector(spec: Obj, path: str, allow_invalid_values: bool = False) -> list[Cause]:
    """ValidateJobSpec: the spec, a required selector that matches the template."""
    out = validate_job_spec(spec, path)
    sel = spec.get("selector")
    if sel is None:
        out.append(v.required(f"{path}.selector"))
    else:
        out.extend(v.validate_label_selector(sel, f"{path}.selector", allow_invalid_values))
    s = label_selector(sel)
    labels = template_labels(spec)
    if s is not None and not s.matches(labels):
        out.append(v.invalid(f"{path}.template.metadata.labels", labels,
                             "`selector` does not match template `labels`"))
    return out


def _nonneg(spec: Obj, path: str, *names: str) -> list[Cause]:
    out: list[Cause] = []
    for n in names:
        if spec.get(n) is not None:
            out.extend(v.validate_nonnegative(spec[n], f"{path}.{n}"))
    return out


def validate_job_spec(spec: Obj, path: str) -> list[Cause]:
    """validateJobSpec (shared by Jobs and CronJob job templates)."""
    out = _nonneg(spec, path, "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                  "ttlSecondsAfterFinished", "backoffLimitPerIndex")
    parallelism, completions = spec.get("parallelism"), spec.get("completions")
    blpi, mfi = spec.get("backoffLimitPerIndex"), spec.get("maxFailedIndexes")
    if mfi is not None:
        out.extend(v.validate_nonnegative(mfi, f"{path}.maxFailedIndexes"))
        if blpi is None:
            out.append(v.required(f"{path}.backoffLimitPerIndex", "when maxFailedIndexes is specified"))
    managed_by = spec.get("managedBy")
    if managed_by is not None:
        out.extend(validate_domain_prefixed_path(managed_by, f"{path}.managedBy"))
        if isinstance(managed_by, str) and len(managed_by) > MAX_MANAGED_BY:
            out.append(Cause(f"{path}.managedBy", f"Too long: value may not be longer than {MAX_MANAGED_BY}",
                             v.TOO_LONG))
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in COMPLETION_MODES:
            out.append(v.not_supported(f"{path}.completionMode", mode, COMPLETION_MODES))
        if mode == "Indexed":
            if completions is None:
                out.append(v.required(f"{path}.completions", "when completion mode is Indexed"))
            if is_int(parallelism) and parallelism > MAX_PARALLELISM_INDEXED:
                out.append(v.invalid(f"{path}.parallelism", parallelism, f"must be less than or equal to "
                                     f"{MAX_PARALLELISM_INDEXED} when completion mode is Indexed"))
            if is_int(completions) and is_int(mfi) and mfi > completions:
                out.append(v.invalid(f"{path}.maxFailedIndexes", mfi, "must be less than or equal to completions"))
            if is_int(mfi) and mfi > MAX_FAILED_INDEXES:
                out.append(v.invalid(f"{path}.maxFailedIndexes", mfi,
                                     f"must be less than or equal to {MAX_FAILED_INDEXES}"))
            if is_int(completions) and completions > COMPLETIONS_SOFT_LIMIT and blpi is not None:
                if mfi is None:
                    out.append(v.required(f"{path}.maxFailedIndexes",
                                          f"must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}"))
                if is_int(parallelism) and parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS:
                    out.append(v.invalid(f"{path}.parallelism", parallelism, "must be less than or equal to "
                                         f"{PARALLELISM_LIMIT_HIGH_COMPLETIONS} when completions are above "
                                         f"{COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"))
                if is_int(mfi) and mfi > MAX_FAILED_INDEXES_HIGH_COMPLETIONS:
                    out.append(v.invalid(f"{path}.maxFailedIndexes", mfi, "must be less than or equal to "
                                         f"{MAX_FAILED_INDEXES_HIGH_COMPLETIONS} when completions are above "
                                         f"{COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"))
    if mode in (None, "NonIndexed"):
        if blpi is not None:
            out.append(v.invalid(f"{path}.backoffLimitPerIndex", blpi, "requires indexed completion mode"))
        if mfi is not None:
            out.append(v.invalid(f"{path}.maxFailedIndexes", mfi, "requires indexed completion mode"))
    pfp = spec.get("podFailurePolicy")
    if pfp is not None:
        out.extend(_validate_pod_failure_policy(spec, d(pfp), f"{path}.podFailurePolicy"))
    sp = spec.get("successPolicy")
    if sp is not None:
        if mode != "Indexed":
            out.append(raw_invalid(f"{path}.successPolicy", "batch.SuccessPolicy{...}",
                                   "requires indexed completion mode"))
        else:
            out.extend(_validate_success_policy(spec, d(sp), f"{path}.successPolicy"))
    prp = spec.get("podReplacementPolicy")
    if prp is not None:
        if prp not in POD_REPLACEMENT_POLICIES:
            out.append(v.not_supported(f"{path}.podReplacementPolicy", prp, POD_REPLACEMENT_POLICIES))
        elif pfp is not None and prp != "Failed":
            out.append(v.not_supported(f"{path}.podReplacementPolicy", prp, ("Failed",)))
    template = spec.get("template")
    out.extend(v.validate_pod_template_spec(template if isinstance(template, dict) else {}, f"{path}.template"))
    rp = d(d(template).get("spec")).get("restartPolicy")
    rpath = f"{path}.template.spec.restartPolicy"
    if rp in ("Always", "", None):
        out.append(v.required(rpath, 'valid values: "OnFailure", "Never"'))
    elif rp not in ("OnFailure", "Never"):
        out.append(v.not_supported(rpath, rp, ("OnFailure", "Never")))
    elif pfp is not None and rp != "Never":
        out.append(v.invalid(rpath, rp, 'only "Never" is supported when podFailurePolicy is specified'))
    return out


def _validate_pod_failure_policy(spec: Obj, pfp: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    rules = lst(pfp.get("rules"))
    rpath = f"{path}.rules"
    if len(rules) > MAX_POD_FAILURE_RULES:
        out.append(v.too_many(rpath, len(rules), MAX_POD_FAILURE_RULES))
    containers = {d(c).get("name") for c in lst(d(d(spec.get("template")).get("spec")).get("containers"))}
    containers |= {d(c).get("name") for c in lst(d(d(spec.get("template")).get("spec")).get("initContainers"))}
    for i, rule in enumerate(rules):
        rule = d(rule)
        p = f"{rpath}[{i}]"
        action = rule.get("action")
        if action not in POD_FAILURE_ACTIONS:
            out.append(v.not_supported(f"{p}.action", action if action is not None else "", POD_FAILURE_ACTIONS))
        elif action == "FailIndex" and spec.get("backoffLimitPerIndex") is None:
            out.append(v.forbidden(f"{p}.action", "requires the backoffLimitPerIndex to be set"))
        on_exit, on_cond = rule.get("onExitCodes"), rule.get("onPodConditions")
        if on_exit is not None and on_cond is not None:
            out.append(raw_invalid(p, "batch.PodFailurePolicyRule{...}",
                                   "specifying both OnExitCodes and OnPodConditions is not supported"))
        elif on_exit is None and on_cond is None:
            out.append(raw_invalid(p, "batch.PodFailurePolicyRule{...}",
                                   "specifying one of OnExitCodes and OnPodConditions is required"))
        if isinstance(on_exit, dict):
            ep = f"{p}.onExitCodes"
            cname = on_exit.get("containerName")
            if cname is not None and cname not in containers:
                out.append(v.invalid(f"{ep}.containerName", cname, "must be one of the container or initContainer "
                                                                   "names in the pod template"))
            op = on_exit.get("operator")
            if op not in ("In", "NotIn"):
                out.append(v.not_supported(f"{ep}.operator", op if op is not None else "", ("In", "NotIn")))
            values = lst(on_exit.get("values"))
            if not values:
                out.append(v.required(f"{ep}.values", "at least one value is required"))
            elif len(values) > 255:
                out.append(v.too_many(f"{ep}.values", len(values), 255))
            prev = None
            for j, val in enumerate(values):
                if op == "In" and val == 0:
                    out.append(v.invalid(f"{ep}.values[{j}]", val, "must not be 0 for the In operator"))
                if prev is not None and is_int(val) and is_int(prev):
                    if val == prev:
                        out.append(v.duplicate(f"{ep}.values[{j}]", val))
                    elif val < prev:
                        out.append(raw_invalid(f"{ep}.values", v.go_value(values).replace("interface {}", "int32"),
                                               "must be ordered"))
                prev = val
        for j, pattern in enumerate(lst(on_cond)):
            pattern = d(pattern)
            pp = f"{p}.onPodConditions[{j}]"
            status = pattern.get("status")
            if status not in ("False", "True", "Unknown"):
                out.append(v.not_supported(f"{pp}.status", status if status is not None else "",
                                           ("False", "True", "Unknown")))
            out.extend(v.validate_qualified_name(pattern.get("type") or "", f"{pp}.type"))
    return out


def _validate_success_policy(spec: Obj, sp: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    rules = lst(sp.get("rules"))
    rpath = f"{path}.rules"
    if not rules:
        out.append(v.required(rpath, "at least one rules must be specified when the successPolicy is specified"))
    if len(rules) > MAX_SUCCESS_RULES:
        out.append(v.too_many(rpath, len(rules), MAX_SUCCESS_RULES))
    completions = spec.get("completions") if is_int(spec.get("completions")) else 0
    for i, rule in enumerate(rules):
        rule = d(rule)
        p = f"{rpath}[{i}]"
        count, indexes = rule.get("succeededCount"), rule.get("succeededIndexes")
        if count is None and indexes is None:
            out.append(v.required(p, "at least one of succeededCount or succeededIndexes must be specified"))
        total = 0
        if isinstance(indexes, str):
            if len(indexes) > 64 * 1024:
                out.append(v.too_long(f"{p}.succeededIndexes", 64 * 1024))
            total, err = parse_indexes(indexes, completions)
            if err:
                out.append(v.invalid(f"{p}.succeededIndexes", indexes, f"error parsing succeededIndexes: {err}"))
        if is_int(count):
            out.extend(v.validate_nonnegative(count, f"{p}.succeededCount"))
            if count > completions:
                out.append(v.invalid(f"{p}.succeededCount", count, f"must be less than or equal to {completions} "
                                                                   "(the number of specified completions)"))
            if indexes is not None and count > total:
                out.append(v.invalid(f"{p}.succeededCount", count, f"must be less than or equal to {total} (the "
                                     "number of indexes in the specified succeededIndexes field)"))
    return out


def parse_indexes(text: str, completions: int) -> tuple[int, str]:
    """validateIndexesFormat: (number of indexes, error text)."""
    if not text:
        return 0, ""
    last = None
    total = 0
    for interval in text.split(","):
        limits = interval.split("-")
        if len(limits) > 2:
            return 0, (f'the fragment "{interval}" violates the requirement that an index interval can have at '
                       "most two parts separated by '-'")
        nums = []
        for part in limits:
            try:
                n = int(part)
            except ValueError:
                return 0, f'cannot convert string to integer for index: "{part}"'
            if n >= completions:
                return 0, f'too large index: "{part}"'
            nums.append(n)
        x, y = nums[0], nums[-1]
        if len(nums) == 2 and x >= y:
            return 0, f"non-increasing order, previous: {x}, current: {y}"
        if last is not None and last >= x:
            return 0, f"non-increasing order, previous: {last}, current: {x}"
        total += y - x + 1
        last = y
    return total, ""


def _validate_completions_update(spec: Obj, ospec: Obj) -> list[Cause]:
    new, old = spec.get("completions"), ospec.get("completions")
    if spec.get("completionMode") != "Indexed":  # ElasticIndexedJob (GA): only Indexed Jobs may scale
        return v.validate_immutable(new, old, "spec.completions")
    if new == old or new is None:
        return []
    if new != spec.get("parallelism"):
        return [v.invalid("spec.completions", new, "can only be modified in tandem with spec.parallelism")]
    return []


_SCHEDULING_DIRECTIVES = ("nodeSelector", "tolerations", "schedulingGates")


def _validate_template_update(spec: Obj, ospec: Obj, old: Obj) -> list[Cause]:
    new_t, old_t = spec.get("template"), ospec.get("template")
    suspended = ospec.get("suspend") is True
    started = d(old.get("status")).get("startTime") is not None
    if suspended and not started and isinstance(new_t, dict) and isinstance(old_t, dict):
        # A suspended Job that never started may change where its pods go.
        new_t, old_t = _without_scheduling(new_t), _without_scheduling(old_t)
    if new_t != old_t:
        return [raw_invalid("spec.template", "core.PodTemplateSpec{...}", v.FIELD_IMMUTABLE)]
    return []


def _without_scheduling(template: Obj) -> Obj:
    meta = {k: val for k, val in d(template.get("metadata")).items() if k not in ("labels", "annotations")}
    pod = {k: val for k, val in d(template.get("spec")).items() if k not in _SCHEDULING_DIRECTIVES}
    affinity = {k: val for k, val in d(pod.pop("affinity", None)).items() if k != "nodeAffinity"}
    if affinity:
        pod["affinity"] = affinity
    return {**template, "metadata": meta, "spec": pod}


# ---------------------------------------------------------------------------
# CronJob


@register("batch", "CronJob")
class CronJobStrategy(StatusStrategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        if not spec.get("concurrencyPolicy"):
            spec["concurrencyPolicy"] = "Allow"
        if spec.get("suspend") is None:
            spec["suspend"] = False
        if spec.get("successfulJobsHistoryLimit") is None:
            spec["successfulJobsHistoryLimit"] = 3
        if spec.get("failedJobsHistoryLimit") is None:
            spec["failedJobsHistoryLimit"] = 1
        jt = spec.get("jobTemplate")
        if isinstance(jt, dict):
            jspec = jt.get("spec")
            if isinstance(jspec, dict):
                for rule in lst(d(jspec.get("podFailurePolicy")).get("rules")):
                    for pattern in lst(d(rule).get("onPodConditions")):
                        if isinstance(pattern, dict) and not pattern.get("status"):
                            pattern["status"] = "True"
                default_template(jspec)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_cronjob_spec(spec_of(obj), None, "spec"))
        name = d(obj.get("metadata")).get("name") or ""
        if len(name) > 52:
            # The controller appends an 11-character suffix to make job names (at most 63).
            out.append(v.invalid("metadata.name", name, "must be no more than 52 characters"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))


def validate_cronjob_spec(spec: Obj, ospec: Obj | None, path: str) -> list[Cause]:
    out: list[Cause] = []
    schedule = spec.get("schedule")
    if not schedule:
        out.append(v.required(f"{path}.schedule"))
    elif isinstance(schedule, str):
        allow_tz = ospec is not None and "TZ" in str(ospec.get("schedule", ""))
        err = parse_schedule(schedule)
        if err:
            out.append(v.invalid(f"{path}.schedule", schedule, err))
        if allow_tz and "TZ" in schedule and spec.get("timeZone") is not None:
            out.append(v.invalid(f"{path}.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in "
                                                               "schedule"))
        elif not allow_tz and "TZ" in schedule:
            out.append(v.invalid(f"{path}.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone "
                                                               "field instead"))
    if spec.get("startingDeadlineSeconds") is not None:
        out.extend(v.validate_nonnegative(spec["startingDeadlineSeconds"], f"{path}.startingDeadlineSeconds"))
    if ospec is None or ospec.get("timeZone") != spec.get("timeZone"):
        out.extend(validate_time_zone(spec.get("timeZone"), f"{path}.timeZone"))
    policy = spec.get("concurrencyPolicy")
    if not policy:
        out.append(v.required(f"{path}.concurrencyPolicy"))
    elif policy not in CONCURRENCY_POLICIES:
        out.append(v.not_supported(f"{path}.concurrencyPolicy", policy, CONCURRENCY_POLICIES))
    out.extend(validate_job_template_spec(d(spec.get("jobTemplate")), f"{path}.jobTemplate"))
    out.extend(_nonneg(spec, path, "successfulJobsHistoryLimit", "failedJobsHistoryLimit"))
    return out


def validate_job_template_spec(jt: Obj, path: str) -> list[Cause]:
    jspec = d(jt.get("spec"))
    out = validate_job_spec(jspec, f"{path}.spec")
    if jspec.get("selector") is not None:
        out.append(raw_invalid(f"{path}.spec.selector", go_selector(jspec["selector"]),
                               "`selector` will be auto-generated"))
    if jspec.get("manualSelector") is True:
        out.append(v.not_supported(f"{path}.spec.manualSelector", True, ("nil", "false")))
    return out


_TZ_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")


@lru_cache(maxsize=512)
def _load_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
        return True
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False


def validate_time_zone(tz: Any, path: str) -> list[Cause]:
    if tz is None:
        return []
    if not isinstance(tz, str) or tz == "":
        return [v.invalid(path, tz if isinstance(tz, str) else "", "timeZone must be nil or non-empty string")]
    for part in tz.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.fullmatch(part):
            return [v.invalid(path, tz, f"unknown time zone {tz}")]
    out: list[Cause] = []
    if tz.lower() == "local":
        out.append(v.invalid(path, tz, "timeZone must be an explicit time zone as defined in "
                                       "https://www.iana.org/time-zones"))
    if tz != "UTC" and tz.lower() != "local" and not _load_zone(tz):
        out.append(v.invalid(path, tz, f"unknown time zone {tz}"))
    return out


# ---------------------------------------------------------------------------
# robfig/cron v3 ParseStandard: the error text, or "" when the schedule parses

_DESCRIPTORS = frozenset(("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"))
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"))}
_DAYS = {n: i for i, n in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# (min, max, names) of minute, hour, day of month, month, day of week
_BOUNDS = ((0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DAYS))
_DURATION = re.compile(r"[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+|[-+]?0")


@lru_cache(maxsize=1024)
def parse_schedule(spec: str) -> str:
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        i = spec.find(" ")
        eq = spec.find("=")
        zone = spec[eq + 1:i] if i >= 0 else spec[eq + 1:]
        if zone != "UTC" and zone != "Local" and (not zone or not _load_zone(zone)):
            return f"provided bad location {zone}: unknown time zone {zone}"
        spec = spec[i:].strip() if i >= 0 else ""
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return ""
        if spec.startswith("@every "):
            dur = spec[len("@every "):]
            if not _DURATION.fullmatch(dur):
                return f'failed to parse duration {spec}: time: invalid duration "{dur}"'
            return ""
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for field, (lo, hi, names) in zip(fields, _BOUNDS, strict=True):
        for expr in (e for e in field.split(",") if e):
            err = _cron_range(expr, lo, hi, names)
            if err:
                return err
    return ""


def _cron_int(expr: str) -> tuple[int, str]:
    if not re.fullmatch(r"[+-]?[0-9]+", expr):
        return 0, f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax'
    n = int(expr)
    if n < 0:
        return 0, f"negative number ({n}) not allowed: {expr}"
    return n, ""


def _cron_int_or_name(expr: str, names: dict | None) -> tuple[int, str]:
    if names is not None and expr.lower() in names:
        return names[expr.lower()], ""
    return _cron_int(expr)


def _cron_range(expr: str, lo: int, hi: int, names: dict | None) -> str:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    if low_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start, err = _cron_int_or_name(low_high[0], names)
        if err:
            return err
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end, err = _cron_int_or_name(low_high[1], names)
            if err:
                return err
        else:
            return f"too many hyphens: {expr}"
    step = 1
    if len(range_and_step) == 2:
        step, err = _cron_int(range_and_step[1])
        if err:
            return err
        if len(low_high) == 1:  # "N/step" means "N-max/step"
            end = hi
    elif len(range_and_step) > 2:
        return f"too many slashes: {expr}"
    if start < lo:
        return f"beginning of range ({start}) below minimum ({lo}): {expr}"
    if end > hi:
        return f"end of range ({end}) above maximum ({hi}): {expr}"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end}): {expr}"
    if step == 0:
        return f"step of range should be a positive number: {expr}"
    return ""
