"""The web layer: sign-in throttling, the Content-Security-Policy, secure cookies, a clean deploy check."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.services import user_create

SOURCE = Path(__file__).resolve().parents[2]
LOGIN = reverse("accounts:login")
PASSWORD = "fietsbel-kastanje-93"


@pytest.fixture
def tenant(db):
    return user_create(username="noor@example.nl", password=PASSWORD, roles=[Role.TENANT])


def sign_in(client, password, username="noor@example.nl"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_wrong_passwords_pause_sign_in_even_with_the_right_one(client, tenant, settings, in_english):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "The password was wrong too often" in locked.content.decode()
    assert sign_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_account_from_the_same_address_is_not_paused(client, tenant, settings):
    user_create(username="sem@example.nl", password=PASSWORD, roles=[Role.TENANT])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD, username="sem@example.nl").status_code == 302


def test_a_right_password_resets_the_count(client, tenant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_inline_script(client):
    policy = client.get(reverse("portal:repairs-start"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


def test_no_page_template_has_inline_script_or_style():
    """Letters are rendered to PDF by WeasyPrint, not served as pages: their print CSS may be inline."""
    offenders = []
    for template in SOURCE.rglob("templates/**/*.html"):
        if "/letters/" in template.as_posix():
            continue
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE):
            offenders += [
                f"{template.relative_to(SOURCE)}: {m.group(0)[:60]}" for m in pattern.finditer(text)
            ]
    assert offenders == []


@pytest.mark.django_db
def test_the_health_check_answers_without_a_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert client.get(reverse("portal:repairs-start")).status_code == 301


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ROER_", "DEBUG", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "roer.conf.settings",
        "ROER_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://roer@db.invalid:5432/roer",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "huur.example.nl",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "roer", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    settings_dump = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
            "s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert settings_dump.stdout.split() == ["True"] * 6, settings_dump.stderr
