"""Settings come from the environment and are validated with clear messages."""

from __future__ import annotations

import pytest

from accord.config import ConfigError, load


def test_it_defaults_to_sqlite_in_the_data_dir_and_persists_a_secret_key(tmp_path):
    first = load({"ACCORD_DATA_DIR": str(tmp_path)})
    assert first.database["ENGINE"] == "django.db.backends.sqlite3"
    assert first.database["NAME"] == str(tmp_path / "accord.sqlite3")
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load({"ACCORD_DATA_DIR": str(tmp_path)}).secret_key == first.secret_key
    assert first.debug is False


def test_it_reads_postgresql_hosts_debug_and_key(tmp_path):
    cfg = load(
        {
            "ACCORD_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://u@db:5433/accord",
            "ALLOWED_HOSTS": "desk.example, api.example",
            "DEBUG": "yes",
            "SECRET_KEY": "k" * 40,
        }
    )
    assert (cfg.database["ENGINE"], cfg.database["HOST"], cfg.database["PORT"]) == (
        "django.db.backends.postgresql",
        "db",
        5433,
    )
    assert cfg.allowed_hosts == ["desk.example", "api.example"]
    assert cfg.debug is True and cfg.secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
    ],
)
def test_it_names_the_variable_that_is_wrong(tmp_path, env, variable):
    with pytest.raises(ConfigError) as caught:
        load({"ACCORD_DATA_DIR": str(tmp_path), **env})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")


def test_it_refuses_a_data_dir_it_cannot_create(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError) as caught:
        load({"ACCORD_DATA_DIR": str(blocker / "sub")})
    assert caught.value.variable == "ACCORD_DATA_DIR"
