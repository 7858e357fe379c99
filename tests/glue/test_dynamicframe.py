"""DynamicFrame and awsglue.transforms on small inline frames, used as Glue scripts use them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError


@pytest.fixture
def people(spark: SparkSession, glue_context: Any) -> Any:
    from awsglue.dynamicframe import DynamicFrame

    df = spark.createDataFrame(
        [(1, "Ann", ("Oslo", "0150"), 3), (2, "Bo", ("Rome", None), None)],
        "id long, name string, address struct<city:string,`zip.code`:string>, visits int",
    )
    return DynamicFrame.fromDF(df, glue_context, "people")


def test_select_drop_rename_with_dotted_and_quoted_paths(spark: SparkSession, people: Any) -> None:
    from awsglue.transforms import DropFields, RenameField, SelectFields

    selected = SelectFields.apply(frame=people, paths=["id", "address.city"]).toDF()
    expected = spark.createDataFrame(
        [(1, ("Oslo",)), (2, ("Rome",))], "id long, address struct<city:string>"
    )
    assert_df_equality(selected, expected, ignore_nullable=True)

    dropped = DropFields.apply(frame=people, paths=["name", "address.`zip.code`", "visits"]).toDF()
    assert_df_equality(dropped, expected, ignore_nullable=True)

    renamed = RenameField.apply(frame=people, old_name="address.`zip.code`", new_name="address.zip")
    expected_renamed = spark.createDataFrame(
        [(1, "Ann", ("Oslo", "0150"), 3), (2, "Bo", ("Rome", None), None)],
        "id long, name string, address struct<city:string,zip:string>, visits int",
    )
    assert_df_equality(renamed.toDF(), expected_renamed, ignore_nullable=True)
    assert renamed.rename_field("name", "full_name").toDF().columns == [
        "id", "full_name", "address", "visits"
    ]  # fmt: skip

    with pytest.raises(GlueShimError, match="'nope' does not exist"):
        people.select_fields(["nope"])


def test_apply_mapping_casts_renames_nests_and_names_a_missing_column(
    spark: SparkSession, people: Any
) -> None:
    from awsglue.transforms import ApplyMapping

    mapped = ApplyMapping.apply(
        frame=people,
        mappings=[
            ("id", "long", "person_id", "string"),
            ("ADDRESS.city", "string", "place.city", "string"),
            ("visits", "int", "visits", "double"),
        ],
    ).toDF()
    expected = spark.createDataFrame(
        [("1", ("Oslo",), 3.0), ("2", ("Rome",), None)],
        "person_id string, place struct<city:string>, visits double",
    )
    assert_df_equality(mapped, expected, ignore_nullable=True)
    with pytest.raises(GlueShimError, match="source column 'age' does not exist"):
        people.apply_mapping([("age", "int", "age", "int")])
    with pytest.raises(GlueShimError, match="'varchar2'"):
        people.apply_mapping([("id", "long", "id", "varchar2")])


def test_filter_and_map_drop_failing_records_and_count_them(
    spark: SparkSession, glue_context: Any
) -> None:
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.transforms import Filter, Map

    raw = spark.createDataFrame(
        [("NY", "10001", "3"), ("NJ", "07001", "5"), ("NY", "10002", "x"), (None, "1", "1")],
        "state string, zip string, count string",
    )
    frame = DynamicFrame.fromDF(raw, glue_context, "raw")

    ny = Filter.apply(frame=frame, f=lambda r: r["state"].upper() == "NY")  # None.upper() raises
    assert_df_equality(ny.toDF(), raw.where("state = 'NY'"))
    errors = ny.errorsAsDynamicFrame().toDF().collect()
    assert [e["error"].split(":")[0] for e in errors] == ["AttributeError"]

    def clean(record: dict[str, Any]) -> dict[str, Any]:
        record["count"] = int(record["count"])  # "x" raises: that record becomes an error
        record["zip5"] = record.pop("zip").zfill(5)
        return record

    cleaned = Map.apply(frame=ny, f=clean)
    expected = spark.createDataFrame([("NY", 3, "10001")], "state string, count long, zip5 string")
    assert_df_equality(cleaned.toDF(), expected, ignore_nullable=True)
    assert cleaned.stageErrorsCount() == 1  # the map's; errorsAsDynamicFrame adds the filter's
    assert cleaned.errorsCount() == 2
    kinds = {e["error"].split(":")[0] for e in cleaned.errorsAsDynamicFrame().toDF().collect()}
    assert kinds == {"AttributeError", "ValueError"}
    with pytest.raises(GlueShimError, match="filter fail: 4 errors exceed stageThreshold 1"):
        frame.filter(lambda r: r["state"] + 1, transformation_ctx="fail", stageThreshold=1)


def test_filter_ships_named_fields_and_is_loud_about_others(
    spark: SparkSession, glue_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    df = spark.createDataFrame([("NY", 1), ("NJ", 2)], "state string, n int")
    frame = DynamicFrame.fromDF(df, glue_context, "f")

    def computed_key(r: Any) -> bool:
        return bool(r["n"] > 0 and r["s" + "tate".strip()] == "NY")  # no constant names 'state'

    with pytest.raises(Exception, match="read field 'state'"):
        frame.filter(computed_key).count()
    monkeypatch.setenv("PLAYGROUNDS_GLUE_FULL_RECORDS", "1")
    whole = frame.filter(computed_key).toDF()
    assert_df_equality(whole, df.where("state = 'NY'"))


def test_resolve_choice_on_mixed_json(
    spark: SparkSession, glue_context: Any, tmp_path: Path
) -> None:
    from awsglue.transforms import ResolveChoice

    source = tmp_path / "mixed.json"
    source.write_text('{"id": 1, "price": 5}\n{"id": 2, "price": "n/a"}\n{"id": 3, "price": "7"}\n')
    frame = glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": [str(source)]}, format="json"
    )
    as_long = ResolveChoice.apply(frame=frame, specs=[("price", "cast:long")]).toDF()
    assert_df_equality(
        as_long,
        spark.createDataFrame([(1, 5), (2, None), (3, 7)], "id long, price long"),
        ignore_nullable=True,
    )
    cols = frame.resolveChoice(specs=[("price", "make_cols")]).toDF()
    assert_df_equality(
        cols,
        spark.createDataFrame(
            [(1, 5, None), (2, None, "n/a"), (3, None, "7")],
            "id long, price_long long, price_string string",
        ),
        ignore_nullable=True,
    )
    projected = frame.resolveChoice(choice="project:string").toDF()
    assert_df_equality(
        projected,
        spark.createDataFrame([(1, None), (2, "n/a"), (3, "7")], "id long, price string"),
        ignore_nullable=True,
    )
    struct = frame.resolveChoice(specs=[("price", "make_struct")]).toDF()
    assert_df_equality(
        struct,
        spark.createDataFrame(
            [(1, (5, None)), (2, (None, "n/a")), (3, (None, "7"))],
            "id long, price struct<long:bigint,string:string>",
        ),
        ignore_nullable=True,  # metadata compared too: make_struct clears the choice mark
    )
    with pytest.raises(GlueShimError, match="match_catalog needs database and table_name"):
        frame.resolveChoice(choice="match_catalog")


def test_join_then_relationalize_like_the_aws_legislators_example(
    spark: SparkSession, glue_context: Any, tmp_path: Path
) -> None:
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.transforms import Join, Relationalize

    persons = DynamicFrame.fromDF(
        spark.createDataFrame(
            [("p1", "Ann", [("email", "a@x"), ("fax", "1")]), ("p2", "Bo", None)],
            "id string, name string, contact_details array<struct<type:string,value:string>>",
        ),
        glue_context,
        "persons",
    )
    memberships = DynamicFrame.fromDF(
        spark.createDataFrame([("p1", "o1"), ("p2", "o1")], "person_id string, org_id string"),
        glue_context,
        "memberships",
    )
    history = Join.apply(persons, memberships, "id", "person_id").drop_fields(["person_id"])
    expected_history = spark.createDataFrame(
        [("p1", "Ann", [("email", "a@x"), ("fax", "1")], "o1"), ("p2", "Bo", None, "o1")],
        "id string, name string, "
        "contact_details array<struct<type:string,value:string>>, org_id string",
    )
    assert_df_equality(
        history.toDF(), expected_history, ignore_nullable=True, ignore_row_order=True
    )

    tables = Relationalize.apply(frame=history, staging_path=str(tmp_path / "stage"), name="hist")
    assert sorted(tables.keys()) == ["hist", "hist_contact_details"]
    root = tables.select("hist").toDF()
    contacts = tables.select("hist_contact_details").toDF()
    assert contacts.columns == [
        "id", "index", "contact_details.val.type", "contact_details.val.value"
    ]  # fmt: skip
    linked = root.join(contacts, root["contact_details"] == contacts["id"]).select(
        root["id"].alias("person"), "index", F.col("`contact_details.val.type`").alias("type")
    )
    expected = spark.createDataFrame(
        [("p1", 0, "email"), ("p1", 1, "fax")], "person string, index int, type string"
    )
    assert_df_equality(linked, expected, ignore_nullable=True, ignore_row_order=True)
    assert root.where("id = 'p2'").first()["contact_details"] is None


def test_drop_null_fields_split_fields_and_partitions(spark: SparkSession, people: Any) -> None:
    from awsglue.transforms import Coalesce, DropNullFields, SplitFields

    frame = people.select_fields(["id", "visits"]).filter(lambda r: r["visits"] is None)
    assert_df_equality(
        DropNullFields.apply(frame=frame).toDF(),
        spark.createDataFrame([(2,)], "id long"),
        ignore_nullable=True,
    )
    split = SplitFields.apply(frame=people, paths=["id"], name1="ids", name2="rest")
    assert_df_equality(
        split["ids"].toDF(), spark.createDataFrame([(1,), (2,)], "id long"), ignore_nullable=True
    )
    assert_df_equality(split["rest"].toDF(), people.toDF().drop("id"))
    assert people.repartition(3).getNumPartitions() == 3
    assert Coalesce.apply(frame=people.repartition(3), num_partitions=1).getNumPartitions() == 1


def test_unsupported_features_raise_naming_them(people: Any) -> None:
    from awsglue.dynamicframe import ResolveOption
    from awsglue.transforms import Unbox

    with pytest.raises(UnsupportedGlueFeatureError, match=r"DynamicFrame\.unnest_ddb_json"):
        people.unnest_ddb_json()
    with pytest.raises(UnsupportedGlueFeatureError, match="unbox format 'csv'"):
        Unbox.apply(frame=people, path="name", format="csv", separator="|")
    with pytest.raises(GlueShimError, match="action 'Explode' for 'name'"):
        people.toDF([ResolveOption("name", "Explode")])


def test_unnest_flattens_structs_into_dotted_fields(spark: SparkSession, people: Any) -> None:
    from awsglue.transforms import UnnestFrame

    flat = UnnestFrame.apply(frame=people).toDF()
    assert flat.columns == ["id", "name", "address.city", "address.zip.code", "visits"]
    assert [tuple(r) for r in flat.collect()] == [
        (1, "Ann", "Oslo", "0150", 3),
        (2, "Bo", "Rome", None, None),
    ]
    # The dotted names are Glue paths again once back-quoted.
    assert [row[0] for row in flat.select("`address.zip.code`").collect()] == ["0150", None]


def test_unbox_parses_json_text_into_a_struct(spark: SparkSession, glue_context: Any) -> None:
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.transforms import Unbox

    df = spark.createDataFrame(
        [(1, '{"city": "Oslo", "zips": [1, 2]}'), (2, '{"city": "Rome"}'), (3, None), (4, "{bad")],
        "id int, info string",
    )
    frame = DynamicFrame.fromDF(df, glue_context, "raw")
    unboxed = Unbox.apply(frame=frame, path="info", format="json").toDF()
    expected = spark.createDataFrame(
        [(1, ("Oslo", [1, 2])), (2, ("Rome", None)), (3, None), (4, None)],
        "id int, info struct<city:string,zips:array<bigint>>",
    )
    assert_df_equality(unboxed, expected, ignore_nullable=True)
    with pytest.raises(GlueShimError, match="holds int, not a string"):
        frame.unbox("id", "json")


def test_split_rows_by_comparisons_keeps_nulls_on_the_original_side(people: Any) -> None:
    from awsglue.transforms import SplitRows

    split = SplitRows.apply(
        frame=people, comparison_dict={"visits": {">": 1, "<=": 3}}, name1="busy", name2="rest"
    )
    assert sorted(split.keys()) == ["busy", "rest"]
    assert [r["id"] for r in split["busy"].toDF().collect()] == [1]
    assert [r["id"] for r in split["rest"].toDF().collect()] == [2]  # visits is null
    by_city = people.split_rows({"address.city": {"=": "Rome"}}, "rome", "others")
    assert [r["id"] for r in by_city["rome"].toDF().collect()] == [2]
    with pytest.raises(GlueShimError, match="comparator '~' for 'visits'"):
        people.split_rows({"visits": {"~": 1}}, "a", "b")


def test_merge_dynamic_frame_replaces_matching_records(
    spark: SparkSession, glue_context: Any
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    source = DynamicFrame.fromDF(
        spark.createDataFrame(
            [(1, "old"), (1, "old twin"), (2, "kept"), (None, "no key")], "id int, v string"
        ),
        glue_context,
        "source",
    )
    stage = DynamicFrame.fromDF(
        spark.createDataFrame(
            [(1, "new", True), (3, "added", False)], "id int, v string, f boolean"
        ),
        glue_context,
        "stage",
    )
    merged = source.mergeDynamicFrame(stage, ["id"]).toDF()
    expected = spark.createDataFrame(
        [(2, "kept", None), (None, "no key", None), (1, "new", True), (3, "added", False)],
        "id int, v string, f boolean",
    )
    assert_df_equality(merged, expected, ignore_row_order=True, ignore_nullable=True)
    with pytest.raises(GlueShimError, match="key pk is not a top-level field of the source"):
        source.mergeDynamicFrame(stage, "pk")


def test_spigot_writes_a_sample_and_passes_records_through(
    spark: SparkSession, people: Any, tmp_path: Path
) -> None:
    from awsglue.transforms import Spigot

    passed = Spigot.apply(frame=people, path=f"s3://samples/{tmp_path.name}", options={"topk": 1})
    assert_df_equality(passed.toDF(), people.toDF())
    written = spark.read.json(str(tmp_path / "s3" / "samples" / tmp_path.name))
    assert [(r["id"], r["name"]) for r in written.collect()] == [(1, "Ann")]  # topk=1: the first
    with pytest.raises(UnsupportedGlueFeatureError, match="spigot option every"):
        people.spigot(str(tmp_path / "x"), {"every": 3})


def test_write_is_write_dynamic_frame_from_options(
    spark: SparkSession, people: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    people.select_fields(["id", "name"]).write(
        "s3", {"path": str(out)}, "csv", {"writeHeader": True}
    )
    back = spark.read.option("header", True).csv(str(out))
    assert sorted((r["id"], r["name"]) for r in back.collect()) == [("1", "Ann"), ("2", "Bo")]
