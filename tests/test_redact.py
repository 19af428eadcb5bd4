"""Secrets never reach the site: redaction of smoke output and the built-site scan."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from connector_docs.model import SmokeResult, SmokeRun
from connector_docs.secrets.redact import REDACTED, Redactor
from connector_docs.secrets.scan import scan_site
from hypothesis import example, given, settings
from hypothesis import strategies as st

FIXTURES = Path(__file__).parent / "fixtures" / "smoke"
CONFIG = FIXTURES / "connector-smoke.config.json"
SHARED_EXAMPLE = (
    Path(__file__).parents[2] / "shared/real-catalog/configs/connector-smoke.config.example.json"
)

SECRET = 'S3cr3t/P@ss+word&more"<é>'  # characters every encoding treats differently


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def urlsafe(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


ENCODINGS = {
    "as is": SECRET,
    "base64": b64(SECRET.encode()),
    "base64 unpadded": b64(SECRET.encode()).rstrip("="),
    "base64url": urlsafe(SECRET.encode()),
    "base64url unpadded": urlsafe(SECRET.encode()).rstrip("="),
    "quote": quote(SECRET, safe=""),
    "quote keeping /": quote(SECRET),
    "quote_plus": quote_plus(SECRET),
    "lowercase percent": re.sub("%[0-9A-F]{2}", lambda m: m[0].lower(), quote(SECRET, safe="")),
    "json": json.dumps(SECRET)[1:-1],
    "json unicode": json.dumps(SECRET, ensure_ascii=False)[1:-1],
    "json escaped slash": json.dumps(SECRET)[1:-1].replace("/", "\\/"),
    "html": html.escape(SECRET),
    "html no quotes": html.escape(SECRET, quote=False),
    "json of html": json.dumps(html.escape(SECRET))[1:-1],
}


@pytest.mark.parametrize("form", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_every_encoding_of_a_secret_is_redacted(form: str) -> None:
    redactor = Redactor([SECRET])
    text = f"request failed: <{form}> (retry)"
    out = redactor.redact(text)
    assert form not in out
    assert out == f"request failed: <{REDACTED}> (retry)"
    assert redactor.find(text)


@pytest.mark.parametrize("prefix", [b"", b"u", b"us", b"user:", b"apikey:"])
def test_secret_inside_a_longer_base64_value(prefix: bytes) -> None:
    secret = b"tok-91b2c3d4e5f6"
    redactor = Redactor([secret.decode()])
    blob = b64(prefix + secret + b"|suffix")
    out = redactor.redact(f"header X-Auth: {blob}")
    first, last = len(prefix), len(prefix) + len(secret)  # the secret's bytes
    # base64 characters that encode the secret's bytes and nothing else
    pure = "".join(c for i, c in enumerate(blob) if first <= 6 * i // 8 and (6 * i + 5) // 8 < last)
    assert len(pure) >= 16
    assert REDACTED in out
    assert not any(pure[i : i + 8] in out for i in range(len(pure) - 7))


def test_user_password_pair_base64() -> None:
    redactor, _diags = Redactor.from_config(CONFIG)
    pair = b64(b"smoke-bot@example.com:S3cr3t/P@ss+word&more")
    out = redactor.redact(f"Authorization header was {pair} !")
    assert out == f"Authorization header was {REDACTED} !"


def test_configured_secret_overlapping_a_token_shape_leaves_nothing_behind() -> None:
    redactor = Redactor(["abc def1234"])  # the password= shape would stop at the space
    text = "POST /login password=abc def1234 ok"
    assert redactor.redact(text) == f"POST /login password={REDACTED} ok"
    assert redactor.find(text) == ["configured secret #1 (as is)"]  # reported once


def test_longest_secret_wins() -> None:
    redactor = Redactor(["abcd1234", "abcd1234-extended-part"])
    assert redactor.redact("x abcd1234-extended-part y") == f"x {REDACTED} y"
    assert redactor.redact("x abcd1234 y") == f"x {REDACTED} y"


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("Authorization: Bearer ya29.a0AfH6SMBx3-abc_123", f"Authorization: Bearer {REDACTED}",
         "Bearer token"),
        ("auth: Basic dXNlcjpodW50ZXIy", f"auth: Basic {REDACTED}", "HTTP Basic credentials"),
        ("token xoxb-1234567890-abcdefghijkl used", f"token {REDACTED} used", "Slack token"),
        ("xoxp-2222222222-3333 and xapp-1", f"{REDACTED} and xapp-1", "Slack token"),
        ("key=sk_live_4eC39HqLyjWDarjtT1zdp7dc;", f"key={REDACTED};", "Stripe secret key"),
        ("rk_live_51H8abcdEFGH and sk_test_51H8abcdEFGH", f"{REDACTED} and {REDACTED}",
         "Stripe secret key"),
        ("id AKIAIOSFODNN7ABCDEFG.", f"id {REDACTED}.", "AWS access key id"),
        ("jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl end",
         f"jwt={REDACTED} end", "JSON Web Token"),
        ("ghp_" + "A1b2" * 9 + " x", f"{REDACTED} x", "GitHub token"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijk", REDACTED, "GitHub token"),
        ("GET https://bob:hunter22@db.example.com/x", f"GET https://bob:{REDACTED}@db.example.com/x",
         "password in a URL"),
        ("login?user=bob&password=hunter22&next=/", f"login?user=bob&password={REDACTED}&next=/",
         "password parameter"),
        ('body {"user": "bob", "password": "hunter22"}', f'body {{"user": "bob", "password": '
         f'"{REDACTED}"}}', "password in JSON"),
    ],
)  # fmt: skip
def test_token_shapes_without_a_config(text: str, expected: str, kind: str) -> None:
    redactor = Redactor()
    assert redactor.redact(text) == expected
    assert redactor.find(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Send the Bearer token in the Authorization header.",
        "Basic authentication needs a username and password.",
        "AWS documents the example key AKIAIOSFODNN7EXAMPLE.",
        "Bot tokens start with xoxb- and are issued per workspace.",
        "Pass password={password} or password=<your password>.",
        "http://localhost:8080/path@version and mailto:team@example.com",
        "Stripe keys look like sk_live_... (never commit them).",
        "eyJ is how a JWT starts",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    redactor = Redactor()
    assert redactor.redact(text) == text
    assert redactor.find(text) == []


def test_from_config_collects_credentials_and_additional_config() -> None:
    redactor, _diags = Redactor.from_config(CONFIG)
    text = (
        "slack token xoxb-test-9f8e7d6c5b4a, jira cloud-7b1f2e90, tableau tbl-PAT-5a6b7c8d9e0f, "
        "channel #automation-smoke, name docs-smoke-pat-2"
    )
    out = redactor.redact(text)
    for secret in ("xoxb-test-9f8e7d6c5b4a", "cloud-7b1f2e90", "tbl-PAT-5a6b7c8d9e0f"):
        assert secret not in out
    assert "#automation-smoke" in out  # action parameters are not secrets
    # personalAccessTokenName is a credential too, so it goes, wherever it stands
    assert "docs-smoke-pat" not in out
    assert out.count(REDACTED) == 4


def test_short_values_are_warned_by_pointer_not_value() -> None:
    _redactor, diags = Redactor.from_config(CONFIG)
    messages = {(d.pointer, d.is_error) for d in diags}
    # siteId is endpoint-shaped (not a secret): too short to redact does not matter
    assert messages == {("/jira/additionalConfig/retries", False)}
    (retries,) = diags
    assert retries.line == 12 and retries.column > 1
    assert ": 3" not in retries.format()


def test_find_names_kinds_never_values() -> None:
    redactor, _ = Redactor.from_config(CONFIG)
    found = redactor.find("x " + b64(b"tbl-PAT-5a6b7c8d9e0f") + " Bearer abc123456789")
    assert found == [
        "smoke-config value /tableau/credentials/personalAccessTokenSecret (base64)",
        "Bearer token",
    ]
    assert not any("5a6b7c8d9e0f" in kind for kind in found)


@pytest.mark.skipif(not SHARED_EXAMPLE.exists(), reason="../shared is absent")
def test_real_example_config() -> None:
    redactor, diags = Redactor.from_config(SHARED_EXAMPLE)
    assert diags == []
    out = redactor.redact("Connection test failed: token YOUR_QBO_TOKEN rejected for 1234567890")
    # realmId is endpoint-shaped: a company id, shown in the product's own URLs
    assert out == f"Connection test failed: token {REDACTED} rejected for 1234567890"
    out = redactor.redact("https://example.online.tableau.com said: YOUR_TABLEAU_PAT")
    assert out == f"https://example.online.tableau.com said: {REDACTED}"


@pytest.mark.parametrize(
    ("content", "words", "line"),
    [
        (b'{\n  "slack": {"credentials": {"botToken": "xoxb-1",}}\n}', "invalid JSON", 2),
        (b'["not", "an", "object"]', "must be an object", 1),
        (b'{"a": {"credentials": {"k": "v1234"}}, "a": {}}', "duplicate key", 1),
        (b"\xff\xfe{}", "not UTF-8", 1),
    ],
)
def test_bad_config_is_a_located_error(
    tmp_path: Path, content: bytes, words: str, line: int
) -> None:
    path = tmp_path / "connector-smoke.config.json"
    path.write_bytes(content)
    redactor, diags = Redactor.from_config(path)
    (diag,) = diags
    assert diag.is_error and words in diag.message
    assert diag.line == line
    assert redactor.redact("Bearer abcdef123456") == f"Bearer {REDACTED}"  # shapes still work


def test_bad_config_fixture_and_missing_file(tmp_path: Path) -> None:
    _, diags = Redactor.from_config(FIXTURES / "bad-config.json")
    assert [(d.line, d.is_error) for d in diags] == [(3, True)]
    _, diags = Redactor.from_config(tmp_path / "nope.json")
    assert diags[0].is_error and "cannot read" in diags[0].message


def test_from_config_data_accepts_nested_and_numbers() -> None:
    data = {"x": {"credentials": {"oauth": {"tokens": ["tok-aaaa1111", 98765432]}}}}
    redactor, diags = Redactor.from_config_data(data, "inline")
    assert diags == []
    assert redactor.redact("tok-aaaa1111 98765432") == f"{REDACTED} {REDACTED}"
    _, diags = Redactor.from_config_data({"x": "nope"}, "inline")
    assert [d.is_error for d in diags] == [False]


def test_redact_run_replaces_messages_only() -> None:
    run = SmokeRun(
        path="2026-11-20-qa.log",
        suite="qa",
        ran_at=dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc),
        results=(
            SmokeResult("slack", "failed", 5.0, ("401 for xoxb-test-9f8e7d6c5b4a", "ok"), 4),
            SmokeResult("stripe", "passed", 1.0, (), 6),
        ),
        format="console",
    )
    redactor, _ = Redactor.from_config(CONFIG)
    clean = redactor.redact_run(run)
    assert clean.results[0].messages == (f"401 for {REDACTED}", "ok")
    assert clean.results[0].line == 4 and clean.results[1] == run.results[1]
    assert run.results[0].messages[0].endswith("5b4a")  # the original is untouched


# ---------------------------------------------------------------------------- scan


def build_site(root: Path, leak: str) -> None:
    (root / "connectors" / "slack").mkdir(parents=True)
    (root / "connectors" / "slack" / "index.html").write_text(
        "<html>\n<body>\n<h1>Slack</h1>\n"
        f"<p>Last smoke run: failed with {html.escape(leak)}</p>\n</body>\n</html>\n"
    )
    (root / "index.html").write_text("<html>\n<p>Welcome</p>\n</html>\n")
    (root / "assets").mkdir()
    (root / "assets" / "logo.png").write_bytes(b"\x89PNG" + leak.encode())
    sitemap = "<urlset>\n<url><loc>https://docs.example.com/</loc></url>\n"
    sitemap += f"<url><loc>https://docs.example.com/?t={quote(leak)}</loc></url>\n</urlset>\n"
    (root / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.encode()))
    (root / "search").mkdir()
    (root / "search" / "search_index.json").write_text(json.dumps({"docs": [{"text": "hi"}]}))


def test_scan_site_reports_file_and_line_without_the_secret(tmp_path: Path) -> None:
    leak = "S3cr3t/P@ss+word&more"
    build_site(tmp_path, leak)
    redactor, _ = Redactor.from_config(CONFIG)
    diags = scan_site(tmp_path, redactor)
    assert [(d.path, d.line, d.is_error) for d in diags] == [
        ("connectors/slack/index.html", 4, True),
        ("sitemap.xml.gz", 3, True),
    ]
    assert diags[0].column == len("<p>Last smoke run: failed with ") + 1
    for diag in diags:
        text = diag.format()
        for form in (leak, html.escape(leak), quote(leak), "S3cr3t"):
            assert form not in text
    assert "/jira/credentials/password" in diags[0].message


def test_scan_site_clean_site_and_token_shapes(tmp_path: Path) -> None:
    build_site(tmp_path, "nothing to see")
    assert scan_site(tmp_path, Redactor()) == []
    page = tmp_path / "connectors" / "slack" / "index.html"
    page.write_text(page.read_text() + "<code>xoxb-1234567890-abcdefghijkl</code>\n")
    (diag,) = scan_site(tmp_path, Redactor())
    assert (diag.path, diag.line) == ("connectors/slack/index.html", 7)
    assert "Slack token" in diag.message and "xoxb-1234567890" not in diag.format()


def test_scan_site_repeated_lines_are_reported_in_every_file(tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text("<nav>\nBearer abcdef1234567890\n</nav>\n")
    diags = scan_site(tmp_path, Redactor())
    assert [(d.path, d.line) for d in diags] == [("a.html", 2), ("b.html", 2)]


def test_scan_site_bad_gzip_and_missing_folder(tmp_path: Path) -> None:
    (tmp_path / "sitemap.xml.gz").write_bytes(b"not gzip at all")
    (diag,) = scan_site(tmp_path, Redactor())
    assert diag.is_error and diag.path == "sitemap.xml.gz"
    (diag,) = scan_site(tmp_path / "missing", Redactor())
    assert diag.is_error


def test_scan_site_in_workers_finds_the_same_in_the_same_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large sites are scanned in forked workers: every finding, in file order."""
    from connector_docs.secrets import scan
    from connector_docs.speedups import runtime

    for i in range(150):
        page = tmp_path / f"p{i:03}" / "index.html"
        page.parent.mkdir()
        leak = f"\n<code>xoxb-1234567890-abcdefghij{i:02}</code>" if i % 7 == 0 else ""
        page.write_text(f"<nav>\nshared line\n</nav>{leak}\n")
    monkeypatch.setattr(runtime, "workers", lambda: 3)
    parallel = scan_site(tmp_path, Redactor())
    monkeypatch.setattr(scan, "PARALLEL_MIN_FILES", 10**6)
    serial = scan_site(tmp_path, Redactor())
    assert [d.format() for d in parallel] == [d.format() for d in serial]
    assert [(d.path, d.line) for d in parallel] == [
        (f"p{i:03}/index.html", 4) for i in range(0, 150, 7)]


