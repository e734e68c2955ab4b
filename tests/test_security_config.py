"""The security settings: no secret key in code, rates, rate-limit storage, proxies, origins."""

from __future__ import annotations

import pytest

from api.app import create_app
from tracker.config import ConfigError, load_settings


def test_the_service_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY is required"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_the_secret_key_stays_out_of_reprs():
    settings = load_settings(
        environ={
            "TRACKER_SECRET_KEY": "k" * 32,
            "TRACKER_SMTP_PASSWORD": "p" * 12,
            "TRACKER_RATELIMIT_STORAGE_URL": "redis://:hunter2@cache:6379/0",
        }
    )
    shown = repr(settings)
    assert "k" * 32 not in shown and "p" * 12 not in shown and "hunter2" not in shown


def test_security_defaults():
    settings = load_settings(environ={})
    assert settings.token_default_days == 90
    assert settings.auth_failures_per_client == "20/minute"
    assert settings.auth_failures_per_token == "10/minute"
    assert settings.ratelimit_storage_url == "memory://"
    assert settings.trusted_proxies == 0
    assert settings.cors_origins == ()


def test_security_values_from_the_environment():
    settings = load_settings(
        environ={
            "TRACKER_TOKEN_DEFAULT_DAYS": "0",
            "TRACKER_AUTH_FAILURES_PER_CLIENT": "100 per hour",
            "TRACKER_AUTH_FAILURES_PER_TOKEN": "5/minute",
            "TRACKER_RATELIMIT_STORAGE_URL": "database://",
            "TRACKER_TRUSTED_PROXIES": "1",
            "TRACKER_CORS_ORIGINS": "https://Portal.Example.gov.vn/, http://localhost:3000,",
        }
    )
    assert settings.token_default_days == 0
    assert settings.auth_failures_per_client == "100 per hour"
    assert settings.ratelimit_storage_url == "database://"
    assert settings.trusted_proxies == 1
    assert settings.cors_origins == ("https://portal.example.gov.vn", "http://localhost:3000")


@pytest.mark.parametrize(
    "url", ["memory://", "database://", "redis://127.0.0.1:6379/0", "rediss://h:6380"]
)
def test_rate_limit_storages(url):
    assert (
        load_settings(environ={"TRACKER_RATELIMIT_STORAGE_URL": url}).ratelimit_storage_url == url
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRACKER_TOKEN_DEFAULT_DAYS", "-1"),
        ("TRACKER_TOKEN_DEFAULT_DAYS", "3651"),
        ("TRACKER_AUTH_FAILURES_PER_CLIENT", "many"),
        ("TRACKER_AUTH_FAILURES_PER_CLIENT", "0/minute"),
        ("TRACKER_AUTH_FAILURES_PER_TOKEN", "5/minute;50/hour"),
        ("TRACKER_RATELIMIT_STORAGE_URL", "memcached://h:11211"),
        ("TRACKER_RATELIMIT_STORAGE_URL", "postgresql://u@h/db"),
        ("TRACKER_RATELIMIT_STORAGE_URL", "memory://elsewhere"),
        ("TRACKER_RATELIMIT_STORAGE_URL", ""),
        ("TRACKER_TRUSTED_PROXIES", "6"),
        ("TRACKER_CORS_ORIGINS", "*"),
        ("TRACKER_CORS_ORIGINS", "https://portal.example.gov.vn/app"),
        ("TRACKER_CORS_ORIGINS", "ftp://portal.example.gov.vn"),
        ("TRACKER_CORS_ORIGINS", "https://user@portal.example.gov.vn"),
    ],
)
def test_bad_security_values_name_the_variable(variable, value):
    with pytest.raises(ConfigError, match=f"^Bad value for {variable}:"):
        load_settings(environ={variable: value})
