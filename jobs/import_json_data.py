"""Glue job: land one NYC Parks JSON dataset (parks or playgrounds) as a dated raw partition."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from playgrounds.pipeline.jobs import ImportJsonOptions
from playgrounds.sources.ingest import ingest_nyc_parks_json

options = ImportJsonOptions.from_arguments(
    getResolvedOptions(sys.argv, ImportJsonOptions.argument_names(sys.argv))
)
glue_context = GlueContext(SparkContext())
job = Job(glue_context)
job.init(options.job_name, options.arguments)
result = ingest_nyc_parks_json(
    glue_context.spark_session,
    options.raw_zone,
    options.dataset,
    day=options.day,
    source=options.source,
)
glue_context.get_logger().info(f"{options.dataset} ingested: {result.summary()}")
job.commit()
