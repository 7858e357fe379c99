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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StructType, _merge_type

from playgrounds.glue import field_paths, records, reshape
from playgrounds.glue.casts import spark_type_name
from playgrounds.glue.choices import catalog_types, is_choice, resolve_choice, schema_tree
from playgrounds.glue.collection import DynamicFrameCollection
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError
from playgrounds.glue.relationalize import flat_tables
from playgrounds.spark import quote_identifier

if TYPE_CHECKING:
    # For annotations only: context.py imports this module to build frames.
    from playgrounds.glue.context import GlueContext


class ResolveOption:
    """One ``resolveChoice`` spec as an object: a field ``path``, an ``action``, a ``target``."""

    def __init__(self, path: str, action: str, target: Any = None) -> None:
        self.path = path
        self.action = action
        self.target = target

    def __repr__(self) -> str:
        return f"ResolveOption({self.path!r}, {self.action!r}, {self.target!r})"


def resolve_spec(path: str, action: str, target: Any) -> tuple[str, str]:
    """A ``ResolveOption``'s ``(path, spec)`` for ``resolveChoice``: KeepAsStruct, Project, Cast."""
    kind = action.upper()
    if kind == "KEEPASSTRUCT":
        return path, "make_struct"
    if kind not in ("PROJECT", "CAST"):
        raise GlueShimError(
            f"ResolveOption action {action!r} for {path!r}: use KeepAsStruct, Project or Cast"
        )
    if target is None:
        raise GlueShimError(f"ResolveOption {action!r} for {path!r} needs a target type")
    # A gluetypes type names itself with typeName(); a Spark type with simpleString().
    name = target.simpleString() if hasattr(target, "simpleString") else target.typeName()
    return path, f"{kind.lower()}:{name}"


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def mapped(df: DataFrame, mappings: Sequence[Sequence[str]], case_sensitive: bool) -> DataFrame:
    """``apply_mapping`` on a DataFrame: the mapped fields, renamed and cast; the rest dropped."""
    schema = df.schema
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
            spelled, _ = field_paths.spelled_path_and_type(schema, source, case_sensitive)
        except GlueShimError as missing:
            raise GlueShimError(
                f"apply_mapping: source column {source!r} does not exist"
            ) from missing
        cast = field_paths.column_at(spelled).cast(spark_type_name(target_type, source))
        node = tree
        target_parts = field_paths.split_path(target)
        for part in target_parts[:-1]:
            node = node.setdefault(part, {})
        node[target_parts[-1]] = cast
    return df.select(*field_paths.nested_columns(tree))


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

    def toDF(self, options: Sequence[ResolveOption] | None = None) -> DataFrame:
        """The records as a DataFrame (an unresolved choice is a struct, one field per type).

        ``options`` settle choices on the way: ``ResolveOption(path, "KeepAsStruct")``,
        ``ResolveOption(path, "Project", LongType())``, ``ResolveOption(path, "Cast", ...)``.
        """
        if not options:
            return self._df
        specs = [resolve_spec(o.path, o.action, o.target) for o in options]
        return self.resolveChoice(specs).toDF()

    def _derive(
        self, df: DataFrame, errors: ErrorSource | None = None, name: str | None = None
    ) -> DynamicFrame:
        frame = DynamicFrame(df, self.glue_ctx, self.name if name is None else name)
        frame._stage_errors = errors
        frame._upstream = (self,)
        return frame

    # -- inspection ----------------------------------------------------------------------

    def count(self) -> int:
        """Number of records."""
        return self._df.count()

    def schema(self) -> StructType:
        """The schema (a Spark ``StructType``; the real one returns awsglue.gluetypes)."""
        return self._df.schema

    def printSchema(self) -> None:
        """Print the schema as Glue does (``root``, ``|-- provider id: choice``)."""
        print(schema_tree(self._df.schema), end="")

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
        kept = field_paths.keep_paths(self._df.schema, _as_list(paths))
        return self._derive(self._df.select(*kept))

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
            spelled, _ = field_paths.spelled_path_and_type(df.schema, path)
            df = df.select(*field_paths.rebuild(df.schema, spelled, lambda name, column: []))
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
        spelled, _ = field_paths.spelled_path_and_type(self._df.schema, oldName)
        new_parts = field_paths.split_path(newName)
        if len(new_parts) != len(spelled) or new_parts[:-1] != spelled[:-1]:
            raise UnsupportedGlueFeatureError(
                f"rename_field from {oldName!r} to {newName!r}",
                "the shim renames within the same struct only",
            )
        renamed = field_paths.rebuild(
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
        return self._derive(mapped(self._df, mappings, case_sensitive))

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
        kept = records.filter_records(self._df, f)
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

        frame = self._from_tagged(self._df.rdd.map(apply))
        frame._check_thresholds(
            stageThreshold, totalThreshold, f"map {transformation_ctx or info}".strip()
        )
        return frame

    def _from_tagged(self, tagged: Any) -> DynamicFrame:
        """A frame of the ``(True, dict)`` results (schema inferred), ``(False, error)`` errors."""
        spark = self._df.sparkSession
        results = tagged.filter(lambda t: t[0]).map(lambda t: t[1])
        inferred = results.map(records.record_schema).fold(StructType(), _merge_type)
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

        return self._derive(mapped, errors)

    def mapPartitions(
        self,
        f: Callable[[Iterator[Any]], Iterable[Any]],
        preservesPartitioning: bool = True,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Apply ``f`` to each partition's records (an iterator of dicts); it yields dicts."""
        return self.mapPartitionsWithIndex(
            lambda _index, partition: f(partition),
            preservesPartitioning, transformation_ctx, info, stageThreshold, totalThreshold,
        )  # fmt: skip

    def mapPartitionsWithIndex(
        self,
        f: Callable[[int, Iterator[Any]], Iterable[Any]],
        preservesPartitioning: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Apply ``f(index, records)`` to each partition; a yielded non-dict is an error record.

        An exception raised by ``f`` fails the job (it belongs to no single record).
        """

        def apply(index: int, rows: Iterable[Any]) -> Iterator[tuple[bool, Any]]:
            partition = (records.DynamicRecord(row.asDict(recursive=True)) for row in rows)
            for result in f(index, partition):
                if isinstance(result, dict):
                    yield True, dict(result)
                else:
                    yield (
                        False,
                        (
                            f"TypeError: partition function yielded {type(result).__name__}, "
                            "not a dict",
                            records.record_json({"value": str(result)}),
                        ),
                    )

        tagged = self._df.rdd.mapPartitionsWithIndex(apply, preservesPartitioning)
        frame = self._from_tagged(tagged)
        frame._check_thresholds(
            stageThreshold, totalThreshold, f"mapPartitions {transformation_ctx or info}".strip()
        )
        return frame

    def with_frame_schema(self, schema: Any) -> DynamicFrame:
        """Not available: the shim's frames carry a Spark schema, not Glue's per-record one."""
        raise UnsupportedGlueFeatureError(
            "DynamicFrame.with_frame_schema", "frames here carry a Spark schema; use toDF().to()"
        )

    def unnest_ddb_json(
        self,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Not available: DynamoDB export reading is not part of the shim."""
        raise UnsupportedGlueFeatureError(
            "DynamicFrame.unnest_ddb_json", "DynamoDB exports are not read locally"
        )

    def simplify_ddb_json(self) -> DynamicFrame:
        """Not available: DynamoDB export reading is not part of the shim."""
        raise UnsupportedGlueFeatureError(
            "DynamicFrame.simplify_ddb_json", "DynamoDB exports are not read locally"
        )

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
        """Settle choices: ``cast:<type>``, ``project:<type>``, ``make_cols``, ``make_struct``,
        ``match_catalog`` (cast to the type of ``database.table_name``'s column).

        ``specs`` name fields; ``choice`` applies one action to every choice field.
        On a field that is not a choice, ``cast:`` and ``project:`` cast it and
        ``make_cols`` / ``make_struct`` leave it alone, as on Glue.
        """
        if specs and choice:
            raise GlueShimError("resolveChoice takes specs or choice, not both")
        if not specs and not choice:
            raise GlueShimError("resolveChoice needs specs or choice")
        if catalog_id:
            raise UnsupportedGlueFeatureError(
                "resolveChoice catalog_id", "the local catalog has one account"
            )
        df = self._df
        if choice:
            targets = [(quote_identifier(f.name), choice) for f in df.schema.fields if is_choice(f)]
        else:
            targets = list(specs or [])
        if any(action == "match_catalog" for _, action in targets):
            targets = self._catalog_casts(targets, database, table_name, bool(choice))
        for path, action in targets:
            df = resolve_choice(df, path, action)
        return self._derive(df)

    def _catalog_casts(
        self,
        targets: list[tuple[str, str]],
        database: str | None,
        table_name: str | None,
        every_choice: bool,
    ) -> list[tuple[str, str]]:
        """``match_catalog`` as ``cast:<the catalog column's type>`` for each target."""
        if not database or not table_name:
            raise GlueShimError("resolveChoice match_catalog needs database and table_name")
        types = catalog_types(self.glue_ctx.spark_session, database, table_name)
        casts = []
        for path, action in targets:
            if action != "match_catalog":
                casts.append((path, action))
                continue
            spelled, _ = field_paths.spelled_path_and_type(self._df.schema, path)
            dtype = types.get(spelled[0].lower()) if len(spelled) == 1 else None
            if dtype is not None:
                casts.append((path, f"cast:{dtype.simpleString()}"))
            elif not every_choice:
                raise GlueShimError(
                    f"resolveChoice match_catalog: table {database}.{table_name} "
                    f"has no column {path!r}"
                )
        return casts

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
        """Inner equi-join on ``paths1`` = ``paths2``; both frames' fields are kept.

        A field of ``frame2`` whose name ``self`` also has (a same-named key
        included) comes back as ``.name``, as on Glue (see
        :func:`~playgrounds.glue.reshape.joined_field_names`).
        """
        keys1, keys2 = _as_list(paths1), _as_list(paths2)
        if len(keys1) != len(keys2) or not keys1:
            raise GlueShimError(
                f"join keys {keys1} and {keys2} must be non-empty and of equal length"
            )
        left, right = self._df.alias("__left"), frame2._df.alias("__right")
        condition: Column | None = None
        for key1, key2 in zip(keys1, keys2, strict=True):
            spelled1, _ = field_paths.spelled_path_and_type(self._df.schema, key1)
            spelled2, _ = field_paths.spelled_path_and_type(frame2._df.schema, key2)
            term = F.col("__left." + ".".join(map(quote_identifier, spelled1))) == F.col(
                "__right." + ".".join(map(quote_identifier, spelled2))
            )
            condition = term if condition is None else condition & term
        columns = [F.col("__left." + quote_identifier(c)) for c in self._df.columns] + [
            F.col("__right." + quote_identifier(c)).alias(name)
            for c, name in reshape.joined_field_names(self._df.columns, frame2._df.columns)
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
        spark = self.glue_ctx.spark_session
        tables = flat_tables(spark, self._df, root_table_name, staging_path)
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
        choices = [f.name for f in self._df.schema.fields if is_choice(f)]
        return self._derive(reshape.unnest(self._df, keep_whole=choices))

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
        return self._derive(reshape.unbox_json(self._df, path))

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
        condition = reshape.split_condition(self._df, comparison_dict)
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
        merged = reshape.merge(self._df, stage_dynamic_frame._df, _as_list(primary_keys))
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
        reshape.spigot(self._df, path, dict(options or {}))
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
