"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI's second pass),
SQLite otherwise."""

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
LANGUAGE_CODE = "zh-hans"
