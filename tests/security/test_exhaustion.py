"""No resource exhaustion: deeply nested JSON, enormous files, huge arrays, XML entity
bombs and external entities, pathological text for the redactor and for Markdown, and
remote sources that stream forever or never answer all end in bounded time and memory,
with a clear error, no traceback and no partial site.

Each case runs under a generous wall-clock guard (``bounded`` or a child process with a
timeout and an address-space limit); the guards catch hangs and blow-ups, they do not
assert speed."""

from __future__ import annotations

import functools
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import markdown
import pytest
from click.testing import CliRunner
from connector_docs import smoke, sources
from connector_docs.inputs import catalog, jsonfile
from connector_docs.remote import fetch
from connector_docs.secrets.redact import Redactor
from connector_docs.site import escape

from ..conftest import ROOT
from ..helpers import make_site, mkdocs_build
from .hostile import CORPUS, bounded, good_connector, no_traceback, run_cli, write_catalog

DEPTHS = [100, 900, 5_000, 100_000]
MB = 1024 * 1024


def deep_json(depth: int, conn_id: str = "deep") -> str:
    return f'{{"id": "{conn_id}", "name": "x", "x": {"[" * depth}1{"]" * depth}}}'


def deep_object(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


# ----------------------------------------------------------------------- deep JSON


@pytest.mark.parametrize("depth", DEPTHS)
def test_deep_json_in_the_catalog_is_an_error(tmp_path: Path, depth: int) -> None:
    (tmp_path / "good.json").write_text(json.dumps(good_connector("good")))
    (tmp_path / "deep.json").write_text(deep_json(depth))
    (tmp_path / "deeper.json").write_text(deep_object(depth))
    cat, diags = bounded(60, catalog.load_catalog, tmp_path)
    assert [c.id for c in cat.connectors] == ["good"]
    codes = {Path(d.path).name: d.code for d in diags if d.is_error}
    assert codes == {"deep.json": "too-deep", "deeper.json": "too-deep"}


@pytest.mark.parametrize("depth", [900, 100_000])
def test_deep_json_smoke_run_and_config_are_errors(tmp_path: Path, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    text = f'{{"suite": "qa", "ranAt": "2026-11-20T03:00:00Z", "results": {nested}}}'
    run, diags = bounded(60, smoke.parse_run, "2026-11-20-qa.json", text.encode(), None)
    assert run is None or not run.results
    assert any(d.is_error for d in diags)
    config = tmp_path / "config.json"
    config.write_text(f'{{"x": {{"credentials": {deep_object(depth)}}}}}')
    _, diags = bounded(60, Redactor.from_config, config)
    if depth > 1000:
        assert any(d.is_error for d in diags)


def test_deep_json_from_a_registry_is_an_error() -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200,
            json=None,
            content=deep_json(100_000).encode(),
            headers={"content-type": "application/json"},
        )
    )
    cat, diags = bounded(
        60, sources.load_remote_catalog, "https://registry.example/c", transport=transport
    )
    assert not cat.connectors
    assert [d.code for d in diags] == ["too-deep"]


# ----------------------------------------------------------------------- big inputs


def test_enormous_files_are_refused_by_size(tmp_path: Path) -> None:
    doc = good_connector("huge")
    doc["description"] = "A" * (20 * MB)
    (tmp_path / "huge.json").write_text(json.dumps(doc))
    (tmp_path / "good.json").write_text(json.dumps(good_connector("good")))
    cat, diags = bounded(60, catalog.load_catalog, tmp_path)
    assert [c.id for c in cat.connectors] == ["good"]
    assert [d.code for d in diags if d.is_error] == ["too-large"]

    runs = tmp_path / "smoke"
    runs.mkdir()
    (runs / "2026-11-20-qa.log").write_bytes(b"=== Connector Smoke Results ===\n" + b"x" * 21 * MB)
    found, diags = bounded(60, smoke.load_runs, [runs / "2026-11-20-qa.log"], {"good"})
    assert not found and [d.code for d in diags] == ["smoke-too-large"]

    config = tmp_path / "config.json"
    config.write_text(json.dumps({"x": {"credentials": {"k": "v" * (21 * MB)}}}))
    _, diags = bounded(60, Redactor.from_config, config)
    assert diags and all(d.is_error for d in diags)