def test_scan_memory_skips_lines_matched_before_with_the_same_secrets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve` keeps a ScanMemory: a rebuilt page's unchanged lines are not matched
    again, its new lines are, lines that held a secret are still reported, and other
    configured secrets (or too many lines) start the memory afresh."""
    from connector_docs.secrets import scan
    from connector_docs.secrets.scan import ScanMemory

    matched: list[str] = []
    original = scan._hits_by_line

    def spy(redactor: Redactor, lines: list[str]) -> Any:
        matched.extend(lines)
        return original(redactor, lines)

    monkeypatch.setattr(scan, "_hits_by_line", spy)
    page = tmp_path / "catalog.html"
    page.write_text("<nav>\ncard one\ncard two hunter2-but-longer\n</nav>\n")
    memory = ScanMemory()
    assert scan_site(tmp_path, Redactor(), memory=memory) == []
    page.write_text("<nav>\ncard one\ncard two hunter2-but-longer\nBearer abcdef1234567890\n"
                    "</nav>\n")
    matched.clear()
    (diag,) = scan_site(tmp_path, Redactor(), memory=memory)
    assert (diag.line, matched) == (4, ["Bearer abcdef1234567890"])
    matched.clear()
    (diag,) = scan_site(tmp_path, Redactor(), memory=memory)  # still reported, not matched
    assert (diag.line, matched) == (4, [])
    # The same lines under a redactor that knows a configured secret: matched again.
    configured = scan_site(tmp_path, Redactor(["hunter2-but-longer"]), memory=memory)
    assert [d.line for d in configured] == [3, 4]
    for bound in ("MAX_LINES", "MAX_CHARS"):  # over a bound after a scan: emptied
        monkeypatch.setattr(ScanMemory, bound, 2)
        scan_site(tmp_path, Redactor(["hunter2-but-longer"]), memory=memory)
        monkeypatch.undo()
        monkeypatch.setattr(scan, "_hits_by_line", spy)
        matched.clear()
        scan_site(tmp_path, Redactor(["hunter2-but-longer"]), memory=memory)
        assert len(matched) == 6, bound  # everything matched again
        matched.clear()
        scan_site(tmp_path, Redactor(["hunter2-but-longer"]), memory=memory)
        assert matched == [], bound  # and remembered again


# Pieces that make or break token shapes and configured secrets: cut anywhere, with
# entities and line ends between them.
_PIECES = ["Bearer ", "bearer\t", "BEARER ", "abcdef1234567890", "xoxb-", "1234567890-abcdefgh",
           "sk_live_", "rk_test_", "sk&#95;live&#95;", "51ABCDEFGH", "AKIA", "ASIA",
           "Z7PLANTED1234567", "eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiJ4In0", "ghp_", "ghs_",
           "github_pat_", "A" * 20, "https://u", "://admin:", "pw99@db", "password=", "Pwd=",
           "PASSWORD=", "passwd=", "PLANTEDparam77", '"password"', '"Passwd"', ":", ' "',
           "hunter22", '"', "\n", " ", "-", "&amp;", "&#58;", "[REDACTED]", "Basic ",
           "dXNlcjpwYXNzd29yZA==", "S3cr3t/P@ss+word&more", "x", "_", "é",
           "S3cr3t&#47;P@ss+word&amp;more&#34;&lt;&#233;&gt;", "&#10;", "&amp", "&lt", "&#95",
           "\r", "%2F", "%", "%5F", "%0A", "\\u005f", "\\u00", "\\", "\\n", "%5Cu005f",
           "S3cr3t%2FP%40ss%2Bword%26more", "sk%5Flive\\u005f", "&#x5F", "%26%2395%3B", "+"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_shapes_narrowed_by_needles_find_what_all_shapes_find(pieces: list[str]) -> None:
    """Only the shapes whose needles occur are tried: that must find and redact exactly
    what trying every shape does."""
    import connector_docs.secrets.redact as redact
    from connector_docs.secrets.shapes import SHAPE_PATTERN

    text = "".join(pieces)
    redactor, _ = Redactor.from_config(CONFIG)
    narrowed = (redactor.hits(text), redactor.redact(text))
    original = redact.shapes_in  # looked up there by the redactor's methods
    redact.shapes_in = lambda *_: SHAPE_PATTERN  # type: ignore[assignment]
    try:
        assert narrowed == (redactor.hits(text), redactor.redact(text))
    finally:
        redact.shapes_in = original


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), max_size=12),
       st.booleans())
@example([_PIECES[-1]], True)  # a configured secret only as references
@example(["sk&#95;live&#95;51ABCDEFGH"], False)  # a shape only as references
def test_lines_prefiltered_by_chunk_find_what_each_line_finds(lines: list[str],
                                                             configured: bool) -> None:
    """The site scan first looks for needles and configured secrets in chunks of lines
    (raw and decoded from character references) and tries only the lines that can hold
    one: it must find exactly what trying every line does."""
    import connector_docs.secrets.scan as scan

    redactor = Redactor.from_config(CONFIG)[0] if configured else Redactor()
    lines = [part for line in lines for part in line.split("\n")]
    every = {line: scan._line_hits(redactor, line) for line in lines}
    original = scan._CHUNK_LINES
    scan._CHUNK_LINES = 3
    try:
        found = dict(scan._hits_by_line(redactor, lines))
    finally:
        scan._CHUNK_LINES = original
    assert found == {line: hits for line, hits in every.items() if hits}


_SHAPE_SAMPLES = {
    "Bearer token": ["Bearer abcdef1234", "bearer abcdef1234", "BEARER abcdef1234"],
    "HTTP Basic credentials": ["Basic dXNlcjpwYXNz1", "basic dXNlcjpwYXNz1",
                               "BASIC dXNlcjpwYXNz1"],
    "Slack token": [f"xox{c}-1234567890" for c in "abposr"],
    "Stripe secret key": ["sk_live_12345678", "sk_test_12345678", "rk_live_12345678",
                          "rk_test_12345678"],
    "AWS access key id": ["AKIA1234567890ABCDEF", "ASIA1234567890ABCDEF"],
    "JSON Web Token": ["eyJhbGciOi.eyJzdWIiOi.c2ln"],
    "GitHub token": [f"gh{c}_{'a1' * 10}" for c in "pousr"] + ["github_pat_" + "a1" * 10],
    "password in a URL": ["https://admin:hunter22@db.example.com"],
    "password parameter": ["password=abc123", "Password=abc", "PASSWORD=abc", "passwd=abc",
                           "pwd=abc", "Pwd=abc"],
    "password in JSON": ['"password": "abc"', '"Password":"abc"', '"passwd": "abc"',
                         '"Passwd":"abcd"'],
}


@pytest.mark.parametrize("kind", sorted(_SHAPE_SAMPLES))
def test_every_spelling_of_every_token_shape_is_found(kind: str) -> None:
    """Each shape is tried only when one of its needles occurs: every spelling the shape
    accepts must contain one (a needle left out would hide that spelling)."""
    for sample in _SHAPE_SAMPLES[kind]:
        assert kind in [label for _, label in Redactor().hits(f"see {sample} here")], sample


def test_a_smoke_config_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    config = tmp_path / "smoke-config.json"
    config.write_bytes(b'{\n  "vault": {"token": "abc\xffdefghijkl"}}\n')
    redactor, diags = Redactor.from_config(config)
    assert [(d.line, d.column, d.severity.value) for d in diags] == [(2, 26, "error")]
    assert "not UTF-8" in diags[0].message and "0xff" in diags[0].message
    assert redactor.redact("abcdefghijkl") == "abcdefghijkl"  # nothing half-read
