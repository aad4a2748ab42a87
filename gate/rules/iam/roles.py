"""What a function's role is granted, read from its IaC: every statement with where it is
written, and the policies whose grants are not known.

SAM: a function's inline `Policies` (documents, SAM policy templates, managed policy
names), or the template role its `Role` names. CloudFormation: a role's inline
`Policies`, its `ManagedPolicyArns` (AWS managed, or a local `AWS::IAM::ManagedPolicy`),
and `AWS::IAM::Policy` / `ManagedPolicy` / `RolePolicy` resources that name the role.
serverless.yml: `provider.iam.role.statements` and `managedPolicies`, the legacy
`provider.iamRoleStatements` and `iamManagedPolicies`, per-function `iamRoleStatements`
(serverless-iam-roles-per-function) and custom roles under `resources.Resources`.
Terraform: gate.rules.iam.roles_terraform. Chalice: gate.rules.iam.roles_chalice.
"""

from __future__ import annotations

import functools
import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from gate.bundle.discovery.cloudformation import logical_ids
from gate.bundle.discovery.declared import as_mapping
from gate.model import Function
from gate.rules.context import BundleContext
from gate.rules.iam.known import managed_policy_name, managed_statements, template_statements
from gate.rules.iam.policy import (
    DocPath,
    Found,
    Grants,
    Locator,
    Place,
    Statement,
    as_list,
    combine,
    items,
    strings,
    unreadable,
)
from gate.rules.iam.policy import document_statements as _document
from gate.rules.intrinsics import (
    Overrides,
    deployed_literals,
    is_intrinsic,
    with_mappings,
    with_parameters,
)
from gate.rules.variables import Variables
from gate.safeyaml import YamlDocument

# serverless.yml: where the provider role's statements and managed policies are.
_PROVIDER_V3: tuple[DocPath, DocPath] = (
    ("provider", "iam", "role", "statements"),
    ("provider", "iam", "role", "managedPolicies"),
)
_PROVIDER_V2: tuple[DocPath, DocPath] = (
    ("provider", "iamRoleStatements"),
    ("provider", "iamManagedPolicies"),
)
_ATTACHING = {
    "AWS::IAM::Policy": "Roles",
    "AWS::IAM::ManagedPolicy": "Roles",
    "AWS::IAM::RolePolicy": "RoleName",
}


def grants(context: BundleContext, function: Function) -> Grants:
    """Everything the function's role is granted, as far as its IaC says."""
    if function.iac == "terraform":
        from gate.rules.iam.roles_terraform import terraform_grants

        return terraform_grants(context, function)
    if function.iac == "chalice":
        from gate.rules.iam.roles_chalice import chalice_grants

        return chalice_grants(context, function)
    document = context.yaml(function.iac_file)
    if document is None:
        return Grants(function.resource, unknown=(f"{function.iac_file} (not readable)",))
    if function.iac == "serverless":
        variables = Variables.for_file(context, function.iac_file, document.data)
        return _serverless(document, function, variables)
    overrides = context.parameter_overrides()
    deployed = Template(document, function.iac_file, ("Resources",), overrides, context)
    return _template(deployed, function)


_RESOLVED_TAGS = ("Ref", "Sub", "FindInMap", "ImportValue")
"""Short forms the IAM rules read in their long form: as what they stand for
(with_parameters, with_mappings), or, for an import from another stack, as a value only
the deploy knows (an action of that kind is a policy the gate could not read). Any other
tag stays as the loader reads it, its value without the tag."""


