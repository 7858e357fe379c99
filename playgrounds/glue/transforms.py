"""``awsglue.transforms``: transform classes with ``apply(...)`` and Glue's keyword names."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pyspark.sql import functions as F

from playgrounds.glue.collection import DynamicFrameCollection
from playgrounds.glue.dynamicframe import DynamicFrame
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError
from playgrounds.spark import quote_identifier


class GlueTransform:
    """Base class: ``Transform.apply(**kwargs)`` calls ``Transform()(**kwargs)``."""

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the transform."""
        return cls()(*args, **kwargs)

    @classmethod
    def name(cls) -> str:
        """The transform's name."""
        return cls.__name__

    @classmethod
    def describeArgs(cls) -> list[dict[str, Any]]:
        """Argument descriptions (the shim gives none)."""
        return []

    @classmethod
    def describeReturn(cls) -> dict[str, str]:
        """Return description."""
        return {"type": "DynamicFrame"}

    @classmethod
    def describeTransform(cls) -> str:
        """One-line description: the class docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    @classmethod
    def describeErrors(cls) -> list[dict[str, str]]:
        """Error descriptions (the shim gives none)."""
        return []

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Everything ``describe*`` returns, in one dict."""
        return {
            "transform": {"name": cls.name(), "description": cls.describeTransform()},
            "args": cls.describeArgs(),
            "returns": cls.describeReturn(),
            "raises": cls.describeErrors(),
        }

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __repr__(self) -> str:
        return f"<Transform: {self.name()}>"


