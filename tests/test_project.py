"""The project as a whole: production settings pass Django's deployment checks and refuse to start
without their keys, the models match the migrations, and the import contract holds.

Each runs manage.py (or lint-imports) in a subprocess, with a clean environment, so that neither
the test settings already loaded here nor the developer's own variables leak in."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest in this same process, and
    # check --deploy rightly refuses it (async.E001).
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("OWNERVOTE_")}
    env["PYTHONPATH"] = str(REPO / "src")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'project-check.sqlite3'}"
    env["OWNERVOTE_VAR"] = str(tmp_path / "var")  # never the developer's var/ directory
    env.update(extra)
    return env


def _production_env(tmp_path: Path) -> dict[str, str]:
    return _clean_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="ownervote.settings.prod",
        OWNERVOTE_SECRET_KEY=secrets.token_urlsafe(64),  # 86 characters
        OWNERVOTE_ENCRYPTION_KEYS="k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        OWNERVOTE_LOOKUP_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        OWNERVOTE_ALLOWED_HOSTS="vote.example.cn",
        # A real SMS provider: the deploy check refuses the console backend (identity.E002).
        OWNERVOTE_SMS_BACKEND="ownervote.identity.sms.aliyun.AliyunSmsBackend",
        OWNERVOTE_SMS_ACCESS_KEY_ID="LTAI-deploy-check",
        OWNERVOTE_SMS_ACCESS_KEY_SECRET=secrets.token_urlsafe(24),
        OWNERVOTE_SMS_SIGN_NAME="业主大会投票",
        OWNERVOTE_SMS_TEMPLATES="sign_in_code=SMS_100001,verify_code=SMS_100002,notice=SMS_100003",
        # A real face provider: the deploy check refuses the development one (verification.E001).
        OWNERVOTE_FACE_BACKEND="ownervote.verification.providers.tencent.TencentFaceProvider",
        OWNERVOTE_FACE_TENCENT_SECRET_ID="AKID-deploy-check",
        OWNERVOTE_FACE_TENCENT_SECRET_KEY=secrets.token_urlsafe(24),
        OWNERVOTE_FACE_TENCENT_RULE_ID="1",
        OWNERVOTE_FACE_SECRET=secrets.token_urlsafe(32),
    )


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, str(REPO / "manage.py"), *args], env)


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path))

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "no issues" in output, output


def test_deployment_checks_refuse_the_development_face_provider(tmp_path):  # R-ID-4
    env = _production_env(tmp_path)
    del env["OWNERVOTE_FACE_BACKEND"]  # the default: the development provider

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0, result.stdout + result.stderr
    assert "verification.E001" in result.stdout + result.stderr


def test_deployment_checks_refuse_the_console_sms_backend(tmp_path):
    env = _production_env(tmp_path)
    del env["OWNERVOTE_SMS_BACKEND"]  # the default: messages are only printed

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0, result.stdout + result.stderr
    assert "identity.E002" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["OWNERVOTE_SECRET_KEY", "OWNERVOTE_ENCRYPTION_KEYS", "OWNERVOTE_LOOKUP_KEY"]
)
def test_production_settings_refuse_to_start_without_a_key(tmp_path, missing):
    env = _production_env(tmp_path)
    del env[missing]

    result = _manage("check", env=env)

    assert result.returncode != 0, result.stdout + result.stderr
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    assert missing in result.stderr, result.stderr


def test_models_and_migrations_agree(tmp_path):
    env = _clean_env(tmp_path, DJANGO_SETTINGS_MODULE="ownervote.settings.test")

    result = _manage("makemigrations", "--check", "--dry-run", env=env)

    assert result.returncode == 0, "missing migrations:\n" + result.stdout + result.stderr


def test_import_contracts_hold(tmp_path):
    lint_imports = BIN / "lint-imports"
    assert lint_imports.exists(), f"{lint_imports} not found: run `make install`"

    result = _run([str(lint_imports), "--no-cache"], _clean_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def test_production_never_runs_the_development_face_provider(tmp_path):
    """R-ID-1: the development provider passes whoever clicks. In production it gets no secret,
    so self-service verification refuses to start, even if a secret was set by mistake."""
    env = {**_production_env(tmp_path), "OWNERVOTE_FACE_SECRET": "set-by-mistake"}
    del env["OWNERVOTE_FACE_BACKEND"]  # the default: the development provider
    code = (
        "from ownervote.verification.face import get_provider;"
        "from ownervote.core.errors import ServiceError\n"
        "try:\n    get_provider()._key(); print('started')\n"
        "except Exception as exc:\n    print('refused', type(exc).__name__)"
    )
    result = _manage("shell", "-c", code, env=env)
    assert "refused" in result.stdout, result.stdout + result.stderr


def test_production_answers_the_health_check_over_plain_http(tmp_path):
    """The load balancer checks /healthz over plain HTTP: it must get 200, not a redirect to
    HTTPS (Django's setting is SECURE_REDIRECT_EXEMPT), while every other page is redirected."""
    code = (
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='vote.example.cn')\n"
        "print(c.get('/healthz').status_code, c.get('/m/').status_code)"
    )
    result = _manage("shell", "-c", code, env=_production_env(tmp_path))
    assert result.stdout.split()[-2:] == ["200", "301"], result.stdout + result.stderr
