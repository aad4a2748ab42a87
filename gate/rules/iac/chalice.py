"""The environment of a Chalice function, from its project's `.chalice/config.json`.

Chalice sets a function's environment from `environment_variables` at the top of the
config, in the top-level `lambda_functions` entry of the function, in each stage, and
in a stage's entry of the function, merged in that order. Which stage is deployed is
`chalice deploy --stage`'s choice, so every variable any of them sets is the
function's: the rules that read an environment (plaintext secrets, what the runtime
runs before the handler) judge them all, each at its line in the config.

Chalice's other settings are not read into a view: the rules on runtime, tracing,
timeout and concurrency are written for the syntaxes that declare them per function.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from gate.bundle.discovery.chalice_config import CONFIG, read_config, setting_places, value_at
from gate.bundle.discovery.declared import as_mapping
from gate.rules.context import BundleContext
from gate.rules.iac.view import FunctionView, Setting, Variable


def chalice_views(context: BundleContext) -> list[FunctionView]:
    """A view of each Chalice function whose project's config sets its environment."""
    views = []
    for function in context.functions:
        if function.iac != "chalice":
            continue
        config_file = posixpath.join(posixpath.dirname(function.iac_file), *CONFIG)
        if not (context.root / config_file).is_file():
            continue
        # Read as Chalice reads it (JSON); lines where the YAML reader places them.
        config = read_config(context.root / config_file)
        document = context.yaml(config_file)
        variables: list[Variable] = []
        unread: tuple[str, ...] = ()
        if not isinstance(config, dict):
            unread = (config_file,)
        else:
            for place in setting_places(config, function.resource):
                at = (*place, "environment_variables")
                for name, value in as_mapping(value_at(config, at)).items():
                    literal = value if isinstance(value, str) else None
                    line = document.line_of((*at, str(name))) if document else None
                    variables.append(Variable(str(name), literal, line))
        unset = Setting(None, None)
        views.append(
            FunctionView(
                function=replace(function, iac_file=config_file),
                runtime=unset,
                timeout=unset,
                tracing=unset,
                reserved=unset,
                variables=tuple(variables),
                entries=(),
                unread_environment=unread,
            )
        )
    return views