class ApplyMapping(GlueTransform):
    """Select, rename and cast fields with (source, source_type, target, target_type) tuples."""

    def __call__(
        self,
        frame: DynamicFrame,
        mappings: Sequence[Sequence[str]],
        case_sensitive: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.apply_mapping(
            mappings, case_sensitive, transformation_ctx, info, stageThreshold, totalThreshold
        )


class Filter(GlueTransform):
    """Keep the records for which ``f(record)`` is true."""

    def __call__(
        self,
        frame: DynamicFrame,
        f: Callable[[Any], Any],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.filter(f, transformation_ctx, info, stageThreshold, totalThreshold)


class Map(GlueTransform):
    """Apply ``f`` to every record."""

    def __call__(
        self,
        frame: DynamicFrame,
        f: Callable[[Any], Any],
        preservesPartitioning: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.map(
            f, preservesPartitioning, transformation_ctx, info, stageThreshold, totalThreshold
        )


class Join(GlueTransform):
    """Inner equi-join of two frames on ``keys1`` = ``keys2``."""

    def __call__(
        self,
        frame1: DynamicFrame,
        frame2: DynamicFrame,
        keys1: str | Sequence[str],
        keys2: str | Sequence[str],
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        return frame1.join(keys1, keys2, frame2, transformation_ctx)


class DropFields(GlueTransform):
    """Drop fields by path."""

    def __call__(
        self,
        frame: DynamicFrame,
        paths: Sequence[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.drop_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class SelectFields(GlueTransform):
    """Keep only the fields given by path."""

    def __call__(
        self,
        frame: DynamicFrame,
        paths: Sequence[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.select_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class RenameField(GlueTransform):
    """Rename one field (dotted and back-quoted paths accepted)."""

    def __call__(
        self,
        frame: DynamicFrame,
        old_name: str,
        new_name: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.rename_field(
            old_name, new_name, transformation_ctx, info, stageThreshold, totalThreshold
        )


class ResolveChoice(GlueTransform):
    """Settle choice fields (``cast:``, ``project:``, ``make_cols``, ``make_struct``)."""

    def __call__(
        self,
        frame: DynamicFrame,
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
        return frame.resolveChoice(
            specs,
            choice,
            database,
            table_name,
            transformation_ctx,
            info,
            stageThreshold,
            totalThreshold,
            catalog_id,
        )


class DropNullFields(GlueTransform):
    """Drop the fields whose every value is null."""

    def __call__(
        self,
        frame: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        df = frame.toDF()
        if not df.columns:
            return frame
        counts = df.select(
            *[F.count(F.col(quote_identifier(c))).alias(str(i)) for i, c in enumerate(df.columns)]
        ).first()
        assert counts is not None
        empty = [c for i, c in enumerate(df.columns) if counts[str(i)] == 0]
        return frame._derive(df.drop(*empty))


class Relationalize(GlueTransform):
    """Flatten nested fields and split arrays into their own frames."""

    def __call__(
        self,
        frame: DynamicFrame,
        staging_path: str | None = None,
        name: str = "roottable",
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        if staging_path is None:
            raise GlueShimError("Relationalize needs staging_path (a folder for intermediate data)")
        return frame.relationalize(
            name, staging_path, options, transformation_ctx, info, stageThreshold, totalThreshold
        )


class SplitFields(GlueTransform):
    """Split a frame in two by field paths."""

    def __call__(
        self,
        frame: DynamicFrame,
        paths: Sequence[str],
        name1: str | None = None,
        name2: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        first = name1 or "frame1"
        second = name2 or "frame2"
        return frame.split_fields(
            paths, first, second, transformation_ctx, info, stageThreshold, totalThreshold
        )


class Repartition(GlueTransform):
    """Shuffle into ``num_partitions`` partitions."""

    def __call__(
        self,
        frame: DynamicFrame,
        num_partitions: int,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.repartition(
            num_partitions, transformation_ctx, info, stageThreshold, totalThreshold
        )


class Coalesce(GlueTransform):
    """Reduce to ``num_partitions`` partitions."""

    def __call__(
        self,
        frame: DynamicFrame,
        num_partitions: int,
        shuffle: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.coalesce(
            num_partitions, shuffle, transformation_ctx, info, stageThreshold, totalThreshold
        )


class Union(GlueTransform):
    """Records of two frames."""

    def __call__(
        self,
        frame1: DynamicFrame,
        frame2: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame1.union(frame2, transformation_ctx, info, stageThreshold, totalThreshold)


class SelectFromCollection(GlueTransform):
    """One frame of a collection, by key."""

    def __call__(
        self, dfc: DynamicFrameCollection, key: str, transformation_ctx: str = ""
    ) -> DynamicFrame:
        return dfc.select(key, transformation_ctx)


class ErrorsAsDynamicFrame(GlueTransform):
    """The error records of a frame's lineage."""

    def __call__(self, frame: DynamicFrame) -> DynamicFrame:
        return frame.errorsAsDynamicFrame()


def _unsupported(name: str) -> type[GlueTransform]:
    def call(self: GlueTransform, *args: Any, **kwargs: Any) -> Any:
        raise UnsupportedGlueFeatureError(f"transform {name}")

    return type(
        name, (GlueTransform,), {"__call__": call, "__doc__": f"Not supported by the shim: {name}."}
    )


class UnnestFrame(GlueTransform):
    """Struct fields become top-level fields named by their path (``a.b``)."""

    def __call__(
        self,
        frame: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return frame.unnest(transformation_ctx, info, stageThreshold, totalThreshold)


class Unbox(GlueTransform):
    """Parse the JSON text in a string field into a struct."""

    def __call__(
        self,
        frame: DynamicFrame,
        path: str,
        format: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        **options: Any,
    ) -> DynamicFrame:
        return frame.unbox(
            path, format, transformation_ctx, info, stageThreshold, totalThreshold, **options
        )


class SplitRows(GlueTransform):
    """Split the records meeting every comparison off into their own frame."""

    def __call__(
        self,
        frame: DynamicFrame,
        comparison_dict: Mapping[str, Mapping[str, Any]],
        name1: str = "frame1",
        name2: str = "frame2",
        transformation_ctx: str = "",
        info: str | None = None,
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        return frame.split_rows(
            comparison_dict, name1, name2, transformation_ctx, info or "", stageThreshold,
            totalThreshold,
        )  # fmt: skip


class Spigot(GlueTransform):
    """Write a sample of the records under a path; the records pass through."""

    def __call__(
        self,
        frame: DynamicFrame,
        path: str,
        options: Mapping[str, Any],
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        return frame.spigot(path, options, transformation_ctx)


# Present so that `from awsglue.transforms import *` works as on Glue; using one raises.
MapToCollection = _unsupported("MapToCollection")
FlatMap = _unsupported("FlatMap")

SUPPORTED_TRANSFORMS: tuple[type[GlueTransform], ...] = (
    ApplyMapping,
    Filter,
    Map,
    Join,
    DropFields,
    SelectFields,
    RenameField,
    ResolveChoice,
    DropNullFields,
    Relationalize,
    SplitFields,
    Repartition,
    Coalesce,
    Union,
    SelectFromCollection,
    ErrorsAsDynamicFrame,
    UnnestFrame,
    Unbox,
    SplitRows,
    Spigot,
)
ALL_TRANSFORMS = {
    *SUPPORTED_TRANSFORMS,
    MapToCollection,
    FlatMap,
}
