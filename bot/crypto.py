"""Encryption at rest for what members write, and a keyed link to anonymous authors.

Journal entries are sealed with Fernet (AES-128-CBC + HMAC-SHA256). The author of an
anonymous share is stored only as a keyed hash of (community, member): enough to block
or delete a member's shares, useless for learning who wrote one without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["InvalidToken", "KeyError_", "Vault", "load_or_create_key"]

KEY_FILE_NAME = "securebase.key"


class KeyError_(ValueError):
    """The configured key cannot be used; the message says how to make one."""


def load_or_create_key(configured: str | None, db_path: str) -> bytes:
    """``SECUREBASE_DATA_KEY`` if set, else a key file beside the database (created with mode 0600)."""
    if configured:
        key = configured.strip().encode()
        _check(key)
        return key
    if db_path == ":memory:":
        return Fernet.generate_key()
    path = Path(db_path).resolve().parent / KEY_FILE_NAME
    if path.exists():
        key = path.read_bytes().strip()
        _check(key)
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key


def _check(key: bytes) -> None:
    try:
        Fernet(key)
    except ValueError:
        raise KeyError_(
            "SECUREBASE_DATA_KEY must be 32 url-safe base64-encoded bytes; make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


class Vault:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._link_key = hashlib.sha256(b"securebase/share-author/" + base64.urlsafe_b64decode(key)).digest()

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def open(self, token: bytes) -> str:
        return self._fernet.decrypt(token).decode("utf-8")

    def author_link(self, community_id: int, user_id: str) -> str:
        message = f"{community_id}:{user_id}".encode()
        return hmac.new(self._link_key, message, hashlib.sha256).hexdigest()
