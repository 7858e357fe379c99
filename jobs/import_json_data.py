"""Glue job: land one NYC Parks JSON dataset (parks or playgrounds) as a dated raw partition."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from playgrounds.glue.helpers import job_day, optional_argument
from playgrounds.sources.ingest import ingest_nyc_parks_json

args = getResolvedOptions(sys.argv, ["JOB_NAME", "raw_zone", "dataset", "date"])
glue_context = GlueContext(SparkContext())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
result = ingest_nyc_parks_json(
    glue_context.spark_session,
    args["raw_zone"],
    args["dataset"],
    day=job_day(args["date"]),
    source=optional_argument("source"),
)
glue_context.get_logger().info(f"{args['dataset']} ingested: {result}")
job.commit()
