"""A Glue workflow as data: one JSON file in Glue's own API shapes, validated once.

The file holds ``Workflow`` (CreateWorkflow's fields), ``Jobs`` (CreateJob's
without ``Role``), ``Crawlers`` (CreateCrawler's without ``Role``) and
``Triggers`` (CreateTrigger's), so that deploying it is a plain translation.
``${raw_zone}``-style placeholders are filled per target by :func:`resolve`
(local paths here, ``s3://`` URIs on AWS).

Glue's trigger semantics, which the checks here and the local runner follow:
an ON_DEMAND trigger starts the run; a CONDITIONAL trigger fires when its
predicate holds (``AND``: every condition, ``ANY``: one); a condition on a job
name holds when every run of that job in the workflow run ended in the named
state. A trigger can listen only for the job states SUCCEEDED, STOPPED, FAILED
and TIMEOUT and the crawler states SUCCEEDED, FAILED and CANCELLED (Glue's
documentation), and job conditions say ``State`` where crawler ones say ``CrawlState``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from playgrounds.errors import InputError
from playgrounds.lake.layout import PROCESSED_ZONE, RAW_ZONE, WORKFLOWS_FOLDER

# The repository root: ``workflows/`` and ``jobs/`` live beside the package.
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS_DIR = REPO_ROOT / WORKFLOWS_FOLDER
JOBS_FOLDER = "jobs"
# An imported definition lives at <lake>/workflows/<name>/definition.json.
IMPORTED_DEFINITION = "definition.json"

TOP_LEVEL_KEYS = ("Workflow", "Jobs", "Crawlers", "Triggers")
# States a trigger condition can listen for (Glue's documentation of Condition).
JOB_WATCHABLE_STATES = frozenset({"SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"})
CRAWL_WATCHABLE_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
TRIGGER_TYPES = frozenset({"ON_DEMAND", "CONDITIONAL", "SCHEDULED", "EVENT"})

NodeType = Literal["JOB", "CRAWLER", "TRIGGER"]
PLACEHOLDER = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class WorkflowDefinition:
    """One workflow: its Workflow block and its jobs, crawlers and triggers by name."""

    name: str
    workflow: dict[str, Any]
    jobs: dict[str, dict[str, Any]]
    crawlers: dict[str, dict[str, Any]]
    triggers: dict[str, dict[str, Any]]
    source: Path

    def start_trigger(self) -> dict[str, Any]:
        """The one ON_DEMAND trigger (validated to exist)."""
        return next(t for t in self.triggers.values() if t.get("Type") == "ON_DEMAND")

    def script_path(self, job_name: str) -> Path:
        """The local file of a job's ``Command.ScriptLocation`` (relative to the repository)."""
        return script_file(self.jobs[job_name])

    def as_json(self) -> dict[str, Any]:
        """The definition in the file's shape (lists of jobs, crawlers and triggers)."""
        return {
            "Workflow": self.workflow,
            "Jobs": list(self.jobs.values()),
            "Crawlers": list(self.crawlers.values()),
            "Triggers": list(self.triggers.values()),
        }


@dataclass(frozen=True)
class Action:
    """One action of a trigger: the node it starts and the run's extra ``Arguments``."""

    node_type: NodeType
    name: str
    arguments: Mapping[str, str]


@dataclass(frozen=True)
class Condition:
    """One condition of a trigger's predicate: a node and the state it waits for."""

    node_type: NodeType
    name: str
    state: str


def script_file(job: Mapping[str, Any]) -> Path:
    """The local path of a job's script: absolute as given, else under the repository root."""
    location = Path(str(job.get("Command", {}).get("ScriptLocation", "")))
    return location if location.is_absolute() else REPO_ROOT / location


def actions(trigger: Mapping[str, Any]) -> list[Action]:
    """A trigger's actions, typed."""
    found = []
    for action in trigger.get("Actions", []):
        arguments = dict(action.get("Arguments") or {})
        if "JobName" in action:
            found.append(Action("JOB", str(action["JobName"]), arguments))
        elif "CrawlerName" in action:
            found.append(Action("CRAWLER", str(action["CrawlerName"]), arguments))
    return found


