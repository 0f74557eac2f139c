import os
import re
import subprocess
import sys

from django.conf import settings

from roer.conf.env import DECLARED


def test_every_variable_roer_reads_is_documented():
    documented = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (settings.PROJECT_ROOT / "docs/configuration.md").read_text(), re.M)
    )
    assert set(DECLARED) - documented == set()


def _load_settings(tmp_path, **env):
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "SECRET_KEY"}}
    clean.update(ROER_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="roer.conf.settings", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEMO_MODE)",
        ],
        env=clean,
        capture_output=True,
        text=True,
    )


def test_the_embedded_default_generates_its_secret_key_once(tmp_path):
    first = _load_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _load_settings(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert first.stdout.strip() == "True"  # embedded means demo unless ROER_DEMO says otherwise


def test_production_requires_a_secret_key(tmp_path):
    result = _load_settings(tmp_path, DATABASE_URL="postgresql://roer@db.invalid:5432/roer")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_a_bad_boolean_is_refused_with_its_name(tmp_path):
    result = _load_settings(tmp_path, DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps'" in result.stderr


def test_production_settings_turn_demo_off_and_cookies_secure(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEMO_MODE, s.SESSION_COOKIE_SECURE, s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE'])",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "roer.conf.settings",
            "ROER_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://roer@db.invalid:5432/roer",
            "SECRET_KEY": "x" * 50,
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "False", "django.db.backends.postgresql"]
