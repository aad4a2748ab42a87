"""A third hostile review of `gate check`: ways around the fixes of 475ce2a (Serverless
variables with fallbacks, budgets) and 18d953c (packages installed beside a function's
code must be declared; bytecode a RECORD lists is not analysed).

Each case is a confirmed problem, marked strict xfail until it is fixed: the test says
what the gate must do, and a baseline beside it shows the same bundle without the trick
blocks (or is refused).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Layout,
    Sandbox,
    assert_refused,
    each_blocked_or_refused,
    each_blocks_with,
)
from tests.hostile.test_review import GOOD_HANDLER, SLS, SLS_ADMIN, unchecked_pyc
from tests.hostile.test_staging import BAD, TEMPLATE, function, install, record_hash

STRICT = CHEAP_POLICY + "  bandit: {scan_vendored: true}\ncoverage: {not_analysed: fail}\n"
ADMIN_STATEMENT = "- Effect: Allow\n  Action: '*'\n  Resource: '*'\n"


def indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


# --- 1. Serverless variables ----------------------------------------------------------


def serverless_admin_statement_written_out(sandbox: Sandbox) -> None:
    """The baseline for the `${file()}` cases below: the same statement in place."""
    sandbox.write("serverless.yml", SLS.format(provider=SLS_ADMIN.format(action="'*'"), extra=""))
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_file_variable_above_the_statements_does_not_hide_them(tmp_path: Path) -> None:
    """`provider.iam: ${file(./iam.yml)}` deploys the admin statement of iam.yml; the
    gate never resolves the variable, finds no statements, and passes (exit 0)."""

    def layout(provider: str, file: str, content: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
            sandbox.write(file, content)
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "provider.iam": layout(
                "  iam: ${file(./iam.yml)}\n",
                "iam.yml",
                "role:\n  statements:\n" + indent(ADMIN_STATEMENT, 4),
            ),
            "provider.iam.role": layout(
                "  iam:\n    role: ${file(./role.yml)}\n",
                "role.yml",
                "statements:\n" + indent(ADMIN_STATEMENT, 2),
            ),
        },
    )


def a_provider_from_a_file_does_not_hide_its_statements(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        "service: s\nprovider: ${file(./provider.yml)}\n"
        "functions:\n  f:\n    handler: app.handler\n",
    )
    sandbox.write(
        "provider.yml",
        "name: aws\nruntime: python3.12\niam:\n  role:\n    statements:\n"
        + indent(ADMIN_STATEMENT, 6),
    )
    sandbox.write("app.py", GOOD_HANDLER)


SLS_FALLBACKS = (
    "  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
    "          Action: ${{{action}, 'sqs:SendMessage'}}\n"
    "          Resource: ${{{resource}, 'arn:aws:sqs:us-east-1:123456789012:q'}}\n"
)


def self_variable_into_custom_written_out(sandbox: Sandbox) -> None:
    """The baseline: `${self:custom.act, 'sqs:SendMessage'}` with custom.act `*`."""
    provider = SLS_FALLBACKS.format(action="self:custom.act", resource="self:custom.res")
    extra = "custom:\n  act: '*'\n  res: '*'\n"
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", GOOD_HANDLER)


def a_self_variable_into_custom_from_a_file_is_not_its_fallback(sandbox: Sandbox) -> None:
    """`custom: ${file(./custom.yml)}` is how many services keep their settings; the
    Framework resolves `${self:custom.act, 'sqs:SendMessage'}` to custom.yml's `*`."""
    provider = SLS_FALLBACKS.format(action="self:custom.act", resource="self:custom.res")
    sls = SLS.format(provider=provider, extra="").replace(
        "service: s\n", "service: s\ncustom: ${file(./custom.yml)}\n"
    )
    sandbox.write("serverless.yml", sls)
    sandbox.write("custom.yml", "act: '*'\nres: '*'\n")
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_self_variable_the_framework_reads_is_not_its_fallback(tmp_path: Path) -> None:
    """The Framework's parser skips spaces before an address and takes any character
    but `}`, `,`, `:` and `$` in it: `${self: custom.act, 'sqs:SendMessage'}` deploys `*`."""

    def layout(action: str, resource: str, custom: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            provider = SLS_FALLBACKS.format(action=action, resource=resource)
            provider = provider.replace("Action: ${", 'Action: "${').replace(
                "'sqs:SendMessage'}", "'sqs:SendMessage'}\""
            )
            provider = provider.replace("Resource: ${", 'Resource: "${').replace(":q'}", ":q'}\"")
            sandbox.write(
                "serverless.yml", SLS.format(provider=provider, extra="custom:\n" + custom)
            )
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "space-after-colon": layout(
                "self: custom.act", "self: custom.res", "  act: '*'\n  res: '*'\n"
            ),
            "at-in-key": layout(
                "self:custom.act@1", "self:custom.res@1", "  act@1: '*'\n  res@1: '*'\n"
            ),
        },
    )


