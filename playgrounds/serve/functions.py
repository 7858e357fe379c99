"""The model functions of ``USING [EXTERNAL] FUNCTION``: models and endpoints as Spark UDFs.

A function's ``sagemaker_endpoint`` names a running endpoint (``playgrounds
serve --name NAME``) or, when none runs under that name, a model ``train``
registered in the lake. Either way the function is a pandas UDF, called once
per Arrow batch: a local model predicts in the Python worker (the model loaded
once per worker, see :func:`playgrounds.serve.model.cached_model`); an endpoint
gets the batch as CSV requests under the 6 MB cap, a few in parallel, each
retried when the connection fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import DataType, DoubleType, FloatType

from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.serve.batches import endpoint_batch, local_model_batch, request
from playgrounds.serve.model import load_served_model
from playgrounds.serve.registry import (
    EndpointRegistration,
    LocalModel,
    local_models,
    read_endpoint,
    read_local_model,
    running_endpoints,
)
from playgrounds.sql.functions import ExternalFunction

if TYPE_CHECKING:
    from pyspark.sql._typing import UserDefinedFunctionLike

# xgboost's feature types that take categories, not numbers.
CATEGORICAL_FEATURE_TYPES = frozenset({"c", "categorical"})
RETURN_SPARK_TYPES: dict[str, DataType] = {
    "double": DoubleType(),
    "real": FloatType(),
    "float": FloatType(),
}


@dataclass(frozen=True)
class Target:
    """What a declared function calls: a local model or a running endpoint."""

    endpoint: EndpointRegistration | None = None
    model: LocalModel | None = None


class ModelFunctionResolver:
    """Resolves ``USING FUNCTION`` declarations against ``lake``'s models and endpoints."""

    def __init__(self, lake: Path) -> None:
        self.lake = lake

    def target(self, function: ExternalFunction) -> Target:
        """What ``function`` calls, its declaration checked against it; one sentence if not."""
        name = function.endpoint
        endpoint = read_endpoint(self.lake, name)
        if endpoint is not None:
            _check_endpoint_up(function, endpoint)
            _check_arity(function, endpoint.features, f"endpoint {name!r}")
            return Target(endpoint=endpoint)
        model = read_local_model(self.lake, name)
        if model is None:
            models = ", ".join(m.name for m in local_models(self.lake)) or "none"
            running = ", ".join(e.name for e in running_endpoints(self.lake)) or "none"
            raise InputError(
                f"function {function.name} calls SageMaker endpoint {name!r}, which is neither "
                f"a running endpoint nor a model registered in {self.lake} (models: {models}; "
                f"running endpoints: {running})"
            )
        if not model.artifact.is_file():
            raise InputError(
                f"function {function.name}: model {name!r} is registered but its artifact "
                f"{model.artifact} is missing; train it again"
            )
        _check_features(function, model)
        return Target(model=model)

    def resolve(self, function: ExternalFunction) -> UserDefinedFunctionLike:
        """A pandas UDF that calls what ``function`` names."""
        target = self.target(function)
        return_type = RETURN_SPARK_TYPES[function.returns]
        if target.endpoint is not None:
            return endpoint_udf(target.endpoint, return_type)
        assert target.model is not None
        # Load it here once, so a broken artifact is one sentence before Spark runs anything.
        load_served_model(target.model.artifact)
        return local_model_udf(target.model.artifact, return_type)


def _check_arity(function: ExternalFunction, features: int, what: str) -> None:
    if features and len(function.parameters) != features:
        raise InputError(
            f"function {function.signature} declares {len(function.parameters)} parameter(s), "
            f"but {what} takes {features} features"
        )


def _check_features(function: ExternalFunction, model: LocalModel) -> None:
    features = model.features
    if len(function.parameters) != len(features):
        raise InputError(
            f"function {function.name} declares {len(function.parameters)} parameter(s), but "
            f"model {model.name!r} takes {len(features)} features ({', '.join(features)})"
        )
    types = model.feature_types or ("",) * len(features)
    for parameter, feature, feature_type in zip(function.parameters, features, types, strict=False):
        if not parameter.is_numeric:
            raise InputError(
                f"function {function.name} parameter {parameter.name} is declared "
                f"{parameter.athena_type}, but model {model.name!r} feature {feature} takes a "
                f"number{' (a category code)' if feature_type in CATEGORICAL_FEATURE_TYPES else ''}"
                "; declare double, bigint, integer, real or boolean"
            )


def _check_endpoint_up(function: ExternalFunction, endpoint: EndpointRegistration) -> None:
    try:
        status = request(endpoint.url, "GET", "/ping", b"", timeout=5.0)[0]
    except OSError as error:
        raise PlaygroundsError(
            f"function {function.name}: endpoint {endpoint.name!r} at {endpoint.url} is not "
            f"answering ({error}); start it with `playgrounds serve --name {endpoint.name}`"
        ) from None
    if status != 200:
        raise PlaygroundsError(
            f"function {function.name}: endpoint {endpoint.name!r} at {endpoint.url} is not ready "
            f"(GET /ping answered {status})"
        )


def local_model_udf(artifact: Path, return_type: DataType) -> UserDefinedFunctionLike:
    """A pandas UDF predicting with the model in ``artifact`` inside the Python worker."""
    return pandas_udf(local_model_batch(artifact), return_type)  # type: ignore[call-overload,no-any-return]


def endpoint_udf(endpoint: EndpointRegistration, return_type: DataType) -> UserDefinedFunctionLike:
    """A pandas UDF sending each batch to ``endpoint`` as CSV requests."""
    return pandas_udf(endpoint_batch(endpoint.url, endpoint.name), return_type)  # type: ignore[call-overload,no-any-return]
