"""The crawler's Glue backend: the same tables in the AWS Glue Data Catalog, through boto3.

Tables are written as a Glue crawler writes them: ``EXTERNAL_TABLE`` with the
Hive input/output formats and SerDe of the classification, ``classification``
and (for CSV with a header) ``skip.header.line.count`` parameters, so Athena
and Glue jobs read them. A zone given as ``s3://bucket/prefix`` keeps its
``s3://`` locations (the files are read through the local mapping of
:mod:`playgrounds.lake.local_s3`); a local zone registers ``file:`` locations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from playgrounds.catalog.infer import CatalogColumn
from playgrounds.catalog.model import ExistingTable, Partition, TablePlan
from playgrounds.errors import PlaygroundsError
from playgrounds.lake import aws
from playgrounds.lake.local_s3 import local_path

# batch_create_partition takes at most 100 partitions per call (Glue API limit).
GLUE_PARTITION_BATCH = 100

_FORMATS: dict[str, dict[str, str]] = {
    "csv": {
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
    },
    "json": {
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
    },
    "parquet": {
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    },
}


def glue_client(region: str | None = None, endpoint_url: str | None = None) -> Any:
    """A boto3 Glue client from the one AWS client factory (:func:`playgrounds.lake.aws.client`).

    Without arguments the endpoint comes from ``AWS_ENDPOINT_URL_GLUE``, then
    ``AWS_ENDPOINT_URL``, and the region from the AWS environment (else us-east-1).
    """
    return aws.client("glue", endpoint=endpoint_url, region=region)


class GlueCatalog:
    """Registers crawled tables in the Glue Data Catalog."""

    name = "glue"

    def __init__(self, client: Any | None = None, *, zone: str = "") -> None:
        self.client = client if client is not None else glue_client()
        self.zone = zone

    def _call(self, operation: str, **kwargs: Any) -> Any:
        """Call the Glue API; a failure becomes one sentence naming the operation."""
        try:
            return getattr(self.client, operation)(**kwargs)
        except ClientError as error:
            info = error.response.get("Error", {})
            raise PlaygroundsError(
                f"Glue {operation} failed: {info.get('Code', 'error')}: "
                f"{info.get('Message', str(error))}"
            ) from None
        except BotoCoreError as error:
            raise PlaygroundsError(f"Glue {operation} failed: {error}") from None

    def _location(self, folder: Path) -> str:
        if self.zone.startswith(("s3://", "s3a://")):
            root = local_path(self.zone)
            relative = folder.resolve().relative_to(root.resolve()).as_posix()
            return f"{self.zone.rstrip('/')}/{relative}/"
        return f"file:{folder.resolve()}/"

    def _storage(
        self, plan: TablePlan, folder: Path, columns: list[CatalogColumn]
    ) -> dict[str, Any]:
        kind = _FORMATS[plan.format]
        serde_params = {"field.delim": plan.delimiter} if plan.format == "csv" else {}
        if plan.format == "csv":
            serde_params["serialization.format"] = plan.delimiter
        return {
            "Columns": [{"Name": c.name, "Type": c.type} for c in columns],
            "Location": self._location(folder),
            "InputFormat": kind["InputFormat"],
            "OutputFormat": kind["OutputFormat"],
            "SerdeInfo": {
                "SerializationLibrary": kind["SerializationLibrary"],
                "Parameters": serde_params,
            },
        }

    def _table_input(self, plan: TablePlan, columns: list[CatalogColumn]) -> dict[str, Any]:
        parameters = {"classification": plan.format, "crawler": "playgrounds"}
        if plan.format == "csv":
            parameters["delimiter"] = plan.delimiter
            if plan.header:
                parameters["skip.header.line.count"] = "1"
        return {
            "Name": plan.name,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": parameters,
            "StorageDescriptor": self._storage(plan, plan.folder, columns),
            "PartitionKeys": [{"Name": k.name, "Type": k.type} for k in plan.partition_keys],
        }

    def ensure_database(self, database: str) -> None:
        """create_database unless it exists (Glue keeps the name as typed: ``demo-raw``)."""
        try:
            self.client.get_database(Name=database)
        except self.client.exceptions.EntityNotFoundException:
            self._call(
                "create_database",
                DatabaseInput={"Name": database, "Description": "Registered by playgrounds crawl"},
            )

    def describe(self, database: str, plan: TablePlan) -> ExistingTable | None:
        """get_table plus every partition's values."""
        try:
            table = self.client.get_table(DatabaseName=database, Name=plan.name)["Table"]
        except self.client.exceptions.EntityNotFoundException:
            return None
        storage = table.get("StorageDescriptor", {})
        columns = [CatalogColumn(c["Name"].lower(), c["Type"]) for c in storage.get("Columns", [])]
        keys = [CatalogColumn(c["Name"].lower(), c["Type"]) for c in table.get("PartitionKeys", [])]
        partitions: set[str] = set()
        if keys:
            pages = self.client.get_paginator("get_partitions").paginate(
                DatabaseName=database, TableName=plan.name
            )
            for page in pages:
                for partition in page["Partitions"]:
                    partitions.add(
                        "/".join(
                            f"{k.name}={v}" for k, v in zip(keys, partition["Values"], strict=False)
                        )
                    )
        fmt = table.get("Parameters", {}).get("classification", "")
        return ExistingTable(fmt, columns, keys, partitions)

    def create(self, database: str, plan: TablePlan) -> None:
        """create_table."""
        self._call(
            "create_table", DatabaseName=database, TableInput=self._table_input(plan, plan.columns)
        )

    def drop(self, database: str, plan: TablePlan) -> None:
        """delete_table (the catalog entry only; S3 objects stay)."""
        self._call("delete_table", DatabaseName=database, Name=plan.name)

    def add_columns(self, database: str, plan: TablePlan, columns: list[CatalogColumn]) -> None:
        """update_table with the columns appended."""
        existing = self.describe(database, plan)
        current = existing.columns if existing else []
        self._call(
            "update_table",
            DatabaseName=database,
            TableInput=self._table_input(plan, [*current, *columns]),
        )

    def add_partitions(self, database: str, plan: TablePlan, partitions: list[Partition]) -> None:
        """batch_create_partition, 100 at a time; any per-partition error is raised."""
        if not plan.partition_keys:
            return
        for start in range(0, len(partitions), GLUE_PARTITION_BATCH):
            chunk = partitions[start : start + GLUE_PARTITION_BATCH]
            response = self._call(
                "batch_create_partition",
                DatabaseName=database,
                TableName=plan.name,
                PartitionInputList=[
                    {
                        "Values": list(p.values),
                        "StorageDescriptor": self._storage(plan, p.location, plan.columns),
                    }
                    for p in chunk
                ],
            )
            errors = [
                e
                for e in response.get("Errors", [])
                if e.get("ErrorDetail", {}).get("ErrorCode") != "AlreadyExistsException"
            ]
            if errors:
                first = errors[0]
                raise PlaygroundsError(
                    f"Glue batch_create_partition failed for {plan.name} "
                    f"{first.get('PartitionValues')}: "
                    f"{first.get('ErrorDetail', {}).get('ErrorMessage', 'unknown error')}"
                )
