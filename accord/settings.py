"""Django settings for the Accord desk: everything comes from the environment.

`accord.config.load()` validates the variables (see docs/desk-choices.md for
the list); nothing here reads `os.environ` directly.
"""

from __future__ import annotations

from datetime import timedelta

from csp.constants import NONE, SELF

from accord import config
from accord.intake.config import load as load_mail_config

_cfg = config.load()

DATA_DIR = _cfg.data_dir
SECRET_KEY = _cfg.secret_key
DEBUG = _cfg.debug
# The vendor named on invoices (ACCORD_VENDOR_NAME).
ACCORD_VENDOR_NAME = _cfg.vendor_name
ALLOWED_HOSTS = _cfg.allowed_hosts
# Where customers reach the desk: links to the portal in outbound mail (ACCORD_PUBLIC_URL).
ACCORD_PUBLIC_URL = _cfg.public_url

# Tell designated contacts when a release leaves their installation unsupported
# (ACCORD_TELL_UNSUPPORTED, accord/notify/reminders.py).
ACCORD_TELL_UNSUPPORTED = _cfg.tell_unsupported
DATABASES = {"default": _cfg.database}
# Mail channel settings (ACCORD_SMTP_URL, ACCORD_MAIL_DOMAIN, caps, size limits).
ACCORD_MAIL = load_mail_config()
# Alerts: links in alert mail, the SLA warning share, webhooks to private addresses.
ACCORD_ALERTS = config.load_alerts()
# Attachments live under the data dir, outside any web root; only a view serves them.
MEDIA_ROOT = DATA_DIR / "files"
# Attachment files through the Storage API: local and durable, or S3-compatible
# (ACCORD_FILE_STORAGE, see accord/config.py and docs/reliability.md).
STORAGES = _cfg.storages
FILE_UPLOAD_PERMISSIONS = 0o666 & ~_cfg.umask
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o777 & ~_cfg.umask

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # its templates and static files: Swagger UI served from here, not a CDN
    "accord.accounts",
    "accord.contracts",
    "accord.tickets",
    "accord.audit",
    "accord.web",
    "accord.intake",
    "accord.notify",
    "accord.worker",
    "accord.reports",
    "accord.invoices",
    "accord.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or source before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Django's own validators for every password a person chooses (staff and the
# portal's set-password and reset forms): similarity, length, common, numeric.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's auth views (the desk's password change) send anonymous users to the desk's login.
LOGIN_URL = "web:login"

# Login throttling (accord/accounts/throttle.py): 5 failures lock the account and,
# separately, the source address for 15 minutes from the last counted failure.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the end time shown stays true
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accord.accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accord.accounts.throttle.client_ip"
AXES_VERBOSE = False
# TOTP second factor (accord/accounts/totp.py): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "Accord"
ACCORD_PROXY_COUNT = _cfg.proxy_count
ACCORD_POLICY_DIR = _cfg.policy_dir

# Security headers on every response. The policy allows nothing inline and nothing
# remote: scripts, styles and images come from this server only (data: images for
# the vendored Swagger UI's icons). A remote image in customer mail therefore never
# loads in the agent's browser (docs/security.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# ACCORD_HTTPS=1: the desk is reached over TLS, usually through a reverse proxy that
# sets X-Forwarded-Proto (docs/operations.md). Cookies are Secure, browsers are told
# to keep to HTTPS for a year, and a form posted from https://<allowed host> passes
# the CSRF origin check even when the proxy runs on another machine.
ACCORD_HTTPS = _cfg.https
SESSION_COOKIE_SECURE = _cfg.https
CSRF_COOKIE_SECURE = _cfg.https
if _cfg.https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # other hosts of the domain are not ours to bind
    CSRF_TRUSTED_ORIGINS = config.trusted_origins(_cfg.allowed_hosts)

# Invitation and reset links are valid 72 hours, and only once (the token is
# bound to the password hash and the last sign-in, which using it changes).
PASSWORD_RESET_TIMEOUT = 72 * 3600

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"

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
            ]
        },
    }
]

# Instants are stored in UTC; they are shown in the policy's zone (sla-semantics 1).
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even before collectstatic
# WhiteNoise serves static files from the app (collected or straight from the apps),
# compressed, with far-future caching for hashed names; a proxy may serve them instead.
# STORAGES (above) comes from accord.config: attachments on the durable local store or
# S3, static files through WhiteNoise's compressed storage.
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
