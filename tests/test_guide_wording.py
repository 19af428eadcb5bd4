"""What a guide says when the catalog is sparse (issue 18): troubleshooting entries from
the auth type and limits on every guide, no generic sentence presented as a fix, the
connection check described rather than listed, one label per auth type, plurals, tier
order, and the platform facts from the options. The real catalog built for real is in
the e2e test at the end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from connector_docs.decisions import troubleshoot
from connector_docs.decisions.wording import (
    auth_label,
    counted,
    describe_rule,
    plural,
    sorted_tiers,
)
from connector_docs.diagnostics import ConnectorDocsError
from connector_docs.model import Auth, Connector, RateLimits, RateRule, Scope, Source
from connector_docs.options import Options, from_mapping
from connector_docs.project import Project, load
from connector_docs.site import export, pages, render

from .conftest import EXAMPLE_EPOCH
from .helpers import FILLER

# Sentences that present nothing as something (measured on the real catalog before
# issue 18); none may appear on any guide.


NO_LIMITS = RateLimits()


def conn(auth_type: str = "api_key", scopes: tuple[str, ...] = (),
         limits: RateLimits = NO_LIMITS) -> Connector:
    return Connector(id="x", name="Xample", description="", category="CRM",
                     auth=Auth(type=auth_type, scopes=tuple(Scope(s) for s in scopes)),
                     source=Source("x.json", "file"), rate_limits=limits)


# ------------------------------------------------------------------------ wording


def test_plural_and_counted_agree_with_the_count() -> None:
    assert plural(1, "run") == "run" and plural(0, "run") == "runs"
    assert plural(2, "entry", "entries") == "entries"
    assert counted(1, "request") == "1 request"
    assert counted(1500, "request") == "1,500 requests"
    assert describe_rule(RateRule(1, "second")) == "1 request per second"
    assert describe_rule(RateRule(1, "15m")) == "1 request per 15 minutes"
    assert describe_rule(RateRule(50, "minute")) == "50 requests per minute"


def test_pricing_tiers_sort_cheapest_first_then_unknown_alphabetically() -> None:
    tiers = ["enterprise", "Zeta", "free", "professional", "business", "alpha", "starter",
             "pro"]
    assert sorted_tiers(tiers) == ["free", "starter", "pro", "professional", "business",
                                   "enterprise", "alpha", "Zeta"]


def test_one_label_per_auth_type() -> None:
    assert auth_label("oauth2") == "OAuth 2.0"
    assert auth_label("api_key") == "API key"
    assert auth_label("basic") == "Basic auth"
    assert auth_label("aws_credentials") == "AWS credentials"
    assert auth_label("something_new") == "something_new"


def test_basic_and_basic_auth_read_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "connectors"
    for cid, kind in (("one", "basic"), ("two", "basic_auth")):
        (folder / cid).mkdir(parents=True)
        (folder / cid / "definition.json").write_text(json.dumps({
            "id": cid, "name": cid.title(), "description": "d", "category": "CRM",
            "authentication": {"type": kind}, "actions": [], "triggers": []}))
    project = load(Options(catalog=str(folder)))
    data = export.catalog_data(project)
    assert {c["auth"] for c in data["connectors"]} == {"basic"}
    assert {c["authLabel"] for c in data["connectors"]} == {"Basic auth"}


# ------------------------------------------------------------------ troubleshooting


def _implied(c: Connector) -> dict[str, Any]:
    return {e.code: e for e in troubleshoot.implied(c)}


@pytest.mark.parametrize(("auth_type", "cause", "fix"), [
    ("oauth2", "access token expired", "Reconnect the account"),
    ("api_key", "API key is wrong", "Create a new API key in Xample"),
    ("bearer_token", "token is wrong", "Create a new token"),
    ("basic", "username or password is wrong", "enter its current credentials"),
    ("aws_credentials", "access key ID or secret", "new access key in AWS IAM"),
    ("kubeconfig", "credentials are wrong", "Create new credentials in Xample"),
])
def test_401_and_403_follow_the_auth_type(auth_type: str, cause: str, fix: str) -> None:
    codes = _implied(conn(auth_type))
    assert set(codes) == {"401", "403", "429"}
    assert cause in codes["401"].cause and fix in codes["401"].resolution
    assert codes["403"].resolution and "{" not in codes["403"].resolution


def test_403_names_the_scopes_of_an_oauth_connector() -> None:
    codes = _implied(conn("oauth2", scopes=("b.write", "a.read")))
    assert codes["403"].summary == "Forbidden: a permission scope is missing"
    assert codes["403"].resolution.endswith("a.read, b.write.")


def test_no_auth_no_401_or_403_but_429() -> None:
    assert set(_implied(conn("none"))) == {"429"}


def test_429_without_declared_limits_says_so_and_how_to_back_off() -> None:
    code = _implied(conn())["429"]
    assert "No rate limit is published" in code.cause
    assert "Retry-After" in code.resolution
    limited = _implied(conn(limits=RateLimits((RateRule(1, "second"),))))["429"]
    assert limited.cause == "Xample allows 1 request per second."


def test_a_name_with_braces_is_printed_as_written() -> None:
    c = conn()
    c = Connector(**{**c.__dict__, "name": "{weird} app"})
    assert "{weird} app" in _implied(c)["401"].resolution


def test_every_guide_anchors_401_403_and_429() -> None:
    for entries in (troubleshoot.expected(conn("oauth2")),
                    troubleshoot.expected(conn("api_key"))):
        ids = {a for e in entries for a in (e.anchor, *e.aliases)}
        assert {"error-401", "error-403", "error-429"} <= ids


# --------------------------------------------------------------------- rendered guide

DEFINITION: dict[str, Any] = {
    "id": "sparse", "name": "Sparse", "description": "A sparse connector.",
    "category": "CRM", "testConnection": {"method": "GET", "endpoint": "/me"},
    "authentication": {"type": "oauth2", "config": {
        "authUrl": "https://sparse.example/authorize",
        "tokenUrl": "https://sparse.example/token", "scopes": ["read"]}},
    "actions": [
        {"id": "test_connection", "name": "Test Connection", "description": "Test it",
         "parameters": {"type": "object", "properties": {}}},
        {"id": "get_thing", "name": "Get Thing", "description": "Gets a thing",
         "parameters": {"type": "object", "properties": {}},
         "errorCodes": {"thing_gone": "The thing is gone"}}],
    "triggers": [{"id": "thing_added", "name": "Thing Added", "type": "webhook",
                  "description": "A thing was added",
                  "parameters": {"type": "object", "properties": {}}}],
}


def sparse_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   definition: dict[str, Any] | None = None, **options: Any) -> Project:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    folder = tmp_path / "connectors" / "sparse"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "definition.json").write_text(json.dumps(definition or DEFINITION))
    return load(Options(catalog=str(tmp_path / "connectors"), base_dir=str(tmp_path),
                        **options))


def guide(project: Project) -> str:
    spec = next(s for s in pages.plan(project) if s.path == "connectors/sparse.md")
    return render.render(spec)


def test_sparse_guide_has_no_filler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = guide(sparse_project(tmp_path, monkeypatch))
    for phrase in FILLER:
        assert phrase not in text, phrase
    assert "(s)" not in text
    assert "Auth: OAuth 2.0" in text
    assert "No rate limit is published for Sparse." in text
    assert "After you connect, the platform checks the connection by calling" in text
    assert "### Get Thing" in text
    assert "No fix is documented for this error yet." in text
    assert 'For writers' not in text  # public
    for anchor in ("error-401", "error-403", "error-429"):
        assert f"#{anchor} }}" in text or f'id="{anchor}"' in text, anchor
    # Nothing to say about the webhook but its name: one sentence, no table.
    assert "This trigger receives Sparse's events by webhook: [Thing Added]" in text
    assert "| Trigger |" not in text


def test_internal_guide_asks_writers_for_what_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = guide(sparse_project(tmp_path, monkeypatch, audience="internal"))
    assert text.count('!!! note "For writers"') == 2  # the resolution, the redirect URL
    assert "`oauth_redirect_url`" in text


def test_platform_facts_reach_the_guide(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    text = guide(sparse_project(
        tmp_path, monkeypatch, platform_name="Acme Flows",
        oauth_redirect_url="https://flows.example.com/oauth/callback",
        support_url="https://support.example.com/"))
    assert ("Set the redirect URL to <code>https&#58;//flows.example.com/oauth/callback"
            "</code>.") in text
    assert "After you connect, Acme Flows checks the connection" in text
    assert ("If it persists, contact [Acme Flows support](https://support.example.com/)."
            in text)
    assert "## Get help { #support }" in text


def test_connector_support_comes_first(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    definition = {**DEFINITION, "supportContact": "help@sparse.example"}
    text = guide(sparse_project(tmp_path, monkeypatch, definition,
                                support_url="https://support.example.com/"))
    assert ("For help with this connector, contact [Sparse support](mailto:help@sparse."
            "example) or [Platform support](https://support.example.com/).") in text


def test_connection_check_is_kept_out_of_actions_but_not_lost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sparse_project(tmp_path, monkeypatch)
    c = project.catalog.by_id()["sparse"]
    context = pages.connector_context(project, c)
    assert [item["op"].id for item in context["actions"]] == ["get_thing"]
    assert [op.id for op in context["connection_checks"]] == ["test_connection"]
    assert [op.id for op in c.actions] == ["test_connection", "get_thing"]  # catalog.json


@pytest.mark.parametrize(("name", "value"), [
    ("platform_name", ""), ("platform_name", "two\nlines"),
    ("oauth_redirect_url", "flows.example.com/callback"),
    ("support_url", "https://support example.com")])
def test_platform_options_are_checked(name: str, value: str) -> None:
    with pytest.raises(ConnectorDocsError, match=f"{name} must be"):
        from_mapping({name: value}, "mkdocs.yml", ".")


def test_a_targeted_entry_or_row_is_highlighted() -> None:
    css = (Path(__file__).resolve().parent.parent / "generator" / "connector_docs" / "site"
           / "assets" / "connector-docs.css").read_text()
    assert 'h3[id^="error-"]:target' in css
    assert 'tr:has(span[id^="error-"]:target)' in css
    assert 'p:has(> span[id^="error-"]:target)' in css


@pytest.mark.parametrize(("code", "reason"), [("429", "Too Many Requests"), ("²", ""),
                                              ("٤٢٩", ""), ("rate_limited", "")])
def test_only_ascii_status_codes_get_a_reason_phrase(code: str, reason: str) -> None:
    # "²".isdigit() is true and int("²") raises: one catalog error code took the build down.
    assert troubleshoot.http_reason(code) == reason
