"""Glue job: join IRS income, parks and playgrounds into a processed partition (workshop prep)."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from playgrounds.pipeline.jobs import PrepOptions
from playgrounds.pipeline.prep import prep_from_catalog

options = PrepOptions.from_arguments(
    getResolvedOptions(sys.argv, PrepOptions.argument_names(sys.argv))
)
glue_context = GlueContext(SparkContext())
job = Job(glue_context)
job.init(options.job_name, options.arguments)
written = prep_from_catalog(glue_context, options)
glue_context.get_logger().info(f"prep wrote {written}")
job.commit()
