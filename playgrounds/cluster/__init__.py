"""A Spark standalone cluster on this machine (master and workers from the pyspark wheel)."""
