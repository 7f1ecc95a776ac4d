"""A Redis cache that degrades instead of failing: the site serves without it.

Everything we keep in the cache can be recomputed (counters, rendered fragments, throttle
histories), so when Redis is unreachable every read is a miss, every write is dropped, and
the callers take their uncached path: figures are counted from the rows, API throttles fail
open, signing goes on (its rate limits live in PostgreSQL). After a failure the cache is left
alone for `RETRY_SECONDS`, so a dead server costs one short connect timeout every few seconds
rather than one per call; the outage is logged once when it starts and once when it ends.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# Without these, a connect to a dead host waits for the kernel's timeout (minutes).
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` for every operation: building one (its
    table of some 500 response callbacks) cost about 0.17 ms, three times a signature and
    on every stored page (bench/). One client per connection pool serves them all; redis-py
    clients are safe to share between threads, the pool hands out the connections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down_since: float | None = None

    # The outage state ---------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self._down_until = time.monotonic() + RETRY_SECONDS
            if self._down_since is None:
                self._down_since = time.monotonic()
                logger.warning("cache unreachable (%s): serving without it", type(exc).__name__)

    def _succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is not None:
                logger.warning(
                    "cache reachable again after %.0f s", time.monotonic() - self._down_since
                )
                self._down_since = None

    def _call(self, operation, default, *args, **kwargs):
        if not self.available:
            return default
        try:
            result = operation(*args, **kwargs)
        except RedisError as exc:
            self._failed(exc)
            return default
        self._succeeded()
        return result

    def ping(self) -> str | None:
        """None when the server answers now, else the kind of failure (for /healthz).

        Tries even during a backoff, so a recovered server is seen at once."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as exc:
            self._failed(exc)
            return type(exc).__name__
        with self._lock:
            self._down_until = 0.0
        self._succeeded()
        return None

    # The cache API: a miss or a dropped write while the server is away ----------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call(super().incr, None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found")  # what a miss says
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
