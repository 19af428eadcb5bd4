"""The data every stage shares: frozen dataclasses, no behaviour beyond small derived
properties. Built by ``catalog.py`` (connectors) and ``smoke.py`` (evidence)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

# The lifecycle a catalog may claim, lowest to highest maturity (deprecated aside).
Lifecycle = Literal["alpha", "preview", "beta", "stable", "deprecated"]
SmokeStatus = Literal["passed", "failed", "skipped"]
SUITES = ("engineering", "qa", "nightly")
# The launch playbook's readiness gates, in report order: (name, short column title, full
# title). Names are what ``audit_gates`` takes and the audit's JSON keys; the checks are
# in ``decisions.gates``.
GATES: tuple[tuple[str, str, str], ...] = (
    ("catalog-valid", "Valid", "Catalog entry valid"),
    ("scopes", "Scopes", "OAuth scopes declared and every requiredScope among them"),
    ("auth-test", "Auth test", "Auth test defined"),
    ("parameter-schemas", "Params", "Actions and triggers have parameter schemas"),
    ("engineering-smoke", "Eng smoke", "Engineering smoke passed"),
    ("qa-smoke", "QA smoke", "QA smoke passed"),
    ("fresh-evidence", "Fresh", "Newest smoke result passed, within the freshness limit"),
    ("webhooks-verified", "Webhooks", "Webhook triggers verify signatures"),
    ("setup-guide", "Guide", "Setup guide complete (auth, scopes, rate limits)"),
    ("troubleshooting", "Errors", "Troubleshooting covers the top three error codes"),
)
GATE_NAMES = tuple(name for name, _, _ in GATES)


@dataclass(frozen=True)
class Scope:
    name: str
    description: str | None = None


@dataclass(frozen=True)
class Field:
    """A credential or connection field the user fills in (host, tenant, token...)."""

    key: str
    label: str
    secret: bool = False
    required: bool = False
    help: str | None = None
    placeholder: str | None = None


@dataclass(frozen=True)
class Auth:
    type: str  # normalized: oauth2, api_key, basic, bearer_token, ...
    auth_url: str | None = None
    token_url: str | None = None
    redirect_url: str | None = None
    scopes: tuple[Scope, ...] = ()
    key_location: str | None = None  # header | query
    key_name: str | None = None  # header or query parameter name
    key_prefix: str | None = None
    fields: tuple[Field, ...] = ()
    extra_params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RateRule:
    requests: float
    per: str  # "second", "minute", "hour", "day", or a period such as "15m"


@dataclass(frozen=True)
class RateLimits:
    rules: tuple[RateRule, ...] = ()
    burst: float | None = None
    scope: str | None = None  # per user / per app / per workspace, when given
    notes: str | None = None

    def __bool__(self) -> bool:
        return bool(self.rules or self.burst is not None)


@dataclass(frozen=True)
class ErrorCode:
    code: str
    summary: str
    cause: str | None = None
    resolution: str | None = None
    http_status: int | None = None
    rank: int | None = None
    source: str = "catalog"  # catalog | smoke | implied
    operations: tuple[str, ...] = ()  # action/trigger ids declaring it


@dataclass(frozen=True)
class Webhook:
    signature_template: str | None = None
    signature_required: bool = False
    header: str | None = None
    algorithm: str | None = None
    replay_window_seconds: int | None = None
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    """An action or a trigger."""

    kind: Literal["action", "trigger"]
    id: str
    name: str
    description: str = ""
    parameters: Any = None  # the JSON Schema as parsed (plain dict), None when absent
    required_scopes: tuple[str, ...] = ()
    rate_limits: RateLimits = field(default_factory=RateLimits)
    error_codes: tuple[ErrorCode, ...] = ()
    method: str | None = None
    endpoint: str | None = None
    trigger_type: str | None = None  # webhook | polling | ...
    webhook: Webhook | None = None
    pointer: str = ""  # JSON pointer of this operation in its source file
    output_schema: Any = None  # JSON Schema of its result (plain dict), None when absent
    sample: Any = None  # an example result as parsed JSON; None when absent


@dataclass(frozen=True)
class Rollout:
    beta: bool = False
    private_preview: bool = False
    deprecated: bool = False
    hidden: bool = False
    featured: bool = False


@dataclass(frozen=True)
class Source:
    path: str  # the definition file, as given (relative to the working dir when possible)
    layout: Literal["file", "platform", "remote"]
    manifest: str | None = None
    # Digest of the bytes read (definition, then manifest); "" when unknown (remote). What
    # the page store keys a connector by.
    digest: str = ""


@dataclass(frozen=True)
class Connector:
    id: str
    name: str
    description: str
    category: str  # the curated category (inputs/taxonomy.py), or category_raw unmapped
    auth: Auth
    source: Source
    # What the catalog claims (availability, status flags, release); None when it claims
    # nothing, and then no lifecycle badge is shown.
    lifecycle: Lifecycle | None = None
    rollout: Rollout = field(default_factory=Rollout)
    pricing_tier: str | None = None
    icon: str | None = None
    color: str | None = None
    base_url: str | None = None
    rate_limits: RateLimits = field(default_factory=RateLimits)
    test_connection: str | None = None  # "GET /me"
    actions: tuple[Operation, ...] = ()
    triggers: tuple[Operation, ...] = ()
    error_codes: tuple[ErrorCode, ...] = ()
    webhook: Webhook | None = None
    version: str | None = None
    documentation_url: str | None = None
    support_contact: str | None = None
    category_raw: str = ""  # the catalog's own spelling ("" given: the same as category)
    sunset: dt.date | None = None  # release.deprecationWindow.sunsetDate, when it is a date
    stable_since: dt.date | None = None  # release.stableSince, when it is a date

    def __post_init__(self) -> None:
        if not self.category_raw:
            object.__setattr__(self, "category_raw", self.category)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return self.actions + self.triggers

    @property
    def is_public(self) -> bool:
        return not (self.rollout.hidden or self.rollout.private_preview)


@dataclass(frozen=True)
class Catalog:
    connectors: tuple[Connector, ...]
    # Definitions that could not be loaded: (the id their file name gives, the file as
    # shown). Their smoke results and overlays are not "unknown"; a preview shows why.
    broken: tuple[tuple[str, str], ...] = ()

    def by_id(self) -> dict[str, Connector]:
        return {c.id: c for c in self.connectors}


# ---------------------------------------------------------------- smoke evidence


@dataclass(frozen=True)
class SmokeResult:
    app_id: str
    status: SmokeStatus
    duration_ms: float = 0.0
    messages: tuple[str, ...] = ()
    line: int = 0  # where it stands in its file, for diagnostics


@dataclass(frozen=True)
class SmokeRun:
    path: str
    suite: str  # engineering | qa | nightly (or another name the team uses)
    ran_at: dt.datetime  # timezone-aware, UTC
    results: tuple[SmokeResult, ...]
    format: Literal["json", "console", "junit"]
    connector_versions: tuple[tuple[str, str], ...] = ()  # (app id, version) when known

    def version_of(self, app_id: str) -> str | None:
        return dict(self.connector_versions).get(app_id)
