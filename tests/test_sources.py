"""Remote catalog and smoke sources. No network: every test but one uses
``httpx.MockTransport``; the last serves the example catalog from a real HTTP server on
127.0.0.1."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import itertools
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from connector_docs import sources
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic
from connector_docs.inputs.catalog import load_catalog
from connector_docs.model import Source
from connector_docs.remote import fetch, policy

from .conftest import EXAMPLE_CATALOG, EXAMPLE_SMOKE
from .helpers import local_server

URL = "https://registry.example/v1/connectors"
TOKEN = "cdt_EXAMPLE_fake_4f9a1c2e7b"


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loaders back off with the fetch module's sleep; tests never wait."""
    monkeypatch.setattr(fetch, "_sleep", lambda seconds: None)


def example_items() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(EXAMPLE_CATALOG.glob("*.json"))]


def json_body(value: Any) -> bytes:
    return json.dumps(value, indent=2).encode()


Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport that records requests and answers from a list or a function."""

    def __init__(self, *answers: httpx.Response | Handler | BaseException):
        self.requests: list[httpx.Request] = []
        self._answers = list(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self._answers[min(len(self.requests), len(self._answers)) - 1]
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def ok_json(value: Any, **headers: str) -> httpx.Response:
    return httpx.Response(
        200, content=json_body(value), headers={"content-type": "application/json", **headers}
    )


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def all_text(diags: list[Diagnostic]) -> str:
    return "\n".join(d.format() for d in diags)


def fetch_error(url: str, recorder: Recorder, **kw: Any) -> Diagnostic:
    with pytest.raises(ConnectorDocsError) as info:
        sources.fetch(url, transport=recorder.transport, env={}, sleep=Sleeps(), **kw)
    assert len(info.value.diagnostics) == 1
    return info.value.diagnostics[0]


# ------------------------------------------------------------------ catalog documents


def test_registry_envelope_loads_every_connector() -> None:
    rec = Recorder(ok_json({"connectors": example_items()}))
    cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert not [d for d in diags if d.is_error], all_text(diags)
    ids = [c.id for c in cat.connectors]
    assert ids == sorted(p.stem for p in EXAMPLE_CATALOG.glob("*.json"))
    first = cat.by_id()["acme-crm"]
    assert first.source == Source(path=f"{URL}#/connectors/0", layout="remote")
    assert rec.requests[0].headers["accept"] == "application/json"
    assert "authorization" not in rec.requests[0].headers


def test_bare_array_loads_too() -> None:
    rec = Recorder(ok_json(example_items()))
    cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert not [d for d in diags if d.is_error], all_text(diags)
    assert len(cat.connectors) == 10
    assert cat.by_id()["acme-crm"].source.path == f"{URL}#/0"


def test_bad_items_are_reported_with_document_pointers_and_the_rest_load() -> None:
    items: list[Any] = example_items()
    items[1]["availability"] = "rock-solid"  # schema error inside item 1
    items[3] = ["not", "a", "connector"]
    body = json_body({"connectors": items})
    rec = Recorder(httpx.Response(200, content=body))
    cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    errors = [d for d in diags if d.is_error]
    assert {c.id for c in cat.connectors} == {
        json.loads(p.read_text("utf-8"))["id"] for p in sorted(EXAMPLE_CATALOG.glob("*.json"))
    } - {items[1]["id"], "driftbox"}
    assert len(cat.connectors) == 8
    schema = [d for d in errors if d.pointer == "/connectors/1/availability"]
    assert schema, all_text(diags)
    assert schema[0].path == f"{URL}#/connectors/1"
    # line/column are those of the whole response body
    line = body.decode().splitlines()[schema[0].line - 1]
    assert '"availability": "rock-solid"' in line
    shape = [d for d in errors if d.pointer == "/connectors/3"]
    assert shape and "expected an object" in shape[0].message and shape[0].line > 0


def test_other_shapes_are_clear_errors() -> None:
    for value, needle in [
        ({"items": []}, 'expected {"connectors": [...]}'),
        ({"connectors": {"a": 1}}, "'connectors' must be an array"),
        ({"id": "solo", "name": "Solo"}, 'expected {"connectors": [...]}'),
    ]:
        rec = Recorder(ok_json(value))
        cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
        assert cat.connectors == ()
        assert len(diags) == 1 and needle in diags[0].message, all_text(diags)


def test_strict_json_duplicate_keys_rejected() -> None:
    body = b'{"connectors": [], "connectors": []}'
    rec = Recorder(httpx.Response(200, content=body))
    _, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert [d.code for d in diags] == ["duplicate-key"]
    assert diags[0].path == URL


def test_paginated_registry_warns() -> None:
    rec = Recorder(ok_json({"connectors": example_items()[:1], "next": "/v1/connectors?page=2"}))
    cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert len(cat.connectors) == 1
    assert any(d.code == "remote-paginated" and not d.is_error for d in diags)


def test_html_page_instead_of_json_is_a_clear_error() -> None:
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Login</body></html>"
    rec = Recorder(httpx.Response(200, content=page, headers={"content-type": "text/html"}))
    cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert cat.connectors == ()
    assert len(diags) == 1
    assert "HTML page" in diags[0].message and diags[0].code == "remote-content"
    # also without a telling content type
    rec = Recorder(httpx.Response(200, content=b"\n  " + page))
    _, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert "HTML page" in diags[0].message


# ------------------------------------------------------------------ retries


def test_429_then_200_honours_retry_after() -> None:
    sleeps = Sleeps()
    rec = Recorder(
        httpx.Response(429, headers={"retry-after": "7"}, content=b"slow down"),
        ok_json({"connectors": []}),
    )
    assert (
        sources.fetch(URL, transport=rec.transport, env={}, sleep=sleeps)
        == b'{\n  "connectors": []\n}'
    )
    assert sleeps == [7.0]
    assert len(rec.requests) == 2


def test_retry_after_http_date_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(policy, "_now", lambda: now)
    soon = email.utils.format_datetime(now + dt.timedelta(seconds=20), usegmt=True)
    late = email.utils.format_datetime(now + dt.timedelta(hours=3), usegmt=True)
    past = email.utils.format_datetime(now - dt.timedelta(hours=3), usegmt=True)
    sleeps = Sleeps()
    rec = Recorder(
        httpx.Response(503, headers={"retry-after": soon}),
        httpx.Response(503, headers={"retry-after": late}),
        httpx.Response(429, headers={"retry-after": past}),
        httpx.Response(200, content=b"[]"),
    )
    assert sources.fetch(URL, transport=rec.transport, env={}, sleep=sleeps) == b"[]"
    assert sleeps == [20.0, 60.0, 0.0]
    assert sources.retry_after("nonsense") is None
    assert sources.retry_after("nan") is None
    assert sources.retry_after("100000") == 60.0


def test_500_four_times_gives_up_after_bounded_retries() -> None:
    sleeps = Sleeps()
    rec = Recorder(httpx.Response(500, content=b"upstream exploded"))
    with pytest.raises(ConnectorDocsError) as info:
        sources.fetch(URL, transport=rec.transport, env={}, sleep=sleeps)
    assert len(rec.requests) == 4
    assert sleeps == [1.0, 2.0, 4.0]
    (diag,) = info.value.diagnostics
    assert diag.path == URL
    assert "HTTP 500" in diag.message and "upstream exploded" in diag.message
    assert "gave up after 4 attempts" in diag.message


def test_loaders_turn_fetch_failures_into_diagnostics() -> None:
    rec = Recorder(httpx.Response(502))
    cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert cat.connectors == () and len(diags) == 1 and "HTTP 502" in diags[0].message
    runs, diags = sources.load_remote_smoke(
        URL + "/2026-11-20-qa.log", transport=rec.transport, env={}
    )
    assert runs == [] and len(diags) == 1 and "HTTP 502" in diags[0].message


def test_connection_error_is_clear_and_retried() -> None:
    sleeps = Sleeps()
    rec = Recorder(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(ConnectorDocsError) as info:
        sources.fetch(URL, transport=rec.transport, env={}, sleep=sleeps)
    assert len(rec.requests) == 4 and sleeps == [1.0, 2.0, 4.0]
    (diag,) = info.value.diagnostics
    assert diag.message.startswith("cannot reach registry.example: ")
    assert "check the URL or your network" in (diag.hint or "")


def test_catalog_hint_names_the_option() -> None:
    rec = Recorder(httpx.ConnectError("[Errno 111] Connection refused"))
    _, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    (diag,) = diags
    assert "cannot reach registry.example" in diag.message
    assert "point `catalog:` at a local folder" in (diag.hint or "")


def test_dns_failure_is_not_retried() -> None:
    def unresolvable(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from exc

    sleeps = Sleeps()
    rec = Recorder(unresolvable)
    with pytest.raises(ConnectorDocsError) as info:
        sources.fetch(URL, transport=rec.transport, env={}, sleep=sleeps)
    assert len(rec.requests) == 1 and sleeps == []
    assert "does not resolve" in info.value.diagnostics[0].message


def test_read_timeout_is_retried_then_reported() -> None:
    rec = Recorder(httpx.ReadTimeout("timed out"), httpx.Response(200, content=b"[]"))
    sleeps = Sleeps()
    assert sources.fetch(URL, transport=rec.transport, env={}, sleep=sleeps) == b"[]"
    assert sleeps == [1.0]


# ------------------------------------------------------------------ transport rules


@pytest.mark.parametrize(
    "url",
    [
        "http://registry.example/v1/connectors",
        "http://10.0.0.8/catalog.json",
        "ftp://registry.example/catalog.json",
        "registry.example/catalog.json",
    ],
)
def test_insecure_or_odd_schemes_are_refused_before_any_request(url: str) -> None:
    rec = Recorder(ok_json([]))
    diag = fetch_error(url, rec)
    assert rec.requests == []
    assert diag.code in ("remote-insecure", "remote-url")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/c.json",
        "http://127.0.0.1/c.json",
        "http://127.8.9.10/c.json",
        "http://[::1]:9000/c.json",
    ],
)
def test_plain_http_is_fine_for_loopback(url: str) -> None:
    rec = Recorder(httpx.Response(200, content=b"[]"))
    assert sources.fetch(url, transport=rec.transport, env={}) == b"[]"


def redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"location": location})


def test_same_host_redirect_is_followed() -> None:
    rec = Recorder(redirect("/v2/connectors?page=all", 301), ok_json({"connectors": []}))
    cat, diags = sources.load_remote_catalog(URL, transport=rec.transport, env={})
    assert diags == [] and cat.connectors == ()
    assert [str(r.url) for r in rec.requests] == [
        URL,
        "https://registry.example/v2/connectors?page=all",
    ]


def test_redirect_to_another_host_is_refused() -> None:
    rec = Recorder(redirect("https://elsewhere.example/catalog.json"), ok_json([]))
    diag = fetch_error(URL, rec)
    assert len(rec.requests) == 1
    assert "another host" in diag.message and "elsewhere.example" in diag.message
    assert diag.code == "remote-redirect"


def test_redirect_to_another_port_or_to_http_is_refused() -> None:
    rec = Recorder(redirect("https://registry.example:8443/x"))
    assert "another host" in fetch_error(URL, rec).message
    rec = Recorder(redirect("http://registry.example/x"))
    assert "plain http" in fetch_error(URL, rec).message
    assert len(rec.requests) == 1


def test_redirect_loops_are_bounded() -> None:
    rec = Recorder(lambda r: redirect(f"/hop/{len(rec.requests)}"))
    diag = fetch_error(URL, rec)
    assert len(rec.requests) == sources.MAX_REDIRECTS + 1
    assert "more than 5 redirects" in diag.message


def test_endless_body_is_cut_at_the_cap() -> None:
    produced = []

    def endless() -> Iterator[bytes]:
        for i in itertools.count():
            produced.append(i)
            yield b"x" * 65536

    rec = Recorder(lambda r: httpx.Response(200, content=endless()))
    diag = fetch_error(URL, rec, max_bytes=1024 * 1024)
    assert "larger than the 1 MB limit" in diag.message
    assert diag.code == "remote-too-large"
    assert len(produced) <= 1024 * 1024 // 65536 + 2


def test_declared_oversize_body_is_refused_without_reading() -> None:
    rec = Recorder(httpx.Response(200, content=b"[]", headers={"content-length": str(10**12)}))
    diag = fetch_error(URL, rec)
    assert "larger than the 50 MB limit" in diag.message


def test_total_deadline_bounds_a_trickling_server(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(fetch, "_clock", lambda: clock[0])

    def trickle() -> Iterator[bytes]:
        while True:
            clock[0] += 29.0  # each byte just inside the read timeout
            yield b" "

    rec = Recorder(lambda r: httpx.Response(200, content=trickle()))
    diag = fetch_error(URL, rec)
    assert "did not finish within 300 s" in diag.message


def test_retries_stop_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "_clock", lambda: 0.0)
    monkeypatch.setattr(fetch, "DEADLINE_SECONDS", 30.0)
    rec = Recorder(httpx.Response(503, headers={"retry-after": "45"}))
    diag = fetch_error(URL, rec)
    assert len(rec.requests) == 1 and "gave up after 1 attempt)" in diag.message


# ------------------------------------------------------------------ secrets


def test_token_is_sent_and_never_shown() -> None:
    env = {"CONNECTOR_DOCS_TOKEN": TOKEN}

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401, content=f"bad credentials: {request.headers['authorization']}".encode()
        )

    rec = Recorder(echo)
    url = "https://user:hunter2@registry.example/v1/connectors?api_key=querysecret#frag"
    cat, diags = sources.load_remote_catalog(url, transport=rec.transport, env=env)
    assert rec.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert cat.connectors == () and len(diags) == 1
    text = all_text(diags) + repr(diags)
    for secret in (TOKEN, "hunter2", "querysecret", "user:", "frag"):
        assert secret not in text
    assert diags[0].path == URL
    assert "HTTP 401" in diags[0].message and "[REDACTED]" in diags[0].message
    assert "CONNECTOR_DOCS_TOKEN" in (diags[0].hint or "")


def test_token_absent_from_every_failure_message() -> None:
    env = {"CONNECTOR_DOCS_TOKEN": TOKEN}
    failures: list[httpx.Response | BaseException] = [
        httpx.ConnectError(f"proxy said no to {TOKEN}"),
        redirect("https://elsewhere.example/"),
        httpx.Response(500, content=TOKEN.encode()),
        httpx.Response(404, content=TOKEN.encode()),
    ]
    for failure in failures:
        rec = Recorder(failure)
        with pytest.raises(ConnectorDocsError) as info:
            sources.fetch(URL, transport=rec.transport, env=env, sleep=Sleeps())
        assert TOKEN not in str(info.value)
        assert all(TOKEN not in (d.message + (d.hint or "")) for d in info.value.diagnostics)


def test_token_with_a_newline_is_refused_without_echoing_it() -> None:
    rec = Recorder(httpx.Response(200, content=b"[]"))
    with pytest.raises(ConnectorDocsError) as info:
        sources.fetch(URL, transport=rec.transport, env={"CONNECTOR_DOCS_TOKEN": "tok\nSECRET"})
    assert rec.requests == [] and "SECRET" not in str(info.value)
    assert "CONNECTOR_DOCS_TOKEN" in str(info.value)


def test_error_body_excerpt_is_sanitized_and_short() -> None:
    body = ("<html><body><h1>Not \x1b[31mfound</h1>" + "é" * 500 + "</body></html>").encode()
    rec = Recorder(httpx.Response(404, content=body, headers={"content-type": "text/html"}))
    diag = fetch_error(URL, rec)
    excerpt = diag.message.split(": ", 1)[1]
    assert excerpt.startswith("Not [31mfound")
    assert "\x1b" not in diag.message and "<h1>" not in diag.message
    assert len(excerpt) <= 200 and excerpt.endswith("…")


def test_display_url() -> None:
    assert sources.display_url("https://u:p@Host.Example:8443/a/b.json?token=x#y") == (
        "https://host.example:8443/a/b.json"
    )
    assert sources.display_url("http://[::1]:9/x") == "http://[::1]:9/x"
    assert sources.display_url("https://u:p@[bad/x?q=1") == "https://[bad/x"


# ------------------------------------------------------------------ smoke


def smoke_file(name: str) -> bytes:
    return (EXAMPLE_SMOKE / name).read_bytes()


KNOWN = {p.stem for p in EXAMPLE_CATALOG.glob("*.json")}


def test_smoke_url_with_a_dated_file_name() -> None:
    url = "https://ci.example/runs/2026-11-20-qa.log?sig=abc"
    rec = Recorder(
        httpx.Response(
            200,
            content=smoke_file("2026-11-20-qa.log"),
            headers={"content-type": "text/plain; charset=utf-8"},
        )
    )
    runs, diags = sources.load_remote_smoke(url, KNOWN, transport=rec.transport, env={})
    assert not [d for d in diags if d.is_error], all_text(diags)
    (run,) = runs
    assert run.suite == "qa" and run.format == "console"
    assert run.ran_at.date() == dt.date(2026, 11, 20)
    assert run.path == "https://ci.example/runs/2026-11-20-qa.log"
    assert "sig=abc" not in all_text(diags)


def test_smoke_index_lists_runs_on_the_same_host() -> None:
    files = {
        "/runs/2026-11-20-qa.log": smoke_file("2026-11-20-qa.log"),
        "/runs/2026-11-24-nightly.xml": smoke_file("2026-11-24-nightly.xml"),
        "/runs/2026-11-18-engineering.json": smoke_file("2026-11-18-engineering.json"),
    }
    index = {
        "runs": [
            "2026-11-24-nightly.xml",
            "https://ci.example/runs/2026-11-20-qa.log",
            "/runs/2026-11-18-engineering.json",
            "https://evil.example/runs/2026-11-21-qa.log",
            42,
            "2026-11-24-nightly.xml",
        ]
    }

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/runs/index.json":
            return ok_json(index)
        return httpx.Response(200, content=files[request.url.path])

    rec = Recorder(serve)
    runs, diags = sources.load_remote_smoke(
        "https://ci.example/runs/index.json", KNOWN, transport=rec.transport, env={}
    )
    assert [(r.suite, r.ran_at.date().isoformat()) for r in runs] == [
        ("engineering", "2026-11-18"),
        ("qa", "2026-11-20"),
        ("nightly", "2026-11-24"),
    ]
    assert all(r.url.host == "ci.example" for r in rec.requests)
    problems = {d.pointer: d for d in diags if d.code == "remote-index"}
    assert "another host" in problems["/runs/3"].message and problems["/runs/3"].is_error
    assert "URL string" in problems["/runs/4"].message
    assert "listed twice" in problems["/runs/5"].message and not problems["/runs/5"].is_error
    assert len(rec.requests) == 4


def test_smoke_index_run_failure_does_not_stop_the_others() -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/index.json":
            return ok_json({"runs": ["/missing-2026-11-19-qa.log", "/2026-11-20-qa.log"]})
        if request.url.path == "/2026-11-20-qa.log":
            return httpx.Response(200, content=smoke_file("2026-11-20-qa.log"))
        return httpx.Response(404, content=b"no such run")

    runs, diags = sources.load_remote_smoke(
        "https://ci.example/index.json", KNOWN, transport=Recorder(serve).transport, env={}
    )
    assert len(runs) == 1
    assert [d.path for d in diags if d.is_error] == ["https://ci.example/missing-2026-11-19-qa.log"]


def test_smoke_runner_json_is_not_mistaken_for_an_index() -> None:
    rec = Recorder(httpx.Response(200, content=smoke_file("2026-11-18-engineering.json")))
    runs, diags = sources.load_remote_smoke(
        "https://ci.example/latest", KNOWN, transport=rec.transport, env={}
    )
    assert [r.suite for r in runs] == ["engineering"], all_text(diags)


def test_smoke_html_page_is_a_clear_error() -> None:
    rec = Recorder(
        httpx.Response(
            200,
            content=b"<html><body>CI login</body></html>",
            headers={"content-type": "text/html"},
        )
    )
    runs, diags = sources.load_remote_smoke(
        "https://ci.example/runs/2026-11-20-qa.log", transport=rec.transport, env={}
    )
    assert runs == [] and len(diags) == 1 and "HTML page" in diags[0].message


# ------------------------------------------------------------------ a real local server


def test_real_local_server_matches_the_local_catalog() -> None:
    body = json_body({"connectors": example_items()})

    def answer(path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
        if path != "/v1/connectors":
            return 404, "text/plain", b"not found"
        return 200, "application/json", body

    with local_server(answer) as base:
        port = int(base.rsplit(":", 1)[1])
        remote, remote_diags = sources.load_remote_catalog(f"{base}/v1/connectors", env={})
    local, local_diags = load_catalog(Path(EXAMPLE_CATALOG))
    assert [d.message for d in remote_diags] == [d.message for d in local_diags]
    assert [c.id for c in remote.connectors] == [c.id for c in local.connectors]
    for r, lc in zip(remote.connectors, local.connectors, strict=True):
        assert r.source.layout == "remote" and r.source.path.startswith(
            f"http://127.0.0.1:{port}/v1/connectors#/connectors/"
        )
        assert (r.name, r.category, r.lifecycle, r.auth) == (
            lc.name,
            lc.category,
            lc.lifecycle,
            lc.auth,
        )
        neutral = Source(path=r.id, layout="file")
        assert dataclasses.replace(r, source=neutral) == dataclasses.replace(lc, source=neutral)


def test_only_decodable_codings_are_asked_for() -> None:
    """The session decodes gzip and deflate itself, under the size cap: it asks for
    nothing else, even when httpx could decode br or zstd."""
    rec = Recorder(ok_json([]))
    sources.fetch(URL, transport=rec.transport, env={})
    assert rec.requests[0].headers["accept-encoding"] == "gzip, deflate"
