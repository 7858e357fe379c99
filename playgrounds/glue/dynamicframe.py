"""``DynamicFrame`` on a Spark DataFrame: the awsglue methods Glue scripts use.

A shim frame wraps a DataFrame; Glue's per-record schemas are not modelled,
except that a field whose JSON values mix types is a *choice* (a struct with
one field per type, marked in its metadata) until ``resolveChoice`` settles it.
Record-level functions (``filter``, ``map``) drop a record whose function
raises and count it as an error, as Glue does: see ``errorsCount`` and
``errorsAsDynamicFrame``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    StringType,
    StructField,
    StructType,
    _infer_type,
    _merge_type,
)

from playgrounds.glue import paths as fp
from playgrounds.glue import records
from playgrounds.glue.columns import columns_of
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError

if TYPE_CHECKING:
    from playgrounds.glue.context import GlueContext

CHOICE_KEY = "glue_choice"

# Methods of the real DynamicFrame the shim does not implement: calling one
# raises an error naming it instead of an AttributeError deep in a job.
UNSUPPORTED_METHODS = frozenset(
    {
        "unnest_ddb_json",
        "simplify_ddb_json",
        "mapPartitions",
        "mapPartitionsWithIndex",
        "with_frame_schema",
    }
)


def is_choice(field: StructField) -> bool:
    """True for a field standing for a Glue choice type."""
    return bool(field.metadata.get(CHOICE_KEY))


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


ErrorSource = Callable[[], DataFrame]


class DynamicFrame:
    """A distributed collection of records (here: a Spark DataFrame with Glue's API)."""

    def __init__(self, jdf: DataFrame, glue_ctx: GlueContext, name: str = "") -> None:
        if not isinstance(jdf, DataFrame):
            raise GlueShimError(
                f"the shim's DynamicFrame wraps a pyspark DataFrame, not {type(jdf).__name__}"
            )
        self._df = jdf
        self.glue_ctx = glue_ctx
        self.name = name
        self._stage_errors: ErrorSource | None = None
        self._upstream: tuple[DynamicFrame, ...] = ()

    # -- construction and conversion ---------------------------------------------------------

    @classmethod
    def fromDF(cls, dataframe: DataFrame, glue_ctx: GlueContext, name: str = "") -> DynamicFrame:
        """Wrap a DataFrame."""
        return cls(dataframe, glue_ctx, name)

    def toDF(self, options: Sequence[Any] | None = None) -> DataFrame:
        """The records as a DataFrame (an unresolved choice is a struct, one field per type)."""
        if options:
            raise UnsupportedGlueFeatureError("DynamicFrame.toDF options", f"got {options!r}")
        return self._df

    def _derive(
        self, df: DataFrame, errors: ErrorSource | None = None, name: str | None = None
    ) -> DynamicFrame:
        frame = DynamicFrame(df, self.glue_ctx, self.name if name is None else name)
        frame._stage_errors = errors
        frame._upstream = (self,)
        return frame

    def __getattr__(self, name: str) -> Any:
        if name in UNSUPPORTED_METHODS:
            raise UnsupportedGlueFeatureError(f"DynamicFrame.{name}")
        raise AttributeError(f"'DynamicFrame' object has no attribute {name!r}")

    # -- inspection ----------------------------------------------------------------------

    def count(self) -> int:
        """Number of records."""
        return self._df.count()

    def schema(self) -> StructType:
        """The schema (a Spark ``StructType``; the real one returns awsglue.gluetypes)."""
        return self._df.schema

    def printSchema(self) -> None:
        """Print the schema as a tree."""
        self._df.printSchema()

    def show(self, num_rows: int = 20) -> None:
        """Print the first ``num_rows`` records as JSON objects, as Glue does."""
        for row in self._df.limit(num_rows).collect():
            print(json.dumps(row.asDict(recursive=True), default=str))

    def getNumPartitions(self) -> int:
        """Number of Spark partitions."""
        return self._df.rdd.getNumPartitions()

    # -- errors ------------------------------------------------------------------------------

    def _error_sources(self) -> Iterator[ErrorSource]:
        seen: set[int] = set()
        stack: list[DynamicFrame] = [self]
        while stack:
            frame = stack.pop()
            if id(frame) in seen:
                continue
            seen.add(id(frame))
            if frame._stage_errors is not None:
                yield frame._stage_errors
            stack.extend(frame._upstream)

    def errorsAsDynamicFrame(self) -> DynamicFrame:
        """The records dropped by a failing function so far: ``error`` text and ``record`` JSON."""
        spark = self._df.sparkSession
        errors = spark.createDataFrame([], records.ERROR_SCHEMA)
        for source in self._error_sources():
            errors = errors.unionByName(source())
        return DynamicFrame(errors, self.glue_ctx, f"{self.name}_errors")

    def errorsCount(self) -> int:
        """Errors of this frame and every frame it came from."""
        return sum(source().count() for source in self._error_sources())

    def stageErrorsCount(self) -> int:
        """Errors of the transform that made this frame."""
        return 0 if self._stage_errors is None else self._stage_errors().count()

    def assertErrorThreshold(self) -> None:
        """Glue checks thresholds per transform; the shim does so when they are given."""
        return None

    def _check_thresholds(self, stage: int, total: int, what: str) -> None:
        if stage and self.stageErrorsCount() > stage:
            raise GlueShimError(
                f"{what}: {self.stageErrorsCount()} errors exceed stageThreshold {stage}"
            )
        if total and self.errorsCount() > total:
            raise GlueShimError(
                f"{what}: {self.errorsCount()} errors exceed totalThreshold {total}"
            )

    # -- field transforms --------------------------------------------------------------------

    def select_fields(
        self,
        paths: Sequence[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Keep only ``paths`` (dotted paths keep a struct with just those fields)."""
        tree: dict[str, Any] = {}
        schema = self._df.schema
        for path in _as_list(paths):
            spelled, _ = paths_mod_field(schema, path)
            node = tree
            for part in spelled[:-1]:
                existing = node.get(part)
                if existing is None and part in node:
                    break  # the whole parent is already selected
                node = node.setdefault(part, {})
            else:
                node[spelled[-1]] = None
        return self._derive(self._df.select(*_project(schema, None, tree)))

    def drop_fields(
        self,
        paths: Sequence[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Drop ``paths`` (dotted paths drop a field inside a struct)."""
        df = self._df
        for path in _as_list(paths):
            spelled, _ = paths_mod_field(df.schema, path)
            df = df.select(*fp.rebuild(df.schema, spelled, lambda name, column: []))
        return self._derive(df)

    def rename_field(
        self,
        oldName: str,
        newName: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Rename ``oldName`` to the last part of ``newName`` (in place inside a struct)."""
        spelled, _ = paths_mod_field(self._df.schema, oldName)
        new_parts = fp.split_path(newName)
        if len(new_parts) != len(spelled) or new_parts[:-1] != spelled[:-1]:
            raise UnsupportedGlueFeatureError(
                f"rename_field from {oldName!r} to {newName!r}",
                "the shim renames within the same struct only",
            )
        renamed = fp.rebuild(
            self._df.schema, spelled, lambda name, column: [column.alias(new_parts[-1])]
        )
        return self._derive(self._df.select(*renamed))

    def split_fields(
        self,
        paths: Sequence[str],
        name1: str,
        name2: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        """Two frames: ``name1`` with ``paths``, ``name2`` with the rest."""
        selected = self.select_fields(paths)
        rest = self.drop_fields(paths)
        return DynamicFrameCollection(
            {name1: selected._renamed(name1), name2: rest._renamed(name2)}, self.glue_ctx
        )

    def _renamed(self, name: str) -> DynamicFrame:
        self.name = name
        return self

    def apply_mapping(
        self,
        mappings: Sequence[Sequence[str]],
        case_sensitive: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Select, rename and cast: each mapping is ``(source, source_type, target, target_type)``.

        Fields not mapped are dropped; a dotted target builds a struct.
        """
        schema = self._df.schema
        tree: dict[str, Any] = {}
        for mapping in mappings:
            if len(mapping) == 4:
                source, _source_type, target, target_type = mapping
            elif len(mapping) == 3:
                source, target, target_type = mapping
            else:
                raise GlueShimError(
                    f"mapping {tuple(mapping)!r} must be (source, source_type, target, target_type)"
                )
            try:
                spelled, _ = fp.field_type(schema, fp.split_path(source), source, case_sensitive)
            except GlueShimError as missing:
                raise GlueShimError(
                    f"apply_mapping: source column {source!r} does not exist"
                ) from missing
            cast = fp.column_at(spelled).cast(_spark_type(target_type, source))
            node = tree
            target_parts = fp.split_path(target)
            for part in target_parts[:-1]:
                node = node.setdefault(part, {})
            node[target_parts[-1]] = cast
        return self._derive(self._df.select(*_build(tree)))

    def applyMapping(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        """Alias of :meth:`apply_mapping`."""
        return self.apply_mapping(*args, **kwargs)

    # -- record functions ------------------------------------------------------------------

    def filter(
        self,
        f: Callable[[Any], Any],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Keep records where ``f(record)`` is true; a record whose ``f`` raises is an error."""
        kept = _filtered(self._df, f)
        source = self._df

        def errors() -> DataFrame:
            return source.mapInArrow(records.filter_error_batches(f), records.ERROR_SCHEMA)  # type: ignore[arg-type]

        frame = self._derive(kept, errors)
        frame._check_thresholds(
            stageThreshold, totalThreshold, f"filter {transformation_ctx or info}".strip()
        )
        return frame

    def map(
        self,
        f: Callable[[Any], Any],
        preservesPartitioning: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Apply ``f`` to each record (a dict); the output schema is inferred from the results."""
        spark = self._df.sparkSession

        def apply(row: Any) -> tuple[bool, Any]:
            record = records.DynamicRecord(row.asDict(recursive=True))
            try:
                result = f(record)
            except Exception as error:
                return False, (
                    records.describe_error(error),
                    records.record_json(row.asDict(recursive=True)),
                )
            if not isinstance(result, dict):
                return False, (
                    f"TypeError: map function returned {type(result).__name__}, not a dict",
                    records.record_json(row.asDict(recursive=True)),
                )
            return True, dict(result)

        tagged = self._df.rdd.map(apply)
        results = tagged.filter(lambda t: t[0]).map(lambda t: t[1])
        inferred = results.map(_record_schema).fold(StructType(), _merge_type)
        schema = inferred if inferred.fields else StructType()
        rows = results.map(lambda d: records.to_spark_value(d, schema))
        mapped = (
            spark.createDataFrame(rows, schema)
            if schema.fields
            else spark.createDataFrame([], StructType())
        )

        def errors() -> DataFrame:
            return spark.createDataFrame(
                tagged.filter(lambda t: not t[0]).map(lambda t: t[1]), records.ERROR_SCHEMA
            )

        frame = self._derive(mapped, errors)
        frame._check_thresholds(
            stageThreshold, totalThreshold, f"map {transformation_ctx or info}".strip()
        )
        return frame

    # -- choices -----------------------------------------------------------------------------

    def resolveChoice(
        self,
        specs: Sequence[tuple[str, str]] | None = None,
        choice: str = "",
        database: str | None = None,
        table_name: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        catalog_id: str | None = None,
    ) -> DynamicFrame:
        """Settle choices: ``cast:<type>``, ``project:<type>``, ``make_cols``, ``make_struct``.

        ``specs`` name fields; ``choice`` applies one action to every choice field.
        On a field that is not a choice, ``cast:`` and ``project:`` cast it and
        ``make_cols`` / ``make_struct`` leave it alone, as on Glue.
        """
        if specs and choice:
            raise GlueShimError("resolveChoice takes specs or choice, not both")
        if not specs and not choice:
            raise GlueShimError("resolveChoice needs specs or choice")
        if database or table_name or catalog_id or choice == "match_catalog":
            raise UnsupportedGlueFeatureError("resolveChoice match_catalog / database / table_name")
        df = self._df
        if choice:
            targets = [(fp.quote(f.name), choice) for f in df.schema.fields if is_choice(f)]
        else:
            targets = list(specs or [])
        for path, action in targets:
            df = _resolve(df, path, action)
        return self._derive(df)

    # -- combining ---------------------------------------------------------------------------

    def join(
        self,
        paths1: str | Sequence[str],
        paths2: str | Sequence[str],
        frame2: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Inner equi-join on ``paths1`` = ``paths2``; both frames' fields are kept."""
        keys1, keys2 = _as_list(paths1), _as_list(paths2)
        if len(keys1) != len(keys2) or not keys1:
            raise GlueShimError(
                f"join keys {keys1} and {keys2} must be non-empty and of equal length"
            )
        left, right = self._df.alias("__left"), frame2._df.alias("__right")
        condition: Column | None = None
        for key1, key2 in zip(keys1, keys2, strict=True):
            spelled1, _ = paths_mod_field(self._df.schema, key1)
            spelled2, _ = paths_mod_field(frame2._df.schema, key2)
            term = F.col("__left." + ".".join(map(fp.quote, spelled1))) == F.col(
                "__right." + ".".join(map(fp.quote, spelled2))
            )
            condition = term if condition is None else condition & term
        shared = set(self._df.columns) & set(frame2._df.columns)
        same_keys = {k for k1, k2 in zip(keys1, keys2, strict=True) if (k := k1) == k2}
        clashes = sorted(shared - same_keys)
        if clashes:
            raise GlueShimError(
                f"join: both frames have field(s) {', '.join(clashes)}; rename one side first"
            )
        columns = [F.col("__left." + fp.quote(c)) for c in self._df.columns] + [
            F.col("__right." + fp.quote(c)) for c in frame2._df.columns if c not in same_keys
        ]
        joined = left.join(right, condition, "inner").select(*columns)
        frame = self._derive(joined)
        frame._upstream = (self, frame2)
        return frame

    def union(
        self,
        other_frame: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Records of both frames; fields missing on one side are null."""
        frame = self._derive(self._df.unionByName(other_frame._df, allowMissingColumns=True))
        frame._upstream = (self, other_frame)
        return frame

    def relationalize(
        self,
        root_table_name: str,
        staging_path: str,
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        """Flatten structs into ``a.b`` columns and move arrays to their own tables.

        The root table keeps, for an array field ``p``, a key whose rows in
        table ``<root>_p`` carry it in ``id``, with ``index`` and ``p.val``
        (or ``p.val.<field>``). Each level is staged under ``staging_path`` so
        the keys are computed once.
        """
        if options:
            raise UnsupportedGlueFeatureError("relationalize options", f"got {dict(options)!r}")
        from playgrounds.glue.relationalize import relationalize

        tables = relationalize(self.glue_ctx, self._df, root_table_name, staging_path)
        return DynamicFrameCollection(
            {name: self._derive(df, name=name) for name, df in tables.items()}, self.glue_ctx
        )

    def unnest(
        self,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Struct fields become top-level fields named by their path (``a.b``); arrays stay."""
        from playgrounds.glue.reshape import unnest

        choices = [f.name for f in self._df.schema.fields if is_choice(f)]
        return self._derive(unnest(self._df, keep_whole=choices))

    def unbox(
        self,
        path: str,
        format: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        **options: Any,
    ) -> DynamicFrame:
        """Parse the JSON text in string field ``path`` into a struct (``format="json"`` only)."""
        if format.lower() != "json":
            raise UnsupportedGlueFeatureError(f"unbox format {format!r}", "the shim unboxes json")
        if options:
            key = next(iter(options))
            raise UnsupportedGlueFeatureError(f"unbox option {key}={options[key]!r}")
        from playgrounds.glue.reshape import unbox_json

        return self._derive(unbox_json(self._df, path))

    def split_rows(
        self,
        comparison_dict: Mapping[str, Mapping[str, Any]],
        name1: str,
        name2: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        """Two frames: ``name1`` with the records meeting every comparison, ``name2`` the rest.

        ``{"age": {">": 10, "<": 20}}`` splits off ages strictly between 10 and 20; a
        record whose field is null stays in ``name2``.
        """
        from playgrounds.glue.reshape import split_condition

        condition = split_condition(self._df, comparison_dict)
        return DynamicFrameCollection(
            {
                name1: self._derive(self._df.where(condition), name=name1),
                name2: self._derive(self._df.where(~condition), name=name2),
            },
            self.glue_ctx,
        )

    def mergeDynamicFrame(
        self,
        stage_dynamic_frame: DynamicFrame,
        primary_keys: str | Sequence[str],
        transformation_ctx: str = "",
        options: Mapping[str, Any] | None = None,
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Records of the staging frame replace the records with the same primary keys.

        Unmatched records stay, duplicates included; every staging record is kept.
        """
        if options:
            raise UnsupportedGlueFeatureError("mergeDynamicFrame options", f"got {dict(options)!r}")
        from playgrounds.glue.reshape import merge

        merged = merge(self._df, stage_dynamic_frame._df, _as_list(primary_keys))
        frame = self._derive(merged)
        frame._upstream = (self, stage_dynamic_frame)
        return frame

    def spigot(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Write a sample of the records as JSON under ``path`` (``topk``, ``prob``); the
        records pass through unchanged. The shim writes at once, Glue when the job runs."""
        from playgrounds.glue.reshape import spigot

        spigot(self._df, path, dict(options or {}))
        return self._derive(self._df)

    def write(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        accumulator_size: int = 0,
    ) -> DynamicFrame:
        """``glue_ctx.write_dynamic_frame.from_options`` for this frame."""
        return self.glue_ctx.write_dynamic_frame_from_options(
            self, connection_type, connection_options, format, format_options
        )

    # -- partitions --------------------------------------------------------------------------

    def repartition(
        self,
        num_partitions: int,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Shuffle into ``num_partitions`` partitions."""
        return self._derive(self._df.repartition(num_partitions))

    def coalesce(
        self,
        num_partitions: int,
        shuffle: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Reduce to ``num_partitions`` partitions (with a shuffle when ``shuffle``)."""
        df = self._df.repartition(num_partitions) if shuffle else self._df.coalesce(num_partitions)
        return self._derive(df)


FULL_RECORDS_ENV = "PLAYGROUNDS_GLUE_FULL_RECORDS"


def _filtered(df: DataFrame, f: Callable[[Any], Any]) -> DataFrame:
    """``df`` where ``f(record)`` is true.

    When ``f``'s code names some of the frame's fields, only those columns go
    to Python (a UDF in ``where``), so Spark prunes the others from the scan
    (prep job: 1.73x of bare PySpark with whole records, 1.31x this way). A
    function that is exactly ``record[field] == "text"`` becomes a Spark
    filter (1.11-1.14x). Otherwise,
    or with ``$PLAYGROUNDS_GLUE_FULL_RECORDS`` set, whole records go through
    Arrow batches.
    """
    columns = columns_of(df)  # names and types without fetching the whole schema
    if columns is None:
        fields = df.schema.names
        strings = [x.name for x in df.schema.fields if isinstance(x.dataType, StringType)]
    else:
        fields = [column.name for column in columns]
        strings = [column.name for column in columns if column.type_name == "STRING"]
    pushed = records.pushable_condition(f, strings, fields)
    if pushed is not None:
        # `record[field] == "text"`: the same answer from Spark, no Python worker.
        return df.where(F.col(fp.quote(pushed[0])) == F.lit(pushed[1]))
    shipped = [] if os.environ.get(FULL_RECORDS_ENV) else records.field_names_in(f, fields)
    if not shipped:
        return df.mapInArrow(records.filter_batches(f), df.schema)  # type: ignore[arg-type]
    keep = F.udf(records.partial_predicate(f, shipped, fields), BooleanType())
    return df.where(keep(*[F.col(fp.quote(name)) for name in shipped]))


def _record_schema(record: Mapping[str, Any]) -> StructType:
    # Fields in the record's own order (pyspark's _infer_schema sorts them).
    return StructType(
        [StructField(k, _infer_type(v, infer_dict_as_struct=True), True) for k, v in record.items()]
    )


def paths_mod_field(schema: StructType, path: str) -> tuple[list[str], DataType]:
    """Resolve a Glue path in ``schema``; the error names the missing field."""
    return fp.field_type(schema, fp.split_path(path), path)


def _project(struct: StructType, base: Column | None, tree: Mapping[str, Any]) -> list[Column]:
    out: list[Column] = []
    for f in struct.fields:
        if f.name not in tree:
            continue
        column = F.col(fp.quote(f.name)) if base is None else base.getField(f.name)
        sub = tree[f.name]
        if sub is None:
            out.append(column.alias(f.name))
        else:
            assert isinstance(f.dataType, StructType)
            inner = _project(f.dataType, column, sub)
            out.append(
                F.when(column.isNull(), F.lit(None)).otherwise(F.struct(*inner)).alias(f.name)
            )
    return out


def _build(tree: Mapping[str, Any]) -> list[Column]:
    out: list[Column] = []
    for name, node in tree.items():
        if isinstance(node, dict):
            out.append(F.struct(*_build(node)).alias(name))
        else:
            out.append(node.alias(name))
    return out


_GLUE_TYPE_NAMES = {"integer": "int", "long": "bigint"}


def _spark_type(glue_type: str, where: str) -> str:
    from pyspark.sql.types import _parse_datatype_string

    name = _GLUE_TYPE_NAMES.get(glue_type.strip().lower(), glue_type.strip())
    try:
        _parse_datatype_string(name)
    except Exception as bad:
        raise GlueShimError(
            f"type {glue_type!r} (for {where!r}) is not a type the shim can cast to"
        ) from bad
    return name


def _resolve(df: DataFrame, path: str, action: str) -> DataFrame:
    spelled, dtype = paths_mod_field(df.schema, path)
    field = _field_at(df.schema, spelled)
    choice = is_choice(field) and isinstance(dtype, StructType)
    members = dtype.fields if isinstance(dtype, StructType) else []
    kind, _, argument = action.partition(":")
    change: Callable[[str, Column], list[Column]]
    if kind in ("cast", "project") and argument:
        spark_type = _spark_type(argument, path)

        def change(name: str, column: Column) -> list[Column]:
            if not choice:
                return [column.cast(spark_type).alias(name)]
            if kind == "cast":
                # Each member cast to the target; the first that casts to a value wins.
                casts = [column.getField(m.name).cast(spark_type) for m in members]
                return [F.coalesce(*casts).alias(name)]
            wanted = _parse_type(spark_type)
            same = [column.getField(m.name) for m in members if m.dataType == wanted]
            return [(same[0] if same else F.lit(None).cast(spark_type)).alias(name)]

    elif kind == "make_struct" and not argument:

        def change(name: str, column: Column) -> list[Column]:
            return [column.alias(name)]

    elif kind == "make_cols" and not argument:

        def change(name: str, column: Column) -> list[Column]:
            if not choice:
                return [column.alias(name)]
            return [column.getField(m.name).alias(f"{name}_{m.name}") for m in members]

    else:
        raise UnsupportedGlueFeatureError(
            f"resolveChoice action {action!r}", "use cast:, project:, make_cols or make_struct"
        )
    resolved = df.select(*fp.rebuild(df.schema, spelled, change))
    if kind == "make_struct" and choice:
        # The struct stays; it is no longer a choice.
        resolved = _unmark(resolved, spelled)
    return resolved


def _parse_type(spark_type: str) -> DataType:
    from pyspark.sql.types import _parse_datatype_string

    return _parse_datatype_string(spark_type)


def _field_at(schema: StructType, spelled: list[str]) -> StructField:
    struct: DataType = schema
    found: StructField | None = None
    for part in spelled:
        assert isinstance(struct, StructType)
        found = struct[part]
        struct = found.dataType
    assert found is not None
    return found


def _unmark(df: DataFrame, spelled: list[str]) -> DataFrame:
    if len(spelled) != 1:
        return df
    name = spelled[0]
    return df.withMetadata(name, {})


def choice_field(name: str, members: Iterable[tuple[str, DataType]]) -> StructField:
    """A choice field: a struct with one field per type name, marked in its metadata."""
    return StructField(
        name,
        StructType([StructField(type_name, dtype, True) for type_name, dtype in members]),
        True,
        metadata={CHOICE_KEY: True},
    )


def array_element(dtype: DataType) -> DataType | None:
    """The element type of an array type, else ``None``."""
    return dtype.elementType if isinstance(dtype, ArrayType) else None


class DynamicFrameCollection:
    """Named DynamicFrames, as returned by ``relationalize`` and ``split_fields``."""

    def __init__(self, dynamic_frames: Mapping[str, DynamicFrame], glue_ctx: GlueContext) -> None:
        self._frames = dict(dynamic_frames)
        self.glue_ctx = glue_ctx

    def __getitem__(self, key: str) -> DynamicFrame:
        return self._frames[key]

    def __len__(self) -> int:
        return len(self._frames)

    def keys(self) -> Iterable[str]:
        """The frame names."""
        return self._frames.keys()

    def values(self) -> Iterable[DynamicFrame]:
        """The frames."""
        return self._frames.values()

    def select(self, key: str, transformation_ctx: str = "") -> DynamicFrame:
        """The frame named ``key``; an error names a missing key."""
        if key not in self._frames:
            raise GlueShimError(
                f"no frame named {key!r} in the collection (has {', '.join(self._frames)})"
            )
        return self._frames[key]

    def map(
        self, callable: Callable[[DynamicFrame, str], DynamicFrame], transformation_ctx: str = ""
    ) -> DynamicFrameCollection:
        """Apply ``callable(frame, transformation_ctx)`` to each frame."""
        return DynamicFrameCollection(
            {name: callable(frame, transformation_ctx) for name, frame in self._frames.items()},
            self.glue_ctx,
        )

    def flatmap(
        self, f: Callable[[DynamicFrame, str], Any], transformation_ctx: str = ""
    ) -> DynamicFrameCollection:
        """Apply ``f``; a collection result is flattened into this one."""
        out: dict[str, DynamicFrame] = {}
        for name, frame in self._frames.items():
            result = f(frame, transformation_ctx)
            if isinstance(result, DynamicFrameCollection):
                out.update({f"{name}_{k}": v for k, v in result._frames.items()})
            else:
                out[name] = result
        return DynamicFrameCollection(out, self.glue_ctx)
