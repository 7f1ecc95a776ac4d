"""One settings module, configured from the environment with safe local defaults.

Every variable is listed in `.env.example` and in the README.
"""

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_colour, env_fernet_keys, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
# A known key for DEBUG runs only; production refuses it below.
_LOCAL_SECRET = (  # refused below whenever DEBUG is off # nosec B105
    "local-development-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
)
SECRET_KEY = env_str("SECRET_KEY", _LOCAL_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
if not DEBUG and SECRET_KEY == _LOCAL_SECRET:
    raise ImproperlyConfigured("Set a real SECRET_KEY when DEBUG is off")

# The key of the keyed hashes of emails, phone numbers and IP addresses (lib/hashing.py): its
# own key, so rotating SECRET_KEY keeps dedupe and rate limits working. Required in production.
_LOCAL_HASH_KEY = "local-development-only-hash-key-not-for-production"  # noqa: S105
HASH_KEY = env_str("HASH_KEY", _LOCAL_HASH_KEY if DEBUG else "")
if not HASH_KEY:
    raise ImproperlyConfigured("HASH_KEY is required when DEBUG is off")
if not DEBUG and HASH_KEY == _LOCAL_HASH_KEY:
    raise ImproperlyConfigured("Set a real HASH_KEY when DEBUG is off")

# Keys that encrypt personal data at rest (lib/encryption.py): comma-separated Fernet keys, the
# first encrypts and all decrypt. Losing every key loses the encrypted emails and names for
# good (README, "Encryption keys"). Required in production; DEBUG runs use a known local key.
_LOCAL_FIELD_KEY = "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXk="  # noqa: S105 # nosec B105
FIELD_ENCRYPTION_KEYS = env_fernet_keys("FIELD_ENCRYPTION_KEYS", _LOCAL_FIELD_KEY if DEBUG else "")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required when DEBUG is off")
if not DEBUG and _LOCAL_FIELD_KEY.encode() in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("Set real FIELD_ENCRYPTION_KEYS when DEBUG is off")

# Days an email address is kept after the last thing owed to it, then blanked (only its keyed
# hash stays): `manage.py forget_spent_addresses`, daily (lib/personal_data.py).
EMAIL_RETENTION_DAYS = env_int("EMAIL_RETENTION_DAYS", 7)

# Public breakdowns (by country …) show a group's count only from this many up; smaller ones
# read "fewer than N" and are counted together (lib/disclosure.py). Totals stay exact.
PUBLIC_MIN_COUNT = env_int("PUBLIC_MIN_COUNT", 5)
if PUBLIC_MIN_COUNT < 1:
    raise ImproperlyConfigured("PUBLIC_MIN_COUNT must be at least 1")
# Days after a campaign closes before its signers are anonymised (names, emails and hashes
# rewritten; counts kept): `manage.py anonymise_closed_campaigns`, daily (pledges/anonymisation.py).
ANONYMISE_AFTER_CLOSE_DAYS = env_int("ANONYMISE_AFTER_CLOSE_DAYS", 183)
if ANONYMISE_AFTER_CLOSE_DAYS < 0:
    raise ImproperlyConfigured("ANONYMISE_AFTER_CLOSE_DAYS must not be negative")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Who the site speaks for: the name and logo in every page's header, the share cards and the
# emails, and the one accent colour of links, buttons and bars (#rrggbb, at least 4.5:1 on
# white; lightened automatically for the dark theme). An empty name reads "Coalition campaigns"
# in the page's language. The logo is a path under static/ (no other origin is ever loaded).
COALITION_NAME = env_str("COALITION_NAME", "")
COALITION_LOGO = env_str("COALITION_LOGO", "img/icon.svg")
COALITION_ACCENT_COLOUR = env_colour("COALITION_ACCENT_COLOUR", "#0b5d3b")
ADMIN_PATH = env_str("ADMIN_PATH", "staff/admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    # Before django_tasks_db: its `db_worker` command is wrapped by ours (lib/task_queue.py).
    "lib",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Our rooms, from the ground floor up (lib above): a room imports only rooms before it.
    "staff",
    "campaigns",
    "partners",
    "pledges",
    "donations",
    "commitments",
    "paper",
    "api",
    "workspace",
    "demo",
]
# The benchmark's baseline views (bench/, `make bench`): never installed unless asked for.
BENCH_BASELINE = env_bool("BENCH_BASELINE", False)
if BENCH_BASELINE:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns its lockout exception into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaigns.context_processors.site",
                "campaigns.context_processors.branding",
            ],
        },
    },
]