def test_a_large_string_within_the_size_limit_is_bounded(tmp_path: Path) -> None:
    """7 MB in one unbounded field (a parameter description) loads, and the page renders
    it cut, in bounded time."""
    doc = good_connector("big")
    doc["actions"][0]["parameters"]["properties"]["contactId"]["description"] = "[<" * (3 * MB)
    (tmp_path / "big.json").write_text(json.dumps(doc))
    cat, diags = bounded(120, catalog.load_catalog, tmp_path)
    assert [c.id for c in cat.connectors] == ["big"], [d.format() for d in diags]
    text = "[<" * (3 * MB)
    out = bounded(
        60,
        lambda: markdown.markdown(f"| a |\n| - |\n| {escape.cell(text)} |", extensions=["tables"]),
    )
    assert out.count("&lt;") <= escape.MAX_TEXT and "…" in out


@pytest.mark.parametrize("helper", [escape.inline, escape.cell, escape.code, escape.block])
@pytest.mark.parametrize("text", ["[" * MB, "*_" * MB, "<a " * MB, "&#" * MB, "\\" * MB])
def test_markdown_work_per_value_is_bounded(helper: object, text: str) -> None:
    """Python-Markdown's inline pass is quadratic in the entities of one text node; the
    escaping layer caps a value so one value cannot take minutes."""
    out = bounded(
        60,
        lambda: markdown.markdown(
            str(helper(text)),  # type: ignore[operator]
            extensions=["tables", "attr_list", "toc"],
        ),
    )
    assert len(out) < 40 * escape.MAX_TEXT


def test_100k_actions_are_refused_in_bounded_time(tmp_path: Path) -> None:
    doc = good_connector("many")
    doc["actions"] = [{"id": f"a{i}", "name": "x"} for i in range(100_000)]
    (tmp_path / "many.json").write_text(json.dumps(doc))
    (tmp_path / "good.json").write_text(json.dumps(good_connector("good")))
    cat, diags = bounded(600, catalog.load_catalog, tmp_path)
    assert [c.id for c in cat.connectors] == ["good"]
    errors = [d for d in diags if d.is_error]
    assert [(d.pointer, d.code) for d in errors] == [("/actions", "schema")]
    assert "5000" in errors[0].message


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform != "linux", reason="sparse files and RLIMIT_AS")
def test_a_multi_gigabyte_catalog_file_is_not_read_into_memory(tmp_path: Path) -> None:
    cat = tmp_path / "catalog"
    cat.mkdir()
    (cat / "good.json").write_text(json.dumps(good_connector("good")))
    with (cat / "huge.json").open("wb") as handle:
        handle.truncate(3 * 1024 * MB)  # sparse: no disk used
    result = run_cli(["validate", "--catalog", str(cat)], tmp_path, memory_mb=1024)
    no_traceback(result.stdout)
    assert result.returncode == 1
    assert "over the" in result.stdout and "connector-docs summary (1 connector):" in result.stdout


@pytest.mark.e2e
def test_cli_reports_every_oversized_input_without_a_traceback(tmp_path: Path) -> None:
    cat = tmp_path / "catalog"
    cat.mkdir()
    (cat / "good.json").write_text(json.dumps(good_connector("good")))
    (cat / "deep.json").write_text(deep_json(100_000))
    (cat / "huge.json").write_bytes(b'{"id": "huge", "d": "' + b"A" * 9 * MB + b'"}')
    result = run_cli(
        ["validate", "--catalog", str(cat), "--format", "json"], tmp_path, memory_mb=1024
    )
    no_traceback(result.stdout)
    assert result.returncode == 1
    report = json.loads(result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1])
    assert {d["code"] for d in report["diagnostics"] if d["severity"] == "error"} == {
        "too-deep",
        "too-large",
    }


# ----------------------------------------------------------------------- XML


