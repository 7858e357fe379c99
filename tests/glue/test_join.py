"""Join.apply / DynamicFrame.join when both frames have a field of the same name."""

from __future__ import annotations

from typing import Any

import pytest
from pyspark.sql import SparkSession

from playgrounds.glue.errors import GlueShimError


def test_join_keeps_both_frames_fields_dotting_the_second_frames_clashes(
    spark: SparkSession, glue_context: Any
) -> None:
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.transforms import Join

    # Two frames with a shared key name and a shared non-key name, as in
    # aws-glue-libs issue #76, where Glue returned both copies, the second dotted.
    orders = DynamicFrame.fromDF(
        spark.createDataFrame(
            [("c1", "o1", "web"), ("c2", "o2", "shop"), ("c3", "o3", None)],
            "cust_id string, order_id string, name string",
        ),
        glue_context,
        "orders",
    )
    customers = DynamicFrame.fromDF(
        spark.createDataFrame(
            [("c1", "Ann", "NY"), ("c2", None, "NJ")], "cust_id string, name string, state string"
        ),
        glue_context,
        "customers",
    )
    joined = Join.apply(orders, customers, "cust_id", "cust_id")
    # Compared as columns and rows: chispa cannot name a column that starts with a dot.
    columns = ["cust_id", "order_id", "name", ".cust_id", ".name", "state"]
    assert joined.toDF().columns == columns
    assert sorted(tuple(r) for r in joined.toDF().collect()) == [
        ("c1", "o1", "web", "c1", "Ann", "NY"),
        ("c2", "o2", "shop", "c2", None, "NJ"),
    ]
    # The method is the same join, with the frames' order as Glue's signature has it.
    assert orders.join(["cust_id"], ["cust_id"], customers).toDF().columns == columns

    # The workshop's step after such a join: drop the second copy by its dotted name.
    tidy = joined.drop_fields(["`.cust_id`"]).rename_field("`.name`", "customer_name")
    assert tidy.toDF().columns == [
        "cust_id", "order_id", "name", "customer_name", "state"
    ]  # fmt: skip
    assert sorted(r["customer_name"] or "" for r in tidy.toDF().collect()) == ["", "Ann"]


def test_join_with_different_key_names_renames_only_the_shared_field(
    spark: SparkSession, glue_context: Any
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    persons = DynamicFrame.fromDF(
        spark.createDataFrame([("p1", "Ann")], "id string, name string"), glue_context, "p"
    )
    orgs = DynamicFrame.fromDF(
        spark.createDataFrame([("p1", "Senate")], "person_id string, name string"),
        glue_context,
        "o",
    )
    joined = persons.join("id", "person_id", orgs).toDF()
    assert joined.columns == ["id", "name", "person_id", ".name"]
    assert [tuple(r) for r in joined.collect()] == [("p1", "Ann", "p1", "Senate")]


def test_join_refuses_a_dotted_name_that_would_appear_twice(
    spark: SparkSession, glue_context: Any
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    left = DynamicFrame.fromDF(
        spark.createDataFrame([("k", 1, 2)], "id string, a int, `.a` int"), glue_context, "l"
    )
    right = DynamicFrame.fromDF(
        spark.createDataFrame([("k", 3)], "id2 string, a int"), glue_context, "r"
    )
    with pytest.raises(GlueShimError, match=r"field\(s\) \.a would appear twice"):
        left.join("id", "id2", right)
