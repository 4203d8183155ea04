"""Django settings, read from the environment (twelve-factor) with safe defaults.

PROBITY_HOME        folder for the SQLite database, secret key and static files (~/.probity)
DATABASE_URL        e.g. postgres://user@host:5432/name; SQLite in PROBITY_HOME otherwise
PROBITY_SECRET_KEY  secret key; else one is generated once and kept in PROBITY_HOME
PROBITY_DEBUG       "1" for development only
PROBITY_ALLOWED_HOSTS  comma-separated host names (default: localhost names)
PROBITY_HTTPS       "1" when served over HTTPS: secure cookies, HSTS, redirects
PROBITY_OIDC_CLIENT_ID, _CLIENT_SECRET, _AUTHORIZATION_ENDPOINT, _TOKEN_ENDPOINT, _USER_ENDPOINT,
_JWKS_ENDPOINT      all set: single sign-on with the organisation's OpenID Connect provider
                    (probity.apps.accounts.conf)
PROBITY_EMAIL_BACKEND  Django email backend (default: the console); PROBITY_EMAIL_HOST, _PORT,
                    _USER, _PASSWORD (and _NO_TLS=1) send through an SMTP server instead
PROBITY_FROM_EMAIL  the sender of notifications; PROBITY_SITE_URL prefixes links in emails
PROBITY_TASKS_BACKEND  where background tasks wait (default: the database, run by
                    `probity worker`)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from probity.apps.accounts.conf import OIDC_BACKEND, oidc_settings
from probity.core.paths import home_folder

HOME = Path(home_folder())
HOME.mkdir(parents=True, exist_ok=True)
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    if os.environ.get("PROBITY_SECRET_KEY"):
        return os.environ["PROBITY_SECRET_KEY"]
    path = HOME / "secret-key"
    if not path.exists():
        # O_EXCL: two processes starting at once never overwrite each other's key.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
        except FileExistsError:
            pass
    return path.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _flag("PROBITY_DEBUG")
HTTPS = _flag("PROBITY_HTTPS")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("PROBITY_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "probity.web",
    "probity.apps.ask",
    "probity.apps.codes",
    "probity.apps.people",
    "probity.apps.audit",
    "probity.apps.registers",
    "probity.apps.concerns",
    "probity.apps.offer",
    "probity.apps.rostering",
    "simple_history",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "probity.apps.accounts",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a code this session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "probity.web.urls"
WSGI_APPLICATION = "probity.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "probity.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    # an empty DATABASE_URL means "not set", as it does for every other setting here
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{HOME / 'probity.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or _flag("PROBITY_TESTING")
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Straight from the packages while collectstatic has not run (tests, development). Not after:
# the finders' files would shadow STATIC_ROOT's, and with them the compressed copies that
# collectstatic made (probity.css is 138 kB as it is, 16 kB gzipped).
WHITENOISE_USE_FINDERS = DEBUG or _flag("PROBITY_TESTING") or not any(STATIC_ROOT.iterdir())

# Security headers; cookies are secure whenever the site is served over HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Email (declarations and reminders): the console backend unless configured.
EMAIL_BACKEND = os.environ.get(
    "PROBITY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("PROBITY_FROM_EMAIL", "probity@localhost")
if os.environ.get("PROBITY_EMAIL_HOST"):
    EMAIL_BACKEND = os.environ.get(
        "PROBITY_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
    )
    EMAIL_HOST = os.environ["PROBITY_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("PROBITY_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("PROBITY_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("PROBITY_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = not _flag("PROBITY_EMAIL_NO_TLS")
PROBITY_SITE_URL = os.environ.get("PROBITY_SITE_URL", "")

# Signing in (probity.apps.accounts). django-axes' backend goes first, so that a locked-out
# username is refused before any password is checked; the client's own `login()` in tests
# passes no request, which axes refuses: tests use force_login or post to /sign-in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/sign-in"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in"
# A session ends after 8 hours without a request (saved on every request, so the clock restarts)
# and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# 5 wrong passwords for one username lock it for 15 minutes, whatever the address they came
# from (behind a proxy every client can share one address), and whether or not it exists.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # "no ip_address": deliberate, for the reason above
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # so the page can say when it ends
AXES_LOCKOUT_CALLABLE = "probity.apps.accounts.lockout.locked_out"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Probity"
# Single sign-on (OpenID Connect) only when every PROBITY_OIDC_* setting is given.
_OIDC = oidc_settings(os.environ)
OIDC_ENABLED = _OIDC["OIDC_ENABLED"]
globals().update(_OIDC)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append(OIDC_BACKEND)
LOGIN_REDIRECT_URL_FAILURE = "/sign-in?organisation=failed"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PROBITY_LOG_LEVEL", "INFO")},
}

# Background work (a long roster solve) goes through Django's tasks framework (the django-tasks
# backport on Django 5.2): queued in the database and run by `probity worker` on any machine.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("PROBITY_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}
