"""Which smoke-config values are secrets (issue 18): keys classified as credential,
endpoint or unknown; the user's ``secret`` / ``not_secret`` pointers; the options and flags
that carry them; and a site-scan error traced back to the input that holds the value."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs import cli
from connector_docs.diagnostics import ConnectorDocsError, error
from connector_docs.options import Options, from_mapping, override
from connector_docs.secrets.config import config_secrets
from connector_docs.secrets.fields import (
    NO_OVERRIDES,
    Overrides,
    key_kind,
    path_kind,
    public_value,
    words,
)
from connector_docs.secrets.origin import trace
from connector_docs.secrets.redact import REDACTED, Redactor
from connector_docs.secrets.scan import scan_texts

CREDENTIAL_KEYS = [
    "token", "accessToken", "access_token", "ACCESS_TOKEN", "access-token", "refreshToken",
    "refresh_token", "botToken", "idToken", "authToken", "secret", "clientSecret",
    "client_secret", "CLIENT_SECRET", "signingSecret", "webhookSecret", "password",
    "Password", "passwd", "pwd", "db_password", "passphrase", "key", "apiKey", "api_key",
    "APIKey", "APIKEY", "apikey", "x-api-key", "X-Api-Key", "privateKey", "private_key",
    "PRIVATE_KEY", "secretAccessKey", "accessKeyId", "keyId", "auth", "authorization",
    "Authorization", "oauth", "credential", "credentials", "signature", "sessionToken",
    "session", "sessionId", "cookie", "Cookie", "personalAccessTokenSecret",
    "personalAccessTokenName", "pat", "webhookUrl", "slackWebhookURL", "presignedUrl",
    "signedUrl", "dsn", "connectionString", "jwt", "otpSeed", "certificate", "pem",
]  # fmt: skip
ENDPOINT_KEYS = [
    "url", "URL", "uri", "host", "Host", "hostname", "HOST_NAME", "domain", "subdomain",
    "sub_domain", "region", "AWS_REGION", "instance", "instanceUrl", "instance_url",
    "instanceURL", "baseUrl", "base_url", "BASE_URL", "baseURI", "endpoint", "apiEndpoint",
    "server", "serverUrl", "server_url", "site", "siteId", "siteName", "tenant",
    "tenantId", "tenant_id", "accountId", "account_id", "accountName", "realmId",
    "realm_id", "orgId", "organizationId", "organisationId", "org_id", "workspace",
    "workspaceId", "projectId", "project_id", "apiVersion", "api_version", "version",
    "environment", "env", "port", "zone", "datacenter", "clusterName", "hosts", "urls",
    "tokenUrl", "token_url", "authUrl", "authorizationEndpoint", "tokenEndpoint",
    "keyVaultUrl", "databaseName",
]  # fmt: skip
UNKNOWN_KEYS = ["clientId", "client_id", "username", "user", "email", "login", "cloudId",
                "retries", "accountSid", "serviceAccount", "mode", "a"]


@pytest.mark.parametrize("key", CREDENTIAL_KEYS)
def test_credential_keys(key: str) -> None:
    assert key_kind(key) == "credential", words(key)


@pytest.mark.parametrize("key", ENDPOINT_KEYS)
def test_endpoint_keys(key: str) -> None:
    assert key_kind(key) == "endpoint", words(key)


@pytest.mark.parametrize("key", UNKNOWN_KEYS)
def test_unknown_keys_are_secrets_by_default(key: str) -> None:
    assert key_kind(key) == "unknown", words(key)
    assert path_kind([key]) != "endpoint"


@pytest.mark.parametrize(("key", "expected"), [
    ("personalAccessTokenSecret", ["personal", "access", "token", "secret"]),
    ("instanceURL", ["instance", "url"]), ("APIKey", ["api", "key"]),
    ("x-api-key", ["x", "api", "key"]), ("OAuth2Token", ["o", "auth", "2", "token"]),
])
def test_words(key: str, expected: list[str]) -> None:
    assert words(key) == expected


def test_values_nested_under_a_credential_key_are_credentials() -> None:
    assert path_kind(["oauth", "host"]) == "credential"
    assert path_kind(["privateKey", "region"]) == "credential"
    assert path_kind(["site", "cloudId"]) == "unknown"  # its own key decides
    assert path_kind(["connection", "url"]) == "credential"
    assert path_kind(["endpoints", "url"]) == "endpoint"


CONFIG = {
    "$schema": "x.json",
    "tableau": {"credentials": {"serverUrl": "https://example.online.tableau.com",
                                "personalAccessTokenName": "docs-smoke-pat",
                                "personalAccessTokenSecret": "tbl-PAT-5a6b7c8d9e0f",
                                "siteId": "ab"}},
    "salesforce": {"credentials": {"accessToken": "sf-token-0123456789",
                                   "instanceUrl": "https://acme.my.salesforce.com"},
                   "additionalConfig": {"apiVersion": "v60.0", "mode": "sandbox-7"}},
    "jira": {"credentials": {"username": "bot@example.com", "password": "pw-0123456789",
                             "oauth": {"host": "auth.example.com"}}},
}
TEXT = ("https://example.online.tableau.com https://acme.my.salesforce.com v60.0 "
        "sf-token-0123456789 tbl-PAT-5a6b7c8d9e0f docs-smoke-pat sandbox-7 "
        "auth.example.com pw-0123456789 bot@example.com")


def redacted(overrides: Overrides = NO_OVERRIDES) -> tuple[str, list[str]]:
    redactor, diags = Redactor.from_config_data(CONFIG, "smoke.json", overrides)
    return redactor.redact(TEXT), [d.format() for d in diags]


def test_the_default_classification() -> None:
    out, diags = redacted()
    assert diags == []  # siteId "ab" is public: too short to redact does not matter
    for public in ("https://example.online.tableau.com", "https://acme.my.salesforce.com",
                   "v60.0"):
        assert public in out
    for secret in ("sf-token-0123456789", "tbl-PAT-5a6b7c8d9e0f", "docs-smoke-pat",
                   "sandbox-7", "auth.example.com", "pw-0123456789", "bot@example.com"):
        assert secret not in out, secret
    # the Basic pair is kept
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke.json")
    pair = base64.b64encode(b"bot@example.com:pw-0123456789").decode()
    assert redactor.find(f"Basic {pair}")


def test_secret_makes_an_endpoint_a_secret_and_wins_over_not_secret() -> None:
    pointer = "/salesforce/credentials/instanceUrl"
    out, diags = redacted(Overrides(secret=(pointer,), not_secret=(pointer,)))
    assert "acme.my.salesforce.com" not in out and diags == []
    out, _ = redacted(Overrides(secret=("/salesforce/credentials",)))  # a parent: all below
    assert "acme.my.salesforce.com" not in out and "v60.0" in out
    out, _ = redacted(Overrides(secret=("*/additionalConfig/apiVersion",)))  # a glob
    assert "v60.0" not in out


def test_not_secret_makes_an_unknown_value_public_by_its_exact_pointer_only() -> None:
    out, diags = redacted(Overrides(not_secret=("/salesforce/additionalConfig/mode",)))
    assert "sandbox-7" in out and diags == []
    # A glob publishes endpoint-shaped fields only: `*/credentials/*` must not publish a
    # `pgpassword` or a `connStr` that no word boundary shows as a credential.
    out, diags = redacted(Overrides(not_secret=("*/mode",)))
    assert "sandbox-7" not in out and "names no value" in diags[0]


@pytest.mark.parametrize("key", ["pgpassword", "PGPASSWORD", "dbpass", "keyfile",
                                 "serviceAccountJson", "clientAssertion", "connStr"])
def test_credentials_without_word_boundaries_are_credentials(key: str) -> None:
    assert path_kind([key]) == "credential"


@pytest.mark.parametrize(("key", "value"), [
    ("hookUrl", "https://hooks.slack.example/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX"),
    ("incomingUrl", "https://outlook.example/webhook/a1b2c3d4e5f6a7b8c9d0e1f2"),
    ("redisUrl", "redis://:hunter2pass@cache.example:6379"),
    ("sasUrl", "https://store.example/c?sv=2024&sig=abcdef"),
    ("feedUrl", "https://cal.example/feed/private-abcdef0123456789abcd.ics"),
])
def test_a_place_shaped_key_holding_more_than_a_place_is_a_secret(key: str, value: str
                                                                  ) -> None:
    assert not public_value(value)
    secrets, _ = config_secrets({"app": {"credentials": {key: value}}}, "smoke.json")
    assert [s.value for s in secrets if s.value == value] == [value]


@pytest.mark.parametrize("value", ["https://example.online.tableau.com",
                                   "https://example.my.salesforce.com/", "eu-west-1",
                                   "v60.0", "1234567890", "https://api.example.com/v2"])
def test_places_stay_public(value: str) -> None:
    assert public_value(value)


def test_not_secret_on_a_credential_needs_an_exact_pointer_and_warns() -> None:
    name = "/tableau/credentials/personalAccessTokenName"
    out, diags = redacted(Overrides(not_secret=("*/personalAccessTokenName",)))
    assert "docs-smoke-pat" not in out  # a glob never unmarks a credential...
    assert len(diags) == 1 and "names no value" in diags[0]  # ...so it matched nothing
    out, diags = redacted(Overrides(not_secret=(name,)))
    assert "docs-smoke-pat" in out
    (diag,) = diags
    assert "warning: a credential-shaped field is listed under not_secret" in diag
    assert f"(at {name})" in diag and "docs-smoke-pat" not in diag
    out, _ = redacted(Overrides(not_secret=("/tableau/credentials",)))  # a parent
    assert "tbl-PAT-5a6b7c8d9e0f" in out  # the user's explicit choice (warned)


def test_a_pointer_naming_no_value_is_a_warning_with_did_you_mean() -> None:
    _, diags = redacted(Overrides(not_secret=("/tableau/credentials/serverUrI",),
                                  secret=("/nowhere",)))
    assert len(diags) == 2
    typo = next(d for d in diags if "serverUrI" in d)
    assert "warning: not_secret lists '/tableau/credentials/serverUrI'" in typo
    assert "did you mean '/tableau/credentials/serverUrl'?" in typo


def test_a_config_file_locates_the_warnings(tmp_path: Path) -> None:
    path = tmp_path / "smoke.json"
    path.write_text(json.dumps(CONFIG, indent=2))
    name = "/tableau/credentials/personalAccessTokenName"
    redactor, diags = Redactor.from_config(path, Overrides(not_secret=(name, "/x")))
    located = next(d for d in diags if d.pointer == name)
    assert located.line == 6 and not located.is_error
    unmatched = next(d for d in diags if d.pointer is None)
    assert "'/x'" in unmatched.message
    assert redactor.redact("docs-smoke-pat") == "docs-smoke-pat"


# ------------------------------------------------------------------ options and flags


def test_the_options_take_lists_of_pointers() -> None:
    opts = from_mapping({"not_secret": ["/a/credentials/host", "*/region"],
                         "secret": ["/b/credentials/url"]}, "mkdocs.yml", ".")
    assert opts.not_secret == ("/a/credentials/host", "*/region")
    assert opts.secret == ("/b/credentials/url",)
    assert Options().not_secret == () and Options().secret == ()


@pytest.mark.parametrize("value", [["a/credentials/host"], [3], ["/ok", ""], [None]])
def test_a_bad_pointer_list_is_an_error(value: list[object]) -> None:
    with pytest.raises(ConnectorDocsError) as caught:
        from_mapping({"not_secret": value}, "mkdocs.yml", ".")
    (problem,) = caught.value.diagnostics
    assert problem.message.startswith("not_secret must be a list of JSON pointers")
    assert problem.hint == "e.g. not_secret: [/tableau/credentials/serverUrl]"


def test_flags_replace_the_lists_and_no_flag_keeps_them() -> None:
    opts = from_mapping({"not_secret": ["/a/credentials/host"]}, "mkdocs.yml", ".")
    assert override(opts, not_secret=()).not_secret == ("/a/credentials/host",)
    assert override(opts, not_secret=("/b/x",)).not_secret == ("/b/x",)
    with pytest.raises(ConnectorDocsError):
        override(opts, secret=("no-slash",))


def test_the_cli_reads_the_flags(tmp_path: Path) -> None:
    config = tmp_path / "smoke.json"
    config.write_text(json.dumps(CONFIG))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - connector-docs:\n"
        f"      catalog: {tmp_path / 'none'}\n      smoke_config: {config}\n")
    runner = CliRunner()
    result = runner.invoke(cli.main, ["-f", str(tmp_path / "mkdocs.yml"), "validate",
                                      "--not-secret", "/tableau/credentials/serverUrI",
                                      "--secret", "/salesforce/credentials/instanceUrl",
                                      "--format", "json"])
    report = json.loads(result.stdout)
    messages = [d["message"] for d in report["diagnostics"]]
    assert any("not_secret lists '/tableau/credentials/serverUrI'" in m for m in messages)
    assert not any("instanceUrl'" in m for m in messages)  # it names a value
    result = runner.invoke(cli.main, ["-f", str(tmp_path / "mkdocs.yml"), "validate",
                                      "--secret", "relative"])
    assert result.exit_code == 1 and "secret must be a list of JSON pointers" in result.output


# ------------------------------------------------------------------------ tracing


def test_a_scan_error_names_the_input_that_holds_the_value(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    (catalog / "tableau").mkdir(parents=True)
    (catalog / "tableau" / "definition.json").write_text(json.dumps(
        {"id": "tableau", "baseUrl": "https://example.online.tableau.com"}, indent=2))
    overlay = tmp_path / "docs" / "connectors"
    overlay.mkdir(parents=True)
    (overlay / "salesforce.md").write_text("# Notes\n\nUse `sf-token-0123456789`.\n")
    redactor, _ = Redactor.from_config_data(
        CONFIG, "smoke.json", Overrides(secret=("/tableau/credentials/serverUrl",)))
    page = "see https://example.online.tableau.com and sf-token-0123456789 and xoxb-1234567890ab"
    problems = scan_texts([("connectors/x.md", page)], redactor)
    traced = trace(problems, redactor, [("catalog file", catalog),
                                        ("docs file", tmp_path / "docs"),
                                        ("template", tmp_path / "missing")])
    assert len(traced) == 3
    server, token, slack = (next(d for d in traced if word in d.message)
                            for word in ("serverUrl", "accessToken", "Slack"))
    assert f"catalog file {catalog}/tableau/definition.json:3:15 (at /baseUrl)" in server.hint
    assert "`not_secret:`" in server.hint  # not told it is listed under secret
    assert "`not_secret:`" in token.hint  # a credential shape, but the user decides
    (listed,) = trace(problems[:1], redactor, [("catalog file", catalog)], listed=Overrides(
        secret=("/tableau/credentials/serverUrl",)))
    assert "not_secret" not in (listed.hint or "") and "listed under `secret:`" in (
        listed.hint or "")
    assert f"docs file {overlay}/salesforce.md:3:6" in token.hint
    assert "no catalog, smoke, docs or template file holds it" in slack.hint
    assert "not_secret" not in slack.hint  # a token shape: no config field to mark
    for diag in traced:
        text = diag.format()
        for value in ("example.online.tableau.com", "sf-token-0123456789", "xoxb-1234567890ab"):
            assert value not in text
    assert trace([], redactor, [("catalog file", catalog)]) == []


def test_a_traced_file_name_is_redacted(tmp_path: Path) -> None:
    named = tmp_path / "catalog" / "sf-token-0123456789.json"
    named.parent.mkdir()
    named.write_text('{"d": "sf-token-0123456789"}')
    redactor, _ = Redactor.from_config_data(CONFIG, "smoke.json")
    problem = error("page.html", "smoke-config value /salesforce/credentials/accessToken "
                    "(as is) in the built site")
    (traced,) = trace([problem], redactor, [("catalog file", tmp_path / "catalog")])
    assert "sf-token-0123456789" not in traced.format()
    assert f"{REDACTED}.json:1:8 (at /d)" in (traced.hint or "")


def test_tracing_names_a_secret_key_redacted_and_survives_deep_nesting() -> None:
    from connector_docs.secrets.origin import _json_pointers
    from connector_docs.secrets.redact import Redactor

    secret = "s3cr3t/v4lue-xyz"  # a "/" becomes "~1" in a pointer, which redact misses
    redactor = Redactor([secret])
    key = "configured secret #1"
    text = json.dumps({"errorCodes": {secret: {"message": secret}}})
    (pointer,) = _json_pointers(text, redactor, {key}).values()
    assert secret not in pointer and "s3cr3t~1v4lue" not in pointer
    assert pointer.startswith("/errorCodes/[REDACTED]")
    # Nested past Python's stack: no pointer, and no exception (it ran after a failed
    # scan, before the site holding the secret was deleted).
    deep = "[" * 100_000 + json.dumps(secret) + "]" * 100_000
    assert _json_pointers(deep, redactor, {key}) == {}
