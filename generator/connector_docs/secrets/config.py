"""The smoke runner's credentials file: which of its values are secrets.

Every value under ``credentials`` and ``additionalConfig`` of each connector's entry is
one (nested objects and lists too; numbers as JSON writes them), and so is each
``user:password`` pair such a section holds, as HTTP Basic auth sends it. What is found is
plain data, a :class:`ConfigSecret` each, in file order; :class:`Redactor
<connector_docs.secrets.redact.Redactor>` makes their forms. Diagnostics are located in
the file and name where a value is, never the value.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import Diagnostic, Severity, error, warning
from connector_docs.inputs.locate import byte_line_col
from connector_docs.smoke import JsonSource, escape_pointer

MIN_SECRET_LENGTH = 4
MAX_CONFIG_BYTES = 20 * 1024 * 1024
_SECTIONS = ("credentials", "additionalConfig")
_USER_KEYS = {"username", "user", "login", "email", "clientid", "accountsid", "apikey"}
_PASSWORD_KEYS = {"password", "pass", "secret", "clientsecret", "apisecret", "authtoken"}


@dataclass(frozen=True)
class ConfigSecret:
    """One secret of the file, and what it is (``label``, for diagnostics)."""

    value: str
    label: str
    basic_pair: bool = False  # "user:password": secret in its base64 forms only


def read_config(path: Path) -> tuple[list[ConfigSecret], list[Diagnostic]]:
    """The secrets in the smoke runner's credentials file. On any problem reading it: no
    secrets, and error diagnostics (so the build fails rather than leaks)."""
    name = str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        return [], [error(name, f"cannot read smoke config: {exc.strerror or exc}")]
    if len(data) > MAX_CONFIG_BYTES:
        return [], [error(name, "smoke config is larger than 20 MB")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = byte_line_col(data, exc.start)
        return [], [error(name, f"smoke config is not UTF-8 text (byte "
                          f"0x{data[exc.start]:02x})", line=line, column=column,
                          hint="save the file as UTF-8")]
    source = JsonSource(text)
    document, diags = source.load(name)
    if diags:
        return [], diags
    secrets, found = config_secrets(document, name)
    located = []
    for diag in found:
        line, column = source.locate(diag.pointer or "")
        located.append(dataclasses.replace(diag, line=line, column=column))
    return secrets, located


def config_secrets(data: Any, name: str) -> tuple[list[ConfigSecret], list[Diagnostic]]:
    """The secrets in already parsed config data (``name`` is for diagnostics)."""
    if not isinstance(data, dict):
        return [], [
            error(
                name,
                "smoke config must be an object mapping connector ids to settings",
                pointer="",
                hint='e.g. {"slack": {"credentials": {"botToken": "xoxb-..."}}}',
                code="smoke-config",
            )
        ]
    secrets: list[ConfigSecret] = []
    diags: list[Diagnostic] = []
    for key, entry in data.items():
        app_id = str(key)
        at = f"/{escape_pointer(app_id)}"
        if app_id.startswith("$"):
            continue
        if not isinstance(entry, dict):
            diags.append(warning(name, f"entry '{app_id}' is not an object", pointer=at))
            continue
        for section in _SECTIONS:
            if section in entry:
                where = f"{at}/{section}"
                diags.extend(_values(entry[section], where, name, secrets))
                secrets.extend(_pairs(entry[section], where))
    return secrets, diags


def _values(value: Any, at: str, name: str, out: list[ConfigSecret]) -> list[Diagnostic]:
    """Every value below ``value`` (at pointer ``at``) appended to ``out``; a warning for
    each too short to redact."""
    if isinstance(value, dict):
        found: list[Diagnostic] = []
        for key, item in value.items():
            found += _values(item, f"{at}/{escape_pointer(str(key))}", name, out)
        return found
    if isinstance(value, list):
        return [d for i, v in enumerate(value) for d in _values(v, f"{at}/{i}", name, out)]
    if isinstance(value, bool) or value is None:
        return []
    text = value if isinstance(value, str) else json.dumps(value)
    if not text.strip():
        return []
    if len(text.strip()) < MIN_SECRET_LENGTH:
        return [
            Diagnostic(
                path=name,
                severity=Severity.WARNING,
                message=f"value shorter than {MIN_SECRET_LENGTH} characters "
                "cannot be redacted safely",
                pointer=at,
                hint="use a longer test credential, or make sure no output prints it",
                code="secret-too-short",
            )
        ]
    out.append(ConfigSecret(text, f"smoke-config value {at}"))
    return []


def _pairs(section: Any, at: str) -> list[ConfigSecret]:
    """``user:password`` pairs, as HTTP Basic auth sends them (base64 only)."""
    if not isinstance(section, dict):
        return []
    plain = {re.sub(r"[^a-z]", "", str(k).lower()): v for k, v in section.items()}
    users = [v.strip() for k, v in plain.items() if k in _USER_KEYS and isinstance(v, str)]
    passwords = [v.strip() for k, v in plain.items()
                 if k in _PASSWORD_KEYS and isinstance(v, str)]
    return [ConfigSecret(f"{user}:{password}", f"smoke-config user:password {at} (base64)",
                         basic_pair=True)
            for user in users for password in passwords]
