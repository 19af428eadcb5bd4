"""No secret leaks: credentials from the smoke config, in every encoding, and well-known
token shapes in smoke output never reach the HTML, the search index, the sitemap,
catalog.json or the build log; a secret planted into a built site is caught by the scan."""

from __future__ import annotations

import base64
import gzip
import html
import json
import shutil
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from connector_docs.options import Options
from connector_docs.project import load
from connector_docs.secrets.redact import Redactor
from connector_docs.secrets.scan import scan_site

from ..helpers import make_site, mkdocs_build
from .hostile import (
    build_with_config,
    good_connector,
    no_traceback,
    parse,
    run_cli,
    smoke_json,
    write_catalog,
)

CREDENTIALS = {
    "apiKey": "PLANTED-plain-7f3c9a1e5b",
    "username": "smoke-user-7731",
    "password": "p@ss w/rd:&<\"'>\u00fcn\u00ef-42",  # every encoding of it differs
    "clientSecret": "cs_PLANTED_0123456789abcdef",
}
# (a bare "tenant" is endpoint-shaped, public: secrets/fields.py)
EXTRA = {"tenantToken": "tenant-PLANTED-4411",
         "pem": "-----BEGIN KEY-----\nMIIPLANTEDline1abcdefgh\n"}
CONFIG = {"vault": {"credentials": CREDENTIALS, "additionalConfig": EXTRA}}
# Token shapes, with the part that must never be shown.
SHAPES = {
    "xoxb-1234567890-PLANTEDslack": "xoxb-1234567890-PLANTEDslack",
    "sk_live_51PLANTEDstripe0001": "sk_live_51PLANTEDstripe0001",
    "AKIAZ7PLANTED1234567": "AKIAZ7PLANTED1234567",
    "ghp_PLANTEDgithub0123456789abcdefghij": "ghp_PLANTEDgithub0123456789abcdefghij",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnUExBTlRFRA": "c2lnUExBTlRFRA",
    "Authorization: Bearer PLANTEDbearer12345": "PLANTEDbearer12345",
    "postgres://admin:PLANTEDurlpw99@db.example.com/x": "PLANTEDurlpw99",
    "retrying with password=PLANTEDparam77&x=1": "PLANTEDparam77",
}


def b64(raw: str | bytes, urlsafe: bool = False) -> list[str]:
    data = raw.encode() if isinstance(raw, str) else raw
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()
    return [text, text.rstrip("=")]


def encodings(secret: str) -> list[str]:
    """Every form of ``secret`` the site must not contain (computed here, independently of
    connector_docs.secrets)."""
    forms = [
        secret,
        *b64(secret),
        *b64(secret, urlsafe=True),
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
    ]
    return sorted({f for f in forms if len(f) >= 8})


def secret_values() -> list[str]:
    values = [*CREDENTIALS.values(), EXTRA["tenantToken"], "MIIPLANTEDline1abcdefgh"]
    return values


def leak_forms() -> list[str]:
    forms = [f for value in secret_values() for f in encodings(value)]
    forms += b64(f"{CREDENTIALS['username']}:{CREDENTIALS['password']}")
    forms += list(SHAPES.values())
    return sorted(set(forms))


def messages() -> list[str]:
    pw, user, key = CREDENTIALS["password"], CREDENTIALS["username"], CREDENTIALS["apiKey"]
    out = [f"plain {value} end" for value in secret_values()]
    out += [
        f"base64 {form} end"
        for value in secret_values()
        for form in b64(value) + b64(value, urlsafe=True)
    ]
    out += [
        f"url {quote(pw, safe='')} and {quote_plus(pw)} and {quote(pw)} end",
        f"json {json.dumps({'password': pw})} end",
        f"json raw {json.dumps({'password': pw}, ensure_ascii=False)} end",
        f"json ascii {json.dumps(pw, ensure_ascii=True)} end",
        f"html {html.escape(pw)} end",
        f"Authorization: Basic {b64(f'{user}:{pw}')[0]} end",
        f"inside {b64(b'prefix:' + key.encode())[0]} end",
        "-----BEGIN KEY-----",
        "MIIPLANTEDline1abcdefgh",
    ]
    out += [f"shape {text} end" for text in SHAPES]
    return out