# Database: SQLite under var/ for zero-setup local use; PostgreSQL in production and CI.
VAR_DIR.mkdir(exist_ok=True)
_database = dj_database_url.parse(
    env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
    conn_max_age=env_int("CONN_MAX_AGE", 60),
    conn_health_checks=True,
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: without these a burst of signers gets "database is locked" (500).
    # WAL lets readers go on while one writes; IMMEDIATE takes the write lock when a
    # transaction starts, so a writer waits its turn (up to `timeout` seconds) instead of
    # failing when it upgrades a read. synchronous=NORMAL is safe with WAL: a crash of the
    # site loses nothing, a power cut at most the last commits. Options in the URL
    # (`?timeout=5`) win. tests/test_sqlite_concurrency.py
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **_database.get("OPTIONS", {}),
    }
elif _database["ENGINE"] in (
    "django.db.backends.postgresql",
    "django.contrib.gis.db.backends.postgis",
):
    # A psycopg connection pool per process (one per gunicorn worker): a request borrows a
    # ready connection and gives it back, without Django's per-request health-check round
    # trip (19 % of the benchmark's samples); a connection that broke is dropped on return.
    # MAX_SIZE ≈ threads per worker; workers × MAX_SIZE, plus one per task worker, must stay
    # under PostgreSQL's max_connections (README "Database connections"). A request waits up
    # to TIMEOUT seconds for a connection, then gets the outage page (so does every request,
    # after that wait, while PostgreSQL is down). DATABASE_POOL_MAX_SIZE=0 turns it off: a
    # persistent, health-checked connection per thread for CONN_MAX_AGE seconds instead.
    # tests/test_database_settings.py
    _pool_max = env_int("DATABASE_POOL_MAX_SIZE", 4)
    if _pool_max < 0:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MAX_SIZE must be 0 (no pool) or more, not {_pool_max}"
        )
    if _pool_max:
        _pool_min = env_int("DATABASE_POOL_MIN_SIZE", 1)
        _pool_timeout = env_int("DATABASE_POOL_TIMEOUT", 5)
        if not 0 <= _pool_min <= _pool_max:
            raise ImproperlyConfigured(
                f"DATABASE_POOL_MIN_SIZE must be between 0 and DATABASE_POOL_MAX_SIZE "
                f"({_pool_max}), not {_pool_min}"
            )
        if _pool_timeout <= 0:
            raise ImproperlyConfigured(
                f"DATABASE_POOL_TIMEOUT must be a number of seconds above 0, not {_pool_timeout}"
            )
        _database["OPTIONS"] = {
            **_database.get("OPTIONS", {}),
            "pool": {"min_size": _pool_min, "max_size": _pool_max, "timeout": _pool_timeout},
        }
        # Django refuses a pool with persistent connections; the pool drops broken ones.
        _database["CONN_MAX_AGE"] = 0
        _database["CONN_HEALTH_CHECKS"] = False
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when configured, local memory otherwise.
_cache_url = env_str("CACHE_URL") or env_str("REDIS_URL")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "lib.cache.ResilientRedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "coalition"),
        }
    }
elif _cache_url in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_URL must be redis://…, rediss://… or locmem://")

