"""Personal data at rest: AES-256-GCM with a key id (for rotation), and keyed hashes
(HMAC-SHA256) so that an ID number or mobile can be found without decrypting every row."""

from __future__ import annotations

import base64
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"


@cache
def _keys() -> tuple[str, dict[str, bytes]]:
    raw = settings.OWNERVOTE_ENCRYPTION_KEYS
    keys: dict[str, bytes] = {}
    first = ""
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        kid, _, b64 = item.partition(":")
        key = base64.b64decode(b64)
        if len(key) != 32 or not kid:
            raise ImproperlyConfigured("OWNERVOTE_ENCRYPTION_KEYS: each key is 'kid:base64(32 bytes)'")
        keys[kid] = key
        first = first or kid
    if not keys:
        raise ImproperlyConfigured("OWNERVOTE_ENCRYPTION_KEYS is not set")
    return first, keys


@cache
def _lookup_key() -> bytes:
    key = base64.b64decode(settings.OWNERVOTE_LOOKUP_KEY or "")
    if len(key) < 32:
        raise ImproperlyConfigured("OWNERVOTE_LOOKUP_KEY must be base64 of at least 32 bytes")
    return key


@cache
def _aead(kid: str) -> AESGCM:
    return AESGCM(_keys()[1][kid])


def clear_key_cache() -> None:
    _keys.cache_clear()
    _lookup_key.cache_clear()
    _aead.cache_clear()


def encrypt_bytes(data: bytes, *, context: bytes = b"") -> bytes:
    kid = _keys()[0]
    nonce = os.urandom(12)
    sealed = _aead(kid).encrypt(nonce, data, context)
    kid_b = kid.encode()
    return bytes([len(kid_b)]) + kid_b + nonce + sealed


def decrypt_bytes(blob: bytes, *, context: bytes = b"") -> bytes:
    n = blob[0]
    kid = blob[1 : 1 + n].decode()
    nonce = blob[1 + n : 13 + n]
    return _aead(kid).decrypt(nonce, blob[13 + n :], context)


def encrypt_text(value: str) -> str:
    if value == "":
        return ""
    return PREFIX + ":" + base64.b64encode(encrypt_bytes(value.encode())).decode()


def decrypt_text(value: str) -> str:
    if value == "":
        return ""
    prefix, _, b64 = value.partition(":")
    if prefix != PREFIX:
        raise ValueError("unknown ciphertext version")
    return decrypt_bytes(base64.b64decode(b64)).decode()


def lookup_hash(kind: str, value: str) -> str:
    """Keyed hash of a normalised value; ``kind`` separates ID numbers from mobiles."""
    if not value:
        return ""
    msg = f"{kind}:{value}".encode()
    return hmac.digest(_lookup_key(), msg, "sha256").hex()


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()
