"""The browser-test harness: Debian's Chromium driven by Playwright against a live server.

Every test in tests/browser/ is marked `browser` (run them alone with `pytest -m browser`).
A feature adds a journey in a few lines:

    def test_supporter_signs(page, site, screenshot):
        create_campaign("refuse")                      # state through our own services
        page.goto(site.url + "/c/refuse/")
        page.get_by_label("Email").fill("a@example.org")
        ...
        screenshot("supporter-signs")                  # artifacts/screenshots/<name>.png

Fixtures: `site` (the live server, database restored to its migrated state for every test,
staff groups included), `page` (fails the test if the page requests anything from another
origin; extend `allowed_origins` for a cross-origin embed test), `staff_page(user)` (a page
logged in through the real password + second-factor flow), `screenshot(name)`, `axe_check`,
`emailed_link(address, fragment)` (runs the task worker in-process, then returns the link on
the live server from the last email to `address`: the live server shares this process and its
committed database, so `mail.outbox` fills here).
"""

import os
import re
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; the ORM calls that tests make
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(settings.BASE_DIR) / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
STAFF_BACKUP_CODE = "journeycode0001"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Browsers cannot be downloaded here: never `playwright install`; use Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1000, "height": 800}}


@pytest.fixture(scope="session", autouse=True)
def _share_migrated_contents(django_db_setup):
    """Make the migrated contents, serialized at database setup, visible to every connection.

    Playwright's sync API runs an event loop in this thread; from then on Django hands test
    code a context-local connection object, not the thread's one that holds the serialized
    contents, and serialized rollback would silently find nothing to restore.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture
def site(live_server, django_db_serialized_rollback):
    """The live server. A flush between tests would delete the staff groups that a data
    migration creates, so the migrated contents are restored for every test."""
    return live_server


@pytest.fixture
def emailed_link(site, settings):
    """The link containing `fragment` in the last email to `address`, after running the
    queued tasks. Emails link to SITE_URL, which is pointed at the live server here."""
    from tests.conftest import run_tasks

    settings.SITE_URL = site.url

    def find(address: str, fragment: str) -> str:
        run_tasks()
        for message in reversed(mail.outbox):
            if address in message.to:
                for link in re.findall(r"https?://[^\s<>\"]+", message.body):
                    if fragment in link:
                        return link
                raise AssertionError(f"no {fragment} link in: {message.body}")
        raise AssertionError(f"no email to {address}")

    return find


@pytest.fixture
def allowed_origins(site) -> list[str]:
    return [site.url]


class ForeignRequests(list):
    """A `page.on("request")` listener collecting URLs outside `allowed_origins`."""

    def __init__(self, allowed_origins: list[str]):
        super().__init__()
        self.allowed_origins = allowed_origins

    def __call__(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not any(url == o or url.startswith(o + "/") for o in self.allowed_origins):
            self.append(url)


@pytest.fixture
def page(page, allowed_origins):
    """Playwright's page, failing the test on any request to another origin."""
    foreign = ForeignRequests(allowed_origins)
    page.on("request", foreign)
    page.set_default_timeout(5000)
    yield page
    assert not foreign, f"requests to other origins: {list(foreign)}"


@pytest.fixture
def screenshot(page, request):
    """Save the last step of a journey: screenshot("name") or screenshot("name", other_page)."""

    def take(name: str | None = None, target=None) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name or request.node.name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def staff_page(page, site):
    """Log `user` in through the real forms: password, then a one-time backup code."""

    def log_in(user, password: str | None = None):
        device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
        StaticToken.objects.create(device=device, token=STAFF_BACKUP_CODE)
        page.goto(f"{site.url}/{settings.ADMIN_PATH}login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password or f"pw-{user.username}")
        page.get_by_role("button", name="Log in").click()
        page.get_by_label("Code").fill(STAFF_BACKUP_CODE)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{site.url}/{settings.ADMIN_PATH}")
        return page

    return log_in


@pytest.fixture
def axe_check(page):
    """Run axe-core on the current page; return violations of impact serious or critical.

    The injected script needs a context with `bypass_csp` (see test_accessibility.py)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (npm install axe-core into var/npm)")

    def check() -> list[dict]:
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check
