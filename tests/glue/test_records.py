"""How filter functions are run: the pushed-down form, the fields shipped, the partial record."""

from __future__ import annotations

import pytest

from playgrounds.glue.records import (
    FieldNotShipped,
    PartialRecord,
    field_names_in,
    pushable_condition,
)

FIELDS = ["state", "zipcode", "n"]
STRINGS = ["state", "zipcode"]
WANTED = {"state": "NY"}


def test_only_string_equality_is_pushed_to_spark() -> None:
    assert pushable_condition(lambda r: r["state"] == "NY", STRINGS) == ("state", "NY")
    assert pushable_condition(lambda r: "NY" == r.state, STRINGS) == ("state", "NY")  # noqa: SIM300 - the reflected form is the point
    assert pushable_condition(lambda r: r["state"] == WANTED["state"], STRINGS) == (
        "state",
        "NY",
    )
    for not_pushed in (
        lambda r: r["state"] in ["NY"],  # bool() of a comparison: Python semantics needed
        lambda r: r["state"] != "NY",  # None != "NY" is True in Python, null in SQL
        lambda r: r["n"] == 1,  # not a string field
        lambda r: r["state"] == "NY" and r["zipcode"] == "1",
        lambda r: r["state"].upper() == "NY",
    ):
        assert pushable_condition(not_pushed, STRINGS) is None


def test_fields_named_by_code_closures_and_globals() -> None:
    column = "zipcode"
    assert field_names_in(lambda r: r["state"] == WANTED["state"], FIELDS) == ["state"]
    assert field_names_in(lambda r: r[column] > "1", FIELDS) == ["zipcode"]
    assert field_names_in(lambda r: r.n > 0, FIELDS) == ["n"]
    assert field_names_in(lambda r: len(r) > 0, FIELDS) == []


def test_partial_record_knows_every_key_but_only_some_values() -> None:
    record = PartialRecord({"state": "NY"}, frozenset(FIELDS), tuple(FIELDS))
    assert record["state"] == record.state == "NY"
    assert "n" in record and "x" not in record and list(record) == FIELDS
    with pytest.raises(FieldNotShipped, match="read field 'n'"):
        _ = record["n"]
    with pytest.raises(KeyError):
        _ = record["x"]
    assert record.get("x", 0) == 0
