"""A second hostile review of `gate check`: ways around the first review's fixes.

Each case is a confirmed problem, marked strict xfail until it is fixed: the test says
what the gate must do, and the same bundle without the trick blocks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Layout,
    Sandbox,
    assert_blocks,
    assert_refused,
    each_blocked_or_refused,
    each_blocks_with,
)
from tests.hostile.test_review import (
    GOOD_HANDLER,
    ROLE_WITH_STRING_DOCUMENT,
    SLS,
    SLS_ADMIN,
    unchecked_pyc,
)
from tests.hostile.test_staging import BAD, GOOD, function, install, record_hash

IMPORTS_HELPER = (
    "import helper\n\n\ndef handler(event, context):\n    return helper.handler(event, context)\n"
)
SCAN_VENDORED = CHEAP_POLICY + "  bandit: {scan_vendored: true}\n"


# --- Serverless variables with a fallback ----------------------------------------------


def serverless_admin_statement_without_a_variable(sandbox: Sandbox) -> None:
    """The baseline for the cases below."""
    sandbox.write("serverless.yml", SLS.format(provider=SLS_ADMIN.format(action="'*'"), extra=""))
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_serverless_variable_with_a_fallback_does_not_hide_a_star_action(tmp_path: Path) -> None:
    """Serverless v3 resolves `${self:a.b, 'default'}` to a.b if set, else the default;
    the gate leaves it as written and calls it an unknown action that 'grants nothing'."""

    def layout(action: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            provider = SLS_ADMIN.format(action=f'"{action}"')
            sandbox.write(
                "serverless.yml", SLS.format(provider=provider, extra="custom:\n  act: '*'\n")
            )
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "self-resolves-to-star": layout("${self:custom.act, 's3:GetObject'}"),
            "fallback-is-star": layout("${self:custom.nope, '*'}"),
        },
    )


def test_a_deploy_time_variable_with_a_star_fallback_is_not_clean(tmp_path: Path) -> None:
    """`${env:X, '*'}` deploys `*` wherever X is unset: at least not 'grants nothing'."""

    def layout(action: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write(
                "serverless.yml",
                SLS.format(provider=SLS_ADMIN.format(action=f'"{action}"'), extra=""),
            )
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-env-nope": layout("${env:NOPE, '*'}"),
            "1-opt-act": layout("${opt:act, '*'}"),
            "2-ssm-nope": layout("${ssm:/nope, '*'}"),
        },
    )


# --- bytecode beside a source a RECORD vouches for -------------------------------------


def test_the_vendored_module_scanned_blocks(sandbox: Sandbox) -> None:
    """The baseline: with scan_vendored, a vendored module's own code is scanned."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    install(sandbox, "src", "helper", {"helper.py": BAD})
    assert_blocks(sandbox.run(policy=SCAN_VENDORED))


def test_bytecode_beside_a_vouched_source_is_not_trusted(sandbox: Sandbox) -> None:
    """The RECORD vouches for helper.py (clean), not for its pyc (which it does not
    list): Python runs the unchecked-hash pyc instead, while bandit scans the source."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    install(sandbox, "src", "helper", {"helper.py": GOOD})
    sandbox.write("src/__pycache__/helper.cpython-312.pyc", unchecked_pyc(BAD))
    assert_refused(sandbox.run(policy=SCAN_VENDORED), "helper.cpython-312.pyc", "bytecode")


def test_bytecode_a_record_lists_is_not_analysed_never_third_party(sandbox: Sandbox) -> None:
    """pip lists the bytecode it compiles, unhashed: nothing proves what it holds, so it
    is code not analysed (warned, and `coverage: {not_analysed: fail}` fails it)."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    record = install(sandbox, "src", "helper", {"helper.py": GOOD})
    with (sandbox.bundle / record).open("a") as handle:
        handle.write("__pycache__/helper.cpython-312.pyc,,\n")
    sandbox.write("src/__pycache__/helper.cpython-312.pyc", unchecked_pyc(BAD))
    run = sandbox.run("--format", "json", policy=CHEAP_POLICY)
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["files"]["not_analysed"] >= 1
    warned = [w["message"] for w in data["warnings"] if w["code"] == "not-analysed"]
    assert any("helper.cpython-312.pyc" in m for m in warned), warned
    failing = CHEAP_POLICY + "coverage: {not_analysed: fail}\n"
    assert sandbox.run(policy=failing).code != 0


