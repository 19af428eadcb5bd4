"""Catalog loading and lint: the example catalog, the real one, and a corpus of broken
files whose diagnostics are compared with golden files."""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from connector_docs.diagnostics import format_text
from connector_docs.inputs.catalog import load_catalog
from connector_docs.inputs.jsonfile import MAX_JSON_BYTES

from .conftest import EXAMPLE_CATALOG, REAL_CATALOG, ROOT

BROKEN = ROOT / "tests" / "fixtures" / "broken"
GOLDEN = ROOT / "tests" / "golden" / "diagnostics"


def test_example_catalog_loads_clean() -> None:
    catalog, diags = load_catalog(EXAMPLE_CATALOG)
    assert [d.format() for d in diags] == []
    assert len(catalog.connectors) == 10
    by_id = catalog.by_id()
    assert by_id["ledgerline"].auth.type == "oauth2"
    assert by_id["ledgerline"].auth.scopes and all(s.description for s in
                                                   by_id["ledgerline"].auth.scopes)
    assert by_id["coinrail"].rollout.hidden
    assert by_id["helpnest"].lifecycle == "preview"
    assert by_id["driftbox"].lifecycle == "deprecated"
    claims = Counter(c.lifecycle for c in catalog.connectors)
    assert claims["stable"] == 5


@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir()))
def test_broken_input_gives_located_diagnostics(case: str, golden, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(BROKEN / case)
    _, diags = load_catalog(Path("."))
    text = format_text(diags) + "\n"
    golden(GOLDEN / f"{case}.txt", text)
    # Every diagnostic names its file; JSON problems carry line and column.
    for d in diags:
        assert d.path and d.path != "."
        if d.code in ("json", "duplicate-key", "schema", "encoding"):
            assert d.line > 0 and d.column > 0, d.format()


def test_oversized_file_is_rejected(tmp_path: Path) -> None:
    big = {"id": "big", "name": "Big", "description": "x" * (MAX_JSON_BYTES + 10),
           "category": "CRM", "authentication": {"type": "api_key"}}
    (tmp_path / "big.json").write_text(json.dumps(big))
    catalog, diags = load_catalog(tmp_path)
    assert catalog.connectors == ()
    assert any("limit" in d.message and d.is_error for d in diags)


def test_symlink_outside_catalog_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('{"id": "leak", "name": "L", "description": "", "category": "CRM",'
                       ' "authentication": {"type": "api_key"}}')
    cat = tmp_path / "cat"
    cat.mkdir()
    os.symlink(outside, cat / "leak.json")
    catalog, diags = load_catalog(cat)
    assert catalog.connectors == ()
    assert any(d.code == "path-escape" for d in diags)


def test_good_connectors_survive_bad_neighbours(tmp_path: Path) -> None:
    good = {"id": "good", "name": "Good", "description": "", "category": "CRM",
            "authentication": {"type": "api_key"}}
    (tmp_path / "good.json").write_text(json.dumps(good))
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "worse.json").write_text("[]")
    catalog, diags = load_catalog(tmp_path)
    assert [c.id for c in catalog.connectors] == ["good"]
    assert {d.path.rsplit("/", 1)[-1] for d in diags if d.is_error} == {"bad.json",
                                                                         "worse.json"}


def test_real_catalog_loads_with_warnings_only(real_catalog: Path) -> None:
    catalog, diags = load_catalog(real_catalog)
    errors = [d.format() for d in diags if d.is_error]
    assert errors == []
    assert len(catalog.connectors) == 149
    codes = Counter(d.code for d in diags)
    # The quirks the real catalog is known for are reported, not fatal.
    assert codes["auth-alias"] == 3  # basic_auth
    assert codes["category-unmapped"] == 0  # every spelling has a curated category
    assert any("actions_append" in d.message and "did you mean 'actions'" in (d.hint or "")
               for d in diags)
    by_id = catalog.by_id()
    assert {c.category for c in catalog.connectors if c.id in ("shopify", "bigcommerce")} \
        == {"E-commerce"}
    assert by_id["slack"].lifecycle == "stable"
    assert sum(len(c.actions) for c in catalog.connectors) > 1400
    for d in diags:
        assert d.line > 0, d.format()  # every real-catalog diagnostic is located


