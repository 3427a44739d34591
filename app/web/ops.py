"""Operations endpoints: ``/healthz`` (public JSON), ``/ping`` (nothing at all) and the
Prometheus ``/metrics``; and the request latency/status instruments every request feeds.

None of them needs a sign-in, reads the session cookie or sets one. ``/metrics`` answers a
request from the machine itself (loopback, not forwarded by a reverse proxy) or one that
carries ``Authorization: Bearer <metrics_token>``; anyone else gets 403.

Under gunicorn (``zhuanjie serve --workers N``) ``PROMETHEUS_MULTIPROC_DIR`` is set and the
request instruments write to per-process files that a scrape sums over every worker; the
database-derived gauges are computed at scrape time by whichever worker answers.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from app.db import session_scope
from app.models.case import CASE_STATUSES
from app.scheduler import in_process_last_sweep
from app.services.health import check_health, ops_figures
from app.web.support import clock, settings

log = logging.getLogger("zhuanjie.web")
bp = Blueprint("ops", __name__)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# no *_created series: the same output with one process as in multiprocess mode
disable_created_metrics()  # type: ignore[no-untyped-call]
# the request instruments: their own registry (a scrape builds its registry per request)
_requests = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram(
    "zhuanjie_http_request_duration_seconds", "Time to answer an HTTP request, by endpoint.",
    ["endpoint", "method"], registry=_requests,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
RESPONSES = Counter("zhuanjie_http_responses", "HTTP responses, by endpoint and status code.",
                    ["endpoint", "method", "status"], registry=_requests)


@bp.before_app_request
def _start_timer() -> None:
    g.zj_request_began = time.perf_counter()


@bp.after_app_request
def _observe(response: Response) -> Response:
    endpoint = request.endpoint or "unmatched"
    method = request.method if request.method in _METHODS else "other"
    began = g.get("zj_request_began")
    try:
        if began is not None:
            REQUEST_SECONDS.labels(endpoint, method).observe(time.perf_counter() - began)
        RESPONSES.labels(endpoint, method, str(response.status_code)).inc()
    except Exception:  # a metrics file problem never breaks a page
        log.exception("request metrics could not be recorded")
    return response


@bp.get("/ping")
def ping() -> Response:
    """A tiny answer and nothing else: no database, no session, no sign-in."""
    return Response("pong\n", mimetype="text/plain")


@bp.get("/healthz")
def healthz() -> Any:
    """Database reachable, migrations at head, a scheduler alive: 200, or 503 naming the
    failed checks."""
    s = settings()
    health = check_health(current_app.config["ENGINE"], clock().now(),
                          stale_seconds=s.health_scheduler_stale_seconds,
                          in_process_sweep=in_process_last_sweep() if s.scheduler_in_web
                          else None)
    return jsonify(health.to_json()), 200 if health.ok else 503


def _from_this_machine() -> bool:
    forwarded = ("X-Forwarded-For", "X-Real-IP", "Forwarded")
    if any(h in request.headers for h in forwarded):
        return False  # relayed by a reverse proxy: the client is elsewhere
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _token_ok() -> bool:
    token = settings().metrics_token
    given = request.headers.get("Authorization", "")
    if not token or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer "):].strip().encode(), token.encode())


class _DatabaseFigures(Collector):
    """The gauges read from the database at scrape time."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("zhuanjie_database_up",
                               "1 when the scrape could read the database, else 0.")
        try:
            with session_scope(current_app.config["ENGINE"]) as session:
                figures = ops_figures(session, clock().now(),
                                      settings().health_scheduler_stale_seconds)
        except Exception:
            log.exception("metrics: the database could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        cases = GaugeMetricFamily("zhuanjie_cases", "Transfer cases by status.",
                                  labels=["status"])
        for status in sorted(set(CASE_STATUSES) | set(figures.cases_by_status)):
            cases.add_metric([status], figures.cases_by_status.get(status, 0))
        yield cases
        yield from _gauges(figures)


def _gauges(figures: Any) -> Iterator[Metric]:
    plain = [
        ("zhuanjie_human_tasks_open", "Open human tasks.", figures.open_tasks),
        ("zhuanjie_human_tasks_overdue", "Open human tasks past their due time.",
         figures.overdue_tasks),
        ("zhuanjie_timers_waiting", "Timers waiting to fire.", figures.waiting_timers),
        ("zhuanjie_timer_lag_seconds", "Seconds since the oldest due timer of a running "
         "instance should have fired; 0 when none is late.", figures.timer_lag_seconds),
        ("zhuanjie_schedulers_alive", "Schedulers that swept within the staleness limit.",
         figures.schedulers_alive),
    ]
    for name, doc, value in plain:
        yield GaugeMetricFamily(name, doc, value=value)
    if figures.heartbeat_age_seconds is not None:
        yield GaugeMetricFamily("zhuanjie_scheduler_heartbeat_age_seconds",
                                "Seconds since any running scheduler last finished a sweep.",
                                value=figures.heartbeat_age_seconds)


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text format: request figures of every worker, database figures now."""
    if not (_from_this_machine() or _token_ok()):
        return Response("forbidden\n", status=403, mimetype="text/plain")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUEST_SECONDS)
        registry.register(RESPONSES)
    registry.register(_DatabaseFigures())
    return Response(generate_latest(registry), mimetype=None, content_type=CONTENT_TYPE)
