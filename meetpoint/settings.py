"""Meetpoint settings. Every knob is an environment variable with a safe default (docs/operations.md)."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from meetpoint.environment import envbool, envdict, envfloat, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
# Where the SQLite file, the development keys and the cache live.
VAR_DIR = Path(envstr("MEETPOINT_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Django's debug pages: never on in production.
DEBUG = envbool("DEBUG", False)
# A development key is generated per checkout so nothing secret is ever committed; production sets SECRET_KEY.
_dev_key_file = VAR_DIR / "dev-secret-key"
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not _dev_key_file.exists():
        import secrets

        _dev_key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _dev_key_file.read_text().strip()

# Key of the blind index that turns participant codes into keyed hashes; production must set its own.
PARTICIPANT_CODE_KEY = envstr("PARTICIPANT_CODE_KEY", SECRET_KEY)

# Comma-separated host names the site answers to, and origins trusted for forms (e.g. https://meetpoint.example.org).
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "meetpoint.accounts",
    "meetpoint.directory",
    "meetpoint.participants",
    "meetpoint.screening",
    "meetpoint.referrals",
    "meetpoint.inventory",
    "meetpoint.outreach",
    "meetpoint.education",
    "meetpoint.policy",
    "meetpoint.needs",
    "meetpoint.outcomes",
    "meetpoint.alerts",
    "meetpoint.maintenance",
    "meetpoint.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "meetpoint.directory.hsds.cors.HsdsCorsMiddleware",
    "meetpoint.maintenance.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "meetpoint.request_text.StorableTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "meetpoint.accounts.middleware.ActingMembershipMiddleware",
    "meetpoint.accounts.middleware.AuditScopeMiddleware",
    "meetpoint.accounts.two_factor.TwoFactorMiddleware",
    "meetpoint.accounts.security_headers.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "meetpoint.error_pages.ErrorPageMiddleware",  # a bare 405 gets the site's error page
]

ROOT_URLCONF = "meetpoint.urls"
WSGI_APPLICATION = "meetpoint.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meetpoint.accounts.context.acting_membership",
            ],
        },
    },
]

DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'meetpoint.sqlite3'}"
# Persistent connections help a busy PostgreSQL deployment; off by default so tests and tools never hold one open.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", DEFAULT_SQLITE_URL),
        conn_max_age=envint("MEETPOINT_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock up front, avoiding
    # "database is locked" surprises when two requests upgrade read transactions at the same time.
    # Writers queue on the lock for up to MEETPOINT_SQLITE_BUSY_SECONDS (30 s: several phones syncing their
    # batches at once, and a nightly backup, wait their turn instead of failing; docs/operations.md).
    _busy_seconds = envint("MEETPOINT_SQLITE_BUSY_SECONDS", 30, minimum=1)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA busy_timeout={_busy_seconds * 1000};",
        "transaction_mode": "IMMEDIATE",
        "timeout": _busy_seconds,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache: files under var/cache, shared by every worker process of the host, with no other service or
# setup step (why: docs/outcomes.md, "Cache"). Its users key entries by the data they hold, so none is ever
# stale; MEETPOINT_CACHE_DIR moves the folder (e.g. to a tmpfs).
# Directory search answers (many, small, keyed by the directory's version) have a folder and limit of their own
# so that they never push the dashboards out (docs/directory.md, "Remembered answers").
CACHE_DIR = Path(envstr("MEETPOINT_CACHE_DIR", str(VAR_DIR / "cache")))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": envint("MEETPOINT_CACHE_ENTRIES", 2000, minimum=1)},
    },
    "search": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / "search"),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": envint("MEETPOINT_SEARCH_SHARED_ENTRIES", 10000, minimum=1)},
    },
}

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["meetpoint.accounts.lockout.LockoutBackend"]
# Sign-in lockout: this many failed passwords for one account lock it for this many minutes.
MEETPOINT_LOCKOUT_FAILURES = envint("MEETPOINT_LOCKOUT_FAILURES", 5, minimum=1)
MEETPOINT_LOCKOUT_MINUTES = envint("MEETPOINT_LOCKOUT_MINUTES", 15, minimum=1)
# Two-factor sign-in (TOTP) for roles that see participant-level data; `make demo` turns it off for the demo.
MEETPOINT_REQUIRE_2FA = envbool("MEETPOINT_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = envstr("MEETPOINT_SITE_NAME", "Meetpoint")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "directory:search"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The region's own time zone: opening hours and "open now" are read in it.
TIME_ZONE = envstr("MEETPOINT_TIME_ZONE", "America/New_York")

STATIC_URL = "/static/"
# Where `collectstatic` gathers static files.
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: refuse oversize bodies before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MEETPOINT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Files count towards the same cap as they stream in (meetpoint/request_text.py).
FILE_UPLOAD_HANDLERS = [
    "meetpoint.request_text.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Django's e-mail settings, for notifications (referrals, invitations).
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "meetpoint@localhost")
# One variable for outgoing mail, e.g. EMAIL_URL=submission://user:password@smtp.example.org:587 (STARTTLS),
# smtps://… (TLS), smtp://… (plain) or console:// (print to the terminal, the default).
EMAIL_URL = envstr("EMAIL_URL", "")
if EMAIL_URL:
    import dj_email_url
    from django.core.exceptions import ImproperlyConfigured

    try:
        _email = dj_email_url.parse(EMAIL_URL)
    except Exception as problem:  # noqa: BLE001 -- any malformed value stops start-up naming the variable
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid mail URL: {problem}") from None
    globals().update({name: value for name, value in _email.items() if value not in (None, "")})
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 20
# How long an invitation link to join an organization works.
MEETPOINT_INVITATION_HOURS = envint("MEETPOINT_INVITATION_HOURS", 72, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after this much inactivity (seconds). MEETPOINT_HTTPS: behind TLS, secure cookies, HSTS
# (MEETPOINT_HSTS_SECONDS) and a redirect to https.
SESSION_COOKIE_AGE = envint("MEETPOINT_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: sessions end after inactivity
SESSION_COOKIE_SECURE = envbool("MEETPOINT_SECURE_COOKIES", not DEBUG and envbool("MEETPOINT_HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("MEETPOINT_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = envint("MEETPOINT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Entering the domain in the browsers' HSTS preload list binds every subdomain for years: the domain
    # owner's decision, so it is asked for explicitly and `check --deploy` does not warn without it.
    SECURE_HSTS_PRELOAD = envbool("MEETPOINT_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Screening: licensed item text of DAST-10 / CRAFFT 2.1, supplied by an organization that holds the right.
MEETPOINT_INSTRUMENT_TEXT_DIR = envstr("MEETPOINT_INSTRUMENT_TEXT_DIR", "") or None

# Referrals: flagged when not accepted in time, expired later; links in notification emails use the base URL.
MEETPOINT_REFERRAL_OVERDUE_HOURS = envint("MEETPOINT_REFERRAL_OVERDUE_HOURS", 72, minimum=1)
MEETPOINT_REFERRAL_EXPIRE_HOURS = envint("MEETPOINT_REFERRAL_EXPIRE_HOURS", 336, minimum=1)
MEETPOINT_BASE_URL = envstr("MEETPOINT_BASE_URL", "http://127.0.0.1:8000")
# A referral's contact detail is cleared this many days after the referral closed or its consent ended.
MEETPOINT_CONTACT_RETENTION_DAYS = envint("MEETPOINT_CONTACT_RETENTION_DAYS", 90, minimum=0)

# Encryption at rest (meetpoint/crypto.py): comma-separated Fernet keys; the first encrypts, all decrypt. Without
# them a key is generated per checkout under var/, as for SECRET_KEY; `meetpoint check --deploy` refuses that.
MEETPOINT_FIELD_KEYS = envlist("MEETPOINT_FIELD_KEYS")
MEETPOINT_FIELD_KEYS_GENERATED = not MEETPOINT_FIELD_KEYS
if MEETPOINT_FIELD_KEYS_GENERATED:
    _dev_field_key_file = VAR_DIR / "dev-field-key"
    if not _dev_field_key_file.exists():
        import contextlib
        import os
        import tempfile

        from cryptography.fernet import Fernet

        with tempfile.NamedTemporaryFile(dir=VAR_DIR, delete=False) as _new_key:  # readable by the owner only
            _new_key.write(Fernet.generate_key())
        # A hard link never replaces a file: of two processes starting at once, the first key wins.
        with contextlib.suppress(FileExistsError):
            os.link(_new_key.name, _dev_field_key_file)
        os.unlink(_new_key.name)
    MEETPOINT_FIELD_KEYS = [_dev_field_key_file.read_text().strip()]

# Directory: list paging, the largest search radius, search answers each process keeps in memory (0 turns
# remembering off), map tiles for Leaflet (their origin is allowed by the Content-Security-Policy), and the
# largest file `import_hsds` reads.
MEETPOINT_PAGE_SIZE = envint("MEETPOINT_PAGE_SIZE", 20, minimum=1)
MEETPOINT_MAX_PAGE_SIZE = envint("MEETPOINT_MAX_PAGE_SIZE", 100, minimum=1)
MEETPOINT_MAX_RADIUS_KM = envint("MEETPOINT_MAX_RADIUS_KM", 500, minimum=1)
MEETPOINT_SEARCH_CACHE_ENTRIES = envint("MEETPOINT_SEARCH_CACHE_ENTRIES", 2000, minimum=0)
MEETPOINT_MAP_TILES = envstr("MEETPOINT_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MEETPOINT_MAP_TILES_ATTRIBUTION = envstr("MEETPOINT_MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors")
MEETPOINT_HSDS_MAX_FILE_MB = envint("MEETPOINT_HSDS_MAX_FILE_MB", 100, minimum=1)
# Everyday search words and the service types they mean; empty: the list Meetpoint ships (directory/synonyms.py).
MEETPOINT_SEARCH_SYNONYMS_FILE = envstr("MEETPOINT_SEARCH_SYNONYMS_FILE", "")
# A service capacity older than this many days is shown as possibly out of date.
MEETPOINT_CAPACITY_STALE_DAYS = envint("MEETPOINT_CAPACITY_STALE_DAYS", 7, minimum=1)

# Outreach: per-encounter ceilings by count name (JSON, e.g. {"syringes_distributed": 2000}), how collected
# syringes are estimated from a container's volume or weight, the overdose map's grid, and the daily roll-ups.
MEETPOINT_OUTREACH_MAX = envdict("MEETPOINT_OUTREACH_MAX")
MEETPOINT_SYRINGES_PER_LITRE = envfloat("MEETPOINT_SYRINGES_PER_LITRE", 100, minimum=1)
MEETPOINT_SYRINGES_PER_POUND = envfloat("MEETPOINT_SYRINGES_PER_POUND", 281, minimum=1)
MEETPOINT_GRID_DEGREES = envfloat("MEETPOINT_GRID_DEGREES", 0.01, minimum=0.001)
MEETPOINT_OUTREACH_ROLLUPS = envbool("MEETPOINT_OUTREACH_ROLLUPS", True)

# Inventory: days before expiry a lot is listed as expiring, the low-stock default (and per item code, JSON), and
# the largest quantity one receipt may bring in.
MEETPOINT_INVENTORY_EXPIRY_DAYS = envint("MEETPOINT_INVENTORY_EXPIRY_DAYS", 60, minimum=0)
MEETPOINT_INVENTORY_LOW_STOCK_DEFAULT = envint("MEETPOINT_INVENTORY_LOW_STOCK_DEFAULT", 10, minimum=0)
MEETPOINT_INVENTORY_LOW_STOCK_DEFAULTS = envdict("MEETPOINT_INVENTORY_LOW_STOCK_DEFAULTS")
MEETPOINT_INVENTORY_MAX_RECEIPT = envint("MEETPOINT_INVENTORY_MAX_RECEIPT", 1_000_000, minimum=1)

# Education: fewest pre/post pairs a survey result is shown for (fewer would expose the few who answered).
MEETPOINT_SURVEY_MIN_PAIRS = envint("MEETPOINT_SURVEY_MIN_PAIRS", 5, minimum=1)

# Community needs: ranking weights and the reach indicators by area level (JSON objects merged over the
# defaults), and how far a grid cell may be from an area's centre to count for it.
MEETPOINT_NEEDS_WEIGHTS = envdict("MEETPOINT_NEEDS_WEIGHTS")
MEETPOINT_NEEDS_REACH_INDICATORS = envdict("MEETPOINT_NEEDS_REACH_INDICATORS")
MEETPOINT_NEEDS_GRID_MATCH_KM = envfloat("MEETPOINT_NEEDS_GRID_MATCH_KM", 5, minimum=0)

# Outcomes: the smallest suppression threshold an agreement may use unless a site administrator allows less, and the
# longest report period.
MEETPOINT_SHARING_MIN_THRESHOLD = envint("MEETPOINT_SHARING_MIN_THRESHOLD", 5, minimum=1)
MEETPOINT_REPORT_MAX_DAYS = envint("MEETPOINT_REPORT_MAX_DAYS", 366, minimum=1)

# Log level of the console log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Shared alerts (docs/alerts.md): the spike detection method, the area square and plain-HTTP webhooks (demo only).
MEETPOINT_ALERT_METHOD = envstr("MEETPOINT_ALERT_METHOD", "ears_c2")
MEETPOINT_ALERT_AREA_DEGREES = envstr("MEETPOINT_ALERT_AREA_DEGREES", "0.1")
MEETPOINT_ALERT_WEBHOOK_ALLOW_HTTP = envbool("MEETPOINT_ALERT_WEBHOOK_ALLOW_HTTP", False)
