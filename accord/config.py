"""Settings from the environment, validated once at start-up.

Every variable the desk reads is parsed here; a bad value raises
`ConfigError` naming the variable and what was expected, so that `accord`
prints one clear line instead of a traceback from deep inside Django.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgresql",
}


class ConfigError(ValueError):
    """A configuration variable has a value the desk cannot use."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database: dict[str, Any]
    secret_key: str
    allowed_hosts: list[str]
    debug: bool
    public_url: str
    https: bool = False
    proxy_count: int = 0
    policy_dir: Path | None = None
    umask: int = 0o077
    storages: dict[str, Any] | None = None
    vendor_name: str = "Support"
    # Mail an on-premises customer's designated contact when a new release leaves
    # their installation unsupported (capella 4.5); off: the vendor's list only.
    tell_unsupported: bool = False


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(name, f"expected 1/0, true/false, yes/no or on/off, got {raw!r}")


def _data_dir(env: Mapping[str, str]) -> Path:
    path = Path(env.get("ACCORD_DATA_DIR") or ".data").expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("ACCORD_DATA_DIR", f"cannot create {path}: {exc.strerror}") from None
    if not os.access(path, os.W_OK):
        raise ConfigError("ACCORD_DATA_DIR", f"{path} is not writable")
    return path


def _database(env: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'accord.sqlite3'}"
    try:
        db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    except (ValueError, KeyError) as exc:
        raise ConfigError("DATABASE_URL", f"cannot parse {url!r} ({exc})") from None
    engine = str(db.get("ENGINE"))
    if engine not in _ENGINES:
        raise ConfigError(
            "DATABASE_URL", "expected sqlite:///PATH or postgresql://USER@HOST:PORT/NAME"
        )
    if _ENGINES[engine] == "postgresql" and not db.get("NAME"):
        raise ConfigError("DATABASE_URL", "a PostgreSQL URL needs a database name")
    if _ENGINES[engine] == "postgresql":
        # A web worker keeps its connection between HTTP requests (a new one costs a
        # server process and an authentication: more than a request's own statements,
        # docs/performance.md); checked before reuse, so one the server dropped is
        # replaced instead of failing the request. Worker processes hold theirs anyway.
        db["CONN_MAX_AGE"] = 60
        db["CONN_HEALTH_CHECKS"] = True
    # Requests are short; the counter and the log rows must be written together.
    db["ATOMIC_REQUESTS"] = False
    if _ENGINES[engine] == "sqlite":
        # Several web workers and worker processes share one file: WAL lets readers
        # run beside a writer, IMMEDIATE transactions take the write lock up front
        # (so two writers queue on the busy timeout instead of one failing with
        # "database is locked" when it upgrades a read lock).
        db["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return db


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    key = env.get("SECRET_KEY")
    if key is not None:
        if len(key) < 32:
            raise ConfigError("SECRET_KEY", "must be at least 32 characters long")
        return key
    # No key given: keep one in the data dir, so sessions survive a restart of the
    # demo; production deployments set SECRET_KEY explicitly.
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def _hosts(env: Mapping[str, str]) -> list[str]:
    raw = env.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    if not hosts:
        raise ConfigError("ALLOWED_HOSTS", "expected a comma-separated list of host names")
    return hosts


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    if not raw.strip().isdigit():
        raise ConfigError(name, f"expected a whole number, got {raw!r}")
    return int(raw)


def _policy_dir(env: Mapping[str, str]) -> Path | None:
    raw = env.get("ACCORD_POLICY_DIR")
    if not raw:
        return None
    path = Path(raw).expanduser().resolve()
    if not path.is_dir():
        raise ConfigError("ACCORD_POLICY_DIR", f"{path} is not a directory")
    return path


def _umask(env: Mapping[str, str]) -> int:
    """ACCORD_UMASK (octal, default 077): new files 0600, new directories 0700."""
    raw = (env.get("ACCORD_UMASK") or "077").strip()
    try:
        value = int(raw, 8)
    except ValueError:
        value = -1
    if not 0 <= value <= 0o777:
        raise ConfigError("ACCORD_UMASK", f"expected an octal mask such as 077 or 027, got {raw!r}")
    return value


def _storages(env: Mapping[str, str]) -> dict[str, Any]:
    """Where attachment files go: ACCORD_FILE_STORAGE=local (default) or s3.

    s3 means any S3-compatible object store through django-storages (install
    `django-storages[s3]`); its settings are django-storages' own AWS_* variables.
    """
    kind = (env.get("ACCORD_FILE_STORAGE") or "local").strip().lower()
    if kind == "local":
        # Location and modes from MEDIA_ROOT and FILE_UPLOAD_*PERMISSIONS (settings).
        default: dict[str, Any] = {"BACKEND": "accord.storage.DurableFileSystemStorage"}
    elif kind == "s3":
        bucket = (env.get("AWS_STORAGE_BUCKET_NAME") or "").strip()
        if not bucket:
            raise ConfigError("AWS_STORAGE_BUCKET_NAME", "ACCORD_FILE_STORAGE=s3 needs a bucket")
        options: dict[str, Any] = {"bucket_name": bucket, "default_acl": "private"}
        for option, variable in (
            ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
            ("region_name", "AWS_S3_REGION_NAME"),
            ("access_key", "AWS_ACCESS_KEY_ID"),
            ("secret_key", "AWS_SECRET_ACCESS_KEY"),
        ):
            if env.get(variable):
                options[option] = env[variable]
        default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    else:
        raise ConfigError("ACCORD_FILE_STORAGE", f"expected local or s3, got {kind!r}")
    return {
        "default": default,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }


def _public_url(env: Mapping[str, str]) -> str:
    """Where customers reach this desk (links in mail to the portal), without a trailing /."""
    raw = (env.get("ACCORD_PUBLIC_URL") or "http://127.0.0.1:8000").strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            "ACCORD_PUBLIC_URL", f"expected http(s)://HOST[:PORT][/PATH], got {raw!r}"
        )
    return raw.rstrip("/")


