"""No secret lives in the repository, and a server started with no settings runs with DEBUG off."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Built from pieces so that this file does not match itself.
PATTERNS = {
    "private key": re.compile("-----BEGIN [A-Z ]*" + "PRIVATE KEY-----"),
    "AWS access key": re.compile("AKIA" + "[0-9A-Z]{16}"),
    "Django secret key set to a literal": re.compile(r"^\s*SECRET_KEY\s*=\s*['\"]", re.MULTILINE),
    "Fernet key (field encryption) as a literal": re.compile(r"['\"][A-Za-z0-9_-]{43}=['\"]"),
    "password in a database URL": re.compile(r"postgres(?:ql)?://[^:/@\s]+:[^@\s]{3,}@"),
}
SKIPPED_PARTS = {".git", ".venv", "var", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}
BINARY_SUFFIXES = {".png", ".jpg", ".ico", ".woff", ".woff2", ".mo", ".gz", ".zip", ".sqlite3", ".xlsx"}


def repository_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files"],  # noqa: S607 -- git from PATH, fixed arguments
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        files = [ROOT / name for name in listed]
    except (OSError, subprocess.CalledProcessError):
        files = [path for path in ROOT.rglob("*") if path.is_file()]
    return [
        path
        for path in files
        if path.is_file()
        and not SKIPPED_PARTS.intersection(path.relative_to(ROOT).parts)
        and path.suffix not in BINARY_SUFFIXES
    ]


def test_no_secret_is_committed():
    found = []
    for path in repository_files():
        text = path.read_text(encoding="utf-8", errors="ignore")
        for what, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "secrets in the repository:\n" + "\n".join(found)


def test_the_per_checkout_secrets_folder_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "var/" in ignored


@pytest.mark.parametrize("debug, expected", [(None, "False"), ("1", "True"), ("0", "False")])
def test_debug_is_off_unless_asked_for(tmp_path, debug, expected):
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env |= {"DJANGO_SETTINGS_MODULE": "meetpoint.settings", "MEETPOINT_VAR_DIR": str(tmp_path)}
    if debug is not None:
        env["DEBUG"] = debug
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == expected