class Listener:
    """A local TCP port that records whether anything connected (an XML parser fetching
    an external entity or DTD would)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


XML_CASES = sorted(p.name for p in CORPUS.glob("*.xml"))


@pytest.mark.parametrize("name", XML_CASES)
def test_junit_entities_and_dtds_are_refused_or_ignored(name: str, listener: Listener) -> None:
    data = (
        (CORPUS / name).read_bytes().replace(b"127.0.0.1:9", f"127.0.0.1:{listener.port}".encode())
    )
    run, diags = bounded(30, smoke.parse_run, name, data, {"ledgerline"})
    time.sleep(0.3)
    assert listener.connections == 0
    if "external-dtd" in name:  # a DOCTYPE naming a DTD is harmless: it is never fetched
        assert run is not None and not diags
        return
    assert run is None
    assert [d.code for d in diags] == ["smoke-xml-unsafe"]
    assert "lol" * 10 not in diags[0].format() and "root:" not in diags[0].format()


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_junit_is_bounded(depth: int) -> None:
    data = (
        '<testsuite name="qa" timestamp="2026-11-20T03:00:00Z">'
        + "<x>" * depth
        + '<testcase name="ledgerline"/>'
        + "</x>" * depth
        + "</testsuite>"
    ).encode()
    run, diags = bounded(60, smoke.parse_run, "2026-11-20-qa.xml", data, {"ledgerline"})
    assert run is not None or diags


@pytest.mark.e2e
def test_junit_bombs_through_the_cli(tmp_path: Path) -> None:
    cat = write_catalog(tmp_path / "catalog", {"ledgerline": good_connector()})
    for name in XML_CASES:
        (cat / "smoke" / name).write_bytes((CORPUS / name).read_bytes())
    result = run_cli(
        ["validate", "--catalog", str(cat / "connectors"), "--smoke", str(cat / "smoke")],
        tmp_path,
        memory_mb=1024,
    )
    no_traceback(result.stdout)
    assert result.returncode == 1
    refusals = [line for line in result.stdout.splitlines()
                if ": error: " in line and "refused" in line]
    assert len(refusals) == len(XML_CASES) - 1
    assert "blocking a release: 5" in result.stdout  # and the summary lists them again


# ----------------------------------------------------------------------- redactor

PATHOLOGICAL = [
    "Bearer " * 200_000, "Basic " * 200_000, "xoxb-" * 200_000, "sk_live_" * 200_000,
    "AKIA" * 250_000, "eyJ" + "a" * MB, "eyJaaaa.eyJ" * 100_000, "a://" * 250_000,
    "a://b:" * 200_000, "password=" * 200_000, '"password": "' * 100_000, "ghp_" * 250_000,
    "=" * MB, "A" * MB, "a:b@" * 250_000,
]  # fmt: skip


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=lambda t: repr(t[:12]))
def test_redactor_is_linear_on_pathological_text(text: str) -> None:
    secrets = [f"secret-{i:05d}-value" for i in range(1000)]
    redactor = Redactor(secrets)
    bounded(60, redactor.redact, text)
    bounded(60, redactor.hits, text)


# ----------------------------------------------------------------------- remote


class Endless(httpx.SyncByteStream):
    def __init__(self, chunk: bytes = b"[" * 65536) -> None:
        self.chunk = chunk

    def __iter__(self) -> Iterator[bytes]:
        while True:
            yield self.chunk


def test_a_registry_that_streams_forever_is_cut_at_the_size_limit() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=Endless()))
    cat, diags = bounded(
        120, sources.load_remote_catalog, "https://registry.example/c", transport=transport
    )
    assert not cat.connectors
    assert [d.code for d in diags] == ["remote-too-large"]


def test_smoke_results_that_stream_forever_are_cut_at_the_size_limit() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=Endless()))
    runs, diags = bounded(
        120, sources.load_remote_smoke, "https://ci.example/2026-11-20-qa.log", transport=transport
    )
    assert not runs
    assert [d.code for d in diags] == ["remote-too-large"]


def test_a_declared_huge_body_is_refused_before_reading() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=Endless(), headers={"content-length": str(10 * 1024 * MB)}
        )

    _, diags = bounded(
        30,
        sources.load_remote_catalog,
        "https://registry.example/c",
        transport=httpx.MockTransport(handler),
    )
    assert [d.code for d in diags] == ["remote-too-large"]


def test_a_registry_that_never_answers_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("timed out", request=request)

    monkeypatch.setattr(fetch, "BACKOFF_SECONDS", 0.001)
    cat, diags = bounded(
        60,
        sources.load_remote_catalog,
        "https://registry.example/c",
        transport=httpx.MockTransport(handler),
    )
    assert not cat.connectors
    assert [d.code for d in diags] == ["remote-timeout"]
    assert 1 < len(calls) <= 10


def test_a_trickle_that_never_ends_hits_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter(range(0, 10**9, 10))
    monkeypatch.setattr(fetch, "_clock", lambda: float(next(ticks)))
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=Endless(b"[")))
    _, diags = bounded(
        60, sources.load_remote_catalog, "https://registry.example/c", transport=transport
    )
    assert [d.code for d in diags] == ["remote-timeout"]
    assert "did not finish" in diags[0].message


def test_a_real_server_that_never_responds_times_out(listener: Listener) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts (in the backlog), never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/catalog.json"
        with pytest.raises(sources.ConnectorDocsError) as caught:
            bounded(30, sources.fetch, url, timeout=0.5, retries=1, sleep=lambda seconds: None)
    finally:
        silent.close()
    assert caught.value.diagnostics[0].code == "remote-timeout"


def test_cli_with_a_hanging_registry_exits_cleanly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from connector_docs.cli import main

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    monkeypatch.setattr(fetch, "BACKOFF_SECONDS", 0.001)
    monkeypatch.setattr(
        sources,
        "load_remote_catalog",
        functools.partial(sources.load_remote_catalog, transport=httpx.MockTransport(handler)),
    )
    monkeypatch.chdir(tmp_path)
    result = bounded(
        60, CliRunner().invoke, main, ["validate", "--catalog", "https://registry.example/catalog"]
    )
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "registry.example" in result.output and "gave up" in result.output


# ----------------------------------------------------------------------- builds


@pytest.mark.e2e
def test_many_smoke_messages_render_in_bounded_time(tmp_path: Path) -> None:
    cat = write_catalog(
        tmp_path / "catalog",
        {"ledgerline": good_connector()},
        smoke={
            "2026-11-20-qa.json": json.dumps(
                {
                    "suite": "qa",
                    "ranAt": "2026-11-20T03:00:00Z",
                    "results": [
                        {"appId": "ledgerline", "status": "failed", "messages": ["[" * 40] * 3000}
                    ],
                }
            )
        },
    )
    script = (
        "import markdown\n"
        "from connector_docs.site import pages, render\n"
        "from connector_docs.options import Options\n"
        "from connector_docs.project import load\n"
        f"p = load(Options(catalog='connectors', smoke='smoke', audience='internal', "
        f"base_dir={str(cat)!r}))\n"
        "for spec in pages.plan(p):\n"
        "    markdown.markdown(render.render(spec), extensions=['tables', 'attr_list'])\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            timeout=15,
            capture_output=True,
            text=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("rendering 3,000 smoke messages took over 15 s")
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture(scope="module")
def failed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """Hostile catalog files under the plugin's `strict`: the build must stop."""
    tmp = tmp_path_factory.mktemp("exhaust")
    cat = write_catalog(tmp / "catalog", {"ledgerline": good_connector()})
    (cat / "connectors" / "deep.json").write_text(deep_json(100_000))
    (cat / "connectors" / "huge.json").write_bytes(b'{"d": "' + b"A" * 9 * MB + b'"}')
    root = make_site(
        tmp / "project",
        catalog=cat,
        plugin={"smoke_config": "catalog/smoke-config.json", "strict": True},
    )
    (root / "site").mkdir()
    (root / "site" / "stale.html").write_text("<p>from an earlier build</p>")
    result = mkdocs_build(root)
    return root, result.stdout, result.returncode


@pytest.mark.e2e
def test_a_build_over_hostile_input_fails_cleanly(failed_build: tuple[Path, str, int]) -> None:
    _, log, code = failed_build
    no_traceback(log)
    assert code == 1
    assert "Aborted with a BuildError" in log
    assert "deep.json" in log and "nested" in log
    assert "huge.json" in log and "limit" in log


@pytest.mark.e2e
def test_a_failed_build_leaves_no_partial_site(failed_build: tuple[Path, str, int]) -> None:
    root, _, _ = failed_build
    site = root / "site"
    assert not site.exists() or not [p for p in site.rglob("*") if p.is_file()]


def test_jsonfile_limits_are_what_the_tests_assume() -> None:
    assert jsonfile.MAX_JSON_BYTES < 9 * MB and jsonfile.MAX_DEPTH < 100
    assert smoke.MAX_SMOKE_BYTES <= 20 * MB
