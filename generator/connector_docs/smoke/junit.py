"""JUnit XML (``<testsuites>``/``<testsuite>`` of ``<testcase name="<appId>" time="<s>">``),
read with defusedxml: no DTDs, no entities, no external resources."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from connector_docs.diagnostics import error
from connector_docs.model import SUITES, SmokeResult, SmokeStatus
from connector_docs.smoke.common import Parsed
from connector_docs.smoke.naming import parse_timestamp


class _LineTreeBuilder(ET.TreeBuilder):
    """Remembers the line each element starts on (ElementTree itself keeps none)."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str], /) -> ET.Element:
        element = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[id(element)] = self.expat.CurrentLineNumber
        return element


def parse_junit(name: str, data: bytes, parsed: Parsed) -> None:
    builder = _LineTreeBuilder()
    # defusedxml's parser, as defusedxml.ElementTree.fromstring builds it, plus line numbers.
    parser = DefusedXMLParser(target=builder, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        parsed.fatal(
            error(
                name,
                _unsafe_xml_message(exc),
                line=parser.parser.CurrentLineNumber,
                column=1,
                hint="JUnit files need no DTD or entities; remove the <!DOCTYPE ...> block",
                code="smoke-xml-unsafe",
            )
        )
        return
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        line, col = getattr(exc, "position", (0, 0))
        parsed.fatal(
            error(name, f"invalid XML: {exc}", line=line, column=col + 1, code="smoke-xml")
        )
        return
    if root.tag not in ("testsuites", "testsuite"):
        parsed.fatal(
            error(
                name,
                f"JUnit root must be <testsuites> or <testsuite>, not <{root.tag}>",
                line=1,
                code="smoke-xml",
            )
        )
        return
    suites = list(root.iter("testsuite"))
    _junit_metadata(name, root, suites, builder.lines, parsed)
    for case in root.iter("testcase"):
        _junit_case(name, case, builder.lines.get(id(case), 0), parsed)


def _unsafe_xml_message(exc: Exception) -> str:
    entity = getattr(exc, "name", None)
    system_id = getattr(exc, "system_id", None) or getattr(exc, "sysid", None)
    if system_id:
        return f"XML refers to an external resource ({system_id}); refused"
    if entity:
        return f"XML declares the entity '{entity}'; entities are refused (they can blow up)"
    return f"unsafe XML refused: {type(exc).__name__}"


def _junit_metadata(
    name: str,
    root: ET.Element,
    suites: list[ET.Element],
    lines: dict[int, int],
    parsed: Parsed,
) -> None:
    for element in [root, *suites]:
        stamp = element.get("timestamp")
        if stamp is None:
            continue
        parsed.ran_at_given = True
        parsed.ran_at = parse_timestamp(stamp)
        if parsed.ran_at is None:
            parsed.diagnostics.append(
                error(
                    name,
                    f"timestamp '{stamp[:100]}' is not an ISO 8601 date-time that exists in UTC",
                    line=lines.get(id(element), 0),
                    code="smoke-bad-date",
                )
            )
        break
    for element in [root, *suites]:
        for prop in element.findall("properties/property"):
            value = (prop.get("value") or prop.text or "").strip()
            if prop.get("name") == "suite" and value:
                parsed.suite = value
                return
    for element in suites:
        suite_name = (element.get("name") or "").strip().lower()
        if suite_name in SUITES:
            parsed.suite = suite_name
            return


def _text_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _junit_case(name: str, case: ET.Element, line: int, parsed: Parsed) -> None:
    app_id = (case.get("name") or "").strip()
    if not app_id:
        parsed.diagnostics.append(
            error(name, "<testcase> without a name (the appId)", line=line, code="smoke-no-app-id")
        )
        return
    time_text = case.get("time", "0").strip() or "0"
    try:
        seconds = float(time_text)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        parsed.diagnostics.append(
            error(
                name,
                f"time '{time_text}' of '{app_id}' must be a non-negative number of seconds",
                line=line,
                code="smoke-bad-duration",
            )
        )
        return
    messages: list[str] = []
    status: SmokeStatus = "passed"
    for child in case:
        if child.tag in ("failure", "error", "skipped"):
            if child.tag == "skipped":
                status = "skipped" if status == "passed" else status
            else:
                status = "failed"
            said = (child.get("message") or "").strip()
            body = _text_lines(child.text)
            messages.extend(([said] if said else []) + [b for b in body if b != said])
        elif child.tag == "system-out":
            messages.extend(_text_lines(child.text))
    parsed.add(SmokeResult(app_id, status, seconds * 1000.0, tuple(messages), line))