def leaks_in(text: str) -> list[str]:
    decoded = html.unescape(text)
    return [form for form in leak_forms() if form in text or form in decoded]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("secrets")
    catalog = write_catalog(
        tmp / "catalog",
        {"vault": good_connector("vault"), "ledgerline": good_connector()},
        smoke={
            "2026-11-20-qa.json": smoke_json("vault", messages()),
            "2026-11-19-engineering.log": "=== Connector Smoke Results ===\n"
            "❌ vault (5ms)\n"
            + "".join(f"   • {m}\n" for m in messages() if "\n" not in m)
            + "\n=== Summary ===\nPassed: 0\nFailed: 1\nSkipped: 0\n",
        },
        config=CONFIG,
    )
    return build_with_config(tmp, catalog)


def site_files(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".gz", ".txt", ".js"):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            out[str(path.relative_to(site))] = data.decode("utf-8", "replace")
    return out


def test_the_forms_are_distinct_and_the_messages_carry_them() -> None:
    text = "\n".join(messages())
    assert len(leak_forms()) > 25
    missing = [f for f in leak_forms() if f not in text and html.unescape(f) not in text]
    assert not missing


@pytest.mark.e2e
def test_no_secret_in_any_file_of_the_site(built: tuple[Path, str]) -> None:
    root, _ = built
    files = site_files(root / "site")
    assert {"search/search_index.json", "sitemap.xml", "catalog/catalog.json"} <= set(files)
    found = {name: leaks_in(text) for name, text in files.items() if leaks_in(text)}
    assert not found


@pytest.mark.e2e
def test_the_messages_are_shown_redacted(built: tuple[Path, str]) -> None:
    root, _ = built
    visible = parse((root / "site/connectors/vault/index.html").read_text()).visible
    assert "plain [REDACTED] end" in visible
    assert "shape xoxb-1234567890-PLANTEDslack" not in visible
    assert visible.count("[REDACTED]") >= len(messages()) - 2


@pytest.mark.e2e
def test_no_secret_in_the_build_log(built: tuple[Path, str]) -> None:
    _, log = built
    assert not leaks_in(log)


@pytest.mark.e2e
def test_the_scan_passes_the_clean_site(built: tuple[Path, str]) -> None:
    root, _ = built
    redactor, _ = Redactor.from_config(root / "catalog" / "smoke-config.json")
    assert scan_site(root / "site", redactor) == []


PLANTS = {
    "connectors/vault/index.html": lambda s: s.replace(
        "</body>", f"<p>{CREDENTIALS['apiKey']}</p></body>"
    ),
    "catalog/index.html": lambda s: s.replace(
        "</body>",
        "<p>" + "".join(f"&#{ord(c)};" for c in CREDENTIALS["clientSecret"]) + "</p></body>",
    ),
    "scopes/index.html": lambda s: s.replace(
        "</body>", f"<p>{html.escape(CREDENTIALS['password'])}</p></body>"
    ),
    "rate-limits/index.html": lambda s: s.replace(
        "</body>", "<p>sk&#95;live&#95;51PLANTEDstripe0001</p></body>"
    ),
    "search/search_index.json": lambda s: s.replace(
        '"docs":[',
        '"docs":[{"location":"x","title":"t","text":"'
        + json.dumps(CREDENTIALS["password"])[1:-1]
        + '"},',
    ),
    "catalog/catalog.json": lambda s: s.replace(
        '"connectors": [', f'"note": "{b64(CREDENTIALS["apiKey"])[0]}", "connectors": ['
    ),
    "readiness/index.html": lambda s: s.replace(
        "</body>",
        "<p>Basic "
        + b64(f"{CREDENTIALS['username']}:{CREDENTIALS['password']}")[0]
        + "</p></body>",
    ),
    "troubleshooting/index.html": lambda s: s.replace(
        "</body>", f"<a href='https://x.example/?k={quote(CREDENTIALS['password'])}'>x</a></body>"
    ),
}


