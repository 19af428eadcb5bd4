"""Secrets in encodings beyond the first round (issue 16, class 7): percent-encoding as
JavaScript's encodeURIComponent and Java's URLEncoder write it, JSON ``\\u00XX`` escapes in
whole or in part, HTML numeric character references with and without ``;``, config values
with a line end or padding; and the leak paths around the messages: a smoke file named
after a credential, the run's suite and connector versions, generated Markdown left in the
cache after a failed build.

Every form is computed here, independently of ``connector_docs``. Each one planted in a smoke
message of a real internal-audience build must be redacted (the build passes and shows
``[REDACTED]``): redaction and the site scan share one set of forms, so what the scan
would flag is what redaction removes, and the scan only fails the build on text that
bypasses redaction (the catalog, overlays, templates).
"""

from __future__ import annotations

import base64
import html
import json
import random
import re
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest
from connector_docs.secrets.redact import REDACTED, Redactor
from connector_docs.secrets.scan import scan_site
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ..helpers import make_site, mkdocs_build
from .hostile import build_with_config, good_connector, parse, run_cli, write_catalog

# Characters every encoder treats differently: ~ (URLEncoder escapes it, the others do
# not), *()!' (encodeURIComponent keeps them), space and + (URLEncoder: "+" and "%2B"),
# <>&/ (escaped by HTML-safe JSON serializers), and a non-ASCII letter.
PASSWORD = "PLANTED~pw*(x)!'q a+b<c>&d/e \u00e9-42"
API_KEY = "PLANTED-forms-7f3c9a1e5b"  # safe in a file name
TRAILING = "PLANTEDtrailing-0c4e8a"  # configured with a line end
PADDED = "PLANTEDpadded-77aa19"  # configured with spaces around it
CONFIG = {
    "vault": {
        "credentials": {"apiKey": API_KEY, "password": PASSWORD,
                        "clientSecret": TRAILING + "\n"},
        "additionalConfig": {"tenantToken": f"  {PADDED}  "},
    }
}
SECRETS = (PASSWORD, API_KEY, TRAILING, PADDED)


def encode_uri_component(text: str) -> str:
    """JavaScript's encodeURIComponent: keeps A-Za-z0-9 and -_.!~*'(), UTF-8, uppercase."""
    return quote(text, safe="-_.!~*'()")


def url_encoder(text: str) -> str:
    """Java's URLEncoder.encode(s, UTF_8): keeps A-Za-z0-9 and .-*_, space as +."""
    return quote_plus(text, safe=".-*_").replace("~", "%7E")


def lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), text)


def json_html_safe(text: str) -> str:
    """A JSON serializer that escapes <, >, & and / (Go's encoding/json, Jackson's
    HTML-safe mode, Rails), as written inside a JSON string."""
    body = json.dumps(text)[1:-1]
    for char in "<>&":
        body = body.replace(char, f"\\u{ord(char):04x}")
    return body.replace("/", "\\/")


def json_all_escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04X}" for c in text)


def decimal_refs(text: str, semicolon: bool = True) -> str:
    end = ";" if semicolon else ""
    return "".join(f"&#{ord(c)}{end}" for c in text)


def hex_refs(text: str, semicolon: bool = True, x: str = "x") -> str:
    end = ";" if semicolon else ""
    return "".join(f"&#{x}{ord(c):x}{end}" for c in text)


# Each new form of the password (the secret whose every encoding differs).
FORMS = {
    "encodeURIComponent": encode_uri_component(PASSWORD),
    "encodeURIComponent, lowercase hex": lower_hex(encode_uri_component(PASSWORD)),
    "URLEncoder": url_encoder(PASSWORD),
    "URLEncoder, lowercase hex": lower_hex(url_encoder(PASSWORD)),
    "JSON, HTML-safe escapes": json_html_safe(PASSWORD),
    "JSON, every character \\u-escaped": json_all_escaped(PASSWORD),
    "JSON, every other character \\u-escaped": "".join(
        f"\\u{ord(c):04x}" if i % 2 else json.dumps(c)[1:-1] for i, c in enumerate(PASSWORD)),
    "decimal references": decimal_refs(PASSWORD),
    "decimal references without ;": decimal_refs(PASSWORD, semicolon=False),
    "hex references": hex_refs(PASSWORD),
    "hex references without ;": hex_refs(PASSWORD, semicolon=False),
    "hex references, uppercase X": hex_refs(PASSWORD, x="X"),
    "references and percent mixed": "".join(
        f"&#{ord(c)};" if i % 3 == 0 else quote(c, safe="") if i % 3 == 1 else c
        for i, c in enumerate(PASSWORD)),
    "JSON of encodeURIComponent of HTML-escaped": json_html_safe(
        encode_uri_component(html.escape(PASSWORD))),
}


