"""playgrounds: develop, test and run an AWS Glue + ML pipeline on your own machine."""

__version__ = "0.1.0"
