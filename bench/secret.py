"""A random secret key for the apps a benchmark builds: nothing they sign outlives the run."""

import secrets


def throwaway_secret() -> str:
    """Return a fresh secret key (the service has no default one)."""
    return secrets.token_urlsafe(32)