def conditions(trigger: Mapping[str, Any]) -> list[Condition]:
    """A trigger's predicate conditions, typed (job ``State``, crawler ``CrawlState``)."""
    found = []
    for condition in (trigger.get("Predicate") or {}).get("Conditions", []):
        if "JobName" in condition:
            found.append(Condition("JOB", str(condition["JobName"]), str(condition.get("State"))))
        elif "CrawlerName" in condition:
            found.append(
                Condition(
                    "CRAWLER", str(condition["CrawlerName"]), str(condition.get("CrawlState"))
                )
            )
    return found


def logical(trigger: Mapping[str, Any]) -> str:
    """``AND`` or ``ANY``; Glue's default is AND."""
    return str((trigger.get("Predicate") or {}).get("Logical") or "AND")


# ---------------------------------------------------------------- loading and validation


# Names become folders and file names here (history, imported definitions, a
# job's script): Glue allows almost any character, we allow what cannot leave
# the folder it names a file in.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$")


def require_safe_name(kind: str, name: str) -> str:
    """``name`` if it is a safe file name; else one sentence naming it."""
    if not SAFE_NAME.fullmatch(name):
        raise InputError(
            f"{kind} name {name!r} is not allowed here: use letters, digits, '_', '-' and '.' "
            "(at most 255, not starting with '.' or '-')"
        )
    return name


def _by_name(workflow: str, kind: str, items: object, source: Path) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        raise InputError(f"workflow {workflow} ({source}): {kind} must be a list of objects")
    named: dict[str, dict[str, Any]] = {}
    singular = kind.rstrip("s").lower()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("Name"), str) or not item["Name"]:
            raise InputError(f"workflow {workflow}: a {singular} in {kind} has no Name")
        require_safe_name(f"workflow {workflow}: {singular}", item["Name"])
        if item["Name"] in named:
            raise InputError(f"workflow {workflow}: {singular} {item['Name']} is defined twice")
        named[item["Name"]] = item
    return named


def _node_label(node_type: NodeType, name: str) -> str:
    return {"JOB": "job", "CRAWLER": "crawler", "TRIGGER": "trigger"}[node_type] + f" {name}"


def _check_trigger_shapes(definition: WorkflowDefinition) -> None:
    workflow = definition.name
    for name, trigger in definition.triggers.items():
        kind = trigger.get("Type")
        if kind not in TRIGGER_TYPES:
            raise InputError(
                f"workflow {workflow}: trigger {name} has Type {kind!r}, "
                f"expected one of {', '.join(sorted(TRIGGER_TYPES))}"
            )
        owner = trigger.get("WorkflowName", workflow)
        if owner != workflow:
            raise InputError(
                f"workflow {workflow}: trigger {name} belongs to workflow {owner} "
                "(its WorkflowName)"
            )
        raw_actions = trigger.get("Actions")
        if not isinstance(raw_actions, list) or not raw_actions:
            raise InputError(f"workflow {workflow}: trigger {name} has no Actions")
        for action in raw_actions:
            if not isinstance(action, dict) or ("JobName" in action) == ("CrawlerName" in action):
                raise InputError(
                    f"workflow {workflow}: trigger {name} has an action naming neither "
                    "one JobName nor one CrawlerName"
                )
        if kind == "ON_DEMAND":
            if trigger.get("Predicate"):
                raise InputError(
                    f"workflow {workflow}: trigger {name} is ON_DEMAND but has a Predicate"
                )
            continue
        if kind != "CONDITIONAL":
            continue
        predicate = trigger.get("Predicate") or {}
        if logical(trigger) not in ("AND", "ANY"):
            raise InputError(
                f"workflow {workflow}: trigger {name} has Logical {logical(trigger)!r}, "
                "expected AND or ANY"
            )
        raw_conditions = predicate.get("Conditions")
        if not isinstance(raw_conditions, list) or not raw_conditions:
            raise InputError(f"workflow {workflow}: trigger {name} has no Predicate.Conditions")
        for condition in raw_conditions:
            _check_condition_shape(workflow, name, condition)