def star_fallback(sandbox: Sandbox) -> None:
    """The baseline: `${self:custom.nope, '*'}` deploys (and is judged) `*`."""
    provider = SLS_ADMIN.format(action="\"${self:custom.nope, '*'}\"")
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
    sandbox.write("app.py", GOOD_HANDLER)


def an_escaped_star_fallback_is_not_an_unknown_action(sandbox: Sandbox) -> None:
    provider = SLS_ADMIN.format(action='${self:custom.nope, "\\u002a"}')
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
    sandbox.write("app.py", GOOD_HANDLER)


def file_variable_into_a_yaml_file(sandbox: Sandbox) -> None:
    """The baseline: `${file(./perm.yml):act, 'sqs:SendMessage'}`, perm.yml's act `*`."""
    provider = SLS_FALLBACKS.format(action="file(./perm.yml):act", resource="file(./perm.yml):res")
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
    sandbox.write("perm.yml", "act: '*'\nres: '*'\n")
    sandbox.write("app.py", GOOD_HANDLER)


def a_file_variable_into_a_js_file_is_not_its_fallback(sandbox: Sandbox) -> None:
    """The Framework reads `${file(./perm.js):act}` from the module's exports; the gate
    cannot (and must not run it), so it cannot know the value: that is an error, not the
    fallback `sqs:SendMessage`."""
    provider = SLS_FALLBACKS.format(action="file(./perm.js):act", resource="file(./perm.js):res")
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
    sandbox.write("perm.js", "module.exports = { act: '*', res: '*' };\n")
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_doubling_string_variable_does_not_stall_the_gate(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """custom.s0 is `${self:custom.s1}${self:custom.s1}`, ... down to a 64 KiB string:
    about 25,000 steps (under MAX_STEPS) make a 512 MiB Resource, resolved again with a
    fresh budget for each function's role. Measured: 8 functions take 2m19s and 4.7 GB
    (exit 0); time and memory grow with the number of functions and the leaf's size (up
    to the 16 MiB IaC budget). The gate must stop it (an error is fine) quickly."""
    from tests.hostile import conftest

    monkeypatch.setattr(conftest, "HANG_TIMEOUT_S", 60)
    levels = 13
    custom = "".join(
        f"  s{i}: ${{self:custom.s{i + 1}}}${{self:custom.s{i + 1}}}\n" for i in range(levels)
    )
    custom += f"  s{levels}: {'x' * 65536}\n"
    provider = (
        "  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
        "          Action: sqs:SendMessage\n          Resource: ${self:custom.s0}\n"
    )
    functions = "".join(f"  f{i}:\n    handler: app.handler\n" for i in range(8))
    sls = (
        f"service: s\ncustom:\n{custom}provider:\n  name: aws\n  runtime: python3.12\n"
        f"{provider}functions:\n{functions}"
    )
    sandbox.write("serverless.yml", sls)
    sandbox.write("app.py", GOOD_HANDLER)
    result = sandbox.run()
    assert result.code == 2, result.stderr


# --- 2. packages installed beside a function's code -----------------------------------

IMPORTS = (
    "from {package} import helper\n\n\n"
    "def handler(event, context):\n    return helper.handler(event, context)\n"
)


# name: (the handler, the folder of the code helper.py is in, the package it is imported from)
CODE_FOLDERS = {
    "vendor-folder": ("app.handler", "src/vendor", "vendor"),
    "handler-package": ("pkg/app.handler", "src/pkg", "pkg"),
}


def code_folder_case(sandbox: Sandbox, handler: str, package: str) -> None:
    function(sandbox, handler=handler)
    app = "src/app.py" if handler == "app.handler" else "src/pkg/app.py"
    sandbox.write(app, IMPORTS.format(package=package))


def sibling_in_a_folder_of_the_code_without_a_record(
    handler: str, site: str, package: str
) -> Layout:
    """The baseline: helper.py in a folder of the code, imported by the handler, is
    scanned."""

    def written(sandbox: Sandbox) -> None:
        code_folder_case(sandbox, handler, package)
        sandbox.write(f"{site}/helper.py", BAD)

    return written


def made_up_package_in_a_folder_of_the_code(handler: str, site: str, package: str) -> Layout:
    """A RECORD the bundle wrote, in a folder of the function's own code (a `vendor/` it
    imports, or the handler's own package), proves the attacker's module third-party with
    no requirements file declaring it: bandit and the serverless rules never read it."""

    def written(sandbox: Sandbox) -> None:
        code_folder_case(sandbox, handler, package)
        install(sandbox, site, "helperpkg", {"helper.py": BAD}, declare=False)

    return written


def undeclared_package_beside_the_code(sandbox: Sandbox) -> None:
    """The baseline: a made-up package in the code directory, undeclared, is scanned."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS.format(package="vendor").replace("from vendor ", ""))
    install(sandbox, "src", "six", {"helper.py": BAD}, declare=False)


def a_well_known_declared_name(sandbox: Sandbox) -> None:
    """`six==1.0` declared, and a RECORD of that `six` listing the function's own
    `helper.py` (no six.py at all)."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS.format(package="vendor").replace("from vendor ", ""))
    install(sandbox, "src", "six", {"helper.py": BAD})


# --- 3. bytecode ------------------------------------------------------------------------

IMPORTS_HELPER = (
    "import helper\n\n\ndef handler(event, context):\n    return helper.handler(event, context)\n"
)


def sourceless(sandbox: Sandbox, hashed: bool) -> None:
    """A declared package whose RECORD lists `helper.pyc` (no helper.py): Python imports
    the sourceless module from the code directory."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    record = install(sandbox, "src", "helperpkg", {"helperpkg/__init__.py": ""})
    pyc = unchecked_pyc(BAD)
    sandbox.write("src/helper.pyc", pyc)
    digest = f"{record_hash(pyc)},{len(pyc)}" if hashed else ","
    with (sandbox.bundle / record).open("a") as handle:
        handle.write(f"helper.pyc,{digest}\n")


def test_sourceless_bytecode_a_record_lists_unhashed_is_refused(sandbox: Sandbox) -> None:
    """The baseline: helper.pyc, listed without a hash, is bytecode without its source."""
    sourceless(sandbox, hashed=False)
    assert_refused(sandbox.run(policy=STRICT), "helper.pyc")


def test_sourceless_bytecode_a_record_hashes_is_not_third_party(sandbox: Sandbox) -> None:
    """18d953c: 'bytecode a RECORD lists is not analysed, never third-party'. With a
    sha256 in the RECORD, src/helper.pyc (what Python imports for `import helper`) is
    counted third-party, so even `scan_vendored` with `coverage: {not_analysed: fail}`
    passes the bundle."""
    sourceless(sandbox, hashed=True)
    run = sandbox.run("--format", "json", policy=STRICT)
    assert run.code != 0, json.loads(run.stdout)["files"]


def test_cached_bytecode_in_pycache_is_refused(sandbox: Sandbox) -> None:
    """The baseline: the function's own bytecode in `__pycache__` is refused."""
    function(sandbox)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/helper.py", "def handler(event, context):\n    return {}\n")
    sandbox.write("src/__pycache__/helper.cpython-312.pyc", unchecked_pyc(BAD))
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def a_pycache_prefix_does_not_turn_a_refusal_into_a_warning(sandbox: Sandbox) -> None:
    """Lambda runs python with the function's environment: PYTHONPYCACHEPREFIX=
    /var/task/cache makes `import helper` load cache/var/task/helper.cpython-312.pyc
    (unchecked hash: never compared with helper.py, which is clean)."""
    sandbox.write(
        "template.yaml",
        TEMPLATE.format(code="src/", handler="app.handler")
        + "      Environment:\n        Variables:\n"
        + "          PYTHONPYCACHEPREFIX: /var/task/cache\n",
    )
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/helper.py", "def handler(event, context):\n    return {}\n")
    sandbox.write("src/cache/var/task/helper.cpython-312.pyc", unchecked_pyc(BAD))


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "serverless-admin-statement-written-out": (
        serverless_admin_statement_written_out, "GATE-IAC-001"),
    "self-variable-into-custom-written-out": (
        self_variable_into_custom_written_out, "GATE-IAC-001"),
    "star-fallback": (star_fallback, "GATE-IAC-001"),
    "file-variable-into-a-yaml-file": (file_variable_into_a_yaml_file, "GATE-IAC-001"),
    **{
        f"sibling-without-a-record-in-{name}": (
            sibling_in_a_folder_of_the_code_without_a_record(*folder), "GATE-SLS-001")
        for name, folder in CODE_FOLDERS.items()
    },
    "undeclared-package-beside-the-code": (undeclared_package_beside_the_code, "GATE-SLS-001"),
}  # fmt: skip


