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


def shim_params(name: str) -> list[str] | None:
    """The shim's object for ``name``, imported as a script would, and its parameters."""
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
        break
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
    for name in CLAIMED:
        if name not in official:
            problems.append(f"{name}: claimed but not in the official library")
            continue
        ours = shim_params(name)
        if ours != official[name]:
            problems.append(f"{name}: shim {ours} != official {official[name]}")
    covered = sum(1 for name in CLAIMED if name in official)
    gaps = sorted(n for n in official if n not in CLAIMED)
    print(f"\nawsglue contract: shim covers {covered} of {public_total} public names "
          f"({100 * covered / public_total:.0f}%); {len(problems)} mismatches")  # fmt: skip
    print("not covered:", ", ".join(gaps))
    assert not problems, "\n".join(problems)