def _check_condition_shape(workflow: str, trigger: str, condition: object) -> None:
    if not isinstance(condition, dict) or ("JobName" in condition) == ("CrawlerName" in condition):
        raise InputError(
            f"workflow {workflow}: trigger {trigger} has a condition naming neither "
            "one JobName nor one CrawlerName"
        )
    operator = condition.get("LogicalOperator", "EQUALS")
    if operator != "EQUALS":
        raise InputError(
            f"workflow {workflow}: trigger {trigger} has LogicalOperator {operator!r}, "
            "expected EQUALS (Glue's only one)"
        )
    if "JobName" in condition:
        node, key, wrong, states = condition["JobName"], "State", "CrawlState", JOB_WATCHABLE_STATES
        label = f"job {node}"
    else:
        node, key, wrong = condition["CrawlerName"], "CrawlState", "State"
        states, label = CRAWL_WATCHABLE_STATES, f"crawler {node}"
    if key not in condition:
        hint = f" ({label} conditions say {key}, not {wrong})" if wrong in condition else ""
        raise InputError(
            f"workflow {workflow}: trigger {trigger}'s condition on {label} has no {key}{hint}"
        )
    if condition[key] not in states:
        raise InputError(
            f"workflow {workflow}: trigger {trigger} waits for {label} to be "
            f"{condition[key]}, a state a trigger cannot see "
            f"(expected one of {', '.join(sorted(states))}), so it can never fire"
        )


def _check_references(definition: WorkflowDefinition) -> None:
    known: dict[NodeType, Mapping[str, object]] = {
        "JOB": definition.jobs,
        "CRAWLER": definition.crawlers,
    }
    for name, trigger in definition.triggers.items():
        named: list[tuple[str, NodeType, str]] = [
            ("starts", a.node_type, a.name) for a in actions(trigger)
        ]
        named += [("watches", c.node_type, c.name) for c in conditions(trigger)]
        for verb, node_type, node in named:
            if node not in known[node_type]:
                raise InputError(
                    f"workflow {definition.name}: trigger {name} {verb} "
                    f"{_node_label(node_type, node)}, which the definition does not define"
                )


def _check_start_trigger(definition: WorkflowDefinition) -> None:
    starts = [n for n, t in definition.triggers.items() if t.get("Type") == "ON_DEMAND"]
    if not starts:
        raise InputError(
            f"workflow {definition.name} has no ON_DEMAND trigger to start it "
            "(exactly one is expected)"
        )
    if len(starts) > 1:
        raise InputError(
            f"workflow {definition.name} has {len(starts)} ON_DEMAND triggers "
            f"({', '.join(starts)}); exactly one is expected"
        )


def edges(
    definition: WorkflowDefinition,
) -> list[tuple[tuple[NodeType, str], tuple[NodeType, str]]]:
    """The graph's edges by (type, name): watched node -> trigger -> started node."""
    found: list[tuple[tuple[NodeType, str], tuple[NodeType, str]]] = []
    for name, trigger in definition.triggers.items():
        here: tuple[NodeType, str] = ("TRIGGER", name)
        for condition in conditions(trigger):
            edge = ((condition.node_type, condition.name), here)
            if edge not in found:
                found.append(edge)
        for action in actions(trigger):
            edge = (here, (action.node_type, action.name))
            if edge not in found:
                found.append(edge)
    return found


def _check_cycles(definition: WorkflowDefinition) -> None:
    following: dict[tuple[NodeType, str], list[tuple[NodeType, str]]] = {}
    for source, target in edges(definition):
        following.setdefault(source, []).append(target)
    done: set[tuple[NodeType, str]] = set()

    def visit(node: tuple[NodeType, str], path: list[tuple[NodeType, str]]) -> None:
        if node in path:
            loop = [*path[path.index(node) :], node]
            shown = " -> ".join(_node_label(*step) for step in loop)
            raise InputError(f"workflow {definition.name} has a cycle: {shown}")
        if node in done:
            return
        for target in following.get(node, []):
            visit(target, [*path, node])
        done.add(node)

    for node in list(following):
        visit(node, [])


