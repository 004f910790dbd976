import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**environment) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fulfilment.settings", **environment}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is false"),
        (
            {"ATTACHMENT_MAX_SIZE_MB": "twenty"},
            "ATTACHMENT_MAX_SIZE_MB='twenty' is not a whole number",
        ),
        ({"LANGUAGE_CODE": "de"}, "LANGUAGE_CODE='de': use one of ru, en"),
        ({"DATABASE_URL": "oracle2://x"}, "DATABASE_URL is not a database URL"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_a_clear_message(environment, message):
    result = load_settings(**environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_empty_values_fall_back_to_the_defaults_that_need_nothing_but_python():
    result = load_settings(DATABASE_URL="", CELERY_BROKER_URL="", EMAIL_URL="", DEBUG="")
    assert result.returncode == 0, result.stderr


def test_the_readme_documents_every_environment_variable():
    settings_source = (ROOT / "fulfilment/settings.py").read_text()
    names = set(re.findall(r'(?:env\.\w+|_flag|_number)\(\s*"([A-Z_]+)"', settings_source))
    readme = (ROOT / "README.md").read_text()
    assert len(names) > 10
    assert [name for name in sorted(names) if f"`{name}`" not in readme] == []
