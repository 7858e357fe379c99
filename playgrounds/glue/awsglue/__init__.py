"""Local stand-in for AWS Glue's ``awsglue`` package (import it only via the runner).

Importable as ``awsglue`` only when :func:`playgrounds.glue.runner.install_shim`
has found no real ``awsglue`` and put ``playgrounds/glue`` on ``sys.path``.
Every module here re-exports the implementation from ``playgrounds.glue``, so
classes are the same objects whichever name imported them.
"""

from playgrounds.glue.dynamicframe import DynamicFrame

__all__ = ["DynamicFrame"]
