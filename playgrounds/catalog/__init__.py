"""The catalog: schema and partition inference (the crawler) and metastore registration.

* :mod:`~playgrounds.catalog.names` — Glue names vs. metastore names (the one mapping);
* :mod:`~playgrounds.catalog.infer` — format detection and schema inference of one file;
* :mod:`~playgrounds.catalog.model` — plans, registered tables, crawl reports, backend protocol;
* :mod:`~playgrounds.catalog.plan` — reading a table folder into a plan (files only, no catalog);
* :mod:`~playgrounds.catalog.crawler` — ``crawl()``: plan a zone, apply it, report;
* :mod:`~playgrounds.catalog.local` / :mod:`~playgrounds.catalog.glue_catalog` — the two catalogs;
* :mod:`~playgrounds.catalog.metastore` — ``<lake>/catalog``, its lock and session;
* :mod:`~playgrounds.catalog.serve` — the Thrift JDBC server;
* the commands ``crawl``, ``sql``, ``catalog serve|tables`` are in :mod:`playgrounds.cli.catalog`.

See docs/catalog.md.
"""