WELL_KNOWN_NAME = "well-known-declared-name"


def test_the_baselines_and_a_well_known_declared_name_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding on the rule
    named beside it. In the same run, a well-known declared name does not vouch for the
    function's module: the line the reviewer reads is `six==1.0`; the RECORD of that
    `six` once proved the function's own `helper.py` (no six.py at all), as nothing
    compared the module names with what the name stands for. A record now vouches only
    for modules named like its distribution (gate.bundle.staging.importnames): the
    bundle blocks, and its output says so of src/helper.py."""
    run = each_blocks_with(
        tmp_path,
        {
            **{name: layout for name, (layout, _) in BASELINES.items()},
            WELL_KNOWN_NAME: a_well_known_declared_name,
        },
        lambda name, own: name == WELL_KNOWN_NAME or BASELINES[name][1] in json.dumps(own),
    )
    bundle = str(tmp_path / WELL_KNOWN_NAME / "bundle")
    said = f"{bundle}/src/helper.py: listed by the package record of six 1.0"
    assert said in run.stdout + run.stderr, (WELL_KNOWN_NAME, run.stdout[-2000:], run.stderr)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "provider-from-a-file-does-not-hide-its-statements": (
                a_provider_from_a_file_does_not_hide_its_statements
            ),
            "self-variable-into-custom-from-a-file-is-not-its-fallback": (
                a_self_variable_into_custom_from_a_file_is_not_its_fallback
            ),
            "escaped-star-fallback-is-not-an-unknown-action": (
                an_escaped_star_fallback_is_not_an_unknown_action
            ),
            "file-variable-into-a-js-file-is-not-its-fallback": (
                a_file_variable_into_a_js_file_is_not_its_fallback
            ),
            "pycache-prefix-does-not-turn-a-refusal-into-a-warning": (
                a_pycache_prefix_does_not_turn_a_refusal_into_a_warning
            ),
            **{
                f"made-up-package-in-the-{name}-is-not-third-party": (
                    made_up_package_in_a_folder_of_the_code(*folder)
                )
                for name, folder in CODE_FOLDERS.items()
            },
        },
    )
