"""Hostile inputs shared by the security tests: the injection corpus, a connector that
carries a payload in every text field, and the HTML checks that prove none of it became
markup."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from connector_docs import text as plaintext

CORPUS = Path(__file__).parent / "corpus"
INJECTION: list[str] = json.loads((CORPUS / "injection-strings.json").read_text())

# What a planted payload must never become: element names, attribute names and URL schemes.
MARKER = "x-pwn"
BAD_ATTRIBUTES = re.compile(r"^(on.*|data-pwn|style|srcdoc|formaction)$")
BAD_SCHEMES = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}
# Every element the theme (Material), Python-Markdown and our templates produce. An element
# outside this set on a page built from hostile text came from that text.
KNOWN_ELEMENTS = {
    "html", "head", "meta", "title", "link", "script", "body", "div", "header", "nav",
    "main", "article", "section", "footer", "a", "span", "p", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "code", "pre",
    "strong", "em", "svg", "path", "rect", "input", "label", "form", "button", "fieldset",
    "legend", "br", "hr", "aside", "small", "details", "summary", "blockquote",
    "circle", "g", "use", "defs", "symbol", "polygon", "line", "style", "wbr",
    "select", "option",  # the readiness grid's filters (gate names and tiers are ours)
}  # fmt: skip
# Invisible and control characters text.clean drops (its one list); whitespace runs
# collapse to one.
INVISIBLE = plaintext.INVISIBLE


def normalize(text: str) -> str:
    """What a payload looks like once rendered as text: invisible characters dropped,
    whitespace collapsed."""
    return " ".join(INVISIBLE.sub("", text).split())


# ----------------------------------------------------------------------- the connector


@dataclass
class Planted:
    """Where each payload went: (description of the field, payload) pairs, grouped by how
    the page shows the field."""

    visible: list[tuple[str, str]] = field(default_factory=list)  # shown as text
    anywhere: list[tuple[str, str]] = field(default_factory=list)  # shown or not


def hostile_connector(conn_id: str, payloads: list[str]) -> tuple[dict[str, Any], Planted]:
    """A valid connector whose every free-text field carries a payload. Payload ``i`` is
    also an action ``a<i>`` (name, description, parameter description, enum value,
    default), an OAuth scope and an error code's summary, cause and resolution."""
    planted = Planted()

    def pick(i: int, limit: int = 10_000) -> str:
        candidates = [p for p in payloads[i % len(payloads) :] + payloads if len(p) <= limit]
        return candidates[0]

    scopes = []
    actions = []
    errors: dict[str, Any] = {}
    for i, text in enumerate(payloads):
        scopes.append({"scope": text, "description": text})
        planted.visible.append((f"scope description {i}", text))
        planted.visible.append((f"action name {i}", text))
        planted.visible.append((f"action description {i}", text))
        planted.visible.append((f"parameter description {i}", text))
        planted.anywhere.append((f"scope name {i}", text))
        actions.append(
            {
                "id": f"a{i}",
                "name": text,
                "description": text,
                "method": "POST",
                "endpoint": f"/v1/{text}",
                "requiredScopes": [text],
                "parameters": {
                    "type": "object",
                    "properties": {
                        text[:60]: {
                            "type": "string",
                            "description": text,
                            "enum": [text, f"second {text}"],
                            "default": text,
                        },
                        "nested": {
                            "type": "object",
                            "description": text,
                            "properties": {"inner": {"type": "string", "description": text}},
                        },
                    },
                    "required": [text[:60]],
                },
                "errorCodes": {f"op_e{i}": text},
            }
        )
        errors[f"e{i}" if i >= 3 else text[:100]] = {
            "summary": text[:500],
            "cause": text,
            "resolution": text,
            "rank": i + 1,
        }
        planted.anywhere.append((f"error summary {i}", text))
    description = "\n\n".join(payloads)
    doc: dict[str, Any] = {
        "id": conn_id,
        "name": payloads[0],
        "description": description[:5000],
        "category": pick(3, 100),
        "availability": "beta",
        "pricingTier": pick(5, 50),
        "version": pick(18, 50),
        "authentication": {
            "type": "oauth2",
            "authUrl": 'https://auth.example/<x-pwn-authurl/data-pwn=1>"onmouseover=alert(1)',
            "tokenUrl": "javascript://auth.example/%0Aalert(1)//x-pwn-token",
            "redirectUrl": 'https://app.example/cb?x="><x-pwn/data-pwn=redirect>',
            "scopes": scopes,
            "fields": [
                {
                    "key": pick(i),
                    "label": pick(i + 1),
                    "type": "password" if i % 2 else "string",
                    "required": True,
                    "helpText": pick(i + 2),
                    "placeholder": pick(i + 3),
                }
                for i in range(0, len(payloads), 4)
            ],
            "additionalParams": {pick(7): pick(8), "prompt": pick(9)},
        },
        "baseUrl": "https://api.example/<x-pwn-base/data-pwn=1>",
        "documentation": "javascript://docs.example/%0Aalert(1)//x-pwn-doc",
        "supportContact": pick(11, 500),
        "rateLimits": {"requestsPerMinute": 60, "notes": pick(12, 2000)},
        "testConnection": {"method": "GET", "endpoint": pick(13, 2000)},
        "errorCodes": errors,
        "actions": actions,
        "triggers": [
            {
                "id": "t0",
                "name": pick(14, 200),
                "description": pick(15),
                "type": "webhook",
                "metadata": {
                    "signatureVerification": {
                        "required": True,
                        "header": pick(16),
                        "algorithm": pick(17),
                    },
                    "events": [pick(i) for i in range(len(payloads))],
                },
                "rateLimits": {"requests": 5, "period": "1m", "scope": pick(19)},
            }
        ],
    }
    planted.visible += [
        ("connector name", doc["name"]),
        ("description", doc["description"]),
        ("category", doc["category"]),
        ("trigger name", doc["triggers"][0]["name"]),
    ]
    return doc, planted


