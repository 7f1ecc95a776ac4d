"""Public pages served as bytes from the shared cache, the same for every anonymous visitor.

A viral share brings thousands of identical requests for the same page. The first one renders
it; for `PUBLIC_PAGE_SECONDS` every other visitor in that language gets the stored bytes, and
so can any proxy or CDN in front (`Cache-Control: public, max-age=N,
stale-while-revalidate=2N, stale-if-error=5N` and an ETag). Past that a page is still good
while nothing it shows has changed (no figure moved, no campaign changed), up to
`KEEP_SECONDS`. When a stored page is out of date, one process rebuilds it (a short lock in
the cache) while the others keep serving the old bytes.

Only anonymous GET/HEAD requests are served from the cache: a request carrying a session
cookie (staff) or, for most pages, a query string renders as usual, and so does everything
while the cache is unreachable. Only a 200 that sets no cookie is stored.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

KEEP_SECONDS = 60  # longest a stored page stands in, if nothing it shows changed
LOCK_SECONDS = 10  # a crashed rebuilder frees the lock by then
MAX_QUERY = 200  # longer query strings are not stored (and never were cacheable)
CHANGED_KEY = "pages:v1:changed"  # anything public pages show: figures too (every signature)
# Only when a campaign itself changed (status, texts, schedule, translations, targets): what
# caches of the campaign row check, such as the signing snapshot (pledges/snapshots.py),
# which a stamp moved by every signature would throw away at every signature.
CAMPAIGN_CHANGED_KEY = "pages:v1:campaign-changed"
# Headers of a stored response that are the visitor's own, not the page's.
NOT_STORED = {"set-cookie", "content-length", "date", "vary"}


def page_seconds() -> int:
    """0 turns the page cache off (the test suite's default: most tests change figures and
    read the page back within a second)."""
    return max(0, settings.PUBLIC_PAGE_SECONDS)


def changed() -> None:
    """A campaign changed (its status, texts, schedule, translations or targets): on commit,
    stored pages are rebuilt and cached copies of campaigns (`CAMPAIGN_CHANGED_KEY`) dropped.

    Call it inside the transaction of every change to a campaign."""
    transaction.on_commit(_stamp_campaign_change)


def _stamp_campaign_change() -> None:
    stamp = time.time()
    cache.set_many({CHANGED_KEY: stamp, CAMPAIGN_CHANGED_KEY: stamp}, None)


def figures_moved(campaign_id: int, keys: frozenset[str]) -> None:
    """`campaigns.figures` listener: counters on public pages moved (the campaign did not)."""
    transaction.on_commit(lambda: cache.set(CHANGED_KEY, time.time(), None))


def _cacheable_request(request: HttpRequest, *, with_query: bool) -> bool:
    if request.method not in ("GET", "HEAD") or not page_seconds():
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # maybe staff: previews and logged-in pages are their own
    query = request.META.get("QUERY_STRING", "")
    return not query or (with_query and len(query) <= MAX_QUERY)


def _key(request: HttpRequest) -> str:
    path = request.path + "?" + request.META.get("QUERY_STRING", "")
    digest = hashlib.sha256(f"{get_language()}|{path}".encode()).hexdigest()
    return f"pages:v1:{digest}"


def _store(response: HttpResponse, built_at: float) -> dict:
    headers = {k: v for k, v in response.headers.items() if k.lower() not in NOT_STORED}
    return {"built_at": built_at, "content": response.content, "headers": headers}


def _from_entry(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"].items():
        response[name] = value
    return response


def _public_headers(response: HttpResponse) -> HttpResponse:
    seconds = page_seconds()
    patch_cache_control(
        response,
        public=True,
        max_age=seconds,
        stale_while_revalidate=2 * seconds,
        stale_if_error=5 * seconds,
    )
    if not response.has_header("ETag"):
        response["ETag"] = (
            '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
        )
    return response


def _answer(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    etag = response["ETag"]
    if etag in request.headers.get("If-None-Match", ""):
        not_modified = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control"):
            not_modified[name] = response[name]
        return not_modified
    return response


def _fresh(entry: dict, last_change: float | None, now: float) -> bool:
    age = now - entry["built_at"]
    if age < page_seconds():
        return True
    unchanged = last_change is None or last_change < entry["built_at"]
    return unchanged and age < KEEP_SECONDS


def public_page(view=None, *, with_query: bool = False):
    """Serve the view's anonymous answers from the shared cache (see the module docstring).

    Put it next to the function, under `require_safe`, `csp_override` and the like: they then
    apply to stored answers too. `with_query`: the query string is part of the page (embeds);
    otherwise a request with one renders uncached.
    """

    def decorate(view):
        @wraps(view)
        def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request, with_query=with_query):
                return view(request, *args, **kwargs)
            key = _key(request)
            found = cache.get_many([key, CHANGED_KEY])
            entry, now = found.get(key), time.time()
            if entry is not None and (
                _fresh(entry, found.get(CHANGED_KEY), now)
                or not cache.add(key + ":lock", 1, LOCK_SECONDS)  # another process rebuilds
            ):
                return _answer(request, _public_headers(_from_entry(entry)))
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()  # a template or DRF response, rendered lazily otherwise
                if response.status_code != 200 or response.cookies or response.streaming:
                    return response
                _public_headers(response)
                cache.set(key, _store(response, now), KEEP_SECONDS)
            finally:
                if entry is not None:
                    cache.delete(key + ":lock")
            return _answer(request, response)

        return cached

    return decorate(view) if view is not None else decorate
