"""The catalog: schema and partition inference (the crawler) and metastore registration.

* :mod:`~playgrounds.catalog.names` — Glue names vs. metastore names (the one mapping);
* :mod:`~playgrounds.catalog.infer` — format detection and schema inference of one file;
* :mod:`~playgrounds.catalog.crawler` — ``crawl()``: plan a zone, apply it, report;
* :mod:`~playgrounds.catalog.local` / :mod:`~playgrounds.catalog.glue` — the two catalogs;
* :mod:`~playgrounds.catalog.metastore` — ``<lake>/catalog``, its lock and session;
* :mod:`~playgrounds.catalog.serve` — the Thrift JDBC server;
* :mod:`~playgrounds.catalog.cli` — ``crawl``, ``sql``, ``catalog serve|tables``.

See docs/catalog.md.
"""