def _check_reachable(definition: WorkflowDefinition) -> None:
    started: dict[tuple[NodeType, str], str] = {}
    for name, trigger in definition.triggers.items():
        for action in actions(trigger):
            started.setdefault((action.node_type, action.name), name)
    for name, trigger in definition.triggers.items():
        if trigger.get("Type") != "CONDITIONAL":
            continue
        for condition in conditions(trigger):
            if (condition.node_type, condition.name) not in started:
                raise InputError(
                    f"workflow {definition.name}: trigger {name} watches "
                    f"{_node_label(condition.node_type, condition.name)}, which no trigger "
                    "starts, so it can never fire"
                )
    # Which triggers can fire, starting from the ON_DEMAND one: a fixpoint over the DAG.
    fired = {definition.start_trigger()["Name"]}
    runnable = {(a.node_type, a.name) for a in actions(definition.start_trigger())}
    changed = True
    while changed:
        changed = False
        for name, trigger in definition.triggers.items():
            if name in fired or trigger.get("Type") != "CONDITIONAL":
                continue
            watched = [(c.node_type, c.name) in runnable for c in conditions(trigger)]
            if (all(watched) if logical(trigger) == "AND" else any(watched)) and watched:
                fired.add(name)
                runnable |= {(a.node_type, a.name) for a in actions(trigger)}
                changed = True
    for name, trigger in definition.triggers.items():
        if trigger.get("Type") == "CONDITIONAL" and name not in fired:
            raise InputError(
                f"workflow {definition.name}: trigger {name} can never fire: what it watches "
                "is never started in a run"
            )


def _check_scripts(definition: WorkflowDefinition) -> None:
    for name, job in definition.jobs.items():
        location = (job.get("Command") or {}).get("ScriptLocation")
        if not location:
            raise InputError(
                f"workflow {definition.name}: job {name} has no Command.ScriptLocation"
            )
        path = script_file(job)
        if not Path(str(location)).is_absolute() and Path(str(location)).parts[:1] != (
            JOBS_FOLDER,
        ):
            raise InputError(
                f"workflow {definition.name}: job {name}'s ScriptLocation {location} "
                f"is not under {JOBS_FOLDER}/"
            )
        if not path.is_file():
            raise InputError(
                f"workflow {definition.name}: job {name}'s script {location} does not exist"
            )


def validate(definition: WorkflowDefinition) -> WorkflowDefinition:
    """``definition`` when its graph can run; else one sentence naming the workflow and node."""
    _check_trigger_shapes(definition)
    _check_references(definition)
    _check_start_trigger(definition)
    _check_cycles(definition)
    _check_reachable(definition)
    _check_scripts(definition)
    return definition