@dataclass(frozen=True)
class Template:
    """The `Resources` of a template (or of serverless.yml's `resources`), with lines."""

    document: YamlDocument
    file: str
    base: DocPath
    overrides: Overrides = field(default_factory=dict)
    """The values the bundle's samconfigs pass the template's parameters."""
    context: BundleContext | None = None
    """The bundle, to read the templates of nested stacks."""

    def nested(self, logical_id: str) -> Template | None:
        """The template a nested stack or application of this one deploys from a file of
        the bundle (`Location`, `TemplateURL`); None if it names none."""
        kind = self.kind(logical_id)
        key = {
            "AWS::Serverless::Application": "Location",
            "AWS::CloudFormation::Stack": "TemplateURL",
        }
        location = self.properties(logical_id).get(key.get(kind or "", ""))
        if self.context is None or not isinstance(location, str) or "://" in location:
            return None
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.file), location))
        document = None if path.startswith("../") else self.context.yaml(path)
        if document is None:
            return None
        return Template(document, path, ("Resources",), self.overrides, self.context)

    def resources(self) -> dict[str, Any]:
        """Logical id -> resource."""
        value: Any = self.document.data
        for key in self.base:
            value = as_mapping(value).get(str(key))
        return as_mapping(value)

    def kind(self, logical_id: str) -> str | None:
        kind = as_mapping(self.resources().get(logical_id)).get("Type")
        return kind if isinstance(kind, str) else None

    def properties(self, logical_id: str) -> dict[str, Any]:
        return as_mapping(as_mapping(self.resources().get(logical_id)).get("Properties"))

    def locator(self, *path: str | int) -> Locator:
        """Lines of a policy document at `path` under the resources."""
        return lambda inner, _text: self.document.line_of((*self.base, *path, *inner))

    def line(self, *path: str | int) -> int | None:
        return self.document.line_of((*self.base, *path))

    def long_form(self, path: DocPath, value: Any) -> Any:
        """`value`, at `path` under the resources, with every tagged value in it written
        in its long form (`!Ref X` as `{"Ref": "X"}`)."""
        return self.document.long_form((*self.base, *path), value)

    def long_items(self, path: DocPath, value: Any) -> Any:
        """A list at `path` with each item written with a tag in its long form (a SAM
        policy `!Ref AdminArn`, `!FindInMap [...]`), the rest as the loader reads it."""
        if not isinstance(value, list):
            return value
        return [
            self.long_form((*path, i), item)
            if (*self.base, *path, i) in self.document.tags
            else item
            for i, item in enumerate(value)
        ]

    def statements(self, document: Any, resource: str, *path: str | int) -> list[Statement]:
        """The statements of the policy document at `path`, written in `resource`;
        `Fn::FindInMap` into the template's own `Mappings`, and `Ref`/`Fn::Sub` of its
        parameters' values (gate.rules.intrinsics), are read as what they stand for
        (short forms too: the document keeps their tags)."""
        written = self.document.long_form((*self.base, *path), document, _RESOLVED_TAGS)
        resolved = with_mappings(written, self.mappings())
        document = with_parameters(resolved, self.top(), self.overrides)
        return _document(document, Place(self.file, resource), self.locator(*path))

    def top(self) -> dict[str, Any]:
        """The template the resources are in (serverless.yml's `resources`)."""
        value: Any = self.document.data
        for key in self.base[:-1]:
            value = as_mapping(value).get(str(key))
        return as_mapping(value)

    def mappings(self) -> dict[str, Any]:
        """The `Mappings` beside the resources (a template's top level, or
        serverless.yml's `resources`)."""
        return as_mapping(self.top().get("Mappings"))

    def role(self, role: str) -> Grants:
        """A template role's inline policies, managed policies and attached policies."""
        resource = f"AWS::IAM::Role.{role}"
        statements, unknown = combine(self._role_parts(role, resource))
        return Grants(f"{self.file}:{resource}", tuple(statements), tuple(unknown))

    def _role_parts(self, role: str, resource: str) -> Iterator[Found]:
        props = self.properties(role)
        for at, policy in items(props.get("Policies"), (role, "Properties", "Policies")):
            path = (*at, "PolicyDocument")
            yield self.statements(as_mapping(policy).get("PolicyDocument"), resource, *path), []
        at_arns = (role, "Properties", "ManagedPolicyArns")
        managed = items(self.long_form(at_arns, props.get("ManagedPolicyArns")), at_arns)
        for at, arn in managed:
            yield self.managed(arn, resource, self.line(*at))
        arns = [arn for _, arn in managed]
        yield self.attached(role, {r for arn in arns for r in logical_ids(arn)})

    def managed(self, value: Any, resource: str, line: int | None) -> Found:
        """A managed policy given by name or ARN, written out or as an intrinsic (its
        long form: each ARN it may be deployed as, gate.rules.intrinsics), or by
        reference to a local managed policy. One the gate cannot name is an unreadable
        statement: it may be any policy, AdministratorAccess too."""
        local = [r for r in logical_ids(value) if self.kind(r) == "AWS::IAM::ManagedPolicy"]
        if local:
            kind = "AWS::IAM::ManagedPolicy"
            document = self.properties(local[0]).get("PolicyDocument")
            return self.statements(
                document, f"{kind}.{local[0]}", local[0], "Properties", "PolicyDocument"
            ), []
        if is_intrinsic(value):
            arns = deployed_literals(self.top(), value, self.overrides)
        else:
            arns = [value if isinstance(value, str) else None]
        statements: list[Statement] = []
        unknown: list[str] = []
        for arn in arns:
            name = managed_policy_name(arn) if arn is not None else None
            if arn is None:
                why = f"a managed policy named by {_shown(value)}, which the gate cannot work out"
                statements.append(unreadable(Place(self.file, resource), line, why))
            elif name is None:
                unknown.append(f"managed policy {arn!r}")
            else:
                found = managed_statements(name, self.file, resource, line)
                statements += found
                unknown += [] if found else [f"AWS managed policy {name}"]
        return statements, unknown

    def roles_named(self, value: Any) -> set[str]:
        """The template's roles `value` names: by logical id (`!Ref`, `!GetAtt`), or by
        the name its `RoleName` gives it, alone or ending an ARN (`!Sub
        'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/orders-fn'`)."""
        named = {r for r in logical_ids(value) if self.kind(r) == "AWS::IAM::Role"}
        names = {text.rsplit("/", 1)[-1] for text in strings(value)}
        return named | {role for role, given in self._role_names.items() if names & given}

    @functools.cached_property
    def _role_names(self) -> dict[str, set[str | None]]:
        """Each role of the template with the names its `RoleName` may be deployed as,
        worked out once (every policy resource asks)."""
        found = {}
        for logical_id in map(str, self.resources()):
            written = self.properties(logical_id).get("RoleName")
            if self.kind(logical_id) == "AWS::IAM::Role" and written is not None:
                found[logical_id] = set(deployed_literals(self.top(), written))
        return found

    def attached(self, role: str, seen: set[str]) -> Found:
        """Policy resources that name the role (`Roles: [!Ref Role]`, `RoleName`)."""
        statements: list[Statement] = []
        for logical_id, resource in self.resources().items():
            kind = as_mapping(resource).get("Type")
            props = self.properties(str(logical_id))
            if kind not in _ATTACHING or logical_id in seen:
                continue
            if role in self.roles_named(props.get(_ATTACHING[str(kind)])):
                path = (str(logical_id), "Properties", "PolicyDocument")
                statements += self.statements(
                    props.get("PolicyDocument"), f"{kind}.{logical_id}", *path
                )
        return statements, []


