"""Django settings for the Accord desk: everything comes from the environment.

`accord.config.load()` validates the variables (see docs/desk-choices.md for
the list); nothing here reads `os.environ` directly.
"""

from __future__ import annotations

from datetime import timedelta

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
DATABASES = {"default": _cfg.database}
# Mail channel settings (ACCORD_SMTP_URL, ACCORD_MAIL_DOMAIN, caps, size limits).
ACCORD_MAIL = load_mail_config()
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
    "accord.accounts",
    "accord.contracts",
    "accord.tickets",
    "accord.audit",
    "accord.web",
    "accord.intake",
    "accord.notify",
    "accord.worker",
    "accord.invoices",
    "accord.portal",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): 5 failed sign-ins lock the account (the user
# name, not the address it came from) for 15 minutes, counted from the fifth failure;
# failures during the lockout do not extend it, and a success clears the count.
# docs/portal.md. The lockout page is chosen per path by accord.portal.lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accord.portal.lockout.lockout_response"
AXES_VERBOSE = False
# axes.W006 warns that locking by user name alone lets an attacker rotate
# addresses; that is the point here: the account is what capella 2.4.3 locks.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Django's own validators for every password a person chooses (the portal's
# set-password and reset forms call them): similarity, length, common, numeric.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
