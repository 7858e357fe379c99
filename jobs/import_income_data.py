"""Glue job: copy the IRS SOI ZIP-code income file into the raw zone (income-ny/year=YYYY/)."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from playgrounds.pipeline.jobs import ImportIncomeOptions
from playgrounds.sources.ingest import ingest_income

options = ImportIncomeOptions.from_arguments(
    getResolvedOptions(sys.argv, ImportIncomeOptions.argument_names(sys.argv))
)
glue_context = GlueContext(SparkContext())
job = Job(glue_context)
job.init(options.job_name, options.arguments)
result = ingest_income(options.raw_zone, year=options.income_year, source=options.source)
glue_context.get_logger().info(f"income ingested: {result.summary()}")
job.commit()
