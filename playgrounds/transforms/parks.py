"""NYC Parks directory: attach IRS income rows to parks by ZIP code."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from playgrounds.transforms.choices import ZipMatch, as_zip_match
from playgrounds.transforms.columns import Transform, resolve_column

# A park's Zip field lists one ZIP or several ("11236, 11239"); the published
# file also cuts one list short ("..., 11235, 1"), so a piece must be five digits.
_FIVE_DIGITS = r"^\d{5}$"


def with_zip_codes(df: DataFrame) -> DataFrame:
    """One row per park and ZIP it lists, the ZIP as a long in ``park_zipcode``.

    Parks without a Zip, and pieces that are not five digits, give no row.
    """
    zip_column = resolve_column(df, "Zip")
    pieces = F.transform(F.split(F.col(zip_column), ","), F.trim)
    valid_pieces = F.filter(pieces, lambda piece: piece.rlike(_FIVE_DIGITS))
    zip_codes = F.transform(valid_pieces, lambda piece: piece.cast("long"))
    return df.withColumn("park_zipcode", F.explode(zip_codes))


def join_income_to_parks(parks: DataFrame, zip_match: ZipMatch = "workshop") -> Transform:
    """Inner-join income rows (``zipcode``) with ``parks`` on the park's ZIP.

    ``workshop`` compares ``zipcode`` with the Zip string as Spark and Glue do,
    by casting the string to a number: a park with several ZIPs, or none,
    matches nothing and its playgrounds lose their income silently. ``all``
    matches every ZIP a park lists, so such a park gets the rows of each ZIP.
    """
    as_zip_match(zip_match)

    def transform(income: DataFrame) -> DataFrame:
        if zip_match == "workshop":
            park_zip = F.col(resolve_column(parks, "Zip")).cast("long")
            return income.join(parks, income["zipcode"] == park_zip, "inner")
        exploded = parks.transform(with_zip_codes)
        joined = income.join(exploded, income["zipcode"] == exploded["park_zipcode"], "inner")
        return joined.drop("park_zipcode")

    return transform