# --- a RECORD the bundle wrote itself ----------------------------------------------------


def handlers_sibling_without_a_record(sandbox: Sandbox) -> None:
    """The baseline for the case below."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/helper.py", BAD)


def a_record_the_bundle_wrote(sandbox: Sandbox) -> None:
    """The attacker's own code in a sibling module, listed (with true hashes) in a
    dist-info it made up but declared by no requirements file beside the handler."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    install(sandbox, "src", "helperpkg", {"helper.py": BAD}, declare=False)


def test_a_dependency_of_a_declared_package_is_third_party(sandbox: Sandbox) -> None:
    """`pip install -r requirements.txt --target` installs what the declared packages
    require too: those are declared through their `Requires-Dist`."""
    function(sandbox)
    sandbox.write("src/app.py", "import toplib\n\n\n" + GOOD)
    install(sandbox, "src", "toplib", {"toplib/__init__.py": "import sublib\n"})
    install(sandbox, "src", "sublib", {"sublib/__init__.py": BAD}, declare=False)
    metadata = sandbox.bundle / "src/toplib-1.0.dist-info/METADATA"
    assert metadata.is_file()
    run = sandbox.run("--format", "json", policy=CHEAP_POLICY)
    assert_blocks(run)  # the baseline: sublib is undeclared, so scanned
    record = sandbox.bundle / "src/toplib-1.0.dist-info/RECORD"
    text = metadata.read_text() + "Requires-Dist: SubLib (>=1.0) ; extra == 'fast'\n"
    metadata.write_text(text)
    hashed = record.read_text().replace(
        next(line for line in record.read_text().splitlines() if "METADATA" in line),
        f"toplib-1.0.dist-info/METADATA,{record_hash(text.encode())},{len(text)}",
    )
    record.write_text(hashed)
    run = sandbox.run("--format", "json", policy=CHEAP_POLICY)
    assert run.code == 0, (run.stdout[-2000:], run.stderr)
    names = {d["name"] for d in json.loads(run.stdout)["files"]["distributions"]}
    assert names == {"toplib", "sublib"}


# --- a JSON-string policy document with a duplicate key -----------------------------------

ADMIN = '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]'
STRING_DOCUMENT = '\'{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\''


def string_document(sandbox: Sandbox, document: str) -> None:
    template = ROLE_WITH_STRING_DOCUMENT.replace(STRING_DOCUMENT, json.dumps(document))
    assert template != ROLE_WITH_STRING_DOCUMENT
    sandbox.write("template.yaml", template)
    sandbox.write("src/app.py", GOOD_HANDLER)


def json_document_whose_last_statement_key_is_admin(sandbox: Sandbox) -> None:
    """The baseline: the gate reads the last of duplicate keys (Python's json)."""
    string_document(sandbox, '{"Statement": [], "Statement": ' + ADMIN + "}")


def a_json_document_with_a_duplicate_statement_key_is_not_clean(sandbox: Sandbox) -> None:
    """YAML duplicate keys are refused; in a JSON-string document the first `Statement`
    (admin) is dropped silently. A parser that keeps the first (or IAM, if it does) sees
    admin: the gate must block or refuse, not pass."""
    string_document(sandbox, '{"Statement": ' + ADMIN + ', "Statement": []}')


# --- inline code whose runtime is a parameter ---------------------------------------------

