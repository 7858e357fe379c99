"""Run AWS Glue job scripts on plain PySpark: the ``awsglue`` shim, its runner and Docker target.

The import-compatible ``awsglue`` package lives in ``playgrounds/glue/awsglue``;
it is importable as ``awsglue`` only after :func:`playgrounds.glue.runner.install_shim`
has checked that the real library is absent, so nothing in our wheel can shadow
the real ``awsglue`` on AWS Glue or in the Glue Docker image. Importing this
package has no side effects (no Spark, no ``sys.path`` change).
"""
