"""Secrets the service must read back (webhook signing secrets), encrypted at rest.

A token can be stored as a hash; a webhook secret cannot, because every delivery signs with it.
So it is sealed with Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from
`TRACKER_SECRET_KEY`: a database dump or backup alone does not reveal it. After the secret key
changes, the earlier keys in `TRACKER_SECRET_KEY_FALLBACKS` still open what they sealed until
`flask tracker reseal-secrets` has sealed it again under the new key.

A sealed value starts with `PREFIX`. A value without it is a secret stored before sealing (or by a
web host of the earlier release during an upgrade): it is used as it is until `reseal-secrets`
seals it.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PURPOSE = b"directive-tracker sealed secrets v1"
PREFIX = "sealed:v1:"


class SecretBox:
    """Seals and opens short secrets with the current secret key (and earlier ones to open)."""

    def __init__(self, secret_key: str, fallbacks: tuple[str, ...] = ()):
        self._fernet = MultiFernet([_fernet(key) for key in (secret_key, *fallbacks)])

    def seal(self, secret: str) -> str:
        """Return the secret encrypted and authenticated, as text."""
        return PREFIX + self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> str | None:
        """Return the secret, or None if no configured key sealed it (or it was altered)."""
        if not stored.startswith(PREFIX):
            return stored
        try:
            return self._fernet.decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            return None

    def reseal(self, stored: str) -> str | None:
        """Return the secret sealed under the current key, or None if it cannot be opened."""
        secret = self.open(stored)
        return None if secret is None else self.seal(secret)


def _fernet(secret_key: str) -> Fernet:
    """A Fernet key of its own for sealing, derived from a secret key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE)
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8"))))


def current_box() -> SecretBox:
    """Return the application's secret box."""
    return current_app.extensions["tracker.secret_box"]
