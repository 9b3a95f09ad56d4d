"""Dossier settings, read from the environment.

DJANGO_ENV picks the defaults: "development" (the default) is for a laptop and
the test suite; anything else ("production") requires SECRET_KEY and turns
DEBUG off unless DEBUG is set explicitly.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
DEVELOPMENT = ENVIRONMENT == "development"

DEBUG = env_bool("DEBUG", default=DEVELOPMENT)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured("SECRET_KEY must be set outside development (DJANGO_ENV).")
    SECRET_KEY = "development-only-secret-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEVELOPMENT else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "import_export",
    "django_tasks_db",  # the task queue's table and its worker (manage.py db_worker)
    "simple_history",
    "archive",
    "archive.search",  # the search index: listens to the archive's changes (apps.py)
    "curation",
    "bench",  # generate_archive, for the benchmarks in bench/
    "django.contrib.sitemaps",  # open standards: its sitemap templates (archive/sitemaps.py)
]

MIDDLEWARE = [
    # First, so that no middleware reads a request body over the upload limit (see below).
    "archive.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user on every history entry written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
]

# --- Cache (issue 19): whole public pages for anonymous readers (archive/pagecache.py) ------
# Local memory by default (one process, no extra service); REDIS_URL for production, where
# every web server and worker must share one cache (docs/deployment.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dossier"}
    )
}
# Off in development and the tests (a page stays what the code computes), on in production.
DOSSIER_PAGE_CACHE = env_bool("DOSSIER_PAGE_CACHE", not DEVELOPMENT)
# Second, behind the body limit: outside the CSP middleware, so a stored page keeps its
# policy header (pages whose policy names a nonce are not stored).
MIDDLEWARE.insert(1, "archive.pagecache.PageCacheMiddleware")
# --- end of cache ---------------------------------------------------------------------------

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "archive.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}

# --- Scaling out (issue 19, docs/deployment.md) -----------------------------
# A read replica for anonymous readers' pages (config/routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DOSSIER_READ_REPLICA = "replica"
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
# psycopg's connection pool per process (PostgreSQL): DATABASE_POOL=true, or a size.
if os.environ.get("DATABASE_POOL") and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    pool = os.environ["DATABASE_POOL"]
    for database in DATABASES.values():
        database["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
        database.setdefault("OPTIONS", {})["pool"] = (
            {"min_size": 2, "max_size": int(pool)} if pool.isdigit() else True
        )
# -----------------------------------------------------------------------------

# --- SQLite under concurrent editors (issue 13, item 3) ---------------------
# Without these, two editors saving at once get "database is locked" and lose
# the save. WAL lets readers carry on beside the one writer; IMMEDIATE takes the
# write lock when a transaction begins, so no transaction fails halfway through
# upgrading a read lock; the busy timeout (seconds) is how long a save waits for
# its turn. PostgreSQL (DATABASE_URL) needs none of this.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# -----------------------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Whitenoise serves collected files in production; in development the finders do.
WHITENOISE_USE_FINDERS = DEBUG

# --- Media on S3-compatible object storage (MEDIA_STORAGE=s3, docs/deployment.md) -------
# Every object is private (no ACL); the site serves scans and IIIF tiles itself, after its
# permission check. Collection images and funder logos (the public folders, config/urls.py)
# get plain unsigned URLs, which the bucket's policy must make readable for those two
# prefixes only, as a web server in front of MEDIA_ROOT does. Credentials come from boto3's
# usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance role).
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE == "filesystem":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE is 'filesystem' (the default) or 's3'.")
# --- end of media storage --------------------------------------------------------------

STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: a scan may be a large PDF, but nothing bigger than this is accepted.
DOSSIER_MAX_UPLOAD_BYTES = int(os.environ.get("DOSSIER_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
# Pillow refuses images above this many pixels (decompression-bomb guard).
DOSSIER_MAX_IMAGE_PIXELS = int(os.environ.get("DOSSIER_MAX_IMAGE_PIXELS", 80_000_000))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# -- Request body limits (uploads helper) ------------------------------------------------------
# Form fields other than files: a long translation in rich text fits well within 5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files above this are streamed to a temporary file instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# archive.middleware.RequestBodyLimitMiddleware answers 413, unread, to any body larger than
# DOSSIER_MAX_UPLOAD_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE (one upload and its form).
# -- end of request body limits -----------------------------------------------------------------

# The archive's name as it appears in citations and page titles.
DOSSIER_ARCHIVE_NAME = os.environ.get(
    "DOSSIER_ARCHIVE_NAME", "History and Public Policy Program Digital Archive"
)
DOSSIER_SITE_NAME = os.environ.get("DOSSIER_SITE_NAME", "Dossier")
# The site's address ("https://archive.example.org"), making links in emails absolute.
DOSSIER_SITE_URL = os.environ.get("DOSSIER_SITE_URL", "").rstrip("/")
# Tell readers when an original was corrected after its translation was approved.
DOSSIER_STALE_TRANSLATION_NOTICE = env_bool("DOSSIER_STALE_TRANSLATION_NOTICE", True)

# --- Search tuning (archive/search/; bench/README.md measures each against its budget) ----
DOSSIER_SEARCH = {
    # Result sets of at most this many matches are read whole in one pass: count, facet
    # counts and every page. Larger ones have their facets counted on a sample of about
    # FACET_SAMPLE matches, shown as estimates.
    "READ_WHOLE_LIMIT": 5_000,
    "FACET_SAMPLE": 2_500,
    # Above this many matches relevance is tiered: title, summary or name matches ranked
    # first, then the rest newest first.
    "RANK_LIMIT": 5_000,
    # PostgreSQL: when the words' candidates outnumber ESTIMATE_ABOVE, counts are scaled up
    # from at most ESTIMATE_SAMPLE of the newest among the WINDOW newest documents, and
    # pages by date or newest first are looked for in windows of WINDOW (then 8 times as
    # many) documents first.
    "ESTIMATE_ABOVE": 10_000,
    "ESTIMATE_SAMPLE": 1_000,
    "WINDOW": 5_000,
}

# --- Open standards: OAI-PMH (archive/oai/) ------------------------------------------------
# OAI identifiers read "oai:<this>:<record ID>"; left blank, the request's host name.
DOSSIER_OAI_REPOSITORY_IDENTIFIER = os.environ.get("DOSSIER_OAI_REPOSITORY_IDENTIFIER", "")
# Identify's adminEmail: whom harvesters write to about the repository.
DOSSIER_OAI_ADMIN_EMAIL = os.environ.get("DOSSIER_OAI_ADMIN_EMAIL", "archivist@example.org")
# --- end of open standards -----------------------------------------------------------------

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEVELOPMENT
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dossier@localhost")

# --- Background work (Django's tasks, docs/tasks.md) ----------------------------------
# Tasks wait in the database until `manage.py db_worker` runs them, so any number of web
# servers and workers share one queue with no other service. `make run` starts a worker.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DOSSIER_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGIN_URL = "admin:login"

# History (django-simple-history, registered in curation/models.py): the history
# models' own view/change permissions decide who may see history and revert.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Login throttling (django-axes) ---------------------------------------------
# Failed logins are counted per account and, separately, per address: AXES_FAILURE_LIMIT
# failures on one username (from anywhere) lock that username, and as many from one
# address (on any usernames) lock that address, for AXES_COOLOFF_TIME; a locked login is
# refused even with the right password. An admin unlocks early from "Access attempts"
# in the admin or with `manage.py axes_reset_username <name>` / `axes_reset_ip <addr>`.
# A success does not clear the count (AXES_RESET_ON_SUCCESS stays False): clearing is by
# address too, so a valid account could otherwise reset the count on someone else's.
# The address is REMOTE_ADDR: behind a reverse proxy, have the proxy or the WSGI server
# put the client's address there, or every reader shares the proxy's count.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last: turns a lockout into its page
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "curation.views.locked_out"

# --- Content Security Policy (Django's own middleware) ---------------------------
# Every page, public and admin, may run and style only from our own static files:
# no inline script, style element or style attribute runs unless it carries the
# request's nonce ({% csp_nonce_attr %}, as the Django admin's own templates do).
# JSON-LD (<script type="application/ld+json">) is data: browsers do not run it, so
# the policy does not apply to it. A response that sets its own policy (a scan's
# "sandbox") keeps it: the middleware adds one only where none is set.
# Early, so that responses made by later middleware (axes' lockout page) carry it too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["django.template.context_processors.csp"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    "object-src": [CSP.SELF],  # the document page embeds its PDF scans
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}

if not DEVELOPMENT:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # --- HSTS preload (check --deploy's security.W021) ---------------------------
    # Asking browsers to preload HTTPS-only for this domain and all its subdomains is
    # the domain owner's decision, and takes months to undo, so it is off unless
    # SECURE_HSTS_PRELOAD=true; then max-age defaults to the year the preload list
    # requires. Off, the W021 warning is silenced here, where the reason is written.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_HSTS_SECONDS = int(
        os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * (365 if SECURE_HSTS_PRELOAD else 30))
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- JSON API (archive/api) ------------------------------------------------------------------
# django-ninja as an app only so its docs page is rendered from its bundled static files
# (Swagger UI served by the site itself; without the app it loads them from a CDN).
INSTALLED_APPS += ["ninja"]
# --- end of JSON API ---------------------------------------------------------------------------

# --- Logging -----------------------------------------------------------------------------
# Every line, Django's included, is printed once by the root handler. Django's own
# "django" logger would print it a second time in development (its console handler is
# on when DEBUG is), so it keeps only its mail to ADMINS and passes lines on to the root.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEVELOPMENT else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "request_id": {"()": "config.requests_log.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "config.requests_log.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        # One line per request (config/requests_log.py); runserver prints its own.
        "dossier.request": {
            "level": os.environ.get("REQUEST_LOG_LEVEL", "WARNING" if DEVELOPMENT else "INFO")
        },
    },
}
# Request ids: second, behind the body limit and before the page cache (see there); the
# replica choice before the page cache too, which reads the database on a miss.
MIDDLEWARE.insert(1, "config.requests_log.RequestIdMiddleware")
MIDDLEWARE.insert(2, "config.routers.ReplicaReadsMiddleware")
# --- end of logging ------------------------------------------------------------------------

# --- Spreadsheet import and export (issue 15, curation/imports.py) -------------------------
# Uploads wait for confirmation in default storage (MEDIA), readable by every app server;
# `manage.py purge_import_files` removes those older than a day.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
DOSSIER_IMPORT_MAX_BYTES = int(os.environ.get("DOSSIER_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
DOSSIER_IMPORT_MAX_ROWS = int(os.environ.get("DOSSIER_IMPORT_MAX_ROWS", 200_000))
# A document file with more rows than this is checked and imported by the task worker,
# the admin showing its progress, instead of in the request.
DOSSIER_IMPORT_BACKGROUND_ROWS = int(os.environ.get("DOSSIER_IMPORT_BACKGROUND_ROWS", 1000))
# An import touching more documents than this leaves their reindexing to the task worker.
DOSSIER_REINDEX_INLINE_LIMIT = int(os.environ.get("DOSSIER_REINDEX_INLINE_LIMIT", 1000))
# --- end of spreadsheet import -------------------------------------------------------------
