"""parse_script: tables created earlier in a file inform later statements."""

from __future__ import annotations

from lineage import SchemaIndex, parse_script, parse_statement
from tests.lineage import lin


def test_created_tables_lend_their_columns_to_later_statements() -> None:
    got = [s.to_dict() for s in parse_script([
        "CREATE TABLE stage.a AS SELECT id, name FROM src.people",
        "CREATE TABLE stage.b (k int, label text)",
        "INSERT INTO stage.b SELECT * FROM stage.a",
        "CREATE VIEW rpt.v AS SELECT * FROM stage.b",
    ], dialect="postgres")]
    assert got[2] == lin("insert", "stage.b", ["stage.a"], [("k", ["stage.a.id"]), ("label", ["stage.a.name"])])
    assert got[3] == lin("create_view", "rpt.v", ["stage.b"], [("k", ["stage.b.k"]), ("label", ["stage.b.label"])])


def test_independent_parses_do_not_learn() -> None:
    got = parse_statement("INSERT INTO stage.b SELECT * FROM stage.a", dialect="postgres").to_dict()
    assert got == lin("insert", "stage.b", ["stage.a"], [("*", ["stage.a.*"])], reason="star without schema: stage.a.*")


def test_statements_with_unexpanded_stars_teach_nothing() -> None:
    got = parse_script(["CREATE TABLE stage.a AS SELECT * FROM src.x", "SELECT * FROM stage.a"], dialect="postgres")
    assert got[1].columns[0].column == "*"


def test_given_schema_and_learned_tables_combine() -> None:
    schema = {"src.x": {"p": "int", "q": "int"}}
    got = parse_script(["CREATE TABLE stage.a AS SELECT * FROM src.x", "SELECT q FROM stage.a JOIN src.x ON true"],
                       dialect="postgres", schema=schema)
    # q exists in both, so it is ambiguous, which only the learned columns can tell
    assert got[1].reason == "unresolved columns: q"


def test_nested_schema_mappings_are_accepted() -> None:
    index = SchemaIndex.from_mapping({"shop": {"sales": {"orders": {"id": "int"}}}})
    assert index.columns(("sales", "orders")) == ("id",)
    layered = index.extended({("stage", "t"): ["a"]})
    assert layered.columns(("t",)) == ("a",) and layered.columns(("orders",)) == ("id",)


def test_join_constructs_become_scopes() -> None:
    schema = {"s": {"id": "int", "a": "int"}, "u": {"id": "int"}}
    got = parse_statement("SELECT t.a FROM (s JOIN u ON s.id = u.id) AS t", dialect="postgres", schema=schema)
    assert got.to_dict() == lin("select", None, ["s", "u"], [("a", ["s.a"])])
