"""The values a Terraform module gives its own expressions: locals, variable defaults and
tfvars, instance indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hcl2.api import loads

from gate.bundle.discovery.terraform_values import MAX_VALUES, ModuleValues
from gate.rules.context import BundleContext

MODULE = """
locals {
  role_arn = aws_iam_role.fn.arn
  prefix   = "arn:aws:iam::aws:policy"
  admin    = "${local.prefix}/AdministratorAccess"
  loop     = local.loop
}
variable "policy" {
  default = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
variable "given" {}
"""
TFVARS = 'policy = "arn:aws:iam::aws:policy/PowerUserAccess"\n'


@pytest.fixture(scope="module")
def values() -> ModuleValues:
    return ModuleValues.read([loads(MODULE)], [loads(TFVARS)])


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ("${local.role_arn}", ["${aws_iam_role.fn.arn}"]),
        ("${aws_iam_role.fn[0].arn}", ["${aws_iam_role.fn.arn}"]),
        ('${aws_iam_role.fn["a"].arn}', ["${aws_iam_role.fn.arn}"]),
        ("${local.admin}", ["arn:aws:iam::aws:policy/AdministratorAccess"]),
        (
            "${var.policy}",
            ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/PowerUserAccess"],
        ),
        ("${var.given}", ["${var.given}"]),
        ("${local.loop}", ["${local.loop}"]),
        (["${local.admin}", "x"], [["arn:aws:iam::aws:policy/AdministratorAccess", "x"]]),
        ("plain", ["plain"]),
    ],
    ids=[
        "local",
        "count-index",
        "for-each-key",
        "local-in-a-text",
        "default-and-tfvars",
        "the-callers",
        "a-cycle",
        "a-list",
        "a-literal",
    ],
)
def test_an_expression_stands_for_what_the_module_gives_it(
    values: ModuleValues, written: object, found: list[object]
) -> None:
    assert values.resolve(written) == found


def test_alternatives_are_bounded() -> None:
    """Ten variables of ten values each in one text: at most MAX_VALUES alternatives."""
    variables = "".join(f'variable "v{i}" {{\n  default = "{i}"\n}}\n' for i in range(10))
    tfvars = [loads("".join(f'v{i} = "x{j}"\n' for i in range(10))) for j in range(9)]
    values = ModuleValues.read([loads(variables)], tfvars)
    text = "".join(f"${{var.v{i}}}" for i in range(10))
    assert 1 < len(values.resolve(text)) <= MAX_VALUES
    # Past the bound the last stands for the rest, unresolved, never dropped silently:
    # the value left out may be the one Terraform takes (the last tfvars file's).
    assert values.resolve(text)[-1] == text
    many = [loads(f'src = "page{j}.html"\n') for j in range(MAX_VALUES)]
    chosen = ModuleValues.read([loads('variable "src" {}\n')], [*many, loads('src = "fn.zip"\n')])
    assert chosen.resolve("${var.src}")[-1] == "${var.src}"


def test_the_rules_read_quoted_strings_as_terraform_does(tmp_path: Path) -> None:
    """The rules' parse is discovery's (`hcl_loads`): a quoted string's escapes undone,
    a heredoc's kept, a file with a malformed escape unread."""
    (tmp_path / "main.tf").write_text(
        'locals {\n  env = { "AWS_LAMBDA_EXEC_WRAPPE\\u0052" = "/var/task/w" }\n'
        '  action = "\\u002a"\n  script = <<EOT\n\\u002a\nEOT\n}\n',
        "utf-8",
    )
    (tmp_path / "bad.tf").write_text('locals {\n  a = "\\d"\n}\n', "utf-8")
    context = BundleContext("b", tmp_path, tmp_path, ())
    assert context.terraform_values(".").locals == {
        "env": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/w"},
        "action": "*",
        "script": "\\u002a",
    }
    assert context.terraform("bad.tf") is None


def test_the_rules_read_heredocs_and_line_ends_as_terraform_does(tmp_path: Path) -> None:
    """A `<<-` heredoc trimmed as Terraform trims it (form feeds are whitespace); a file
    with a carriage return alone unread, as discovery refuses it."""
    (tmp_path / "main.tf").write_bytes(
        b'locals {\n  policy = <<-EOT\n\f\f{"a":\n\f\f  1}\n  EOT\n}\n'
    )
    (tmp_path / "cr.tf").write_bytes(b"locals {\n  b = 1 # x\r}\n")
    context = BundleContext("b", tmp_path, tmp_path, ())
    assert context.terraform_values(".").locals == {"policy": '{"a":\n  1}'}
    assert context.terraform("cr.tf") is None


def test_an_override_files_locals_win_as_terraform_merges_them(tmp_path: Path) -> None:
    """`a_override.tf` sorts before `main.tf`, and Terraform reads it after: its local
    replaces main's, for the rules as for discovery."""
    (tmp_path / "main.tf").write_text('locals {\n  policy = "read-only"\n}\n', "utf-8")
    (tmp_path / "a_override.tf").write_text('locals {\n  policy = "admin"\n}\n', "utf-8")
    context = BundleContext("b", tmp_path, tmp_path, ())
    assert context.terraform_values(".").locals == {"policy": "admin"}


def test_a_file_terraform_ignores_is_no_part_of_the_rules_module(tmp_path: Path) -> None:
    """A hidden override file is ignored by Terraform: its local replaces nothing, and a
    folder holding only hidden `.tf` files is no Terraform folder."""
    (tmp_path / "main.tf").write_text('locals {\n  policy = "admin"\n}\n', "utf-8")
    (tmp_path / ".a_override.tf").write_text('locals {\n  policy = "read-only"\n}\n', "utf-8")
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / ".main.tf").write_text("", "utf-8")
    context = BundleContext("b", tmp_path, tmp_path, ())
    assert context.terraform_values(".").locals == {"policy": "admin"}
    assert context.terraform_folders() == ["."]
