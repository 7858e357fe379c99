"""``awsglue.gluetypes``: Glue's own type objects, their JSON form, and how two types merge.

Glue describes a DynamicFrame's schema with these classes rather than Spark's:
a type is ``{"dataType": <name>, "properties": {...}}`` plus its parts (a
field's type sits under ``"container"``), and two different types of one field
merge into a ``choice``. :func:`from_spark_type` turns a Spark type (with the
shim's choice structs, see :mod:`playgrounds.glue.choices`) into these.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pyspark.sql import types as spark_types

from playgrounds.glue.choices import is_choice
from playgrounds.glue.errors import UnsupportedGlueFeatureError

Properties = Mapping[str, Any]


class DataType:
    """A Glue type: its name (``typeName``) and free-form ``properties``."""

    def __init__(self, properties: Properties | None = None) -> None:
        self.properties: dict[str, Any] = dict(properties or {})

    @classmethod
    def typeName(cls) -> str:
        """The type's name in Glue's JSON: the class name without ``Type``, lower case."""
        return cls.__name__.removesuffix("Type").lower()

    def jsonValue(self) -> dict[str, Any]:
        """The type as Glue's JSON object."""
        return {"dataType": self.typeName(), "properties": self.properties}

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.properties})"


class AtomicType(DataType):
    """A type with no parts (numbers, strings, dates...)."""

    @classmethod
    def fromJsonValue(cls, json_value: Mapping[str, Any]) -> DataType:
        """The type from its JSON object (every key but ``dataType`` is an argument)."""
        return cls(**{key: value for key, value in json_value.items() if key != "dataType"})


class BinaryType(AtomicType):
    """Bytes."""


class BooleanType(AtomicType):
    """True or false."""


class ByteType(AtomicType):
    """8-bit integer."""


class DateType(AtomicType):
    """A calendar date."""


class DoubleType(AtomicType):
    """64-bit floating point."""


class FloatType(AtomicType):
    """32-bit floating point."""


class IntegerType(AtomicType):
    """32-bit integer (Glue spells it ``int``)."""

    @classmethod
    def typeName(cls) -> str:
        """``int``, as in Glue's schemas."""
        return "int"


class LongType(AtomicType):
    """64-bit integer."""


class NullType(AtomicType):
    """Only nulls seen."""


class ShortType(AtomicType):
    """16-bit integer."""


class StringType(AtomicType):
    """Text."""


class TimestampType(AtomicType):
    """A point in time."""


class TimestampNTZType(AtomicType):
    """A timestamp without time zone."""


class UnknownType(AtomicType):
    """Not known yet: merges into whatever it meets."""


class DecimalType(AtomicType):
    """Fixed-point number with ``precision`` digits, ``scale`` of them after the point."""

    def __init__(self, precision: int = 10, scale: int = 2, properties: Properties | None = None):
        super().__init__(properties)
        self.precision = precision
        self.scale = scale

    def jsonValue(self) -> dict[str, Any]:
        """The type with its precision and scale."""
        return {**super().jsonValue(), "precision": self.precision, "scale": self.scale}

    def __repr__(self) -> str:
        return f"DecimalType({self.precision}, {self.scale}, {self.properties})"


class EnumType(AtomicType):
    """A string out of a fixed list of ``options``."""

    def __init__(self, options: Iterable[str], properties: Properties | None = None) -> None:
        super().__init__(properties)
        self.options = list(options)

    def jsonValue(self) -> dict[str, Any]:
        """The type with its options."""
        return {**super().jsonValue(), "options": list(self.options)}

    def __repr__(self) -> str:
        shown = ",".join(self.options[:3]) + (",..." if len(self.options) > 3 else "")
        return f"EnumType([{shown}], {self.properties})"


def _checked(value: Any, what: str) -> DataType:
    if not isinstance(value, DataType):
        raise TypeError(f"{what} should be a gluetypes DataType, not {type(value).__name__}")
    return value


class ArrayType(DataType):
    """A list of ``elementType`` values."""

    def __init__(
        self, elementType: DataType | None = None, properties: Properties | None = None
    ) -> None:
        super().__init__(properties)
        self.elementType = _checked(elementType or UnknownType(), "elementType")

    def jsonValue(self) -> dict[str, Any]:
        """The type with its element type."""
        return {**super().jsonValue(), "elementType": self.elementType.jsonValue()}

    @classmethod
    def fromJsonValue(cls, json_value: Mapping[str, Any]) -> DataType:
        """The type from its JSON object."""
        return cls(from_json(json_value["elementType"]), json_value.get("properties"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.elementType}, {self.properties})"


class SetType(ArrayType):
    """A set of ``elementType`` values (JSON as for an array, named ``set``)."""


