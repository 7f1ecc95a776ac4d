"""Shared fixtures: personas, campaigns built through our own services, the task worker."""

import io
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from campaigns import services
from campaigns.models import Campaign, CampaignTranslation
from staff.roles import COMMUNICATIONS, FINANCE, MODERATORS
from tests.receiver import Receiver


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /es/… leaves Spanish active in the thread (LocaleMiddleware never resets
    it): each test starts, and ends, in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Content type ids can change when a transactional test flushes and reloads the
    # database; Django's per-process content type cache must not outlive that.
    ContentType.objects.clear_cache()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_user(django_user_model, username: str, group: str | None = None, **extra):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@staff.example", password="pw-" + username, **extra
    )
    if group:
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def comms(django_user_model):
    return make_user(django_user_model, "comms", COMMUNICATIONS)


@pytest.fixture
def moderator(django_user_model):
    return make_user(django_user_model, "moderator", MODERATORS)


@pytest.fixture
def finance(django_user_model):
    return make_user(django_user_model, "finance", FINANCE)


@pytest.fixture
def translator(django_user_model):
    """A member of the Translators group who translates into Spanish (only)."""
    from campaigns.models import TranslatorLanguage
    from staff.roles import TRANSLATORS

    user = make_user(django_user_model, "translator", TRANSLATORS)
    TranslatorLanguage.objects.create(user=user, language="es")
    return user


@pytest.fixture
def outsider(django_user_model):
    """A logged-in account with no staff group."""
    return make_user(django_user_model, "outsider")


def verified_login(client, user):
    """Log `client` in as `user` the way staff really are: password and second factor.

    Staff get a confirmed backup-code device, marked in the session as the one that
    verified this login (what `django_otp.login` stores after a real code check).
    """
    client.force_login(user)
    if user.is_staff:
        device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def stored(model, field: str, pk: int) -> str:
    """The value as the database holds it, without the model field decrypting it."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    return (
        model.objects.filter(pk=pk)
        .annotate(raw=Cast(field, TextField()))
        .values_list("raw", flat=True)
        .get()
    )


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated contents (staff groups, content types).

    A plain flush would re-create content types with new ids, which a later test restoring
    serialized contents then collides with.
    """
    for item in items:
        mark = item.get_closest_marker("django_db")
        if mark and mark.kwargs.get("transaction") and not mark.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)"
            )


PERSONAS = ["anonymous", "outsider", "comms", "moderator", "finance"]


@pytest.fixture
def persona_client(client, request):
    """Return a function that logs the client in as a named persona."""

    def login(name: str):
        if name != "anonymous":
            verified_login(client, request.getfixturevalue(name))
        return client

    return login


def create_campaign(
    slug: str = "refuse",
    *,
    kind: str = Campaign.Kind.STATEMENT,
    live: bool = True,
    translations: dict[str, dict] | None = None,
    **fields,
) -> Campaign:
    fields.setdefault("title", f"Campaign {slug}")
    fields.setdefault("summary", f"Summary of {slug}")
    fields.setdefault("statement", "We **refuse**.")
    campaign = Campaign(slug=slug, kind=kind, **fields)
    campaign.full_clean()
    campaign.save()
    for language, values in (translations or {}).items():
        CampaignTranslation.objects.create(campaign=campaign, language=language, **values)
    if live:
        campaign = services.publish(campaign, by=None)
    return campaign


@pytest.fixture
def campaign(db):
    return create_campaign(
        "refuse",
        signature_goal=1000,
        organisation_goal=50,
        translations={"es": {"title": "Rechazamos", "summary": "Resumen"}},
    )


def take_signatures() -> None:
    """Run the intake job once: waiting sign submissions become signatures (pledges/intake.py)."""
    call_command("take_signatures", "--once", stdout=io.StringIO())


def run_tasks() -> None:
    """Run the background work: the intake job, then every queued task to completion with
    the real database backend.

    The worker closes "old" connections between tasks; inside a test's transaction
    that would close the test's own connection, so that one call is held back here.
    """
    take_signatures()
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@pytest.fixture
def tasks():
    return run_tasks


@pytest.fixture
def receiver(settings):
    """A partner's webhook endpoint on 127.0.0.1 that records what it receives."""
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    server = Receiver()
    yield server
    server.close()
