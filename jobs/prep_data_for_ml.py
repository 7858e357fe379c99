"""Glue job: join IRS income, parks and playgrounds into a processed partition (workshop prep)."""

import sys

from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.transforms import Filter
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from playgrounds.glue.helpers import day_predicate, job_day, processed_location
from playgrounds.transforms.prep import prepare_for_ml

args = getResolvedOptions(
    sys.argv, ["JOB_NAME", "raw_database", "processed_zone", "date", "income_year", "state"]
)
glue_context = GlueContext(SparkContext())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
day = job_day(args["date"])


def read(table: str, predicate: str) -> DynamicFrame:
    return glue_context.create_dynamic_frame.from_catalog(
        database=args["raw_database"],
        table_name=table,
        push_down_predicate=predicate,
        transformation_ctx=table,
    )


income = Filter.apply(
    frame=read("income_ny", f"(year=='{args['income_year']}')"),
    f=lambda record: record["state"] == args["state"],
)
prepared = prepare_for_ml(
    income.toDF(),
    read("parks", day_predicate(day)).toDF(),
    read("playgrounds", day_predicate(day)).toDF(),
    state=args["state"],
)
prepared.coalesce(1).write.mode("overwrite").parquet(
    processed_location(args["processed_zone"], day)
)
job.commit()