class MapType(DataType):
    """String keys to ``valueType`` values."""

    def __init__(
        self, valueType: DataType | None = None, properties: Properties | None = None
    ) -> None:
        super().__init__(properties)
        self.valueType = _checked(valueType or UnknownType(), "valueType")

    def jsonValue(self) -> dict[str, Any]:
        """The type with its value type."""
        return {**super().jsonValue(), "valueType": self.valueType.jsonValue()}

    @classmethod
    def fromJsonValue(cls, json_value: Mapping[str, Any]) -> DataType:
        """The type from its JSON object."""
        return cls(from_json(json_value["valueType"]), json_value.get("properties"))

    def __repr__(self) -> str:
        return f"MapType({self.valueType}, {self.properties})"


class ChoiceType(DataType):
    """A field seen with more than one type: one choice per type name."""

    def __init__(
        self, choices: Iterable[DataType] = (), properties: Properties | None = None
    ) -> None:
        super().__init__(properties)
        self.choices: dict[str, DataType] = {}
        for choice in choices:
            self.add(choice)

    def add(self, new_choice: DataType) -> None:
        """Add a choice; a second choice of the same type name is a ValueError."""
        name = new_choice.typeName()
        if name in self.choices:
            raise ValueError(f"the choice already has a {name} type")
        self.choices[name] = new_choice

    def merge(self, new_choices: DataType | list[DataType]) -> None:
        """Merge each type into the choice of its type name (adding it when new)."""
        for choice in new_choices if isinstance(new_choices, list) else [new_choices]:
            known = self.choices.get(choice.typeName(), UnknownType())
            self.choices[choice.typeName()] = mergeDataTypes(known, choice)

    def jsonValue(self) -> dict[str, Any]:
        """The type with its choices."""
        return {**super().jsonValue(), "choices": [c.jsonValue() for c in self.choices.values()]}

    @classmethod
    def fromJsonValue(cls, json_value: Mapping[str, Any]) -> DataType:
        """The type from its JSON object."""
        return cls([from_json(c) for c in json_value["choices"]], json_value.get("properties"))

    def __repr__(self) -> str:
        ordered = sorted(self.choices.values(), key=lambda c: c.typeName())
        return f"ChoiceType([{','.join(map(str, ordered))}], {self.properties})"


class Field:
    """A named field of a struct."""

    def __init__(self, name: str, dataType: DataType, properties: Properties | None = None):
        if not isinstance(name, str):
            raise TypeError(f"a field name is a string, not {type(name).__name__}")
        self.name = name
        self.dataType = _checked(dataType, f"field {name!r}'s dataType")
        self.properties: dict[str, Any] = dict(properties or {})

    def jsonValue(self) -> dict[str, Any]:
        """The field as Glue's JSON object (its type under ``container``)."""
        return {"name": self.name, "container": self.dataType.jsonValue(),
                "properties": self.properties}  # fmt: skip

    @classmethod
    def fromJsonValue(cls, json_value: Mapping[str, Any]) -> Field:
        """The field from its JSON object."""
        return cls(
            json_value["name"], from_json(json_value["container"]), json_value.get("properties")
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Field) and self.name == other.name and self.dataType == other.dataType
        )

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"Field({self.name}, {self.dataType}, {self.properties})"


class StructType(DataType):
    """Named fields, in order."""

    def __init__(self, fields: Iterable[Field] = (), properties: Properties | None = None):
        super().__init__(properties)
        self.fields: list[Field] = []
        self.field_map: dict[str, Field] = {}
        for field in fields:
            self.add(field)

    def add(self, field: Field) -> None:
        """Append a field."""
        if not isinstance(field, Field):
            raise TypeError(f"StructType.add takes a Field, not {type(field).__name__}")
        self.fields.append(field)
        self.field_map[field.name] = field

    def hasField(self, field: Field | str) -> bool:
        """Whether a field of that name (or that field's name) is present."""
        return (field.name if isinstance(field, Field) else field) in self.field_map

    def getField(self, field: Field | str) -> Field:
        """The field of that name; KeyError when absent."""
        return self.field_map[field.name if isinstance(field, Field) else field]

    def jsonValue(self) -> dict[str, Any]:
        """The struct with its fields."""
        return {**super().jsonValue(), "fields": [f.jsonValue() for f in self.fields]}

    @classmethod
    def fromJsonValue(cls, json_value: Mapping[str, Any]) -> DataType:
        """The struct from its JSON object."""
        fields = [Field.fromJsonValue(f) for f in json_value["fields"]]
        return cls(fields, json_value.get("properties"))

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __repr__(self) -> str:
        return f"StructType([{','.join(map(str, self.fields))}], {self.properties})"


