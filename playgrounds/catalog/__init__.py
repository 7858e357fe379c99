"""The catalog: schema and partition inference (the crawler) and metastore registration."""
