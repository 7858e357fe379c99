"""Contract: the shim's names and parameters against the official awsglue (Glue 5.1).

The official library is published on PyPI as ``AWSGlueDataplanePython``; its
wheel is downloaded once into a temporary cache and its sources are *parsed*
with ``ast`` (never imported, never copied). Every name in :data:`CLAIMED`
must exist in both, with the same parameter names in the same order. The
coverage printed is claimed names over all public names of the library.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from playgrounds.glue.errors import UnsupportedGlueFeatureError
from playgrounds.glue.runner import install_shim

# Downloads the official awsglue library from PyPI (once per run).
pytestmark = pytest.mark.slow

PACKAGE = "AWSGlueDataplanePython==5.1.0"
CACHE = Path(tempfile.gettempdir()) / "playgrounds-glue-contract"

_DF_METHODS = [
    "__init__",
    "fromDF",
    "toDF",
    "count",
    "schema",
    "printSchema",
    "show",
    "select_fields",
    "drop_fields",
    "rename_field",
    "apply_mapping",
    "applyMapping",
    "filter",
    "map",
    "resolveChoice",
    "join",
    "union",
    "relationalize",
    "split_fields",
    "repartition",
    "coalesce",
    "getNumPartitions",
    "errorsAsDynamicFrame",
    "errorsCount",
    "stageErrorsCount",
    "assertErrorThreshold",
    "unnest",
    "unbox",
    "split_rows",
    "mergeDynamicFrame",
    "spigot",
    "write",
]
_CTX_METHODS = [
    "__init__",
    "get_logger",
    "currentTimeMillis",
    "create_dynamic_frame_from_catalog",
    "create_data_frame_from_catalog",
    "create_dynamic_frame_from_options",
    "create_data_frame_from_options",
    "write_dynamic_frame_from_options",
    "write_dynamic_frame_from_catalog",
    "write_data_frame_from_catalog",
    "purge_s3_path",
]
_TRANSFORMS = [
    "ApplyMapping",
    "Filter",
    "Map",
    "Join",
    "DropFields",
    "SelectFields",
    "RenameField",
    "ResolveChoice",
    "DropNullFields",
    "Relationalize",
    "SplitFields",
    "Repartition",
    "Coalesce",
    "Union",
    "SelectFromCollection",
    "ErrorsAsDynamicFrame",
    "UnnestFrame",
    "Unbox",
    "SplitRows",
    "Spigot",
]

_DESCRIBE = ["describeArgs", "describeErrors", "describeReturn", "describeTransform"]

# The names the shim claims to support, as module.Class.method (or module.function).
CLAIMED: list[str] = [
    *[f"awsglue.dynamicframe.DynamicFrame.{m}" for m in _DF_METHODS],
    *[
        f"awsglue.dynamicframe.DynamicFrameCollection.{m}"
        for m in [
            "__init__",
            "__getitem__",
            "__len__",
            "keys",
            "values",
            "select",
            "map",
            "flatmap",
        ]
    ],
    *[
        f"awsglue.dynamicframe.DynamicFrameReader.{m}"
        for m in ["__init__", "from_catalog", "from_options"]
    ],
    *[
        f"awsglue.dynamicframe.DynamicFrameWriter.{m}"
        for m in ["__init__", "from_catalog", "from_options"]
    ],
    *[f"awsglue.context.GlueContext.{m}" for m in _CTX_METHODS],
    *[
        f"awsglue.dataframereader.DataFrameReader.{m}"
        for m in ["__init__", "from_catalog", "from_options"]
    ],
    "awsglue.dataframewriter.DataFrameWriter.__init__",
    "awsglue.dataframewriter.DataFrameWriter.from_catalog",
    *[
        f"awsglue.job.Job.{m}"
        for m in [
            "__init__",
            "init",
            "isInitialized",
            "commit",
            "continuation_options",
            "job_bookmark_options",
            "job_bookmark_range_options",
            "id_params",
            "encryption_type_options",
            "data_lineage_options",
        ]
    ],
    "awsglue.utils.getResolvedOptions",
    "awsglue.utils.GlueArgumentParser.error",
    *[f"awsglue.transforms.{t}.__call__" for t in _TRANSFORMS],
    "awsglue.transforms.GlueTransform.apply",
    "awsglue.transforms.GlueTransform.name",
    "awsglue.transforms.GlueTransform.describe",
    *[
        f"awsglue.transforms.{t}.{m}"
        for t in [*_TRANSFORMS, "MapToCollection", "FlatMap", "GlueTransform"]
        for m in _DESCRIBE
    ],
    "awsglue.transforms.MapToCollection.__call__",
    "awsglue.transforms.FlatMap.__call__",
    "awsglue.transforms.get_transforms",
    "awsglue.transforms.get_transform",
    "awsglue.transforms.describe_transform",
    *[f"awsglue.dataframe_transforms.ApplyMapping.{m}" for m in ["apply", *_DESCRIBE]],
    *[
        f"awsglue.context.GlueContext.{m}"
        for m in [
            "getSource",
            "getSink",
            "write_from_options",
            "create_dynamic_frame_from_rdd",
            "create_sample_dynamic_frame_from_catalog",
            "create_sample_dynamic_frame_from_options",
            "get_catalog_schema_as_spark_schema",
            "purge_table",
            "convert_resolve_option",
        ]
    ],
    *[
        f"awsglue.data_source.DataSource.{m}"
        for m in ["__init__", "setFormat", "getFrame", "getSampleFrame", "getDataFrame"]
    ],
    *[
        f"awsglue.data_sink.DataSink.{m}"
        for m in [
            "__init__",
            "setFormat",
            "setAccumulableSize",
            "setCatalogInfo",
            "writeFrame",
            "writeDataFrame",
            "write",
        ]
    ],
    *[
        f"awsglue.devutils.{c}.{m}"
        for c in ["ExecutionProperty", "Command", "Connections"]
        for m in ["__init__", "as_dict"]
    ],
    *[
        f"awsglue.devutils.Job.{m}"
        for m in ["__init__", "as_dict", "as_job_create_dict", "as_job_update_dict"]
    ],
    "awsglue.dynamicframe.DynamicFrame.mapPartitions",
    "awsglue.dynamicframe.DynamicFrame.mapPartitionsWithIndex",
    "awsglue.dynamicframe.DynamicFrameReader.from_rdd",
    "awsglue.dynamicframe.ResolveOption.__init__",
    "awsglue.functions.explodeWithIndex",
    "awsglue.utils.callsite",
    *[
        f"awsglue.gluetypes.{name}"
        for name in [
            "DataType.__init__",
            "DataType.typeName",
            "DataType.jsonValue",
            "AtomicType.fromJsonValue",
            "DecimalType.__init__",
            "DecimalType.jsonValue",
            "EnumType.__init__",
            "EnumType.jsonValue",
            "IntegerType.typeName",
            "ArrayType.__init__",
            "ArrayType.jsonValue",
            "ArrayType.fromJsonValue",
            "SetType.__init__",
            "SetType.jsonValue",
            "SetType.fromJsonValue",
            "ChoiceType.__init__",
            "ChoiceType.add",
            "ChoiceType.merge",
            "ChoiceType.jsonValue",
            "ChoiceType.fromJsonValue",
            "MapType.__init__",
            "MapType.jsonValue",
            "MapType.fromJsonValue",
            "Field.__init__",
            "Field.jsonValue",
            "Field.fromJsonValue",
            "StructType.__init__",
            "StructType.add",
            "StructType.hasField",
            "StructType.getField",
            "StructType.jsonValue",
            "StructType.fromJsonValue",
            "mergeDataTypes",
        ]
    ],
]

# Present with the official parameters, raising UnsupportedGlueFeatureError with one
# sentence naming the call: what a local run cannot do (JDBC, streaming, Lake
# Formation, storage classes, the AWS Glue API, Glue's JVM-only functions).
RAISING: list[str] = [
    *[
        f"awsglue.context.GlueContext.{m}"
        for m in [
            "getStreamingSource",
            "getSampleStreamingDynamicFrame",
            "forEachBatch",
            "add_ingestion_time_columns",
            "write_dynamic_frame_from_jdbc_conf",
            "write_from_jdbc_conf",
            "extract_jdbc_conf",
            "transition_table",
            "transition_s3_path",
            "start_transaction",
            "commit_transaction",
            "cancel_transaction",
        ]
    ],
    "awsglue.context.register",
    *[
        f"awsglue.devutils.GlueJobUtils.{m}"
        for m in ["__init__", "get_jobs", "get_job", "create_job", "update_job", "delete_job"]
    ],
    "awsglue.dynamicframe.DynamicFrame.with_frame_schema",
    "awsglue.dynamicframe.DynamicFrame.unnest_ddb_json",
    "awsglue.dynamicframe.DynamicFrame.simplify_ddb_json",
    "awsglue.dynamicframe.DynamicFrameWriter.from_jdbc_conf",
    "awsglue.functions.namedStruct",
    "awsglue.functions.replaceArrayElement",
    "awsglue.gluetypes.EntityType.__init__",
    *[
        f"awsglue.streaming_data_source.StreamingDataSource.{m}"
        for m in ["__init__", "setFormat", "getFrame"]
    ],
    "awsglue.utils.makeOptions",
]


def _official_sources() -> Path:
    """The unpacked official wheel (downloaded once); skips when PyPI is unreachable."""
    unpacked = CACHE / "awsglue-5.1.0"
    if (unpacked / "awsglue" / "context.py").is_file():
        return unpacked
    CACHE.mkdir(parents=True, exist_ok=True)
    download = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         "--dest", str(CACHE / "wheel"), PACKAGE],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    wheels = sorted((CACHE / "wheel").glob("*.whl")) if (CACHE / "wheel").is_dir() else []
    if download.returncode != 0 or not wheels:
        pytest.skip(f"could not download {PACKAGE} from PyPI: {download.stderr.strip()[-200:]}")
    with zipfile.ZipFile(wheels[0]) as archive:
        archive.extractall(unpacked)
    return unpacked


def _params(function: ast.FunctionDef) -> list[str]:
    args = function.args
    names = [a.arg for a in [*args.posonlyargs, *args.args]]
    if args.vararg:
        names.append("*" + args.vararg.arg)
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append("**" + args.kwarg.arg)
    return [n for n in names if n not in ("self", "cls")]


def official_names(root: Path) -> dict[str, list[str] | None]:
    """Public names of the official library: functions and methods with their parameters."""
    names: dict[str, list[str] | None] = {}
    reexports: dict[str, str] = {}
    for file in sorted((root / "awsglue").rglob("*.py")):
        if "scripts" in file.parts:
            continue
        parts = file.relative_to(root).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its sources hold invalid escapes: not ours to fix
            tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names[f"{module}.{node.name}"] = _params(node)
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                names[f"{module}.{node.name}"] = None
                for item in node.body:
                    public = (
                        not item.name.startswith("_")
                        if isinstance(item, ast.FunctionDef)
                        else False
                    )
                    special = isinstance(item, ast.FunctionDef) and item.name in (
                        "__init__", "__call__", "__getitem__", "__len__"
                    )  # fmt: skip
                    if isinstance(item, ast.FunctionDef) and (public or special):
                        names[f"{module}.{node.name}.{item.name}"] = _params(item)
            elif isinstance(node, ast.ImportFrom) and parts[-1] == "__init__" and node.level == 1:
                for alias in node.names:
                    reexports[f"{module}.{alias.name}"] = f"{module}.{node.module}.{alias.name}"
    # `awsglue.transforms.Filter` is defined in a submodule and re-exported: it
    # counts once, under the name scripts import. `awsglue.DynamicFrame` is an
    # alias of `awsglue.dynamicframe.DynamicFrame` and does not count again.
    canonical: dict[str, list[str] | None] = dict(names)
    for public, defined in reexports.items():
        if public.count(".") < 2:
            continue  # the top-level alias
        for name, params in names.items():
            if name == defined or name.startswith(defined + "."):
                canonical.pop(name, None)
                canonical[public + name[len(defined) :]] = params
    # Functions and methods only: a class counts through its methods.
    return {name: params for name, params in canonical.items() if params is not None}


def shim_object(name: str) -> Any:
    """The shim's object for ``name``, imported as a script would."""
    assert install_shim()
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = __import__(".".join(parts[:split]), fromlist=["_"])
        except ImportError:
            continue
        for attr in parts[split:]:
            obj = inspect.getattr_static(obj, attr) if attr.startswith("__") else getattr(obj, attr)
            if isinstance(obj, (classmethod, staticmethod)):
                obj = obj.__func__
        return obj
    raise AssertionError(f"{name}: nothing importable")