@pytest.mark.e2e
def test_a_secret_planted_after_the_build_is_caught(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    root, _ = built
    site = tmp_path / "site"
    shutil.copytree(root / "site", site)
    for name, plant in PLANTS.items():
        path = site / name
        before = path.read_text(encoding="utf-8")
        after = plant(before)
        assert after != before, name
        path.write_text(after, encoding="utf-8")
    sitemap = site / "sitemap.xml.gz"
    sitemap.write_bytes(
        gzip.compress(
            gzip.decompress(sitemap.read_bytes()).replace(
                b"</urlset>", f"<url><loc>{EXTRA['tenantToken']}</loc></url></urlset>".encode()
            )
        )
    )
    (site / "ghp_PLANTEDgithub0123456789abcdefghij.txt").write_text("x")
    (site / f"{CREDENTIALS['apiKey']}.json").write_text("{}")
    redactor, _ = Redactor.from_config(root / "catalog" / "smoke-config.json")
    diags = scan_site(site, redactor)
    flagged = {d.path for d in diags}
    # Files named after a secret are reported under the name redacted.
    assert flagged >= {*PLANTS, "sitemap.xml.gz", "[REDACTED].txt", "[REDACTED].json"}
    assert all(d.is_error for d in diags)
    assert not leaks_in("\n".join(d.format() for d in diags))


@pytest.mark.e2e
def test_cli_output_carries_no_secret(built: tuple[Path, str]) -> None:
    root, _ = built
    for args in (
        ["validate"],
        ["validate", "--format", "json"],
        ["export", "--out", "-"],
        ["audit", "--format", "json"],
    ):
        result = run_cli(args, root)
        no_traceback(result.stdout)
        assert not leaks_in(result.stdout), args


def test_diagnostics_about_smoke_files_carry_no_secret(tmp_path: Path) -> None:
    catalog = write_catalog(
        tmp_path / "catalog",
        {"vault": good_connector("vault")},
        smoke={
            "2026-11-20-qa.json": json.dumps(
                {
                    "suite": "qa",
                    "ranAt": "2026-11-20T03:00:00Z",
                    "results": [
                        {"appId": "vault", "status": "Bearer PLANTEDbearer12345", "messages": []},
                        {"appId": CREDENTIALS["apiKey"], "status": "passed", "messages": []},
                    ],
                }
            )
        },
        config=CONFIG,
    )
    project = load(
        Options(
            catalog="connectors",
            smoke="smoke",
            smoke_config="smoke-config.json",
            base_dir=str(catalog),
        )
    )
    text = "\n".join(d.format() for d in project.diagnostics)
    assert "unknown" in text
    assert not leaks_in(text)


@pytest.fixture(scope="module")
def leaky_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A catalog that prints a configured secret: the scan must fail the build."""
    tmp = tmp_path_factory.mktemp("leaky")
    doc = good_connector("vault")
    doc["description"] = f"Use the key {CREDENTIALS['clientSecret']} to connect."
    catalog = write_catalog(tmp / "catalog", {"vault": doc}, config=CONFIG)
    root = make_site(
        tmp / "project", catalog=catalog, plugin={"smoke_config": "catalog/smoke-config.json"}
    )
    result = mkdocs_build(root)
    return root, result.stdout


@pytest.mark.e2e
def test_a_leak_from_the_catalog_fails_the_build_without_printing_it(
    leaky_build: tuple[Path, str],
) -> None:
    _, log = leaky_build
    no_traceback(log)
    assert "secret scan" in log
    assert "clientSecret" in log  # where it is, by pointer
    assert CREDENTIALS["clientSecret"] not in log


@pytest.mark.e2e
def test_a_failed_secret_scan_leaves_no_site(leaky_build: tuple[Path, str]) -> None:
    root, _ = leaky_build
    site = root / "site"
    leftovers = [p for p in site.rglob("*.html")] if site.exists() else []
    assert not leftovers


@pytest.mark.e2e
def test_a_broken_smoke_config_fails_the_build(tmp_path: Path) -> None:
    secret = "PLANTED-config-secret-9f3e"
    catalog = write_catalog(
        tmp_path / "catalog",
        {"vault": good_connector("vault")},
        smoke={"2026-11-20-qa.json": smoke_json("vault", [f"login with {secret} failed"])},
    )
    trailing_comma = f'{{"vault": {{"credentials": {{"apiKey": "{secret}"}}}},}}'
    (catalog / "smoke-config.json").write_text(trailing_comma)
    root = make_site(
        tmp_path / "project", catalog=catalog, plugin={"smoke_config": "catalog/smoke-config.json"}
    )
    result = mkdocs_build(root)
    no_traceback(result.stdout)
    site = root / "site"
    leaked = (
        [p for p in site.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
        if site.exists()
        else []
    )
    assert not leaked
    assert result.returncode == 1