def _docs_with_unknown_keys() -> list[object]:
    """The example catalog plus copies with an unknown key at each level the walk visits,
    and free-form keys in places that do not declare them."""
    docs: list[object] = [json.loads(p.read_text())
                          for p in sorted(EXAMPLE_CATALOG.glob("*.json"))]
    for p in sorted(BROKEN.rglob("*.json")):
        with contextlib.suppress(ValueError):
            docs.append(json.loads(p.read_bytes().decode("utf-8-sig")))
    base = json.loads((EXAMPLE_CATALOG / "acme-crm.json").read_text())
    for where in ([], ["authentication"], ["authentication", "config"], ["actions", 0],
                  ["actions", 0, "rateLimits"], ["triggers", 0], ["rateLimits"]):
        for key in ("colour", "additionalParams", "parameters"):
            doc = json.loads(json.dumps(base))
            node = doc
            for part in where:
                node = node[part] if isinstance(part, int) else node.setdefault(part, {})
            node[key] = {"x": 1}
            docs.append(doc)
    return docs


def test_closed_schema_gate_implies_valid_and_no_unknown_keys() -> None:
    """One fastjsonschema call with additionalProperties closed clears most definitions of
    both checks; it must never pass a document the open schema rejects or the unknown-key
    walk warns about, and it should pass every clean one (else the fast path is lost)."""
    from connector_docs.inputs.lint import _unknown_keys
    from connector_docs.inputs.validators import schema, schema_valid

    docs = _docs_with_unknown_keys()
    if REAL_CATALOG.is_dir():  # optional: ../shared may be absent
        docs += [json.loads(p.read_text()) for p in sorted(REAL_CATALOG.glob("*/definition.json"))]
    outcomes: Counter[bool] = Counter()
    for doc in docs:
        clean = schema_valid(doc) and not _unknown_keys(doc, schema(), "", "x.json", None)
        assert schema_valid(doc, closed=True) == clean, json.dumps(doc)[:300]
        outcomes[clean] += 1
    assert outcomes[True] >= 10 and outcomes[False] >= 10, outcomes


def test_fast_and_full_schema_validators_agree(real_catalog: Path) -> None:
    """lint validates with fastjsonschema first and falls back to jsonschema for the
    located errors: both must accept and reject the same documents."""
    from connector_docs.inputs.validators import schema_valid, validator

    docs = [json.loads(p.read_text()) for p in sorted(real_catalog.glob("*/definition.json"))]
    docs += [json.loads(p.read_text()) for p in sorted(EXAMPLE_CATALOG.glob("*.json"))]
    for p in sorted(BROKEN.rglob("*.json")):
        with contextlib.suppress(ValueError):
            docs.append(json.loads(p.read_bytes().decode("utf-8-sig")))
    changes = (("availability", "stabel"), ("color", "red"), ("baseUrl", "has space"),
               ("documentation", "not a uri"), ("rateLimits", {"requestsPerMinute": -1}),
               ("actions", "x"))
    mutated = [{**doc, key: value} for doc in docs[:20] if isinstance(doc, dict)
               for key, value in changes]
    # Scopes and error codes are text or an object (a oneOf the fast schema rewrites).
    base = json.loads((EXAMPLE_CATALOG / "acme-crm.json").read_text())
    for scopes in ([1], [""], [{"description": "x"}], [{"scope": "a", "description": 2}],
                   ["a", {"scope": "b"}], [["a"]], [None]):
        mutated.append({**base, "authentication": {**base["authentication"], "scopes": scopes}})
    for code in (5, ["x"], {"httpStatus": 99}, {"summary": "s", "rank": 0}, "x" * 2001,
                 {"summary": "ok", "httpStatus": 404}, "fine", None):
        mutated.append({**base, "errorCodes": {"E_X": code}})
    for doc in docs + mutated:
        assert schema_valid(doc) == (not list(validator().iter_errors(doc))), \
            json.dumps(doc)[:200]


@pytest.mark.parametrize(("text", "line", "column"), [
    ('{"a": 1, "a": 2}', 1, 10),
    ('{"a" : 1,\n "a"\t: 2}', 2, 2),  # blanks before the colon
    ('{"x": {"k": "v\\": y", "k": 3}}', 1, 23),  # a value that looks like a key's end
    ('{"list": [{"a": 1}, {"b": 1, "b": 2}]}', 1, 30),
])
def test_duplicate_keys_found_wherever_they_are(text: str, line: int, column: int) -> None:
    from connector_docs.inputs.jsonfile import parse_json

    value, _, diags = parse_json("x.json", text.encode())
    assert value is None
    assert [(d.code, d.line, d.column) for d in diags] == [("duplicate-key", line, column)]


