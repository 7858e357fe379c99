"""Glue job: copy the IRS SOI ZIP-code income file into the raw zone (income-ny/year=YYYY/)."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from playgrounds.glue.helpers import optional_argument
from playgrounds.sources.ingest import ingest_income

args = getResolvedOptions(sys.argv, ["JOB_NAME", "raw_zone", "income_year"])
glue_context = GlueContext(SparkContext())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
result = ingest_income(
    args["raw_zone"], year=int(args["income_year"]), source=optional_argument("source")
)
glue_context.get_logger().info(f"income ingested: {result}")
job.commit()