# ----------------------------------------------------------------------- HTML checks


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    line: int
    where: str  # "head", "title" (inside the head's <title>) or "body"


class PageParser(HTMLParser):
    """Every element with its attributes, the visible text (outside script/style), the
    <title>, the meta description, and comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []
        self.title: list[str] = []
        self.comments: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (where, text) of script and style
        self.ids: list[str] = []
        self.tables: list[list[int]] = []  # cells per row, per table
        self._stack: list[str] = []
        self._in_body = False

    def _where(self) -> str:
        if self._in_body:
            return "body"
        return "title" if "title" in self._stack else "head"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._in_body = True
        self.elements.append(Element(tag, attrs, self.getpos()[0], self._where()))
        self.ids += [v for n, v in attrs if n == "id" and v is not None]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append(0)
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self.tables[-1][-1] += 1
        if tag in ("script", "style", "title", "textarea"):
            self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs, self.getpos()[0], self._where()))
        self.ids += [v for n, v in attrs if n == "id" and v is not None]

    def handle_endtag(self, tag: str) -> None:
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        where = self._stack[-1] if self._stack else None
        if where == "title":
            if not self._in_body:
                self.title.append(data)
        elif where in ("script", "style", "textarea"):
            self.scripts.append((self._where(), data))
        elif where is None:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    @property
    def visible(self) -> str:
        return " ".join("".join(self.text).split())

    def meta(self, name: str) -> list[str]:
        return [
            dict(e.attrs).get("content") or ""
            for e in self.elements
            if e.tag == "meta" and dict(e.attrs).get("name") == name
        ]


def parse(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


def injected(
    page: PageParser, known: Iterable[str] = KNOWN_ELEMENTS, where: Iterable[str] = ("head", "body")
) -> list[str]:
    """Every element or attribute on ``page`` that can only have come from planted text
    (in the given parts of the page: "head", "title", "body")."""
    allowed = set(known)
    regions = set(where)
    found = [f"HTML comment <!--{c}-->" for c in page.comments if MARKER in c]
    found += [
        f"script or style containing {s[:60]!r}"
        for w, s in page.scripts
        if MARKER in s and w in regions
    ]
    found += list(_bad_elements([e for e in page.elements if e.where in regions], allowed))
    return found


def _bad_elements(elements: list[Element], allowed: set[str]) -> Iterator[str]:
    for el in elements:
        where = f"line {el.line}: <{el.tag}>"
        if MARKER in el.tag or el.tag not in allowed:
            yield f"{where} element"
        for name, value in el.attrs:
            if BAD_ATTRIBUTES.match(name) or MARKER in name:
                yield f"{where} attribute {name}={value!r}"
            if name in URL_ATTRIBUTES and value and BAD_SCHEMES.match(html.unescape(value)):
                yield f"{where} {name} with a script URL {value!r}"
            if name in ("id", "class") and value and not re.fullmatch(r"[\w\s:.-]*", value):
                yield f"{where} {name}={value!r}"
        if el.tag == "img" and any(MARKER in (v or "") for _, v in el.attrs):
            yield f"{where} image from planted text"
        href = dict(el.attrs).get("href") or ""
        if el.tag == "a" and (MARKER in urlsplit(href).netloc or re.search(r"[\s<>\"']", href)):
            yield f"{where} link made from planted text {href!r}"


# ----------------------------------------------------------------------- smoke runs

_LINE_BREAKS = re.compile("[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]")
_NOT_XML = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]")


def smoke_json(
    app_id: str,
    messages: list[str],
    *,
    suite: str = "qa",
    ran_at: str = "2026-11-20T03:00:00Z",
    version: str | None = None,
    status: str = "failed",
) -> str:
    doc: dict[str, Any] = {
        "suite": suite,
        "ranAt": ran_at,
        "results": [{"appId": app_id, "status": status, "durationMs": 12, "messages": messages}],
    }
    if version is not None:
        doc["connectorVersions"] = {app_id: version}
    return json.dumps(doc, indent=1)


def one_line(message: str) -> str:
    """A message as a console transcript can carry it: line breaks become spaces."""
    return _LINE_BREAKS.sub(" ", message)


def smoke_console(app_id: str, messages: list[str]) -> str:
    lines = [f"   • {one_line(m)}" for m in messages]
    return (
        "=== Connector Smoke Results ===\n"
        f"❌ {app_id} (12ms)\n" + "\n".join(lines) + "\n\n"
        "=== Summary ===\nPassed: 0\nFailed: 1\nSkipped: 0\n"
    )


def smoke_junit(app_id: str, messages: list[str], timestamp: str) -> str:
    from xml.sax.saxutils import escape, quoteattr

    parts = []
    for m in messages:
        m = _NOT_XML.sub("", m)
        parts.append(f"<failure message={quoteattr(m)}>{escape(m)}</failure>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="nightly" '
        f'timestamp="{timestamp}"><testcase name="{app_id}" time="0.1">'
        + "".join(parts)
        + "</testcase></testsuite>\n"
    )


def write_catalog(
    root: Path,
    connectors: dict[str, dict[str, Any]],
    smoke: dict[str, str | bytes] | None = None,
    config: dict[str, Any] | None = None,
) -> Path:
    """``root/connectors/<id>.json``, ``root/smoke/<name>`` and
    ``root/smoke-config.json`` (the layout ``tests.helpers.make_site`` copies)."""
    (root / "connectors").mkdir(parents=True)
    (root / "smoke").mkdir()
    for name, doc in connectors.items():
        (root / "connectors" / f"{name}.json").write_text(
            json.dumps(doc, indent=1), encoding="utf-8"
        )
    for name, data in (smoke or {}).items():
        target = root / "smoke" / name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    (root / "smoke-config.json").write_text(json.dumps(config or {}, indent=1), encoding="utf-8")
    return root


def good_connector(conn_id: str = "ledgerline") -> dict[str, Any]:
    from ..conftest import EXAMPLE_CATALOG

    doc: dict[str, Any] = json.loads((EXAMPLE_CATALOG / "ledgerline.json").read_text())
    doc["id"] = conn_id
    return doc


# ----------------------------------------------------------------------- processes


def run_cli(
    args: list[str], cwd: Path, *, timeout: float = 120, memory_mb: int | None = 2048
) -> subprocess.CompletedProcess[str]:
    """``connector-docs ARGS`` in a child process, under a wall-clock guard and (on
    POSIX) an address-space limit, so runaway time or memory fails the test instead of
    the machine."""
    from ..conftest import EXAMPLE_EPOCH, ROOT

    def limit() -> None:  # pragma: no cover - runs in the child
        if memory_mb is not None:
            import resource

            size = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH,
        "PYTHONPATH": str(ROOT / "generator") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("CONNECTOR_DOCS_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-c", "from connector_docs.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        preexec_fn=limit if os.name == "posix" else None,
        check=False,
    )


def bounded(seconds: float, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args)`` in a worker thread; fails the test when it has not returned after
    ``seconds`` (a generous guard against hangs, not a speed assertion)."""
    import threading

    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"{getattr(fn, '__name__', fn)} still running after {seconds} s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def no_traceback(output: str) -> None:
    assert "Traceback (most recent call last)" not in output, output[-3000:]


_TITLE_LINE = re.compile(r"^[ \t]*<title>.*</title>[ \t]*$", re.MULTILINE)


def split_title(text: str) -> tuple[str, str]:
    """(the page without its <title> line, that line). Material prints the title on one
    line; it is checked on its own (see test_title_is_plain_text)."""
    head, _, body = text.partition("</head>")
    match = _TITLE_LINE.search(head)
    if match is None:
        return text, ""
    return head[: match.start()] + head[match.end() :] + "</head>" + body, match.group()


def build_with_config(tmp: Path, catalog: Path) -> tuple[Path, str]:
    """A real build of ``catalog`` (with its smoke-config.json) in ``tmp/project``; the
    build must succeed. Returns the project folder and the build log."""
    from ..helpers import make_site, mkdocs_build

    root = make_site(
        tmp / "project",
        catalog=catalog,
        plugin={"smoke_config": "catalog/smoke-config.json"},
        extra={"site_url": "https://docs.example/"},
    )
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-4000:]
    return root, result.stdout
