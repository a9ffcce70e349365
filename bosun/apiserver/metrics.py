"""The API server's Prometheus metrics: request counts and latencies by verb and resource."""

from __future__ import annotations

import bisect
from collections import defaultdict

BUCKETS = (0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0,
           15.0, 20.0, 30.0, 45.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, str, str, int], int] = defaultdict(int)
        self.latency: dict[tuple[str, str, str, str], list[float]] = {}  # bucket counts + [sum, count]
        self.watchers: dict[str, int] = defaultdict(int)

    def observe(self, verb: str, group: str, resource: str, subresource: str, code: int, seconds: float) -> None:
        verb = verb.upper() if verb in ("get", "list", "watch", "create", "update", "patch", "delete",
                                        "deletecollection") else verb.upper()
        self.requests[(verb, group, resource, subresource, code)] += 1
        key = (verb, group, resource, subresource)
        h = self.latency.get(key)
        if h is None:
            h = self.latency[key] = [0.0] * (len(BUCKETS) + 2)
        i = bisect.bisect_left(BUCKETS, seconds)
        if i < len(BUCKETS):
            h[i] += 1
        h[-2] += seconds
        h[-1] += 1

    def watchers_inc(self, resource: str, n: int) -> None:
        self.watchers[resource] += n

    def render(self) -> bytes:
        out = ["# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, group, "
               "resource, subresource and HTTP response code.",
               "# TYPE apiserver_request_total counter"]
        for (verb, group, res, sub, code), n in sorted(self.requests.items()):
            out.append(f'apiserver_request_total{{code="{code}",group="{group}",resource="{res}",'
                       f'subresource="{sub}",verb="{verb}"}} {n}')
        out.append("# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each "
                   "verb, group, resource and subresource.")
        out.append("# TYPE apiserver_request_duration_seconds histogram")
        for (verb, group, res, sub), h in sorted(self.latency.items()):
            labels = f'group="{group}",resource="{res}",subresource="{sub}",verb="{verb}"'
            cum = 0.0
            for b, n in zip(BUCKETS, h, strict=False):
                cum += n
                out.append(f'apiserver_request_duration_seconds_bucket{{{labels},le="{b}"}} {int(cum)}')
            out.append(f'apiserver_request_duration_seconds_bucket{{{labels},le="+Inf"}} {int(h[-1])}')
            out.append(f"apiserver_request_duration_seconds_sum{{{labels}}} {h[-2]}")
            out.append(f"apiserver_request_duration_seconds_count{{{labels}}} {int(h[-1])}")
        out.append("# HELP apiserver_longrunning_requests Gauge of all active long-running apiserver requests.")
        out.append("# TYPE apiserver_longrunning_requests gauge")
        for res, n in sorted(self.watchers.items()):
            out.append(f'apiserver_longrunning_requests{{resource="{res}",verb="WATCH"}} {n}')
        return ("\n".join(out) + "\n").encode()