def load(env: Mapping[str, str] | None = None) -> Config:
    """Read and validate every setting; raises ConfigError on the first bad one."""
    env = os.environ if env is None else env
    umask = _umask(env)
    # Before anything is created: the data dir, the SQLite file, attachments.
    os.umask(umask)
    data_dir = _data_dir(env)
    return Config(
        data_dir=data_dir,
        database=_database(env, data_dir),
        secret_key=_secret_key(env, data_dir),
        allowed_hosts=_hosts(env),
        debug=_flag(env, "DEBUG", False),
        https=_flag(env, "ACCORD_HTTPS", False),
        proxy_count=_count(env, "ACCORD_PROXY_COUNT", 0),
        policy_dir=_policy_dir(env),
        umask=umask,
        storages=_storages(env),
        public_url=_public_url(env),
        vendor_name=_vendor(env),
        tell_unsupported=_flag(env, "ACCORD_TELL_UNSUPPORTED", False),
    )


def trusted_origins(hosts: list[str]) -> list[str]:
    """CSRF_TRUSTED_ORIGINS for an HTTPS desk: https:// and each allowed host.

    `.example.com` (a Django subdomain wildcard) becomes `https://*.example.com`;
    `*` and the test client's `testserver` are left out.
    """
    origins = []
    for host in hosts:
        if host in ("*", "testserver"):
            continue
        origins.append(f"https://*{host}" if host.startswith(".") else f"https://{host}")
    return origins


def _vendor(env: Mapping[str, str]) -> str:
    """ACCORD_VENDOR_NAME: who sends the invoices (their header and PDF)."""
    name = " ".join(env.get("ACCORD_VENDOR_NAME", "").split())
    if len(name) > 200:
        raise ConfigError("ACCORD_VENDOR_NAME", "at most 200 characters")
    return name or "Support"


@dataclass(frozen=True)
class Alerts:
    """Alerting settings (docs/alerts.md)."""

    base_url: str
    warning_percent: int
    webhook_allow_private: bool
    page_ack_minutes: int
    digest_minutes: int = 60


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"expected a number from {low} to {high}, got {value}")
    return value


def load_alerts(env: Mapping[str, str] | None = None) -> Alerts:
    """ACCORD_BASE_URL, ACCORD_SLA_WARNING_PERCENT, ACCORD_WEBHOOK_ALLOW_PRIVATE,
    ACCORD_PAGE_ACK_MINUTES, ACCORD_ALERT_DIGEST_MINUTES."""
    env = os.environ if env is None else env
    base = (env.get("ACCORD_BASE_URL") or "http://127.0.0.1:8000").strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigError("ACCORD_BASE_URL", f"expected an http(s) URL, got {base!r}")
    return Alerts(
        base_url=base,
        warning_percent=_int(env, "ACCORD_SLA_WARNING_PERCENT", 75, 1, 99),
        webhook_allow_private=_flag(env, "ACCORD_WEBHOOK_ALLOW_PRIVATE", False),
        page_ack_minutes=_int(env, "ACCORD_PAGE_ACK_MINUTES", 15, 1, 1440),
        digest_minutes=_int(env, "ACCORD_ALERT_DIGEST_MINUTES", 60, 1, 1440),
    )
