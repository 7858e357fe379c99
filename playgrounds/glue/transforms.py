"""``awsglue.transforms``: transform classes with ``apply(...)`` and Glue's keyword names."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pyspark.sql import functions as F

from playgrounds.glue.collection import DynamicFrameCollection
from playgrounds.glue.dynamicframe import DynamicFrame
from playgrounds.glue.errors import GlueShimError
from playgrounds.spark import quote_identifier

# What each argument of the transforms means, for ``describeArgs``.
_ARGUMENT_DESCRIPTIONS = {
    "frame": "the DynamicFrame to transform",
    "frame1": "the first DynamicFrame",
    "frame2": "the second DynamicFrame",
    "dfc": "the DynamicFrameCollection to transform",
    "mappings": "(source path, source type, target path, target type) tuples",
    "case_sensitive": "whether source paths match field names case-sensitively",
    "f": "the function applied to each record (a dict-like DynamicRecord)",
    "callable": "the function applied to each frame with its transformation context",
    "preservesPartitioning": "whether the function keeps Spark's partitioning",
    "keys1": "the join key fields of the first frame",
    "keys2": "the join key fields of the second frame",
    "paths": "field paths (dotted for nested fields, back-quoted when a name holds a dot)",
    "old_name": "the path of the field to rename",
    "new_name": "the field's new name",
    "specs": "(path, action) pairs: cast:T, project:T, make_cols, make_struct",
    "choice": "one action for every choice field",
    "database": "the catalog database for match_catalog",
    "table_name": "the catalog table for match_catalog",
    "catalog_id": "the catalog's account id (None: this account)",
    "staging_path": "a folder for intermediate data",
    "name": "the name of the root frame",
    "options": "a dict of options for the transform",
    "name1": "the name of the frame holding the split-off part",
    "name2": "the name of the frame holding the rest",
    "num_partitions": "the number of partitions",
    "shuffle": "whether to shuffle (a full repartition) rather than merge partitions",
    "key": "the name of the frame to select",
    "path": "the field path (or the output path for Spigot)",
    "format": "the format of the text in the field (json)",
    "comparison_dict": "{path: {operator: value}} comparisons a record must all meet",
    "BaseTransform": "the transform class applied to each frame",
    "frame_name": "the argument name under which BaseTransform takes the frame",
    "base_kwargs": "further keyword arguments for BaseTransform",
    "transformation_ctx": "a unique name for the step (job bookmarks key on it)",
    "info": "a text attached to the step's errors",
    "stageThreshold": "errors allowed in this step before it fails (0: no limit)",
    "totalThreshold": "errors allowed up to this step before it fails (0: no limit)",
}
_RETURN_DESCRIPTIONS = {
    "DynamicFrame": "the transformed DynamicFrame",
    "DynamicFrameCollection": "the resulting frames, by name",
}
_UNSUPPORTED_OPTION_TRANSFORMS = {"Relationalize", "Unbox", "ResolveChoice", "RenameField"}
_TYPE_LABELS = {
    "DynamicFrame": "DynamicFrame",
    "DynamicFrameCollection": "DynamicFrameCollection",
    "str": "String",
    "int": "Integer",
    "bool": "Boolean",
    "Callable": "Function",
    "Sequence": "List",
    "Mapping": "Dictionary",
    "type": "GlueTransform",
}


def _call_parameters(transform: type[GlueTransform]) -> list[inspect.Parameter]:
    if transform is GlueTransform:
        raise NotImplementedError("describeArgs is defined by each transform, not GlueTransform")
    parameters = list(inspect.signature(transform.__call__).parameters.values())[1:]
    return [p for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL]


def _glue_type_label(annotation: Any) -> str:
    """``Sequence[str] | None`` -> ``List``: the first known name in the annotation's text."""
    text = str(annotation)
    for word in text.replace("[", " ").replace("|", " ").replace(",", " ").split():
        if word in _TYPE_LABELS:
            return _TYPE_LABELS[word]
    return "Object"


