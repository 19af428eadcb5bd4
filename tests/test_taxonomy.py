"""The curated categories (issue 19): the built-in mapping, a site's own file (good and
bad, every problem located), spellings no category takes in, and what the catalog, the
pages and catalog.json make of the mapped and the raw category."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.diagnostics import ConnectorDocsError
from connector_docs.inputs import taxonomy
from connector_docs.inputs.catalog import load_catalog
from connector_docs.inputs.taxonomy import builtin, merge_spellings, parse, spelling_key
from connector_docs.site import export

from .conftest import EXAMPLE_CATALOG, EXAMPLE_EPOCH, ROOT
from .helpers import example_project

SCHEMA = ROOT / "generator" / "connector_docs" / "inputs" / "schema" / "taxonomy.schema.json"

MAX_CURATED = 20


def connector_doc(cid: str, category: str) -> dict[str, object]:
    return {"id": cid, "name": cid.title(), "description": "d", "category": category,
            "authentication": {"type": "api_key"}}


def write(folder: Path, docs: dict[str, dict[str, object]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for cid, doc in docs.items():
        (folder / f"{cid}.json").write_text(json.dumps(doc, indent=2))
    return folder


# ------------------------------------------------------------------ the built-in set


def test_builtin_taxonomy_is_small_and_each_name_maps_to_itself() -> None:
    tax = builtin()
    assert 15 <= len(tax.categories) <= MAX_CURATED
    for name in tax.categories:
        assert tax.category(name) == name
    # The file is the package's data, beside the module (hatch ships the package folder).
    assert taxonomy.BUILTIN.parent == Path(taxonomy.__file__).resolve().parent


@pytest.mark.parametrize(("spelling", "category"), [
    ("E-commerce", "E-commerce"), ("E-Commerce", "E-commerce"), ("ecommerce", "E-commerce"),
    ("  e commerce ", "E-commerce"), ("Cloud Storage", "Storage & Files"),
    ("FILE-STORAGE", "Storage & Files"), ("Knowledge Base", "Documents & Knowledge"),
    ("Data and Analytics", "Analytics & Data"), ("Data & Analytics", "Analytics & Data"),
    ("developer_tools", "Developer Tools"), ("Development", "Developer Tools"),
])
def test_spellings_match_ignoring_case_punctuation_and_and(spelling: str,
                                                           category: str) -> None:
    assert builtin().category(spelling) == category


def test_schema_for_editors_agrees_with_the_reader() -> None:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    assert list(validator.iter_errors(json.loads(taxonomy.BUILTIN.read_text()))) == []
    bad = json.loads(BAD.replace('"categorys": {},\n', ""))
    assert len(list(validator.iter_errors(bad))) >= 3  # extends, a number, an empty name


def test_spelling_key_keeps_letters_of_any_script() -> None:
    assert spelling_key("Données & Analyse") == "donnéesanalyse"
    assert spelling_key("営業") == "営業"  # not an empty key that would match anything
    assert spelling_key("And") == "and"


def test_every_real_catalog_spelling_maps_into_twenty_categories(real_catalog: Path) -> None:
    spellings = Counter(json.loads(p.read_text())["category"]
                        for p in real_catalog.glob("*/definition.json"))
    assert len(spellings) >= 40  # the sprawl this solves
    tax = builtin()
    unmapped = sorted(s for s in spellings if tax.category(s) is None)
    assert unmapped == []
    used = Counter()
    for spelling, n in spellings.items():
        used[tax.category(spelling)] += n
    assert len(used) <= MAX_CURATED
    assert sum(used.values()) == 149
    # The near-duplicates the issue names share one category each.
    for group in (("Storage", "Cloud Storage", "File Storage"),
                  ("Documentation", "Documents", "Document Management", "Knowledge Base",
                   "Knowledge Management"),
                  ("Analytics", "Data Analytics", "Data & Analytics"),
                  ("E-commerce", "E-Commerce", "ecommerce"),
                  ("Development", "Developer Tools")):
        assert len({tax.category(s) for s in group}) == 1, group


def test_real_catalog_loads_with_curated_categories(real_catalog: Path) -> None:
    catalog, diags = load_catalog(real_catalog)
    assert [d.format() for d in diags if d.code == "category-unmapped"] == []
    by_id = catalog.by_id()
    assert (by_id["shopify"].category, by_id["shopify"].category_raw) == ("E-commerce",
                                                                         "ecommerce")
    assert by_id["google-drive"].category == by_id["dropbox"].category == "Storage & Files"
    assert len({c.category for c in catalog.connectors}) <= MAX_CURATED


# --------------------------------------------------------------- unmapped spellings


def test_unmapped_spelling_keeps_its_name_and_warns_with_the_nearest(tmp_path: Path) -> None:
    folder = write(tmp_path, {"acme": connector_doc("acme", "Cloud Backups"),
                              "known": connector_doc("known", "CRM")})
    catalog, diags = load_catalog(folder)
    acme = catalog.by_id()["acme"]
    assert (acme.category, acme.category_raw) == ("Cloud Backups", "Cloud Backups")
    assert catalog.by_id()["known"].category == "CRM & Sales"
    (warning,) = [d for d in diags if d.code == "category-unmapped"]
    assert not warning.is_error
    assert warning.path.endswith("acme.json") and warning.pointer == "/category"
    assert (warning.line, warning.column) == (5, 15)  # the value in the file
    assert "'Cloud Backups'" in warning.message and "'Storage & Files'" in warning.message
    assert warning.hint == ('write "category": "Storage & Files", or list "Cloud Backups" '
                            "under a category in your own taxonomy file (the `taxonomy` "
                            "option)")


def test_unmapped_spellings_of_one_name_are_listed_together(tmp_path: Path) -> None:
    folder = write(tmp_path, {
        "a": connector_doc("a", "Widgetry"), "b": connector_doc("b", "widgetry"),
        "c": connector_doc("c", "Widgetry"), "d": connector_doc("d", "Gizmos")})
    catalog, diags = load_catalog(folder)
    by_id = catalog.by_id()
    assert {c: by_id[c].category for c in "abcd"} == {
        "a": "Widgetry", "b": "Widgetry", "c": "Widgetry", "d": "Gizmos"}
    assert by_id["b"].category_raw == "widgetry"
    # One warning per connector, where its spelling is read: never two for one spelling.
    assert Counter(d.path.rsplit("/", 1)[-1] for d in diags
                   if d.code.startswith("category")) == {f"{c}.json": 1 for c in "abcd"}


def test_merge_spellings_leaves_distinct_names_alone() -> None:
    catalog, _ = load_catalog(EXAMPLE_CATALOG)
    connectors = list(catalog.connectors)
    assert merge_spellings(connectors) is connectors


def test_example_catalog_has_no_category_warning() -> None:
    _, diags = load_catalog(EXAMPLE_CATALOG)
    assert [d.format() for d in diags if d.code.startswith("category")] == []


# ------------------------------------------------------------------ a site's own file


def test_own_file_replaces_the_builtin_categories(tmp_path: Path) -> None:
    own = tmp_path / "taxonomy.json"
    own.write_text(json.dumps({"categories": {
        "Money": ["Accounting", "Payments", "finance"], "Sales": ["CRM"]}}))
    tax = taxonomy.load(own)
    assert tax.categories == ("Money", "Sales")
    assert tax.category("accounting") == "Money" and tax.category("crm") == "Sales"
    assert tax.category("Marketing") is None  # the built-in set is replaced
    folder = write(tmp_path / "c", {"acme": connector_doc("acme", "Marketing")})
    _, diags = load_catalog(folder, taxonomy=tax)
    (warning,) = [d for d in diags if d.code == "category-unmapped"]
    assert (warning.hint or "").endswith(f"under a category in {own}")  # where to add it


def test_own_file_may_extend_the_builtin_categories(tmp_path: Path) -> None:
    tax, problems = parse(json.dumps({"extends": "builtin", "categories": {
        "Storage & Files": ["Cloud Backups"],  # a new spelling for a built-in category
        "Sales & Marketing": ["CRM & Sales", "Marketing"],  # two folded into a new one
        "Logistics": ["Shipping"],  # a spelling moved out of a built-in category
    }}).encode(), "own.json")
    assert problems == [] and tax is not None
    assert tax.category("cloud backups") == tax.category("File Storage") == "Storage & Files"
    assert tax.category("CRM") == tax.category("Email Marketing") == "Sales & Marketing"
    assert tax.category("Shipping") == "Logistics" and tax.category("Retail") == "E-commerce"
    assert "CRM & Sales" not in tax.categories and "Marketing" not in tax.categories
    assert len(tax.categories) == len(builtin().categories) - 2 + 2
    # Every spelling still maps to a category that exists.
    assert {category for _, category in tax.spellings} == set(tax.categories)


BAD = """{
  "categorys": {},
  "extends": "default",
  "categories": {
    "Storage & Files": ["Storage", "Cloud Storage", 3, ""],
    "Docs": "Documentation",
    "STORAGE": ["Files"],
    "Knowledge": ["Wiki", "wiki!"]
  }
}
"""


def test_bad_file_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    own = tmp_path / "taxonomy.json"
    own.write_text(BAD)
    with pytest.raises(ConnectorDocsError) as caught:
        taxonomy.load(own, "taxonomy.json")
    found = {(d.line, d.column, d.pointer): d for d in caught.value.diagnostics}
    assert all(d.is_error and d.path == "taxonomy.json" and d.hint for d in found.values())
    expected = {
        (2, 3, "/categorys"): "unknown key 'categorys'",
        (3, 14, "/extends"): 'extends must be "builtin"',
        (5, 53, "/categories/Storage & Files/2"): "must be a string, not a number",
        (5, 56, "/categories/Storage & Files/3"): "needs a letter or a digit",
        (6, 13, "/categories/Docs"): "takes a list of spellings, not a string",
        (7, 5, "/categories/STORAGE"): "'STORAGE' is listed already as 'Storage', under "
                                       "'Storage & Files'",
        (8, 27, "/categories/Knowledge/1"): "'wiki!' is listed already as 'Wiki'",
    }
    assert set(found) == set(expected)
    for where, text in expected.items():
        assert text in found[where].message, (where, found[where].message)
    assert "did you mean 'categories'" in (found[(2, 3, "/categorys")].hint or "")
    # The one message style: path:line:col: error: message (at pointer), then the hint.
    assert str(caught.value).startswith("taxonomy.json:2:3: error: unknown key 'categorys' "
                                        "(at /categorys)\n  hint: ")


@pytest.mark.parametrize(("text", "message"), [
    ("", "file is empty"),
    ("{", "invalid JSON"),
    ("[]", "holds one JSON object"),
    ('{"categories": {}}', "'categories' must be an object of category names"),
    ('{"categories": {"A": []}, "categories": {}}', "duplicate key"),
])
def test_unusable_files_are_located_errors(tmp_path: Path, text: str, message: str) -> None:
    own = tmp_path / "t.json"
    own.write_text(text)
    with pytest.raises(ConnectorDocsError) as caught:
        taxonomy.load(own)
    assert any(message in d.message for d in caught.value.diagnostics), caught.value


def test_missing_file_is_an_error_naming_the_option(tmp_path: Path) -> None:
    with pytest.raises(ConnectorDocsError) as caught:
        taxonomy.load(tmp_path / "nope.json")
    (problem,) = caught.value.diagnostics
    assert "cannot read the taxonomy file" in problem.message
    assert "`taxonomy` option" in (problem.hint or "")


# --------------------------------------------------- through the project and the CLI


def test_option_is_resolved_against_mkdocs_yml_and_used(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "cats.json"
    own.write_text(json.dumps({"extends": "builtin",
                               "categories": {"Bookkeeping & Money": ["Accounting"]}}))
    monkeypatch.chdir(tmp_path.parent)  # not where the file is: base_dir decides
    project = example_project(monkeypatch, taxonomy="cats.json", base_dir=str(tmp_path),
                              catalog=str(EXAMPLE_CATALOG), smoke=None, smoke_config=None)
    assert project.catalog.by_id()["ledgerline"].category == "Bookkeeping & Money"
    item = next(c for c in export.catalog_data(project)["connectors"]
                if c["id"] == "ledgerline")
    assert (item["category"], item["categoryRaw"]) == ("Bookkeeping & Money", "Accounting")


def test_catalog_json_carries_mapped_and_raw_category(monkeypatch: pytest.MonkeyPatch) -> None:
    data = export.catalog_data(example_project(monkeypatch))
    by_id = {c["id"]: c for c in data["connectors"]}
    assert (by_id["driftbox"]["category"], by_id["driftbox"]["categoryRaw"]) == (
        "Storage & Files", "File Storage")
    assert (by_id["sendwave"]["category"], by_id["sendwave"]["categoryRaw"]) == (
        "Marketing", "Marketing")


def test_cli_taxonomy_flag_and_bad_file_exit_1(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    monkeypatch.chdir(ROOT)
    bad = tmp_path / "bad.json"
    bad.write_text(BAD)
    result = CliRunner().invoke(main, ["validate", "--taxonomy", str(bad)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert f"{bad}:2:3: error: unknown key 'categorys'" in result.output
    assert "Traceback" not in result.output
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"categories": {"Everything": ["CRM"]}}))
    result = CliRunner().invoke(main, ["export", "--out", "-", "--taxonomy", str(good)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {c["category"] for c in data["connectors"] if c["categoryRaw"] == "CRM"} == {
        "Everything"}
