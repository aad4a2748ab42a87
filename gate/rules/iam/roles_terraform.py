"""What a Terraform function's role is granted: the `aws_iam_role` its `role` refers to
(in its module, or across local modules: a module's output, a caller's argument), with
its `inline_policy` blocks and `managed_policy_arns`, `aws_iam_role_policy`,
`aws_iam_role_policy_attachment`, `aws_iam_policy_attachment` and
`aws_iam_role_policy_attachments_exclusive` naming it, and the `aws_iam_policy` /
`data "aws_iam_policy"` / `data "aws_iam_policy_document"` those use.

Expressions stand for what the module's locals, variable defaults and tfvars give them
(gate.bundle.discovery.terraform_values); nothing else is evaluated. A policy arrives as
`jsonencode({...})`, a heredoc or plain JSON string, a policy document's `.json`, or
`file("...json")` in the module; anything else (`templatefile`, a variable the caller
sets, `dynamic` blocks, an ARN a function builds) is a policy the gate could not read,
reported as such (it may grant anything).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from gate.bundle.discovery.declared import as_mapping
from gate.bundle.discovery.terraform_defined import module_files, named_blocks, overridden
from gate.bundle.discovery.terraform_values import ModuleValues, tf_value
from gate.model import Function
from gate.rules.context import BundleContext
from gate.rules.iam.known import managed_policy_name, managed_statements
from gate.rules.iam.policy import (
    DocPath,
    Found,
    Grants,
    Locator,
    Place,
    Statement,
    as_list,
    combine,
    document_statements,
    unique_keys,
    unreadable,
)

_JSONENCODE = re.compile(r"^\$\{jsonencode\((.*)\)\}$", re.DOTALL)
_DOCUMENT = re.compile(r"^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$")
_FILE = re.compile(r"""^\$\{file\("(?:\$\{path\.module\}/)?([^"$]+)"\)\}$""")
_POLICY_ARN = re.compile(r"^\$\{aws_iam_policy\.([\w-]+)\.(?:arn|id)\}$")
_ROLE = re.compile(r"(?<![\w.])aws_iam_role\.([\w-]+)\.")
"""A module's role named anywhere in an expression (`one(aws_iam_role.fn[*].arn)`,
`coalesce(aws_iam_role.fn.arn, var.role)`), never a data source's."""
_DATA_ROLE = re.compile(r"(?<![\w.])data\.aws_iam_role\.([\w-]+)\.")
_DATA_POLICY = re.compile(r"^\$\{data\.aws_iam_policy\.([\w-]+)\.(?:arn|id)\}$")


@dataclass(frozen=True)
class Block:
    """One `resource` or `data` block of the module, with where it is written."""

    section: str
    """`resource` or `data`."""
    kind: str
    name: str
    file: str
    body: dict[str, Any]

    @property
    def resource(self) -> str:
        """As checkov names it: data sources without their `data.` prefix."""
        return f"{self.kind}.{self.name}"

    def value(self, key: str) -> Any:
        """An attribute, unwrapped from python-hcl2's one-item list."""
        return tf_value(self.body, key)


def _overriding(
    original: Block | None, key: tuple[str, str, str], relative: str, body: Any
) -> Block:
    """The block of `key` once `body` (in `relative`) is read: the original with an
    override file's block merged into it, as Terraform merges it, or a new block."""
    if original is None:
        return Block(*key, relative, as_mapping(body))
    return dataclasses.replace(original, body=overridden(original.body, as_mapping(body)))