@pytest.mark.parametrize("text", [
    '{"a": "x\\": y", "b": {"c": "\\"d\\" : e"}}',  # more key-like ends than keys
    '{"a" :\n 1, "b": [{"a": 1}, {"a": 2}]}',  # same key in sibling objects
    '[]', '"text"', '{"deep": ' + '[' * 63 + ']' * 63 + '}',
])
def test_strict_json_without_duplicates_is_accepted(text: str) -> None:
    from connector_docs.inputs.jsonfile import parse_json

    value, _, diags = parse_json("x.json", text.encode())
    assert diags == [] and value == json.loads(text)


def test_nesting_limit_counts_containers() -> None:
    from connector_docs.inputs.jsonfile import MAX_DEPTH, parse_json

    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json("x.json", ok.encode())[2] == []
    deep = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    assert [d.code for d in parse_json("x.json", deep.encode())[2]] == ["too-deep"]


def test_locator_walk_agrees_with_the_full_map() -> None:
    """Locator walks down a pointer lazily; every pointer of the example files (keys and
    values, plus ones that do not exist) must land where the full token map puts it."""
    from connector_docs.inputs.locate import Locator

    paths = sorted(EXAMPLE_CATALOG.glob("*.json"))
    if REAL_CATALOG.is_dir():
        paths += sorted(REAL_CATALOG.glob("*/definition.json"))[:15]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    texts += ['{"a~b": {"c/d": [1, {"e": "x\\"y"}]}, "": 2, "u\\u00e9": [ ]}',
              '  [\n  {"k" :\t"v"} , [] ]']
    checked = 0
    for text in texts:
        full = Locator(text)
        pointers = full._full_map()
        walker = Locator(text)  # one per file: later pointers reuse what earlier ones walked
        containers = [p for p in pointers if text[pointers[p]] in "{["]
        missing = [f"{p}/zz" for p in containers] + [f"{p}/01" for p in containers] + [
            "/nope", "/actions/999/id", "/0/k/deeper", "/actions/\u0663"]
        for pointer in [*pointers, *missing]:
            for key in (False, True):
                assert walker.locate(pointer, key=key) == full.locate(pointer, key=key), \
                    (pointer, key)
            assert walker.has(pointer) == (pointer in pointers), pointer
            checked += 1
        assert walker._values is None  # all answered without the full map
        backwards = Locator(text)  # resuming containers read part-way, in any order
        for pointer in reversed([*pointers, *missing]):
            assert backwards.locate(pointer, key=True) == full.locate(pointer, key=True)
        assert backwards._values is None
    assert checked > 500


def test_locator_line_and_column_by_counting_and_by_index() -> None:
    """The first lookups count newlines, later ones bisect an index: both give line_col."""
    from connector_docs.inputs.locate import Locator, line_col

    text = '{\n "a": [1,\n  2],\r\n\n "b": "x\\ny"}\n'
    locator = Locator(text)
    positions = [*range(len(text)), *range(len(text))]  # past the counted lookups
    assert [locator._line_col(p) for p in positions] == [line_col(text, p) for p in positions]
    assert locator._newlines is not None


@pytest.mark.e2e
def test_unknown_keys_alone_do_not_load_jsonschema(tmp_path: Path) -> None:
    """A definition valid but for an unknown key is reported by the unknown-key walk;
    jsonschema (a fifth of a second to import) is loaded only for real violations."""
    import subprocess
    import sys

    source = EXAMPLE_CATALOG / "acme-crm.json"
    (tmp_path / source.name).write_text(
        json.dumps({**json.loads(source.read_text()), "actions_append": []}))
    probe = ("import sys; from pathlib import Path; "
             "from connector_docs.inputs.catalog import load_catalog; "
             f"_, diags = load_catalog(Path({str(tmp_path)!r})); "
             "print([d.message for d in diags], 'jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.strip() == "[\"unknown key 'actions_append'\"] False", out


def test_paths_read_as_typed_never_climbing(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside the working directory a path is shown relative; outside it, absolute (not
    ``../../..``)."""
    from connector_docs.inputs.catalog import display

    inside = tmp_path / "project"
    (inside / "catalog").mkdir(parents=True)
    monkeypatch.chdir(inside)
    assert display(inside / "catalog" / "a.json") == os.path.join("catalog", "a.json")
    outside = tmp_path / "shared" / "real" / "a.json"
    assert display(outside) == str(outside)
