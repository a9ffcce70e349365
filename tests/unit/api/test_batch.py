"""batch/v1 strategies: Job selector generation and defaults, CronJob schedules (robfig/cron texts)."""

import copy

import pytest

from bosun.api.batch import parse_schedule
from tests.unit.api import steps

UID = "6f1e2d3c-0000-4000-8000-00000000abcd"


def strat(kind: str):
    return steps.strat("batch", kind)


def create(kind: str, obj: dict) -> tuple[dict, list[str]]:
    return steps.create(strat(kind), obj, uid=UID)


def update(kind: str, new: dict, old: dict) -> tuple[dict, list[str]]:
    return steps.update(strat(kind), new, old)


def job(restart: str | None = "Never", **spec) -> dict:
    pod = {"containers": [{"name": "once", "image": "busybox", "command": ["echo", "hi"]}]}
    if restart:
        pod["restartPolicy"] = restart
    return {"metadata": {"name": "once"}, "spec": {"template": {"metadata": {}, "spec": pod}, **spec}}


def test_job_defaults_and_generated_selector():
    j, errs = create("Job", job())
    assert errs == []
    spec = j["spec"]
    assert (spec["completions"], spec["parallelism"], spec["backoffLimit"]) == (1, 1, 6)
    assert spec["completionMode"] == "NonIndexed" and spec["suspend"] is False and spec["manualSelector"] is False
    assert spec["podReplacementPolicy"] == "TerminatingOrFailed"
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": UID}}
    expected = {"controller-uid": UID, "batch.kubernetes.io/controller-uid": UID, "job-name": "once",
                "batch.kubernetes.io/job-name": "once"}
    assert spec["template"]["metadata"]["labels"] == expected
    assert j["metadata"]["labels"] == expected  # the job's labels default to its template's
    assert j["metadata"]["generation"] == 1 and j["status"] == {}


def test_job_parallel_defaults():
    j, _ = create("Job", job(parallelism=3))
    assert "completions" not in j["spec"] and j["spec"]["parallelism"] == 3
    j, _ = create("Job", job(completionMode="Indexed", completions=3, backoffLimitPerIndex=1))
    assert j["spec"]["backoffLimit"] == 2**31 - 1


def test_job_restart_policy():
    _, errs = create("Job", job(restart=None))
    assert errs == ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']
    _, errs = create("Job", job(restart="OnFailure", podFailurePolicy={"rules": [
        {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1]}}]}))
    assert errs == ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when '
                    "podFailurePolicy is specified"]


def test_job_validation_messages():
    _, errs = create("Job", job(backoffLimit=-1))
    assert errs == ["spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"]
    _, errs = create("Job", job(completionMode="Indexed", parallelism=2))
    assert errs == ["spec.completions: Required value: when completion mode is Indexed"]
    _, errs = create("Job", job(maxFailedIndexes=1))
    assert "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified" in errs
    manual = job(manualSelector=True, selector={"matchLabels": {"a": "b"}})
    manual["spec"]["template"]["metadata"]["labels"] = {"a": "c"}
    _, errs = create("Job", manual)
    assert errs == ['spec.template.metadata.labels: Invalid value: map[string]string{"a":"c"}: `selector` does not '
                    "match template `labels`"]
    wrong = job(selector={"matchLabels": {"batch.kubernetes.io/controller-uid": "other"}})
    _, errs = create("Job", wrong)
    assert ("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
            '"batch.kubernetes.io/controller-uid":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: '
            "`selector` not auto-generated") in errs


def test_job_warning_for_non_label_name():
    s = strat("Job")
    j, _ = create("Job", {**job(), "metadata": {"name": "once.v1"}})
    assert s.warnings(j, None) == ["metadata.name: this is used in Pod names and hostnames, which can result in "
                                   "surprising behavior; a DNS label is recommended: [must not contain dots]"]


def test_job_immutable_fields():
    old, _ = create("Job", job())
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:2"
    _, errs = update("Job", new, old)
    assert errs == ["spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"]
    new = copy.deepcopy(old)
    new["spec"]["completions"] = 2
    _, errs = update("Job", new, old)
    assert errs == ["spec.completions: Invalid value: 2: field is immutable"]
    new = copy.deepcopy(old)
    new["spec"]["parallelism"] = 4
    new, errs = update("Job", new, old)
    assert errs == [] and new["metadata"]["generation"] == 2


def test_suspended_job_may_move_its_pods():
    old, _ = create("Job", job(suspend=True))
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["nodeSelector"] = {"disk": "ssd"}
    _, errs = update("Job", new, old)
    assert errs == []


def test_job_field_selector():
    s = strat("Job")
    assert s.field_labels == ("status.successful",)
    assert s.field_values({"status": {"succeeded": 2}}) == {"status.successful": "2"}


def cronjob(schedule: str = "*/5 * * * *", **spec) -> dict:
    jt = {"metadata": {"name": "tick"}, "spec": {"template": {"metadata": {}, "spec": {
        "containers": [{"name": "tick", "image": "busybox"}], "restartPolicy": "OnFailure"}}}}
    return {"metadata": {"name": "tick"}, "spec": {"schedule": schedule, "jobTemplate": jt, **spec}}


def test_cronjob_defaults():
    cj, errs = create("CronJob", cronjob())
    assert errs == []
    spec = cj["spec"]
    assert spec["concurrencyPolicy"] == "Allow" and spec["suspend"] is False
    assert spec["successfulJobsHistoryLimit"] == 3 and spec["failedJobsHistoryLimit"] == 1
    jspec = spec["jobTemplate"]["spec"]
    assert "backoffLimit" not in jspec  # the job's own defaults come when the controller creates it
    assert jspec["template"]["spec"]["dnsPolicy"] == "ClusterFirst"


def test_cronjob_validation():
    _, errs = create("CronJob", cronjob("*/5 * * *"))
    assert errs == ['spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]']
    _, errs = create("CronJob", cronjob("TZ=UTC 0 * * * *"))
    assert errs == ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use '
                    "timeZone field instead"]
    _, errs = create("CronJob", cronjob(timeZone="Mars/Olympus"))
    assert errs == ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']
    _, errs = create("CronJob", cronjob(timeZone="Europe/Berlin"))
    assert errs == []
    _, errs = create("CronJob", cronjob(concurrencyPolicy="Sometimes"))
    assert errs == ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", '
                    '"Replace"']
    long = cronjob()
    long["metadata"]["name"] = "a" * 53
    _, errs = create("CronJob", long)
    assert errs == [f'metadata.name: Invalid value: "{"a" * 53}": must be no more than 52 characters']
    with_selector = cronjob()
    with_selector["spec"]["jobTemplate"]["spec"]["selector"] = {"matchLabels": {"a": "b"}}
    _, errs = create("CronJob", with_selector)
    assert errs[0].endswith("`selector` will be auto-generated")


@pytest.mark.parametrize(("schedule", "error"), [
    ("*/5 * * * *", ""),
    ("@hourly", ""),
    ("@every 1h30m", ""),
    ("0 0 * * sun-sat", ""),
    ("0 0 1 jan *", ""),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every x", 'failed to parse duration @every x: time: invalid duration "x"'),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("* * * * 7", "end of range (7) above maximum (6): 7"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("", "empty spec string"),
])
def test_schedule_parser(schedule: str, error: str):
    assert parse_schedule(schedule) == error