@dataclass(frozen=True)
class Module:
    """One directory of `.tf` files, as far as IAM is concerned."""

    context: BundleContext
    directory: PurePosixPath
    blocks: tuple[Block, ...]
    values: ModuleValues

    @classmethod
    def load(cls, context: BundleContext, iac_file: str) -> Module:
        """The module (directory) of one `.tf` file."""
        directory = PurePosixPath(iac_file).parent
        blocks: dict[tuple[str, str, str], Block] = {}
        for path in module_files(context.root / directory):
            relative = (directory / path.name).as_posix()
            parsed = context.terraform(relative) or {}
            for section in ("resource", "data"):
                for group in parsed.get(section, []):
                    for kind, named in as_mapping(group).items():
                        for name, body in as_mapping(named).items():
                            key = (section, str(kind), str(name))
                            blocks[key] = _overriding(blocks.get(key), key, relative, body)
        values = context.terraform_values(directory.as_posix())
        return cls(context, directory, tuple(blocks.values()), values)

    def resolved(self, value: Any) -> Any:
        """`value` (a policy document) with each string that is a local or variable
        written as what the module gives it (a list: every item of every value)."""
        if isinstance(value, dict):
            return {key: self.resolved(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [self.resolved(inner) for inner in value]
        if not isinstance(value, str):
            return value
        found = self.resolve(value)
        if len(found) == 1 and not isinstance(found[0], list):
            return found[0]
        return [item for one in found for item in (one if isinstance(one, list) else [one])]

    def called(self, name: str) -> Module | None:
        """The local module (a folder of the bundle) a `module "name"` block calls, with
        its overrides (`calls`)."""
        source = tf_value(self.calls().get(name) or {}, "source")
        if isinstance(source, str) and source.startswith(("./", "../")):
            folder = posixpath.normpath((self.directory / source).as_posix())
            if not folder.startswith("../") and (self.context.root / folder).is_dir():
                return Module.load(self.context, f"{folder}/main.tf")
        return None

    def calls(self) -> dict[str, dict[str, Any]]:
        """The module's `module` blocks, by name, each merged with its overrides as
        Terraform merges them (gate.bundle.discovery.terraform_defined `named_blocks`)."""
        return named_blocks(self._parsed(), "module")

    def outputs(self) -> dict[str, Any]:
        """The module's `output` values, by name (an override file's block merged into the
        one it overrides: one with no `value` keeps the original's)."""
        return {
            name: tf_value(body, "value")
            for name, body in named_blocks(self._parsed(), "output").items()
        }

    def callers(self, variable: str) -> list[tuple[Module, Any]]:
        """The modules of the bundle that call this one, each with the argument it
        passes for `variable` (a call's overrides merged in: `calls`)."""
        found = []
        for folder in self.context.terraform_folders():
            caller = Module.load(self.context, f"{folder}/main.tf")
            for body in caller.calls().values():
                source = tf_value(body, "source")
                if not isinstance(source, str) or variable not in body:
                    continue
                called = posixpath.normpath((caller.directory / source).as_posix())
                if called == self.directory.as_posix():
                    found.append((caller, tf_value(body, variable)))
        return found

    def _parsed(self) -> list[dict[str, Any]]:
        folder = self.context.root / self.directory
        return [
            self.context.terraform((self.directory / path.name).as_posix()) or {}
            for path in module_files(folder)
        ]

    def resolve(self, value: Any) -> list[Any]:
        """Every value `value` may stand for in this module
        (gate.bundle.discovery.terraform_values)."""
        return self.values.resolve(value)

    def find(self, kind: str, name: str, section: str = "resource") -> Block | None:
        wanted = (section, kind, name)
        return next((b for b in self.blocks if (b.section, b.kind, b.name) == wanted), None)

    def of_kind(self, kind: str) -> list[Block]:
        """Every resource of one type."""
        return [b for b in self.blocks if (b.section, b.kind) == ("resource", kind)]

    def locator(self, block: Block) -> Locator:
        """Lines by text: python-hcl2 gives only a block's first and last line."""
        lines = (self.context.root / block.file).read_text("utf-8", errors="replace").splitlines()
        start, end = block.body.get("__start_line__", 1), block.body.get("__end_line__", len(lines))

        def locate(_path: DocPath, text: str | None) -> int | None:
            if text is None:
                return None
            needle = json.dumps(text)
            return next(
                (n for n in range(start, end + 1) if needle in lines[n - 1]),
                start,
            )

        return locate


def terraform_grants(context: BundleContext, function: Function) -> Grants:
    """Everything the function's role is granted, as far as the bundle's Terraform says."""
    module = Module.load(context, function.iac_file)
    function_block = module.find(*function.resource.split(".", 1))
    role_value = function_block.value("role") if function_block else None
    roles = _roles(module, role_value, _MAX_MODULE_HOPS)
    if not roles:
        return Grants(function.resource, unknown=(f"role {role_value!r} (not in this module)",))
    statements, unknown = combine(part for owner, role in roles for part in _policies(owner, role))
    shown = " or ".join(f"{role.file}:{role.resource}" for _, role in roles)
    return Grants(shown, tuple(statements), tuple(unknown))


_MAX_MODULE_HOPS = 4
"""How many local module boundaries a role reference is followed across."""
_MODULE_OUTPUT = re.compile(r"^\$\{module\.([\w-]+)\.([\w-]+)\}$")
_VARIABLE = re.compile(r"^\$\{var\.([\w-]+)\}$")


def _roles(module: Module, value: Any, hops: int) -> list[tuple[Module, Block]]:
    """The roles (with the module each is in) a `role` value names: through a local, a
    variable or an instance index (gate.bundle.discovery.terraform_values), the output of
    a local module it calls (`module.iam.role_arn`), or the argument a module calling
    this one passes for a variable it gives no value (`var.role_arn`)."""
    found: list[tuple[Module, Block]] = []
    for text in map(str, module.resolve(value)):
        output = _MODULE_OUTPUT.match(text)
        variable = _VARIABLE.match(text)
        found += [
            (module, role)
            for name in _ROLE.findall(text)
            if (role := module.find("aws_iam_role", name)) is not None
        ]
        for name in _DATA_ROLE.findall(text):  # looked up by name: the module's own role
            lookup = module.find("aws_iam_role", name, "data")
            if lookup is not None:
                found += [
                    (module, r)
                    for r in module.of_kind("aws_iam_role")
                    if _names_role(module, lookup.value("name"), r)
                ]
        if output and hops:
            child = module.called(output[1])
            if child is not None:
                found += _roles(child, child.outputs().get(output[2]), hops - 1)
        elif variable and hops:
            for caller, argument in module.callers(variable[1]):
                found += _roles(caller, argument, hops - 1)
    unique = {(owner.directory, role.resource): (owner, role) for owner, role in found}
    return list(unique.values())


def _policies(module: Module, role: Block) -> Iterator[Found]:
    """The role's `inline_policy` blocks and `managed_policy_arns`, then the role policies
    and policy attachments that name it."""
    for inline in role.body.get("inline_policy", []):
        yield _policy(module, role, tf_value(as_mapping(inline), "policy"))
    if "dynamic" in role.body:  # `dynamic "inline_policy"`: its content is the for_each's
        yield [_unreadable(role, "its dynamic blocks are not read")], []
    for arns in module.resolve(role.value("managed_policy_arns") or []):
        for arn in arns if isinstance(arns, list) else [arns]:
            yield _policy_arn(module, role, arn)
    for block in module.of_kind("aws_iam_role_policy"):
        if _names_role(module, block.value("role"), role):
            yield _policy(module, block, block.value("policy"))
    for block in module.of_kind("aws_iam_role_policy_attachment"):
        if _names_role(module, block.value("role"), role):
            yield _policy_arn(module, block, block.value("policy_arn"))
    for block in module.of_kind("aws_iam_policy_attachment"):
        roles = [r for v in module.resolve(block.value("roles")) for r in as_list(v)]
        if any(_names_role(module, r, role) for r in roles):
            yield _policy_arn(module, block, block.value("policy_arn"))
    for block in module.of_kind("aws_iam_role_policy_attachments_exclusive"):
        if _names_role(module, block.value("role_name"), role):
            for arns in module.resolve(block.value("policy_arns") or []):
                for arn in arns if isinstance(arns, list) else [arns]:
                    yield _policy_arn(module, block, arn)


def _names_role(module: Module, value: Any, role: Block) -> bool:
    """`aws_iam_role.x.id` / `.name` (through locals, variables, an instance index), or
    the role's name as the module gives it."""
    names = module.resolve(role.value("name")) if role.value("name") is not None else []
    return any(
        role.name in _ROLE.findall(str(text)) or text in names for text in module.resolve(value)
    )


def _policy_arn(module: Module, owner: Block, arn: Any) -> Found:
    """An attached policy, whatever the module writes it with: an `aws_iam_policy` of
    the module, a `data "aws_iam_policy"` or an AWS managed policy's ARN."""
    return combine(_one_policy_arn(module, owner, text) for text in module.resolve(arn))


def _one_policy_arn(module: Module, owner: Block, arn: Any) -> Found:
    text = str(arn)
    local = _POLICY_ARN.match(text)
    policy = module.find("aws_iam_policy", local[1]) if local else None
    if policy is not None:
        return _policy(module, policy, policy.value("policy"))
    looked_up = _DATA_POLICY.match(text)
    data = module.find("aws_iam_policy", looked_up[1], "data") if looked_up else None
    if data is not None:  # looked up in the account by name or ARN: AWS's, if it is one
        name = data.value("name")
        text = str(data.value("arn") or f"arn:aws:iam::aws:policy/{name}")
    name = managed_policy_name(text)
    if name is None and "${" in text:  # a function's result, a variable the caller sets
        why = f"a policy ARN written as `{text[:60]}`, which only Terraform works out"
        return [_unreadable(owner, why)], []
    if name is None:
        return [], [f"managed policy {text!r}"]
    line = module.locator(owner)((), text)
    found = managed_statements(name, owner.file, owner.resource, line)
    return found, ([] if found else [f"AWS managed policy {name}"])


def _policy(module: Module, block: Block, value: Any) -> Found:
    """The statements of a policy attribute, however it is written; a policy the gate
    cannot read (`templatefile()`, a variable, a document not in the module) is an
    `unreadable` statement, reported: it may grant anything."""
    return combine(_read_policy(module, block, one) for one in module.resolve(value))


def _read_policy(module: Module, block: Block, value: Any) -> Found:
    if not isinstance(value, str):
        return [_unreadable(block, "a policy built by an expression")], []
    reference = _DOCUMENT.match(value)
    if reference:
        document = module.find("aws_iam_policy_document", reference[1], "data")
        if document is None:
            why = f"policy document {reference[1]!r} is not in this module"
            return [_unreadable(block, why)], []
        return _document_block(module, document)
    parsed = _decode(module, value)
    if parsed is None:
        return [_unreadable(block, f"`{value[:60]}` is not read by the gate")], []
    place = Place(block.file, block.resource)
    return document_statements(module.resolved(parsed), place, module.locator(block)), []


def _decode(module: Module, value: str) -> Any:
    """`jsonencode({...})`, a JSON string or `file("x.json")` as a policy document."""
    encoded = _JSONENCODE.match(value)
    included = _FILE.match(value)
    try:
        if encoded:
            return ast.literal_eval(encoded[1])
        if included:
            return json.loads(_bundle_file(module, included[1]), object_pairs_hook=unique_keys)
        return json.loads(value, object_pairs_hook=unique_keys)
    except (ValueError, SyntaxError, OSError, RecursionError, UnicodeError):
        return None


_MAX_POLICY_FILE = 1 << 20
"""IAM caps a policy far below this; a larger `file()` is not a policy."""


def _bundle_file(module: Module, name: str) -> str:
    """A `file()` the module names, read only if it is a regular file inside the bundle
    (`../../etc/passwd`, an absolute path or `/dev/zero` are not read); OSError if not."""
    root = module.context.root.resolve()
    path = (module.context.root / module.directory / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise OSError(f"{name}: not a file of the bundle")
    if path.stat().st_size > _MAX_POLICY_FILE:
        raise OSError(f"{name}: larger than a policy")
    return path.read_text("utf-8")


def _document_block(module: Module, block: Block) -> Found:
    """A `data "aws_iam_policy_document"`'s `statement` blocks, as IAM JSON; documents it
    merges in and `dynamic` statements are not read."""
    statements = [
        {
            "Effect": tf_value(item, "effect") or "Allow",
            "Action": module.resolved(tf_value(item, "actions")),
            "NotAction": module.resolved(tf_value(item, "not_actions")),
            "Resource": module.resolved(tf_value(item, "resources")),
            "Condition": item.get("condition"),
        }
        for item in map(as_mapping, block.body.get("statement", []))
    ]
    unread = {"source_policy_documents", "override_policy_documents", "dynamic"} & set(block.body)
    place = Place(block.file, block.resource)
    found = document_statements({"Statement": statements}, place, module.locator(block))
    if unread:
        found.append(_unreadable(block, f"its {', '.join(sorted(unread))} are not read"))
    return found, []


def _unreadable(block: Block, why: str) -> Statement:
    """A policy of `block` the gate cannot read."""
    line = block.body.get("__start_line__")
    place = Place(block.file, block.resource)
    return unreadable(place, line if isinstance(line, int) else None, why)
