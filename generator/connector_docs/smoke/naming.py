"""What a smoke file's name says: the run's date and suite (``2026-11-20-qa.log``,
``2026-11-20T0300Z-nightly.json``, ``engineering-2026-11-20.xml``, ``smoke/qa/2026-11-20.log``)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlsplit

from connector_docs.model import SUITES

UTC = dt.timezone.utc
_NAME_DATE = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T_](\d{2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?(?!\d)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^a-z0-9]+")


def basename_and_parent(name: str) -> tuple[str, str]:
    """The last two parts of a path or of a URL's path."""
    path = unquote(urlsplit(name).path) if "://" in name else name
    parts = [p for p in re.split(r"[\\/]", path) if p]
    return (parts[-1] if parts else ""), (parts[-2] if len(parts) > 1 else "")


def parse_timestamp(text: str) -> dt.datetime | None:
    """ISO 8601 date or date-time; naive means UTC. Returns an aware UTC datetime."""
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        stamp = dt.datetime.fromisoformat(value)
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    except (ValueError, OverflowError):  # an offset at the calendar's edge leaves it
        return None


def date_from_name(name: str) -> dt.datetime | None:
    """The run date a file name carries (``2026-11-20``, ``2026-11-20T0300Z``...)."""
    match = _NAME_DATE.search(basename_and_parent(name)[0])
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        stamp = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    offset = dt.timedelta()
    if zone and zone.upper() != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        return (stamp - offset).replace(tzinfo=UTC)
    except OverflowError:  # 0001-01-01T0000+0500 is before the calendar in UTC
        return None


def suites_from_name(name: str) -> list[str]:
    """The suite names (``engineering``, ``qa``, ``nightly``) standing as words in the file
    name, else in its parent folder's name."""
    for part in basename_and_parent(name):
        words = _WORDS.split(part.lower())
        found = [s for s in SUITES if s in words]
        if found:
            return found
    return []


def renamed_example(name: str, date: bool) -> str:
    """The file's name with the date (``date``) or a suite added, for hints."""
    base = basename_and_parent(name)[0] or "results.json"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, "json"
    return f"2026-11-20-{stem}.{suffix}" if date else f"{stem}-qa.{suffix}"
