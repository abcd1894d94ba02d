"""Django settings for the Accord desk: everything comes from the environment.

`accord.config.load()` validates the variables (see docs/desk-choices.md for
the list); nothing here reads `os.environ` directly.
"""

from __future__ import annotations

from accord import config
from accord.intake.config import load as load_mail_config

_cfg = config.load()

DATA_DIR = _cfg.data_dir
SECRET_KEY = _cfg.secret_key
DEBUG = _cfg.debug
ALLOWED_HOSTS = _cfg.allowed_hosts
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