# Background work: Django's Tasks framework, stored in the same database as the data.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task claimed longer ago than this is taken as abandoned by a killed worker and requeued.
TASK_STALE_MINUTES = env_int("TASK_STALE_MINUTES", 10)
# /healthz calls the task queue degraded when its oldest waiting task waited longer than this.
HEALTH_TASK_QUEUE_MAX_AGE_SECONDS = env_int("HEALTH_TASK_QUEUE_MAX_AGE_SECONDS", 300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Staff accounts guard people who may face retaliation: throttle logins and require a second
# factor. django-axes locks a username from one IP address after repeated failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
# Masked in the request data axes stores: `next` can carry a one-time enrolment link.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "next"]
# axes has one limit and one cool-off for all its lockout parameters, so staff.lockout adds
# a lock on the username alone, whatever the address (password spraying), higher and slower.
AXES_HANDLER = "staff.lockout.StaffLockoutHandler"
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_USERNAME_FAILURE_LIMIT", 20)
AXES_USERNAME_COOLOFF_TIME = timedelta(minutes=env_int("AXES_USERNAME_COOLOFF_MINUTES", 120))
# Staff must confirm a TOTP code (or a one-time backup code) before any staff page opens.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
STAFF_ENROLMENT_LINK_HOURS = env_int("STAFF_ENROLMENT_LINK_HOURS", 24)  # enrolment link lifetime
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Coalition staff")

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# Form bodies (files aside) are a few kilobytes; a bigger one is a 400 before any form sees
# it, so a hostile megabyte is neither parsed nor echoed back. The Stripe webhook's own cap
# is the same 512 KB; the API caps JSON bodies at 16 KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024

# Email: console locally; any anymail provider in production through EMAIL_BACKEND.
_email_backend = env_str(
    "EMAIL_BACKEND",
    "lib.mail.ConsoleEmailBackend"  # prints mail as 8-bit UTF-8: links whole, Arabic legible
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options: dict = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coalition <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    key: value
    for key, value in {
        "MAILGUN_API_KEY": env_str("MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": env_str("MAILGUN_SENDER_DOMAIN"),
        "POSTMARK_SERVER_TOKEN": env_str("POSTMARK_SERVER_TOKEN"),
        "SENDGRID_API_KEY": env_str("SENDGRID_API_KEY"),
        "BREVO_API_KEY": env_str("BREVO_API_KEY"),
        "AMAZON_SES_CLIENT_PARAMS": {},
        "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET"),
    }.items()
    if value
}

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Gift currencies offered besides EUR, USD and GBP (ISO codes Stripe supports, e.g. JPY,KWD).
DONATION_CURRENCIES = env_list("DONATION_CURRENCIES", [])

# M-Pesa gifts through Safaricom's Daraja API (STK push; donations/daraja.py). Offered only where
# Finance turned it on and every key below is set. Daraja's result callbacks are unsigned: the
# callback URL carries MPESA_CALLBACK_SECRET as a path segment, and MPESA_CALLBACK_ALLOWED_IPS
# (addresses or networks, comma-separated; empty: any) can limit it to Safaricom's addresses.
# MPESA_ENVIRONMENT=fake (DEBUG only) answers locally, without an account (README "M-Pesa").
MPESA_ENVIRONMENT = env_str("MPESA_ENVIRONMENT", "sandbox").strip().lower()
if MPESA_ENVIRONMENT not in ("sandbox", "production", "fake"):
    raise ImproperlyConfigured(
        f"MPESA_ENVIRONMENT must be sandbox, production or fake, not {MPESA_ENVIRONMENT!r}"
    )
if MPESA_ENVIRONMENT == "fake" and not DEBUG:
    raise ImproperlyConfigured("MPESA_ENVIRONMENT=fake is for local development (DEBUG=1) only")
MPESA_CONSUMER_KEY = env_str("MPESA_CONSUMER_KEY")
MPESA_CONSUMER_SECRET = env_str("MPESA_CONSUMER_SECRET")
MPESA_SHORTCODE = env_str("MPESA_SHORTCODE").strip()
if MPESA_SHORTCODE and not MPESA_SHORTCODE.isdigit():
    raise ImproperlyConfigured(f"MPESA_SHORTCODE must be digits, not {MPESA_SHORTCODE!r}")
MPESA_PASSKEY = env_str("MPESA_PASSKEY")
MPESA_CALLBACK_SECRET = env_str("MPESA_CALLBACK_SECRET").strip()
if MPESA_CALLBACK_SECRET and not re.fullmatch(r"[A-Za-z0-9_-]{16,128}", MPESA_CALLBACK_SECRET):
    raise ImproperlyConfigured(
        "MPESA_CALLBACK_SECRET must be 16 to 128 letters, digits, '-' or '_' (it is a URL path "
        "segment): python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
MPESA_CALLBACK_ALLOWED_IPS = env_list("MPESA_CALLBACK_ALLOWED_IPS", [])
for _network in MPESA_CALLBACK_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"MPESA_CALLBACK_ALLOWED_IPS: {_network!r} is not an IP address or network"
        ) from _exc

# SMS through Africa's Talking (lib/sms.py): M-Pesa receipts by SMS. Without an API key no SMS
# is sent (receipts go by email only). The username "sandbox" is their free test account.
AFRICASTALKING_USERNAME = env_str("AFRICASTALKING_USERNAME", "sandbox").strip()
AFRICASTALKING_API_KEY = env_str("AFRICASTALKING_API_KEY")
AFRICASTALKING_SENDER_ID = env_str("AFRICASTALKING_SENDER_ID").strip()

# Signing by phone (pledges/phone.py): Africa's Talking posts USSD sessions to
# /ussd/<USSD_CALLBACK_SECRET>/ and inbound SMS to /sms/<USSD_CALLBACK_SECRET>/. Empty: phone
# signing is off (both answer 404). USSD_ALLOWED_IPS (addresses or networks, comma-separated;
# empty: any) can limit both to the provider's addresses. README "Signing by phone".
USSD_CALLBACK_SECRET = env_str("USSD_CALLBACK_SECRET").strip()
if USSD_CALLBACK_SECRET and not re.fullmatch(r"[A-Za-z0-9_-]{16,128}", USSD_CALLBACK_SECRET):
    raise ImproperlyConfigured(
        "USSD_CALLBACK_SECRET must be 16 to 128 letters, digits, '-' or '_' (it is a URL path "
        "segment): python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
USSD_ALLOWED_IPS = env_list("USSD_ALLOWED_IPS", [])
for _network in USSD_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"USSD_ALLOWED_IPS: {_network!r} is not an IP address or network"
        ) from _exc

# Security headers. Production (DEBUG=0) passes `manage.py check --deploy`.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
    )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.HtmlSafeJSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    # The same client address as the sign form (lib/clients.py): only our own proxies count.
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Coalition campaigns API",
    "DESCRIPTION": "Public progress, signatories and tracker data for partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CampaignStatusEnum": ["live", "closed"],
        "CommitmentStatusEnum": "commitments.models.Commitment.Status",
        "CommitmentGradeEnum": "commitments.models.Commitment.Grade",
        "TargetStatusEnum": ["listed", "removed"],
        "TargetCategoryEnum": ["consumer_boycott", "divestment", "pressure", "grassroots"],
    },
    # The enum hook is drf-spectacular's default; ours adds the declared field examples.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.serializers.add_field_examples",
    ],
}

