"""The smoke runner's credentials file: which of its values are secrets.

The values under ``credentials`` and ``additionalConfig`` of each connector's entry
(nested objects and lists too; numbers as JSON writes them) are classified by their keys
(:mod:`connector_docs.secrets.fields`): credential-shaped and unknown ones are secrets,
endpoint-shaped ones (``serverUrl``, ``region``, ``apiVersion``) are not, and the user's
``secret`` / ``not_secret`` pointers (:class:`Overrides
<connector_docs.secrets.fields.Overrides>`) decide over both. Each ``user:password`` pair
such a section holds is a secret too, as HTTP Basic auth sends it. What is found is plain
data, a :class:`ConfigSecret` each, in file order; :class:`Redactor
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

from connector_docs.diagnostics import Diagnostic, Severity, did_you_mean, error, warning
from connector_docs.inputs.locate import byte_line_col
from connector_docs.secrets.fields import (
    NO_OVERRIDES,
    Overrides,
    is_glob,
    path_kind,
    public_value,
)
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
    pointer: str = ""  # where it is in the file


@dataclass
class _Walk:
    """What one pass over the config collects."""

    name: str
    overrides: Overrides
    secrets: list[ConfigSecret] = dataclasses.field(default_factory=list)
    diags: list[Diagnostic] = dataclasses.field(default_factory=list)
    pointers: list[str] = dataclasses.field(default_factory=list)  # every value's
    used: set[str] = dataclasses.field(default_factory=set)  # patterns that matched


def read_config(path: Path, overrides: Overrides = NO_OVERRIDES
                ) -> tuple[list[ConfigSecret], list[Diagnostic]]:
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
    secrets, found = config_secrets(document, name, overrides)
    located = []
    for diag in found:
        if diag.pointer is None:
            located.append(diag)
            continue
        line, column = source.locate(diag.pointer)
        located.append(dataclasses.replace(diag, line=line, column=column))
    return secrets, located


def config_secrets(data: Any, name: str, overrides: Overrides = NO_OVERRIDES
                   ) -> tuple[list[ConfigSecret], list[Diagnostic]]:
    """The secrets in already parsed config data (``name`` is for diagnostics), and a
    warning for each of the user's pointers that names no value."""
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
    walk = _Walk(name, overrides)
    secrets, diags = walk.secrets, walk.diags
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
                _values(walk, entry[section], where, [])
                secrets.extend(_pairs(entry[section], where))
    for option in ("secret", "not_secret"):
        for pattern in getattr(overrides, option):
            if pattern not in walk.used:
                diags.append(_unmatched(walk, option, pattern))
    return secrets, diags


def _unmatched(walk: _Walk, option: str, pattern: str) -> Diagnostic:
    hint = did_you_mean(pattern, walk.pointers) if not is_glob(pattern) else None
    return warning(walk.name, f"{option} lists '{pattern}', which names no value under "
                   "credentials or additionalConfig in the smoke config", code="secret-pointer",
                   hint=hint or "a JSON pointer such as /tableau/credentials/serverUrl, "
                   "or a glob such as */credentials/serverUrl (a glob never makes a "
                   "credential-shaped field public)")


def _values(walk: _Walk, value: Any, at: str, keys: list[str]) -> None:
    """Every secret below ``value`` (at pointer ``at``, reached by ``keys``) into
    ``walk``; a warning for each too short to redact."""
    if isinstance(value, dict):
        for key, item in value.items():
            _values(walk, item, f"{at}/{escape_pointer(str(key))}", [*keys, str(key)])
        return
    if isinstance(value, list):
        for i, v in enumerate(value):
            _values(walk, v, f"{at}/{i}", keys)
        return
    if isinstance(value, bool) or value is None:
        return
    walk.pointers.append(at)
    text = value if isinstance(value, str) else json.dumps(value)
    if not _is_secret(walk, at, keys, text):
        return
    if not text.strip():
        return
    if len(text.strip()) < MIN_SECRET_LENGTH:
        walk.diags.append(
            Diagnostic(
                path=walk.name,
                severity=Severity.WARNING,
                message=f"value shorter than {MIN_SECRET_LENGTH} characters "
                "cannot be redacted safely",
                pointer=at,
                hint="use a longer test credential, or make sure no output prints it",
                code="secret-too-short",
            )
        )
        return
    walk.secrets.append(ConfigSecret(text, f"smoke-config value {at}", pointer=at))


def _is_secret(walk: _Walk, at: str, keys: list[str], text: str) -> bool:
    """Whether the value at ``at`` is a secret: listed under ``secret``, else by its
    keys (``fields.path_kind``) and, for a place-shaped key, by the value's look
    (``fields.public_value``), unless listed under ``not_secret``."""
    overrides = walk.overrides
    listed = overrides.match(overrides.secret, at)
    if listed is not None:
        walk.used.add(listed)
        return True
    kind = path_kind(keys)
    if kind == "endpoint" and not public_value(text):
        kind = "unknown"
    # A glob makes only endpoint-shaped fields public; an exact pointer any field: the
    # user's explicit choice, with a warning for a credential-shaped one.
    public = overrides.match(overrides.not_secret, at, exact_only=kind != "endpoint")
    if public is None:
        return kind != "endpoint"
    walk.used.add(public)
    if kind == "credential":
        walk.diags.append(warning(
            walk.name, "a credential-shaped field is listed under not_secret: its value "
            "is neither redacted nor scanned for", pointer=at, code="secret-not-secret",
            hint="make sure it is not a credential; rename the key if it is public"))
    return False


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
