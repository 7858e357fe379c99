"""The IAM documents of a deployment, rendered from the reviewed templates in ``deploy/``.

The templates are the documents a reviewer reads; the code only fills in the
placeholders (``${raw_bucket}``, ``${prefix}``, ``${account_id}``...). A
``Resource`` entry holding ``${crawler_name}`` is repeated once per crawler of
the definition, so the crawlers may write only their own log streams.
"""

from __future__ import annotations

import json
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from playgrounds.deploy.target import DeployTarget
from playgrounds.errors import PlaygroundsError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "deploy"
JOB_POLICY_TEMPLATE = TEMPLATES_DIR / "glue-job-policy.json"
TRUST_POLICY_TEMPLATE = TEMPLATES_DIR / "glue-trust-policy.json"
PER_CRAWLER = "${crawler_name}"


def _values(target: DeployTarget, account_id: str) -> dict[str, str]:
    return {
        "raw_bucket": target.raw_bucket,
        "processed_bucket": target.processed_bucket,
        "prefix": target.prefix,
        "region": target.region,
        "account_id": account_id,
        "raw_database": target.raw_database,
        "processed_database": target.processed_database,
    }


def _render(template: Path, values: dict[str, str], crawlers: Sequence[str]) -> dict[str, Any]:
    try:
        document = json.loads(template.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as bad:
        raise PlaygroundsError(f"IAM policy template {template} cannot be read: {bad}") from bad

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        if isinstance(value, list):
            filled: list[Any] = []
            for item in value:
                if isinstance(item, str) and PER_CRAWLER in item:
                    filled += [fill(item.replace(PER_CRAWLER, name)) for name in crawlers]
                else:
                    filled.append(fill(item))
            return filled
        if isinstance(value, str):
            try:
                return string.Template(value).substitute(values)
            except (KeyError, ValueError) as unknown:
                raise PlaygroundsError(
                    f"IAM policy template {template} uses an unknown placeholder in {value!r}"
                ) from unknown
        return value

    return dict(fill(document))


def job_policy(target: DeployTarget, account_id: str, crawlers: Sequence[str]) -> dict[str, Any]:
    """The role's inline policy: the two prefixes, the two databases, the Glue log groups."""
    return _render(JOB_POLICY_TEMPLATE, _values(target, account_id), crawlers)


def trust_policy(target: DeployTarget, account_id: str) -> dict[str, Any]:
    """Who may assume the role: Glue, on behalf of this account only."""
    return _render(TRUST_POLICY_TEMPLATE, _values(target, account_id), ())


def render(template: Path, values: dict[str, str]) -> dict[str, Any]:
    """Any reviewed template in ``deploy/`` with its placeholders filled (the model deploy's)."""
    return _render(template, values, ())
