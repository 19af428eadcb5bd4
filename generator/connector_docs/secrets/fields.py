"""Which fields of the smoke config are secrets, by the names of their keys.

A smoke config holds credentials beside public settings: a Tableau ``serverUrl``, a
Salesforce ``instanceUrl``, a region, an API version. The public ones are often in the
catalog too (``baseUrl``), and a build that treats them as secrets fails on its own
catalog. Each value is classified by the keys on its way from its section
(``credentials``, ``additionalConfig``) down to it, split into words (camelCase,
snake_case, kebab-case, acronyms: ``instanceURL`` is ``instance url``):

* **credential**: a key on the way holds a credential word (``token``, ``secret``,
  ``password``, ``key``, ``auth``, ``session``, ``cookie``, ``webhook`` ...). Always a
  secret. Values nested under such a key are too.
* **endpoint**: otherwise, the value's own key names a place (its last word is ``url``,
  ``host``, ``domain``, ``region``, ``tenant``, ``version``, ``port`` ...; or ``id`` /
  ``name`` after ``realm``, ``org``, ``account``, ``project``, ``site`` ...). Not a secret,
  unless the user lists it under ``secret``.
* **unknown**: anything else (``clientId``, ``cloudId``, ``username``). A secret: safe by
  default.

One exception to "a credential word wins": a key whose last word names a place and whose
only credential words are the weak ones (``token``, ``key``, ``auth``, ``oauth``) is an
endpoint: ``tokenUrl``, ``authEndpoint``, ``keyVaultUrl`` name where a credential is
fetched, not the credential. The strong words (``secret``, ``password``, ``webhook``,
``signed`` ...) always win: a ``webhookUrl`` or a ``presignedUrl`` is itself a credential.

The user's lists (:class:`Overrides`) are JSON pointers into the config, or globs
(``*/credentials/serverUrl``): ``secret`` makes a value a secret whatever its key, and
wins over ``not_secret``; ``not_secret`` makes one public. A glob makes only
endpoint-shaped fields public (not credential-shaped nor unknown ones); an exact pointer
makes any field public, with a warning each build for a credential-shaped one.

An endpoint-shaped field is public only when its value reads as a place
(:func:`public_value`): a URL with user info, a query, a long path or a key-like segment
is a secret whatever its key (a Slack ``hookUrl``, a Redis URL with a password).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from itertools import pairwise
from typing import Literal

Kind = Literal["credential", "endpoint", "unknown"]

# Always a credential, wherever they stand in a key.
STRONG_WORDS = frozenset({
    "password", "passwd", "pwd", "pass", "passphrase", "passcode", "secret", "secrets",
    "apikey", "privatekey", "signature", "signed", "presigned", "sig", "webhook",
    "cookie", "cookies", "session", "sessionid", "credential", "credentials", "creds",
    "bearer", "jwt", "otp", "totp", "pin", "dsn", "connection", "connectionstring",
    "private", "pem", "cert", "certificate", "hmac", "salt", "nonce",
})  # fmt: skip
# A credential unless the key's last word names a place (tokenUrl, authEndpoint).
WEAK_WORDS = frozenset({
    "token", "tokens", "key", "keys", "auth", "oauth", "authorization", "authtoken",
    "accesstoken", "refreshtoken", "idtoken", "pat",
})  # fmt: skip
# The last word of a key naming a place.
PLACE_WORDS = frozenset({
    "url", "uri", "host", "hostname", "domain", "subdomain", "region", "instance",
    "instanceurl", "baseurl", "serverurl", "apiurl", "endpoint", "server", "site",
    "tenant", "workspace", "realm", "org", "organization", "environment", "env",
    "version", "apiversion", "port", "location", "zone", "datacenter", "cluster",
    "namespace", "path", "scheme", "protocol", "locale",
    "timezone", "language",
})  # fmt: skip
# "<owner> id" / "<owner> name" names a place: realmId, orgId, accountName, siteId.
OWNER_WORDS = frozenset({
    "realm", "org", "organization", "organisation", "account", "project", "site",
    "tenant", "workspace", "instance", "company", "environment", "region", "team",
    "space", "database", "db", "schema", "bucket", "cluster", "zone",
})  # fmt: skip
_ID_WORDS = frozenset({"id", "ids", "name", "names", "slug", "url", "key"})

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(key: str) -> list[str]:
    """``key`` as lowercase words: ``personalAccessTokenSecret`` -> personal access token
    secret, ``instanceURL`` -> instance url, ``api_key`` -> api key, ``APIKey`` -> api key."""
    return [w.lower() for w in _WORD.findall(key)]


def _plain(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in PLACE_WORDS else word


def key_kind(key: str) -> Kind:
    """What one key names (see the module docstring)."""
    parts = words(key)
    if not parts:
        return "unknown"
    joined = "".join(parts)
    pairs = {a + b for a, b in pairwise(parts)}  # api key, private key
    if STRONG_WORDS.intersection(parts) or joined in STRONG_WORDS \
            or not pairs.isdisjoint(STRONG_WORDS):
        return "credential"
    last = _plain(parts[-1])
    place = last in PLACE_WORDS or joined in PLACE_WORDS or (
        last in _ID_WORDS and len(parts) > 1 and _plain(parts[-2]) in OWNER_WORDS
        and parts[-2] not in WEAK_WORDS)
    if WEAK_WORDS.intersection(parts) or joined in WEAK_WORDS:
        return "endpoint" if place and last not in WEAK_WORDS else "credential"
    return "endpoint" if place else "unknown"


# Inside a key's letters (``pgpassword``, ``dbpass``, ``keyfile``, ``connStr``,
# ``serviceAccountJson``): a credential even when no word boundary shows it.
_CREDENTIAL_INSIDE = re.compile(
    r"pass(?!port)|pwd|secret|token|apikey|privatekey|credential|assertion|cookie|"
    r"session|signature|connstr|connectionstring|serviceaccount|keyfile|jwt|bearer")
# A path segment that looks like a key: a long run of letters and digits.
_OPAQUE = re.compile(r"[A-Za-z0-9_-]{16,}")


def public_value(value: str) -> bool:
    """Whether a value under a place-shaped key reads as a place and nothing more. A URL
    is one only as an origin, or with a short path of plain segments: no user info,
    query, fragment or key-like segment (``hookUrl``'s
    ``https://hooks.example/services/T0/B0/XXXXXXXXXXXXXXXXXXXX`` is a credential, a
    ``redis://:pw@host`` too)."""
    text = value.strip()
    if "://" not in text and not text.startswith("//"):
        return "@" not in text and not _OPAQUE.search(text)  # a region, an id, a version
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    if "@" in parts.netloc or parts.query or parts.fragment:
        return False
    segments = [s for s in parts.path.split("/") if s]
    return len(segments) <= 3 and not any(_OPAQUE.search(s) for s in segments)


def path_kind(keys: list[str]) -> Kind:
    """What the value at the end of ``keys`` (from its section down; list indexes left
    out) is: a credential when any key on the way is one, else what its own key is."""
    kinds = [key_kind(key) for key in keys]
    if "credential" in kinds or any(
            _CREDENTIAL_INSIDE.search(key.lower()) and key_kind(key) != "endpoint"
            for key in keys):
        return "credential"
    return kinds[-1] if kinds else "unknown"


@dataclass(frozen=True)
class Overrides:
    """The user's lists of config pointers (or globs): ``secret`` and ``not_secret``."""

    secret: tuple[str, ...] = ()
    not_secret: tuple[str, ...] = ()

    def match(self, patterns: tuple[str, ...], pointer: str,
              exact_only: bool = False) -> str | None:
        """The first of ``patterns`` naming ``pointer`` or a parent of it (a glob:
        the pointer itself; ``exact_only``: no globs)."""
        for pattern in patterns:
            if is_glob(pattern):
                if not exact_only and fnmatchcase(pointer, pattern):
                    return pattern
            elif pointer == pattern or pointer.startswith(pattern.rstrip("/") + "/"):
                return pattern
        return None


NO_OVERRIDES = Overrides()


def is_glob(pattern: str) -> bool:
    return any(mark in pattern for mark in "*?[")