def _template(template: Template, function: Function) -> Grants:
    logical = function.resource.split(".", 1)[1]
    props = template.properties(logical)
    if "Role" in props:
        return _custom_role(template, props["Role"])
    if function.iac != "sam":
        return Grants(function.resource, unknown=("no role in the template",))
    return _sam_policies(template, logical, props.get("Policies"))


def _sam_policies(template: Template, logical: str, policies: Any) -> Grants:
    """A SAM function's own role: its `Policies`, and policies attached to `<Name>Role`."""
    resource = f"AWS::Serverless::Function.{logical}"
    base: DocPath = (logical, "Properties", "Policies")
    listed = items(template.long_items(base, policies), base)
    parts = [_sam_policy(template, resource, at, p) for at, p in listed]
    parts.append(template.attached(f"{logical}Role", set()))
    statements, unknown = combine(parts)
    return Grants(f"{template.file}:{resource}", tuple(statements), tuple(unknown))


def _sam_policy(template: Template, resource: str, path: DocPath, item: Any) -> Found:
    """One item of SAM `Policies`: a document (a map, or a JSON string), a policy
    template or a managed policy."""
    if isinstance(item, str) and item.lstrip().startswith(("{", "[")):
        return template.statements(item, resource, *path), []
    if isinstance(item, str) and not item.startswith("arn:") and "${" not in item:
        item = f"arn:aws:iam::aws:policy/{item}" if template.kind(item) is None else item
    if isinstance(item, dict) and "Statement" in item:
        return template.statements(item, resource, *path), []
    if isinstance(item, dict) and len(item) == 1 and not is_intrinsic(item):
        name = str(next(iter(item)))
        found = template_statements(name, template.file, resource, template.line(*path, name))
        return found, ([] if found else [f"SAM policy template {name}"])
    return template.managed(item, resource, template.line(*path))


def _serverless(document: YamlDocument, function: Function, variables: Variables) -> Grants:
    """A serverless.yml function's role: its own (`iamRoleStatements` of the
    serverless-iam-roles-per-function plugin), a custom one, or the provider's."""
    provider = as_mapping(variables.at("provider"))
    key = function.resource
    spec = as_mapping(variables.at("functions", key))
    iam_role = variables.at("provider", "iam", "role")
    custom = spec.get("role") or provider.get("role")
    if custom is None and not isinstance(iam_role, dict):
        custom = iam_role
    if custom is not None:
        return _custom_role(_resources(document, function, variables), custom)
    role = f"{function.iac_file}:provider"
    own: list[Statement] = []
    if "iamRoleStatements" in spec:
        role = f"{function.iac_file}:{key}"
        own = _statements_at(document, function, ("functions", key, "iamRoleStatements"), variables)
        if not spec.get("iamRoleStatementsInherit"):
            return Grants(role, tuple(own))
    statements_at, managed_at = _PROVIDER_V3 if isinstance(iam_role, dict) else _PROVIDER_V2
    statements = _statements_at(document, function, statements_at, variables)
    managed, unknown = _managed_at(document, function, managed_at, variables)
    changed, changed_unknown = _generated_role_changes(document, function, variables)
    return Grants(
        role, tuple(own + statements + managed + changed), tuple(unknown + changed_unknown)
    )