INLINE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Rt: {{Type: String, Default: python3.12}}
{globals}Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: |
{code}
      Handler: index.handler
{runtime}"""


def inline(sandbox: Sandbox, runtime: str, globals_: str = "") -> None:
    code = "\n".join("        " + line for line in BAD.splitlines())
    sandbox.write("template.yaml", INLINE.format(code=code, runtime=runtime, globals=globals_))


def inline_python_with_a_literal_runtime(sandbox: Sandbox) -> None:
    """The baseline: the same inline code with `Runtime: python3.12` blocks."""
    inline(sandbox, "      Runtime: python3.12\n")


def test_inline_code_whose_runtime_is_a_parameter_is_not_clean(tmp_path: Path) -> None:
    """`Runtime: !Ref Rt` (default python3.12) is reported as 'Rt code, which the gate
    does not analyse', a warning: the Python code is never scanned and the run passes.
    A runtime the gate cannot read must not be 'not Python' (fail closed)."""

    def layout(runtime: str, globals_: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            inline(sandbox, runtime, globals_)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "function": layout("      Runtime: !Ref Rt\n", ""),
            "globals": layout("", "Globals:\n  Function:\n    Runtime: !Ref Rt\n"),
        },
    )


def cfn_zipfile_code_whose_runtime_is_a_parameter_is_not_clean(sandbox: Sandbox) -> None:
    """The same with CloudFormation's `Code.ZipFile` (a CodeUri function with
    `Runtime: !Ref Rt` does block: only inline code is affected)."""
    code = "\n".join("          " + line for line in BAD.splitlines())
    sandbox.write(
        "template.yaml",
        "Parameters:\n  Rt: {Type: String, Default: python3.12}\nResources:\n  F:\n"
        "    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n"
        "      Runtime: !Ref Rt\n      Role: arn:aws:iam::1:role/r\n      Code:\n"
        "        ZipFile: |\n" + code + "\n",
    )


# --- ${file()} that includes itself ---------------------------------------------------------


def test_a_file_variable_that_includes_itself_many_times_does_not_hang(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """iam.yml is a list of 12 `${file(./iam.yml)}`: Variables.resolve follows each to
    MAX_DEPTH (8), 12**8 resolutions; 6 entries already take over a minute. The gate
    must finish (an error or a refusal is fine) well within the hang timeout."""
    from tests.hostile import conftest

    monkeypatch.setattr(conftest, "HANG_TIMEOUT_S", 30)
    provider = "  iam:\n    role:\n      statements: ${file(./iam.yml)}\n"
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
    sandbox.write("iam.yml", "- ${file(./iam.yml)}\n" * 12)
    sandbox.write("app.py", GOOD_HANDLER)
    result = sandbox.run()
    assert result.code == 2, result.stderr
    assert "more than" in result.stdout + result.stderr


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "serverless-admin-statement": (serverless_admin_statement_without_a_variable, "GATE-IAC-001"),
    "handlers-sibling-without-a-record": (handlers_sibling_without_a_record, "GATE-SLS-001"),
    "json-document-last-statement-admin": (
        json_document_whose_last_statement_key_is_admin, "GATE-IAC-004"),
    "inline-python-literal-runtime": (inline_python_with_a_literal_runtime, "GATE-SLS-001"),
}  # fmt: skip


RECORD_THE_BUNDLE_WROTE = "record-the-bundle-wrote"


def test_the_baselines_and_a_record_the_bundle_wrote_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding on the rule
    named beside it. In the same run, a record the bundle wrote does not exempt the
    handler's sibling: the attacker's module is scanned as the function's own code (the
    bundle blocks), and a warning of that bundle says its package is declared by no
    requirements file."""
    run = each_blocks_with(
        tmp_path,
        {
            **{name: layout for name, (layout, _) in BASELINES.items()},
            RECORD_THE_BUNDLE_WROTE: a_record_the_bundle_wrote,
        },
        lambda name, own: name == RECORD_THE_BUNDLE_WROTE or BASELINES[name][1] in json.dumps(own),
    )
    bundle = str(tmp_path / RECORD_THE_BUNDLE_WROTE / "bundle") + "/"
    warned = [w["message"] for w in json.loads(run.stdout)["warnings"]]
    own = [m for m in warned if m.startswith(bundle)]
    assert any("helperpkg 1.0" in m and "requirements" in m for m in own), warned


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "json-document-with-a-duplicate-statement-key-is-not-clean": (
                a_json_document_with_a_duplicate_statement_key_is_not_clean
            ),
            "cfn-zipfile-code-whose-runtime-is-a-parameter-is-not-clean": (
                cfn_zipfile_code_whose_runtime_is_a_parameter_is_not_clean
            ),
        },
    )