def shim_params(name: str) -> list[str] | None:
    """The parameters of the shim's object for ``name`` (None for a class)."""
    obj = shim_object(name)
    if inspect.isclass(obj):
        return None
    params = []
    for p in inspect.signature(obj).parameters.values():
        if p.name in ("self", "cls"):
            continue
        prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
        params.append(prefix + p.name)
    return params


def test_claimed_names_match_the_official_library() -> None:
    official = official_names(_official_sources())
    public_total = len(official)
    problems = []
    for name in [*CLAIMED, *RAISING]:
        if name not in official:
            problems.append(f"{name}: claimed but not in the official library")
            continue
        ours = shim_params(name)
        if ours != official[name]:
            problems.append(f"{name}: shim {ours} != official {official[name]}")
    overlap = set(CLAIMED) & set(RAISING)
    problems += [f"{name}: both implemented and raising" for name in sorted(overlap)]
    implemented = sum(1 for name in CLAIMED if name in official)
    raising = sum(1 for name in RAISING if name in official)
    gaps = sorted(n for n in official if n not in CLAIMED and n not in RAISING)
    print(f"\nawsglue contract: of {public_total} public names, {implemented} implemented "
          f"({100 * implemented / public_total:.0f}%), {raising} raising, {len(gaps)} missing; "
          f"{len(problems)} mismatches")  # fmt: skip
    print("missing:", ", ".join(gaps) or "none")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", RAISING)
def test_unsupported_calls_raise_one_sentence_naming_the_call(name: str) -> None:
    """Called with placeholder arguments, each raises before touching them, naming itself."""
    function = shim_object(name)
    required = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    with pytest.raises(UnsupportedGlueFeatureError) as raised:
        function(*[None] * len(required))
    message = str(raised.value)
    owner, _, method = name.rpartition(".")
    named = owner.rpartition(".")[2] if method == "__init__" else method
    assert named in message and message.count(". ") == 0, message