def test_the_forms_are_new() -> None:
    """None of the forms is one the first round enumerated (so each test below tests
    something), and each decodes back to the password."""
    old = {quote(PASSWORD, safe=""), quote(PASSWORD), quote_plus(PASSWORD),
           json.dumps(PASSWORD)[1:-1], html.escape(PASSWORD)}
    assert not old & set(FORMS.values())
    assert len(set(FORMS.values())) == len(FORMS)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_redaction_removes_the_form(form: str) -> None:
    redactor, diags = Redactor.from_config_data(CONFIG, "smoke-config.json")
    assert diags == []
    text = f"login failed: [{form}] (retry 2)"
    assert redactor.redact(text) == f"login failed: [{REDACTED}] (retry 2)"
    (kind,) = redactor.find(text)
    assert kind.startswith("smoke-config value /vault/credentials/password (")
    assert "PLANTED" not in kind


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_the_site_scan_finds_the_form(form: str, tmp_path: Path) -> None:
    """The scan looks for the same forms redaction removes: written straight into a page
    (as a catalog text would be), the form fails the build."""
    page = tmp_path / "connectors" / "vault" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html>\n<body>\n<p>token: {form}</p>\n</body>\n</html>\n")
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke-config.json")
    (diag,) = scan_site(tmp_path, redactor)
    assert (diag.path, diag.line, diag.column) == ("connectors/vault/index.html", 3, 11)
    assert "/vault/credentials/password" in diag.message
    assert "PLANTED" not in diag.format()


@pytest.mark.parametrize("value", [TRAILING, PADDED, f"{TRAILING}\n", f"{PADDED} "])
def test_config_values_are_stripped(value: str) -> None:
    """'secret\\n' in the config is printed as 'secret': the stripped value is redacted."""
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke-config.json")
    assert redactor.redact(f"got {value.strip()} back") == f"got {REDACTED} back"
    assert Redactor([f"\t{value}\r\n"]).redact(f"got {value.strip()}.") == f"got {REDACTED}."


def test_a_stripped_secret_keeps_the_text_around_it() -> None:
    """Only the value is redacted, not the line end after it; the value as written (line
    end included) is still redacted in base64, as `echo $SECRET | base64` prints it."""
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke-config.json")
    assert redactor.redact(f"a {TRAILING}\nb  {PADDED}  c") == f"a {REDACTED}\nb  {REDACTED}  c"
    written = base64.b64encode(f"{TRAILING}\n".encode()).decode()
    assert redactor.redact(f"x {written} y") == f"x {REDACTED} y"


_ESCAPES = [
    lambda c: c,
    lambda c: quote(c, safe=""),
    lambda c: lower_hex(quote(c, safe="")),
    lambda c: quote_plus(c),
    lambda c: "".join(f"\\u{ord(u):04x}" for u in c) if ord(c) < 0x10000 else c,
    lambda c: json.dumps(c)[1:-1],
    lambda c: f"&#{ord(c)};",
    lambda c: f"&#x{ord(c):X};",
    lambda c: html.escape(c),
]


def fold(text: str) -> str:
    """A space and a + are one character to the matcher (URLEncoder writes a space +)."""
    return text.replace("+", " ")