class EntityType(DataType):
    """Glue's entity types (not modelled by Glue's Python library either)."""

    def __init__(self, entity: Any, base_type: Any, properties: Properties | None) -> None:
        raise UnsupportedGlueFeatureError("gluetypes.EntityType", "Glue does not support it")


_TYPES_BY_NAME: dict[str, type[Any]] = {
    t.typeName(): t
    for t in (
        BinaryType, BooleanType, ByteType, DateType, DecimalType, DoubleType, EnumType,
        FloatType, IntegerType, LongType, NullType, ShortType, StringType, TimestampType,
        TimestampNTZType, UnknownType, ArrayType, SetType, MapType, ChoiceType, StructType,
    )
}  # fmt: skip


def from_json(json_value: Mapping[str, Any]) -> DataType:
    """A type from Glue's JSON object; an unknown ``dataType`` is a ValueError naming it."""
    name = json_value.get("dataType")
    if name not in _TYPES_BY_NAME:
        raise ValueError(f"unknown Glue dataType {name!r} (known: {', '.join(_TYPES_BY_NAME)})")
    result: DataType = _TYPES_BY_NAME[name].fromJsonValue(json_value)
    return result


def _as_choices(t: DataType) -> dict[str, DataType]:
    return dict(t.choices) if isinstance(t, ChoiceType) else {t.typeName(): t}


def mergeDataTypes(s1: DataType, s2: DataType) -> DataType:
    """The type of a field seen as ``s1`` and as ``s2``: same kinds merge, others make a choice."""
    if isinstance(s1, (UnknownType, NullType)):
        return s2
    if isinstance(s2, (UnknownType, NullType)):
        return s1
    if type(s1) is not type(s2) or isinstance(s1, ChoiceType):
        merged = _as_choices(s2)
        for name, left in _as_choices(s1).items():
            merged[name] = mergeDataTypes(left, merged[name]) if name in merged else left
        return ChoiceType(merged.values(), s1.properties)
    if isinstance(s1, StructType) and isinstance(s2, StructType):
        fields = [
            Field(f.name, mergeDataTypes(f.dataType, s2.getField(f).dataType), f.properties)
            if s2.hasField(f)
            else Field(f.name, f.dataType, f.properties)
            for f in s1
        ]
        fields += [Field(f.name, f.dataType, f.properties) for f in s2 if not s1.hasField(f)]
        return StructType(fields, s1.properties)
    if isinstance(s1, ArrayType) and isinstance(s2, ArrayType):
        return type(s1)(mergeDataTypes(s1.elementType, s2.elementType))
    if isinstance(s1, MapType) and isinstance(s2, MapType):
        return MapType(mergeDataTypes(s1.valueType, s2.valueType))
    if isinstance(s1, EnumType) and isinstance(s2, EnumType):
        return EnumType(s1.options + s2.options)
    return s1


_FROM_SPARK_ATOMIC: dict[type[spark_types.DataType], type[AtomicType]] = {
    spark_types.BinaryType: BinaryType,
    spark_types.BooleanType: BooleanType,
    spark_types.ByteType: ByteType,
    spark_types.DateType: DateType,
    spark_types.DoubleType: DoubleType,
    spark_types.FloatType: FloatType,
    spark_types.IntegerType: IntegerType,
    spark_types.LongType: LongType,
    spark_types.NullType: NullType,
    spark_types.ShortType: ShortType,
    spark_types.StringType: StringType,
    spark_types.TimestampType: TimestampType,
    spark_types.TimestampNTZType: TimestampNTZType,
}


def _members(choice: spark_types.StructField) -> list[spark_types.StructField]:
    assert isinstance(choice.dataType, spark_types.StructType)  # a choice is a struct
    return choice.dataType.fields


def from_spark_type(spark_type: spark_types.DataType) -> DataType:
    """The Glue type of a Spark type; the shim's choice structs become :class:`ChoiceType`."""
    if isinstance(spark_type, spark_types.DecimalType):
        return DecimalType(spark_type.precision, spark_type.scale)
    if isinstance(spark_type, spark_types.ArrayType):
        return ArrayType(from_spark_type(spark_type.elementType))
    if isinstance(spark_type, spark_types.MapType):
        return MapType(from_spark_type(spark_type.valueType))
    if isinstance(spark_type, spark_types.StructType):
        return StructType(
            Field(f.name, ChoiceType([from_spark_type(c.dataType) for c in _members(f)]))
            if is_choice(f)
            else Field(f.name, from_spark_type(f.dataType))
            for f in spark_type.fields
        )
    return _FROM_SPARK_ATOMIC.get(type(spark_type), UnknownType)()
