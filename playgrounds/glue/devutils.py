"""``awsglue.devutils``: job definitions as the Glue API's dictionaries.

The description classes are plain data and work here; ``GlueJobUtils`` calls
the AWS Glue web service, which the local shim never does.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from playgrounds.glue.errors import UnsupportedGlueFeatureError


class ExecutionProperty:
    """How many runs of a job may run at once."""

    def __init__(self, maxConcurrentRuns: int = 1) -> None:
        self.maxConcurrentRuns = maxConcurrentRuns

    def as_dict(self) -> dict[str, Any]:
        """``{"maxConcurrentRuns": n}``."""
        return {"maxConcurrentRuns": self.maxConcurrentRuns}

    def __repr__(self) -> str:
        return repr(self.as_dict())


class Command:
    """The job's command: its kind (``glueetl``) and script location."""

    def __init__(self, name: str, scriptLocation: str) -> None:
        self.name = name
        self.scriptLocation = scriptLocation

    def as_dict(self) -> dict[str, Any]:
        """``{"name": ..., "scriptLocation": ...}``."""
        return {"name": self.name, "scriptLocation": self.scriptLocation}

    def __repr__(self) -> str:
        return repr(self.as_dict())


class Connections:
    """The Glue connections a job uses, by name."""

    def __init__(self, connections: list[str] | None = None) -> None:
        self.connections = list(connections or [])

    def as_dict(self) -> dict[str, Any]:
        """``{"connections": [...]}``."""
        return {"connections": self.connections}

    def __repr__(self) -> str:
        return repr(self.as_dict())


class Job:
    """A job definition with Glue's defaults (one concurrent run, ``glueetl``, one retry)."""

    def __init__(self) -> None:
        self.name = ""
        self.description = ""
        self.logUri = ""
        self.role = ""
        self.executionProperty = ExecutionProperty()
        self.command = Command("glueetl", "UNKNOWN")
        self.defaultArguments: dict[str, str] = {}
        self.connections = Connections()
        self.maxRetries = 1
        self.allocatedCapacity = 1
        self.createdOn = datetime.now()
        self.lastModifiedOn = datetime.now()

    def as_dict(self) -> dict[str, Any]:
        """The definition; ``connections`` and ``description`` only when set."""
        definition: dict[str, Any] = {"command": self.command.as_dict()}
        if self.connections.connections:
            definition["connections"] = self.connections.as_dict()
        definition["createdOn"] = self.createdOn
        if self.description:
            definition["description"] = self.description
        definition.update(
            defaultArguments=self.defaultArguments,
            executionProperty=self.executionProperty.as_dict(),
            lastModifiedOn=self.lastModifiedOn,
            logUri=self.logUri,
            maxRetries=self.maxRetries,
            name=self.name,
            role=self.role,
        )
        return definition

    def as_job_create_dict(self) -> dict[str, Any]:
        """The definition for CreateJob (without the timestamps)."""
        definition = copy.deepcopy(self.as_dict())
        for key in ("createdOn", "lastModifiedOn"):
            del definition[key]
        return definition

    def as_job_update_dict(self) -> dict[str, Any]:
        """The definition for UpdateJob (without the name and the timestamps)."""
        definition = self.as_job_create_dict()
        del definition["name"]
        return definition

    def __repr__(self) -> str:
        return repr(self.as_dict())


_NO_GLUE_SERVICE = "it calls the AWS Glue web service, which a local run never does"


class GlueJobUtils:
    """Job management through the AWS Glue API: not available locally."""

    def __init__(self, glue_context: Any) -> None:
        raise UnsupportedGlueFeatureError("devutils.GlueJobUtils", _NO_GLUE_SERVICE)

    def get_jobs(self, nextToken: str | None = None) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueJobUtils.get_jobs", _NO_GLUE_SERVICE)

    def get_job(self, jobName: str) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueJobUtils.get_job", _NO_GLUE_SERVICE)

    def create_job(self, job: Job, file: str) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueJobUtils.create_job", _NO_GLUE_SERVICE)

    def update_job(self, job: Job, file: str) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueJobUtils.update_job", _NO_GLUE_SERVICE)

    def delete_job(self, jobName: str) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueJobUtils.delete_job", _NO_GLUE_SERVICE)