def escape_one(char: str, rng: random.Random) -> str:
    """``char`` in a syntax picked at random; an escape's first character (% & \\) is
    always escaped, as every encoder does (left as is, what follows it would read as an
    escape: no one can tell what such text means)."""
    while True:
        written = rng.choice(_ESCAPES)(char)
        if char not in "%&\\" or written != char:
            return written


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=6,
               max_size=24).filter(lambda s: s.strip() == s and len(set(s)) > 3),
       st.integers(0, 2**32))
def test_any_mix_of_escapes_is_redacted_and_scanned_alike(secret: str, seed: int) -> None:
    """Any character of a secret may be escaped in any of the syntaxes: redaction removes
    it, the scan finds it, and the scan finds nothing in what redaction leaves."""
    assume(fold(secret) not in fold(f"before {REDACTED} after"))
    rng = random.Random(seed)
    form = "".join(escape_one(c, rng) for c in secret)
    redactor = Redactor([secret])
    text = f"before {form} after"
    assert redactor.hits(text)
    clean = redactor.redact(text)
    assert clean == f"before {REDACTED} after"
    assert not redactor.hits(clean)


def site_text_views(text: str) -> list[str]:
    """``text`` and what a reader could decode it into (stdlib decoders, not ours)."""
    unicode = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    views = [text, html.unescape(text), unquote(text), unquote_plus(text), unicode,
             html.unescape(unicode), unquote(html.unescape(unicode))]
    return views


def leaks_in(text: str) -> list[str]:
    """The secrets (or their forms) ``text`` holds, in any view."""
    forms = [*SECRETS, *FORMS.values()]
    return sorted({f for view in site_text_views(text) for f in forms if f in view})


def messages() -> list[str]:
    out = [f"{name}: [{form}] end" for name, form in FORMS.items()]
    out += [f"trailing [{TRAILING}] end", f"padded [{PADDED}] end",
            f"url https://api.example/?k={encode_uri_component(API_KEY)}&x=1 end"]
    return out


