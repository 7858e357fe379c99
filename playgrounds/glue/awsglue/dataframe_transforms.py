"""``awsglue.dataframe_transforms``: transforms on Spark DataFrames."""

from playgrounds.glue.dataframe_transforms import ALL_TRANSFORMS, ApplyMapping

__all__ = ["ApplyMapping"]
_ = ALL_TRANSFORMS  # reachable as in the real package, outside `import *`
