"""The pipeline's steps as library calls, for the command line, the Glue jobs and the workflow.

* :mod:`~playgrounds.pipeline.prep`: the prep step (read, join, write the processed zone);
* :mod:`~playgrounds.pipeline.jobs`: the typed options of the ``jobs/`` Glue scripts;
* :mod:`~playgrounds.pipeline.workshop`: the workshop end to end (``playgrounds run``).
"""