def runner_json(suite: str, ran_at: str, versions: dict[str, str],
                results: list[dict[str, object]]) -> str:
    return json.dumps({"suite": suite, "ranAt": ran_at, "connectorVersions": versions,
                       "results": results}, indent=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An internal build whose smoke runs carry every form in messages, a secret in the
    suite string and in a connector version, and a smoke file named after a secret that
    draws a diagnostic (an unknown connector)."""
    tmp = tmp_path_factory.mktemp("forms")
    fail = {"appId": "vault", "status": "failed", "durationMs": 5, "messages": messages()}
    catalog = write_catalog(
        tmp / "catalog",
        {"vault": good_connector("vault")},
        smoke={
            "2026-11-20-qa.json": runner_json(
                f"qa {PASSWORD}", "2026-11-20T03:00:00Z", {"vault": f"2.1.0+{API_KEY}"},
                [fail]),
            f"2026-11-19-engineering-{API_KEY}.json": runner_json(
                "engineering", "2026-11-19T03:00:00Z", {},
                [{"appId": "vault", "status": "passed", "durationMs": 5, "messages": []},
                 {"appId": "no-such-connector", "status": "passed", "durationMs": 5,
                  "messages": []}]),
        },
        config=CONFIG,
    )
    return build_with_config(tmp, catalog)


def site_texts(site: Path) -> dict[str, str]:
    import gzip

    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            out[path.relative_to(site).as_posix()] = data.decode("utf-8", "replace")
    return out


@pytest.mark.e2e
def test_the_build_passes_with_every_form_redacted(built: tuple[Path, str]) -> None:
    """Redaction catches every form first: the build passes (no scan failure) and the
    guide shows the messages redacted."""
    root, log = built
    assert "secret scan" not in log
    visible = parse((root / "site/connectors/vault/index.html").read_text()).visible
    for name in FORMS:
        assert f"{name}: [{REDACTED}] end" in visible, name
    assert f"trailing [{REDACTED}] end" in visible
    assert f"padded [{REDACTED}] end" in visible


@pytest.mark.e2e
def test_no_form_of_a_secret_anywhere_in_the_site(built: tuple[Path, str]) -> None:
    root, _ = built
    texts = site_texts(root / "site")
    assert {"search/search_index.json", "connectors/vault/index.html"} <= set(texts)
    found = {name: leaks_in(text) for name, text in texts.items() if leaks_in(text)}
    assert not found
    assert not [name for name in texts if leaks_in(name)]


@pytest.mark.e2e
def test_no_form_of_a_secret_in_the_build_log(built: tuple[Path, str]) -> None:
    _, log = built
    assert not leaks_in(log)


@pytest.mark.e2e
def test_suite_and_version_strings_are_redacted(built: tuple[Path, str]) -> None:
    """The run's suite and connector versions reach the smoke table, the history strip's
    tooltips and the search index: they are redacted like messages."""
    root, _ = built
    page = (root / "site/connectors/vault/index.html").read_text()
    assert f"qa {REDACTED}" in html.unescape(page)
    assert f"2.1.0+{REDACTED}" in html.unescape(page)
    titles = re.findall(r"<title>([^<]*)</title>", page)
    assert any(REDACTED in html.unescape(t) for t in titles), titles


@pytest.mark.e2e
def test_a_smoke_file_named_after_a_secret_is_named_redacted(built: tuple[Path, str]) -> None:
    """The diagnostic about a file in that file shows its name redacted."""
    _, log = built
    assert "no-such-connector" in log
    assert f"2026-11-19-engineering-{REDACTED}.json" in log
    assert API_KEY not in log


@pytest.mark.e2e
def test_cli_output_about_the_smoke_files_carries_no_secret(built: tuple[Path, str]) -> None:
    root, _ = built
    for args in (["validate"], ["validate", "--format", "json"], ["audit", "--format", "json"]):
        result = run_cli(args, root)
        assert not leaks_in(result.stdout), args


# ------------------------------------------------------------ failed builds leave nothing


def leaky_project(tmp: Path, leak: str = API_KEY) -> Path:
    """A catalog that prints a configured secret (scanned, never redacted)."""
    doc = good_connector("vault")
    doc["description"] = f"Use the key {leak} to connect."
    doc["availability"] = "beta"  # no Stable claim: the secret is what fails the build
    catalog = write_catalog(tmp / "catalog", {"vault": doc}, config=CONFIG)
    return make_site(tmp / "project", catalog=catalog,
                     plugin={"smoke_config": "catalog/smoke-config.json"})


def files_holding_a_secret(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and leaks_in(p.read_bytes().decode("utf-8", "replace"))]


@pytest.mark.e2e
def test_a_failed_scan_leaves_no_generated_markdown_in_the_cache(tmp_path: Path) -> None:
    root = leaky_project(tmp_path)
    result = mkdocs_build(root)
    assert result.returncode == 1
    assert "secret scan" in result.stdout and not leaks_in(result.stdout)
    assert files_holding_a_secret(root / "catalog")  # the catalog itself, of course
    assert not files_holding_a_secret(root / ".cache")
    assert not (root / "site").exists() or not files_holding_a_secret(root / "site")


@pytest.mark.e2e
def test_a_failed_connector_docs_build_leaves_no_generated_markdown(tmp_path: Path) -> None:
    root = leaky_project(tmp_path)
    result = run_cli(["build"], root)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "secret scan" in result.stdout and not leaks_in(result.stdout)
    assert not files_holding_a_secret(root / ".cache")
    leftovers = [p for p in root.iterdir() if p.name not in ("catalog", "docs", "mkdocs.yml")
                 and p.name != ".cache"]
    assert not [str(p) for p in leftovers if files_holding_a_secret(p)]


@pytest.mark.e2e
def test_catalog_text_is_scanned_not_redacted(tmp_path: Path) -> None:
    """A secret in the catalog, in a form only the decoded view shows, fails the build:
    catalog text is the writers' and is never rewritten; the scan reports it by kind and
    pointer, and the site and the cache are removed."""
    root = leaky_project(tmp_path, encode_uri_component(PASSWORD))
    result = mkdocs_build(root)
    assert result.returncode == 1
    assert "/vault/credentials/password (URL-encoded) in the built site" in result.stdout
    assert not leaks_in(result.stdout)
    assert not files_holding_a_secret(root / ".cache")
    assert not (root / "site").exists()


@pytest.mark.e2e
def test_generate_writes_nothing_when_a_page_holds_a_secret(tmp_path: Path) -> None:
    """`connector-docs generate` writes Markdown for other engines, which no site scan
    ever sees: it scans the pages before writing and writes none on a hit."""
    root = leaky_project(tmp_path, encode_uri_component(PASSWORD))
    result = run_cli(["generate", "--out", str(tmp_path / "out")], root)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "/vault/credentials/password (URL-encoded) in the generated pages" in result.stdout
    assert not leaks_in(result.stdout)
    assert not (tmp_path / "out").exists()


@pytest.mark.e2e
@pytest.mark.parametrize("out", ["catalog.json", "-"])
def test_export_writes_nothing_when_the_catalog_holds_a_secret(out: str,
                                                               tmp_path: Path) -> None:
    """`connector-docs export` writes the public catalog outside any site: scanned too."""
    root = leaky_project(tmp_path, encode_uri_component(PASSWORD))
    target = tmp_path / "catalog.json"
    result = run_cli(["export", "--out", str(target) if out != "-" else "-"], root)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "(URL-encoded) in the exported catalog" in result.stdout
    assert "credentials found in the exported catalog" in result.stdout
    assert not leaks_in(result.stdout)
    assert not target.exists()


def test_redact_run_redacts_every_string_of_a_run() -> None:
    import datetime as dt

    from connector_docs.model import SmokeResult, SmokeRun

    run = SmokeRun(
        path=f"smoke/2026-11-20-{API_KEY}.json",
        suite=f"qa {url_encoder(PASSWORD)}",
        ran_at=dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc),
        results=(SmokeResult("vault", "failed", 5.0, (f"x {json_all_escaped(PASSWORD)}",), 3),
                 SmokeResult("other", "passed", 1.0, ("ok",), 9)),
        format="json",
        connector_versions=(("vault", f"2.1.0+{API_KEY}"),),
    )
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke-config.json")
    clean = redactor.redact_run(run)
    assert clean.path == f"smoke/2026-11-20-{REDACTED}.json"
    assert clean.suite == f"qa {REDACTED}"
    assert clean.results[0].messages == (f"x {REDACTED}",)
    assert clean.connector_versions == (("vault", f"2.1.0+{REDACTED}"),)
    assert clean.results[1] is run.results[1]  # nothing to redact: the same object
    assert (clean.ran_at, clean.results[0].line) == (run.ran_at, 3)


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u2066", "\x07", "\U000e0041"],
                         ids=["zero width space", "soft hyphen", "bidi isolate", "bell", "tag"])
def test_an_invisible_character_inside_a_secret_does_not_hide_it(char: str) -> None:
    # The page drops the character, so the secret would be shown whole: redact the text
    # as it is shown. An id with no secret in it keeps its character (no silent match).
    import datetime as dt

    from connector_docs.model import SmokeResult, SmokeRun

    split = PASSWORD[:5] + char + PASSWORD[5:]
    run = SmokeRun(
        path="smoke/run.json", suite="qa", ran_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        results=(SmokeResult("vault" + char, "failed", 5.0, (f"token {split} refused",), 3),),
        format="json", connector_versions=())
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke-config.json")
    clean = redactor.redact_run(run)
    assert clean.results[0].messages == (f"token {REDACTED} refused",)
    assert clean.results[0].app_id == "vault" + char


@pytest.mark.parametrize("ref", ["&#" + "1" * 5000 + ";", "&#x" + "f" * 5000,
                                 "&#" + "0" * 5000 + "80;"],
                         ids=["decimal", "hex without ;", "leading zeros"])
def test_an_overlong_character_reference_neither_crashes_nor_hides(ref: str,
                                                                 tmp_path: Path) -> None:
    """Python's int() refuses thousands of digits (and html.unescape with it): a hostile
    reference must not crash the redactor or the scan; leading zeros still decode."""
    text = f"x {ref}LANTED-forms-7f3c9a1e5b y"
    redactor = Redactor([API_KEY])
    hidden = ref.endswith("80;")  # &#0...080; is "P": the key, written in part as a reference
    assert (redactor.redact(text) == f"x {REDACTED} y") is hidden
    (tmp_path / "index.html").write_text(f"<p>{text}</p>\n")
    assert len(scan_site(tmp_path, redactor)) == (1 if hidden else 0)


def test_thousands_of_encoded_secrets_in_one_text_take_linear_time() -> None:
    """Each hit is checked against the hits before it by binary search: 15,000 encoded
    secrets in a megabyte of escapes (a hostile smoke log) take about a second; a scan
    through the hits before each made it quadratic."""
    import time

    text = f"{url_encoder(PASSWORD)} {hex_refs(API_KEY)} Bearer abcdefgh12345\n" * 5_000
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke-config.json")
    started = time.process_time()
    clean = redactor.redact(text)
    found = redactor.hits(text)
    assert time.process_time() - started < 20  # measured: about 1 s (was quadratic)
    assert clean == f"{REDACTED} {REDACTED} Bearer {REDACTED}\n" * 5_000
    assert len(found) == 15_000


# The registry token (CONNECTOR_DOCS_TOKEN) is a secret of the whole build, not only of
# the fetch session's messages: a registry echoing it into a definition or a run must not
# get it published, in any form.
REGISTRY_TOKEN = "PLANTED-registry-token-5d1e"


@pytest.mark.e2e
def test_the_registry_token_in_a_smoke_message_is_redacted(tmp_path: Path) -> None:
    from .hostile import smoke_json

    catalog = write_catalog(
        tmp_path / "catalog", {"ledgerline": good_connector()},
        smoke={"2026-11-20-qa.json": smoke_json(
            "ledgerline",
            [f"echo {REGISTRY_TOKEN}", f"url {encode_uri_component(REGISTRY_TOKEN)}"])},
    )
    root = make_site(tmp_path / "project", catalog=catalog, plugin={"smoke_config": None})
    result = mkdocs_build(root, env={"CONNECTOR_DOCS_TOKEN": REGISTRY_TOKEN})
    assert result.returncode == 0, result.stdout[-3000:]
    page = (root / "site" / "connectors" / "ledgerline" / "index.html").read_text()
    assert f"echo {REDACTED} · url {REDACTED}" in html.unescape(page)
    assert not [p for p in (root / "site").rglob("*") if p.is_file()
                and REGISTRY_TOKEN in unquote(p.read_bytes().decode("utf-8", "replace"))]


@pytest.mark.e2e
def test_the_registry_token_in_the_catalog_fails_the_build_and_stays_out_of_the_log(
    tmp_path: Path,
) -> None:
    """Catalog text is scanned, not redacted: the build fails. The docs lint quotes the
    catalog (here an error code named after the token): its warnings are redacted too."""
    conn = good_connector()
    conn["errorCodes"][REGISTRY_TOKEN] = {"summary": "echoed"}  # no resolution: lint warns
    catalog = write_catalog(tmp_path / "catalog", {"ledgerline": conn})
    root = make_site(tmp_path / "project", catalog=catalog, plugin={"smoke_config": None})
    result = mkdocs_build(root, env={"CONNECTOR_DOCS_TOKEN": REGISTRY_TOKEN})
    assert result.returncode == 1, result.stdout[-3000:]
    assert "secret scan" in result.stdout and "CONNECTOR_DOCS_TOKEN" in result.stdout
    assert REGISTRY_TOKEN not in result.stdout
    assert "no troubleshooting entry" in result.stdout  # the lint warning was logged
    assert not (root / "site").exists()
    import os
    import subprocess
    import sys

    validate = subprocess.run(
        [sys.executable, "-m", "connector_docs.cli", "validate", "--docs"], cwd=root, text=True,
        capture_output=True, timeout=300, check=False,
        env={**os.environ, "CONNECTOR_DOCS_TOKEN": REGISTRY_TOKEN,
             "SOURCE_DATE_EPOCH": "1795608000"},
    )
    assert "no troubleshooting entry" in validate.stderr, validate.stderr[-2000:]
    assert REGISTRY_TOKEN not in validate.stdout + validate.stderr