# Counters shown to the public are cached this many seconds at most.
COUNTER_CACHE_SECONDS = env_int("COUNTER_CACHE_SECONDS", 5)
# The counting job (manage.py count_figures): how often it adds up the changes, and how often
# it compares every tally with a true COUNT (0: only with --reconcile, e.g. from cron).
COUNTER_INTERVAL_SECONDS = env_int("COUNTER_INTERVAL_SECONDS", 5)
COUNTER_RECONCILE_SECONDS = env_int("COUNTER_RECONCILE_SECONDS", 86400)
# The intake job (manage.py take_signatures): how often it turns waiting sign submissions into
# signatures and their confirmation emails (pledges/intake.py).
INTAKE_INTERVAL_MS = env_int("INTAKE_INTERVAL_MS", 500)
# The looping job's CPU niceness (0-19): above 0 the web workers are served first under load.
INTAKE_NICE = env_int("INTAKE_NICE", 10)
if not 0 <= INTAKE_NICE <= 19:
    raise ImproperlyConfigured(f"INTAKE_NICE must be 0 to 19, not {INTAKE_NICE}")
# Public pages are served as stored bytes for this long, then rebuilt once something they show
# changed (campaigns/pages.py); it is also their `max-age` for proxies and CDNs.
PUBLIC_PAGE_SECONDS = env_int("PUBLIC_PAGE_SECONDS", 5)

# Pledges: proxies of ours that append to X-Forwarded-For (0: trust REMOTE_ADDR only),
# and the age at which unconfirmed signatures are purged.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
PLEDGE_PURGE_UNCONFIRMED_DAYS = env_int("PLEDGE_PURGE_UNCONFIRMED_DAYS", 30)
# Sign-form submissions per hour before a signature is held as suspect (pledges/abuse.py).
PLEDGE_RATE_LIMITS = {
    "ip": (env_int("PLEDGE_RATE_LIMIT_IP", 60), 3600),
    "email": (env_int("PLEDGE_RATE_LIMIT_EMAIL", 5), 3600),
    "domain": (env_int("PLEDGE_RATE_LIMIT_DOMAIN", 300), 3600),
    "phone": (env_int("PLEDGE_RATE_LIMIT_PHONE", 10), 3600),
}
# Mail domains added to the built-in list of shared providers exempt from the domain limit.
PLEDGE_SHARED_MAIL_DOMAINS = env_list("PLEDGE_SHARED_MAIL_DOMAINS", [])
# Public API and partner throttles ("<n>/min"), per client IP and per partner token.
API_THROTTLE_RATES = {
    "public": env_str("API_PUBLIC_RATE", "300/min"),
    "partner": env_str("API_PARTNER_RATE", "600/min"),
}

# Moderation (workspace/): an item waiting longer than this many days is overdue, longer than
# the second nearly overdue; a contact's commitment update whose evidence link is on one of
# these domains (or a subdomain) is trusted (README "Moderation workspace").
MODERATION_OVERDUE_DAYS = env_int("MODERATION_OVERDUE_DAYS", 14)
MODERATION_NEARLY_OVERDUE_DAYS = env_int("MODERATION_NEARLY_OVERDUE_DAYS", 11)
TRUSTED_EVIDENCE_DOMAINS = env_list("TRUSTED_EVIDENCE_DOMAINS", [])

# Right of reply (campaigns/replies.py): a target asked to respond has this many days by
# default (each request may set its own due date); Communications is reminded this many days
# before the due date, and once it has passed.
REPLY_DUE_DAYS = env_int("REPLY_DUE_DAYS", 21)
REPLY_DUE_SOON_DAYS = env_int("REPLY_DUE_SOON_DAYS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        # Failed logins carry usernames and addresses: keep them out of routine logs.
        "axes": {"level": "WARNING"},
    },
}

# The signatory list's index carries the columns it shows (an index-only scan on PostgreSQL);
# SQLite, the local default, builds it without them, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
