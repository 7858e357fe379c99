"""Pure DataFrame -> DataFrame transforms of the prep step; pyspark only, no I/O."""