def parse_definition(document: object, source: Path) -> WorkflowDefinition:
    """A validated definition from the parsed JSON ``document`` read from ``source``."""
    if not isinstance(document, dict):
        raise InputError(f"workflow definition {source} is not a JSON object")
    workflow = document.get("Workflow")
    if not isinstance(workflow, dict) or not isinstance(workflow.get("Name"), str):
        raise InputError(f"workflow definition {source} has no Workflow.Name")
    name = require_safe_name("workflow", workflow["Name"])
    unknown = sorted(set(document) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise InputError(
            f"workflow {name} ({source}) has unknown top-level key(s) {', '.join(unknown)}; "
            f"expected {', '.join(TOP_LEVEL_KEYS)}"
        )
    definition = WorkflowDefinition(
        name=name,
        workflow=workflow,
        jobs=_by_name(name, "Jobs", document.get("Jobs", []), source),
        crawlers=_by_name(name, "Crawlers", document.get("Crawlers", []), source),
        triggers=_by_name(name, "Triggers", document.get("Triggers", []), source),
        source=source,
    )
    return validate(definition)


def load_definition(path: Path) -> WorkflowDefinition:
    """Read and validate a definition file (see the module docstring for its shape)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as missing:
        raise InputError(f"workflow definition {path} does not exist") from missing
    try:
        document = json.loads(text)
    except json.JSONDecodeError as bad:
        raise InputError(
            f"workflow definition {path} line {bad.lineno} is not valid JSON: {bad.msg}"
        ) from bad
    return parse_definition(document, path)


def find_definition(name: str, *, lake: Path | None) -> Path:
    """The repository's ``workflows/<name>.json``, else one imported under ``lake``."""
    require_safe_name("workflow", name)
    candidates = [DEFINITIONS_DIR / f"{name}.json"]
    if lake is not None:
        candidates.append(imported_definition_path(lake, name))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = " or ".join(str(c) for c in candidates)
    raise InputError(f"workflow {name} is not defined (looked for {looked})")


def imported_definition_path(lake: Path, name: str) -> Path:
    """Where ``workflow import`` stores one: ``<lake>/workflows/<name>/definition.json``."""
    require_safe_name("workflow", name)
    return lake / WORKFLOWS_FOLDER / name / IMPORTED_DEFINITION


# ---------------------------------------------------------------- placeholders


def _placeholders_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield from (m.group("name") for m in PLACEHOLDER.finditer(value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _placeholders_in(key)
            yield from _placeholders_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _placeholders_in(item)


def _filled(value: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: variables[m.group("name")], value)
    if isinstance(value, Mapping):
        return {_filled(k, variables): _filled(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(item, variables) for item in value]
    return value


def placeholders(definition: WorkflowDefinition) -> set[str]:
    """Every ``${name}`` the definition uses."""
    return set(_placeholders_in(definition.as_json()))


def resolve(definition: WorkflowDefinition, variables: Mapping[str, str]) -> WorkflowDefinition:
    """The definition with every ``${name}`` filled from ``variables``.

    An unknown placeholder is one sentence naming it and the node that uses it.
    """
    blocks: list[tuple[str, Mapping[str, Any]]] = [("the Workflow block", definition.workflow)]
    blocks += [(f"job {n}", j) for n, j in definition.jobs.items()]
    blocks += [(f"crawler {n}", c) for n, c in definition.crawlers.items()]
    blocks += [(f"trigger {n}", t) for n, t in definition.triggers.items()]
    for label, block in blocks:
        for name in _placeholders_in(block):
            if name not in variables:
                known = ", ".join(sorted(variables)) or "none"
                raise InputError(
                    f"workflow {definition.name}: {label} uses placeholder ${{{name}}}, "
                    f"which has no value (known: {known})"
                )

    def fill(items: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {name: _filled(item, variables) for name, item in items.items()}

    return dataclasses.replace(
        definition,
        workflow=_filled(definition.workflow, variables),
        jobs=fill(definition.jobs),
        crawlers=fill(definition.crawlers),
        triggers=fill(definition.triggers),
    )


def local_variables(lake: Path, prefix: str = "playgrounds") -> dict[str, str]:
    """The placeholders' values for a local run: the lake's zones and ``<prefix>-*`` databases."""
    # As given: a relative lake stays relative, so summaries read `lake/raw/...`.
    root = lake
    return {
        "raw_zone": str(root / RAW_ZONE),
        "processed_zone": str(root / PROCESSED_ZONE),
        "raw_database": f"{prefix}-raw",
        "processed_database": f"{prefix}-processed",
    }


# ---------------------------------------------------------------- graph


def unique_id(definition_name: str, node_type: NodeType, name: str) -> str:
    """A stable node id in the spirit of Glue's ``UniqueId`` (same name, same id)."""
    digest = hashlib.sha256(f"{definition_name}/{node_type}/{name}".encode()).hexdigest()
    return f"wnode_{digest[:40]}"


def graph(definition: WorkflowDefinition) -> dict[str, list[dict[str, Any]]]:
    """``{"Nodes": [...], "Edges": [...]}`` as ``GetWorkflow --include-graph`` shows them."""
    nodes: list[dict[str, Any]] = []
    kinds: list[tuple[NodeType, Mapping[str, dict[str, Any]]]] = [
        ("TRIGGER", definition.triggers),
        ("JOB", definition.jobs),
        ("CRAWLER", definition.crawlers),
    ]
    for node_type, items in kinds:
        for name in items:
            nodes.append(
                {
                    "Type": node_type,
                    "Name": name,
                    "UniqueId": unique_id(definition.name, node_type, name),
                }
            )
    return {
        "Nodes": nodes,
        "Edges": [
            {
                "SourceId": unique_id(definition.name, *source),
                "DestinationId": unique_id(definition.name, *target),
            }
            for source, target in edges(definition)
        ],
    }