def _default_label(value: Any) -> str | None:
    return None if value is None else str(value)


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
        """The arguments of ``apply``: name, type, description, optional, defaultValue."""
        described = []
        for parameter in _call_parameters(cls):
            variadic = parameter.kind is inspect.Parameter.VAR_KEYWORD
            has_default = parameter.default is not inspect.Parameter.empty
            described.append(
                {
                    "name": parameter.name,
                    "type": _glue_type_label(parameter.annotation),
                    "description": _ARGUMENT_DESCRIPTIONS.get(parameter.name, parameter.name),
                    "optional": has_default or variadic,
                    "defaultValue": None if not has_default else _default_label(parameter.default),
                }
            )
        return described

    @classmethod
    def describeReturn(cls) -> dict[str, str]:
        """The type ``apply`` returns and what it holds."""
        returned = _glue_type_label(inspect.signature(cls.__call__).return_annotation)
        if cls is GlueTransform:
            raise NotImplementedError(
                "describeReturn is defined by each transform, not GlueTransform"
            )
        return {"type": returned, "description": _RETURN_DESCRIPTIONS[returned]}

    @classmethod
    def describeTransform(cls) -> str:
        """What the transform does, in one line."""
        if cls is GlueTransform:
            raise NotImplementedError(
                "describeTransform is defined by each transform, not GlueTransform"
            )
        return (cls.__doc__ or cls.__name__).strip().splitlines()[0]

    @classmethod
    def describeErrors(cls) -> list[dict[str, str]]:
        """The errors ``apply`` raises on bad input, beyond those of Spark itself."""
        if cls is GlueTransform:
            raise NotImplementedError(
                "describeErrors is defined by each transform, not GlueTransform"
            )
        names = {p.name for p in _call_parameters(cls)}
        errors = []
        if "stageThreshold" in names:
            errors.append(
                {"type": "GlueShimError",
                 "description": "more records failed than stageThreshold or totalThreshold allow"}
            )  # fmt: skip
        if cls.__name__ in _UNSUPPORTED_OPTION_TRANSFORMS:
            errors.append(
                {"type": "UnsupportedGlueFeatureError",
                 "description": "an option the local shim does not implement"}
            )  # fmt: skip
        return errors

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Everything ``describe*`` returns, in Glue's layout (``{"transform": {...}}``)."""
        return {
            "transform": {
                "name": cls.name(),
                "args": cls.describeArgs(),
                "returns": cls.describeReturn(),
                "description": cls.describeTransform(),
                "raises": cls.describeErrors(),
                "location": "internal",
            }
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


class MapToCollection(GlueTransform):
    """Apply a function to each frame of a collection."""

    def __call__(
        self,
        dfc: DynamicFrameCollection,
        callable: Callable[[DynamicFrame, str], DynamicFrame],
        transformation_ctx: str = "",
    ) -> DynamicFrameCollection:
        return dfc.map(callable, transformation_ctx)


class FlatMap(GlueTransform):
    """Apply a transform to each frame of a collection; collection results are flattened."""

    def __call__(
        self,
        dfc: DynamicFrameCollection,
        BaseTransform: type[GlueTransform],
        frame_name: str,
        transformation_ctx: str = "",
        **base_kwargs: Any,
    ) -> DynamicFrameCollection:
        def apply_to(frame: DynamicFrame, context: str) -> Any:
            arguments = {**base_kwargs, frame_name: frame, "transformation_ctx": context}
            return BaseTransform.apply(**arguments)

        return dfc.flatmap(apply_to, transformation_ctx)


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
    MapToCollection,
    FlatMap,
)
ALL_TRANSFORMS = set(SUPPORTED_TRANSFORMS)


def get_transforms() -> set[GlueTransform]:
    """One instance of every transform."""
    return {transform() for transform in ALL_TRANSFORMS}


def get_transform(name: str) -> GlueTransform | None:
    """The transform named ``name`` (any case), or None."""
    found = [t for t in get_transforms() if t.name().lower() == name.lower()]
    return found[0] if found else None


def describe_transform(name: str) -> str:
    """The transform's ``describe()`` as indented JSON (``{}`` for an unknown name)."""
    transform = get_transform(name)
    return json.dumps(
        transform.describe() if transform else {}, sort_keys=True, indent=4, separators=(",", ": ")
    )
