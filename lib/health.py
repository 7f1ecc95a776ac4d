"""`/healthz`: what the site depends on, for monitoring and load balancers.

The answer is 503 only when the site cannot serve (the database is down). A cache outage or a
task queue falling behind is reported as "degraded" with a 200, so a load balancer keeps
sending traffic while monitoring sees what is wrong:

    {"status": "degraded",
     "database": {"ok": true},
     "cache": {"ok": false, "error": "ConnectionError"},
     "tasks": {"ok": true, "ready": 3, "oldest_ready_seconds": 2},
     "counters": {"ok": true, "oldest_change_seconds": 1}}

Apps add their own entries with `register` (the counting job's backlog, `campaigns`).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Case, F, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

HEALTH_KEY = "healthz:probe"
_checks: dict[str, Callable[[], dict]] = {}


def register(name: str, check: Callable[[], dict]) -> None:
    """`check()` returns {"ok": bool, …}; a database error in it reads as not ok."""
    _checks[name] = check


READY_COUNT_CAP = 1000  # "ready" says 1000 for any larger backlog


def database_health() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def cache_health() -> dict:
    ping = getattr(cache, "ping", None)
    if ping is not None:  # lib.cache.ResilientRedisCache: asks the server itself
        error = ping()
        return {"ok": True} if error is None else {"ok": False, "error": error}
    try:
        cache.set(HEALTH_KEY, 1, 10)
        ok = cache.get(HEALTH_KEY) == 1
    except Exception as exc:  # noqa: BLE001 - any backend failure is "not ok" here
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True} if ok else {"ok": False, "error": "lost write"}


def tasks_health() -> dict:
    """How many tasks wait for a worker, and how long the oldest has waited."""
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest(F("enqueued_at"), F("run_after")),
    )
    ready = DBTaskResult.objects.ready()
    oldest = ready.annotate(since=waiting_since).order_by("since").values_list("since", flat=True)
    first = oldest.first()
    age = int((timezone.now() - first).total_seconds()) if first else 0
    limit = getattr(settings, "HEALTH_TASK_QUEUE_MAX_AGE_SECONDS", 300)
    # Counted up to a cap: a load balancer polls this, and a backlog must not make it slow.
    waiting = ready.values("pk")[:READY_COUNT_CAP].count()
    return {"ok": age <= limit, "ready": waiting, "oldest_ready_seconds": max(age, 0)}


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_health()
    body = {"status": "ok", "database": database, "cache": cache_health()}
    if not database["ok"]:
        body["status"] = "unavailable"
        return JsonResponse(body, status=503)
    for name, check in {"tasks": tasks_health, **_checks}.items():
        try:
            body[name] = check()
        except DatabaseError as exc:
            body[name] = {"ok": False, "error": type(exc).__name__}
    if not all(part["ok"] for part in body.values() if isinstance(part, dict)):
        body["status"] = "degraded"
    return JsonResponse(body)
