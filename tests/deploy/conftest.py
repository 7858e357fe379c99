"""The deploy tests' fixture: a fresh deployment target on the moto server."""

from tests.deploy.aws_fixtures import moto_deployment

__all__ = ["moto_deployment"]
