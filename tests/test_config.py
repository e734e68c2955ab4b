"""Settings: defaults, `TRACKER_*` parsing, and refusal of unknown names and unusable values.

Pure: every call passes `environ` explicitly, so the developer's own environment never leaks in.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from api.app import create_app
from tracker.config import ConfigError, Settings, load_settings


def test_defaults():
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.database_url == ""
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.zone == ZoneInfo("Asia/Ho_Chi_Minh")
    assert settings.base_url == "http://127.0.0.1:5000"
    assert settings.log_level == "INFO"
    assert settings.max_request_kb == 1024
    assert settings.sql_echo is False
    assert settings.secret_key == ""  # none in code: create_app refuses to start without one


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
    ],
)
def test_booleans_from_the_environment(text, expected):
    assert load_settings(environ={"TRACKER_SQL_ECHO": text}).sql_echo is expected


def test_values_from_the_environment():
    settings = load_settings(
        environ={
            "TRACKER_MAX_REQUEST_KB": " 500 ",
            "TRACKER_TIMEZONE": "Europe/Paris",
            "TRACKER_BASE_URL": "https://tracker.example.gov.vn/",
            "TRACKER_LOG_LEVEL": "debug",
            "TRACKER_SECRET_KEY": "s" * 32,
        }
    )
    assert settings.max_request_kb == 500
    assert settings.zone == ZoneInfo("Europe/Paris")
    assert settings.base_url == "https://tracker.example.gov.vn"
    assert settings.log_level == "DEBUG"
    assert settings.secret_key == "s" * 32


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////var/lib/tracker/tracker.db", "sqlite:////var/lib/tracker/tracker.db"),
        ("sqlite:///instance/tracker.db", "sqlite:///instance/tracker.db"),
        ("postgres://tracker@db/tracker", "postgresql+psycopg://tracker@db/tracker"),
        ("postgresql://u:p@127.0.0.1:5432/test", "postgresql+psycopg://u:p@127.0.0.1:5432/test"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("  postgresql://u@h/db  ", "postgresql+psycopg://u@h/db"),
        ("", ""),
    ],
)
def test_database_urls(url, expected):
    assert load_settings(environ={"TRACKER_DATABASE_URL": url}).database_url == expected


def test_the_mapping_wins_over_the_environment():
    settings = load_settings(
        {"TIMEZONE": "UTC", "SQL_ECHO": True, "MAX_REQUEST_KB": 64},
        environ={"TRACKER_TIMEZONE": "Europe/Paris", "TRACKER_SQL_ECHO": "0"},
    )
    assert (settings.timezone, settings.sql_echo, settings.max_request_kb) == ("UTC", True, 64)


def test_flask_keys_and_harness_variables_are_accepted():
    settings = load_settings(
        {"TESTING": True, "DEBUG": False},
        environ={
            "TRACKER_TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1/test",
            "TRACKER_ENV_FILE": ".env",
            "PATH": "/usr/bin",
            "FLASK_APP": "wsgi",
        },
    )
    assert settings == Settings()


def test_unknown_environment_variable_is_refused():
    with pytest.raises(ConfigError, match="TRACKER_BOGUS") as info:
        load_settings(environ={"TRACKER_BOGUS": "1"})
    assert "Unknown" in str(info.value)


def test_unknown_mapping_key_is_refused_with_the_known_names():
    with pytest.raises(ConfigError, match="'BOGUS'") as info:
        load_settings({"BOGUS": 1}, environ={})
    message = str(info.value)
    assert "Unknown setting" in message
    assert "DATABASE_URL" in message and "TIMEZONE" in message


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("TRACKER_TIMEZONE", "Mars/Base", "time zone"),
        ("TRACKER_TIMEZONE", "", "time zone"),
        ("TRACKER_DATABASE_URL", "mysql://x", "sqlite"),
        ("TRACKER_DATABASE_URL", "sqlite://", "sqlite"),
        ("TRACKER_DATABASE_URL", "not a url", "sqlite"),
        ("TRACKER_BASE_URL", "ftp://x", "http"),
        ("TRACKER_BASE_URL", "tracker.example.gov.vn", "http"),
        ("TRACKER_SECRET_KEY", "short", "16"),
        ("TRACKER_LOG_LEVEL", "LOUD", "DEBUG"),
        ("TRACKER_MAX_REQUEST_KB", "0", "16 to 65536"),
        ("TRACKER_MAX_REQUEST_KB", "70000", "16 to 65536"),
        ("TRACKER_MAX_REQUEST_KB", "many", "int"),
        ("TRACKER_SQL_ECHO", "maybe", "true or false"),
    ],
)
def test_bad_values_name_the_variable(variable, value, hint):
    with pytest.raises(ConfigError) as info:
        load_settings(environ={variable: value})
    message = str(info.value)
    assert message.startswith(f"Bad value for {variable}:")
    assert hint in message


def test_bad_values_from_the_mapping_name_the_variable_too():
    with pytest.raises(ConfigError, match=r"^Bad value for TRACKER_TIMEZONE:"):
        load_settings({"TIMEZONE": "Mars/Base"}, environ={})


def test_a_bad_secret_is_not_echoed():
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"TRACKER_SECRET_KEY": "hunter2"})
    assert "hunter2" not in str(info.value)


def test_create_app_refuses_an_unknown_setting():
    with pytest.raises(ConfigError, match="BOGUS"):
        create_app({"BOGUS": True, "DATABASE_URL": "sqlite:///unused.db"})


def test_create_app_refuses_a_bad_value():
    with pytest.raises(ConfigError, match="TRACKER_TIMEZONE"):
        create_app({"TIMEZONE": "Mars/Base", "DATABASE_URL": "sqlite:///unused.db"})