GENERATED_ROLE = "IamRoleLambdaExecution"
"""The logical id of the role the Framework makes from `provider.iam.role`."""


def _generated_role_changes(
    document: YamlDocument, function: Function, variables: Variables
) -> Found:
    """What serverless.yml's `resources` adds to the role the Framework generates: an
    entry of the same logical id in `resources.Resources` (deep-merged into it) or in
    `resources.extensions` (v3), with its inline and managed policies."""
    parts: list[Found] = []
    for template in (
        _resources(document, function, variables),
        _resources(document, function, variables, "extensions"),
    ):
        if GENERATED_ROLE in template.resources():
            grants = template.role(GENERATED_ROLE)
            parts.append((list(grants.statements), list(grants.unknown)))
    return combine(parts)


def _resources(
    document: YamlDocument, function: Function, variables: Variables, section: str = "Resources"
) -> Template:
    """serverless.yml's `resources.Resources` (or `resources.extensions`), as written (with
    lines) or, where the Framework builds it (`resources: ${file(./res.yml):res}`, a list
    of parts merged), as resolved (lines where the document has them)."""
    written = Template(document, function.iac_file, ("resources", section))
    resolved = as_mapping(variables.at("resources", section))
    if resolved == written.resources():
        return written
    built = YamlDocument({"resources": {section: resolved}}, document.positions)
    return Template(built, function.iac_file, ("resources", section))


def _custom_role(template: Template, custom: Any, hops: int = 4) -> Grants:
    """The role `custom` names: a role of the template (by logical id or RoleName), or
    one a nested stack of the bundle outputs, across up to `hops` stacks."""
    roles = sorted(template.roles_named(custom))
    if len(roles) == 1:
        return template.role(roles[0])
    if roles:  # a role the deploy picks (`${self:custom.${sls:stage}.role}`): each judged
        each = [template.role(r) for r in roles]
        return Grants(
            " or ".join(g.role for g in each),
            tuple(s for g in each for s in g.statements),
            tuple(u for g in each for u in g.unknown),
        )
    for stack, output in _nested_outputs(custom) if hops else []:  # `Iam.Outputs.RoleArn`
        nested = template.nested(stack)
        value = as_mapping(as_mapping(nested.top().get("Outputs")).get(output)) if nested else {}
        if nested is not None and "Value" in value:
            path = ("Outputs", output, "Value")
            written = nested.document.long_form(path, value["Value"])
            return _custom_role(nested, written, hops - 1)
    return Grants(f"{template.file}:{custom}", unknown=(f"role {custom!r} (not in this file)",))


def _nested_outputs(value: Any) -> list[tuple[str, str]]:
    """The (nested stack, output) pairs a `Fn::GetAtt X.Outputs.Name` in `value` reads,
    in the short form (read as the text `X.Outputs.Name`) or the long one."""
    found = []
    for text in strings(value):
        parts = text.split(".")
        if len(parts) == 3 and parts[1] == "Outputs":
            found.append((parts[0], parts[2]))
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list):
        stack, *attribute = map(str, value["Fn::GetAtt"])
        parts = ".".join(attribute).split(".")
        if len(parts) == 2 and parts[0] == "Outputs":
            found.append((stack, parts[1]))
    return found


def _statements_at(
    document: YamlDocument, function: Function, path: DocPath, variables: Variables
) -> list[Statement]:
    """The statements at `path`, with `${self:}` and in-bundle `${file()}` resolved."""
    place = Place(function.iac_file, function.resource)
    value = variables.at(*path)
    return _document(value or [], place, lambda inner, _text: document.line_of((*path, *inner)))


def _managed_at(
    document: YamlDocument, function: Function, path: DocPath, variables: Variables
) -> Found:
    template = Template(document, function.iac_file, ("resources", "Resources"))
    return combine(
        template.managed(arn, function.resource, document.line_of((*path, i)))
        for i, arn in enumerate(as_list(variables.at(*path)))
    )


def _shown(value: Any) -> str:
    """An intrinsic as one short line of a message."""
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= 80 else text[:77] + "..."
