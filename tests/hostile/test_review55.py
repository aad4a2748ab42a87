"""A fifty-fifth hostile review of `gate check`, on what the bundle's git history and
names decide in diff mode (gate.scan.diff, gate.git.changes) and baselines
(gate.policy.baseline), the findings cache (gate.scan.cache, `Scanner.key_files`,
`scanned_root`), shards (gate.scan.shards) and per-function verdicts.

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), where the same change
made plainly, in the same repository and the same run, blocks: GATE-IAC-001 (critical,
an admin role) or GATE-SLS-001 (critical, a command run from event data). What lets
each through:

1. The merge base as diff mode scans it is not the merge base as committed.
   `base_bundles` (gate.git.changes) writes the merge base with `git archive`, which
   applies the attributes of the archived tree's own `.gitattributes`: `export-subst`
   expands `$Format:...$` placeholders (`%n` is a line break, everything else between
   the `$`s is kept as written), so a YAML comment at the merge base,
   `Tracing: Active #$Format:%n      Role: !GetAtt AdminRole.Arn$`, is a `Role:` line in
   the copy the "before" scan reads. The merge base is the bundle author's history (an
   earlier change that added a `.gitattributes` line "to stamp the version" and a
   comment). `_earlier` (gate.scan.diff) then finds each now-finding in `Seen` with the
   functions it has now, and the change's finding is `preexisting`:
   (a) the public orders function given the admin role (`Role: !GetAtt AdminRole.Arn`):
   GATE-IAC-001, functions [AdminFunction, OrdersFunction], preexisting, exit 0; the
   same change without the attribute is new (review 41 class 5's check), exit 1;
   (b) the orders function given the operator's code as a layer (the base comment
   expands to `Layers: [!Ref AdminLayer]` and a `AWS::Serverless::LayerVersion` on
   `admin/`), where the change points `CodeUri` at `admin/` (which runs `os.system`
   on event data): GATE-SLS-001 preexisting, exit 0; plain, exit 1.
   (A duplicate `CodeUri:` key expanded into the base is not this: the base is
   unreadable, every finding new, exit 1. `export-ignore`, `ident` and `eol` only make
   the base scan see less or the same: every finding new.)

2. A function is its name: diff mode's `_earlier` (`now <= deployed`, gate.scan.diff)
   and a baseline's `apply_baseline` (`set(finding.functions) <= set(r.functions)`,
   gate.policy.baseline) compare the logical ids a finding belongs to, which the bundle
   chooses, and nothing of what the function is. The merge base (and the baseline,
   `gate baseline create` at it) has an operator function `AdminFunction` with an
   admin role (GATE-IAC-001, accepted) and a public `OrdersFunction` (HttpApi, no
   authorizer: GATE-IAC-011/017, medium, allowed):
   (a) the change deletes the operator function and renames the public orders function
   `AdminFunction`, with `Role: !GetAtt AdminRole.Arn`: the admin role's finding
   belongs to [AdminFunction] as recorded: preexisting (diff mode) and baselined
   (`--baseline`), exit 0 both;
   (b) the change adds an unauthenticated `HttpApi` event to the operator function:
   the same, exit 0 both.
   Giving the admin role to `OrdersFunction` under its own name blocks in both modes
   (exit 1). The role's resource is untouched by the change; what changed is the
   resources of the functions it belongs to, which `_touched_by_change` never reads
   for a finding of another resource.

Fixed, class 2 (gate.scan.diff, gate.policy.baseline): in diff mode a finding is
new when the change touched the IaC definition of any function it belongs to
(`_function_redefined`, `_definition_touched`, with `_resource_touched` shared with a
finding's own resource); a baseline entry records per function its
`Function.identity` (gate.model: a digest of its resource, code place, handler,
runtime, layers, related resources and `exposure`, the events, URL and role its
definition writes) and matches only while each is the same (`identities`,
`_same_functions`); an entry written without digests matches by name, as before.

Suggested fixes, by class. 1, read the merge base without attributes: list the tree
(`git ls-tree -r -z MERGE_BASE -- PATHS`) and write each blob as stored (`git cat-file
--batch`, no filters, no `export-subst`, no `export-ignore`), or at least refuse diff
mode when the merge base's `.gitattributes` (any folder) sets `export-subst`,
`export-ignore`, `filter`, `ident`, `eol`/`text` or `working-tree-encoding` on a path
it archives; the same holds for `verified`'s `hash-object` (pass `--no-filters`) and
the diff itself (`git diff` applies the work tree's `ident`/`filter`/`eol` on its clean
side: `--no-textconv` is not enough). 2, judge a finding on a resource that functions
use (a role, a policy, a layer, shared code) as touched when the change touched the
resource of any function it belongs to (its code place, events, URL, authorizers,
role), and record with each baselined finding, per function, what identifies it beyond
its name (its code place and handler, and a digest of its events and exposure), so a
function rebuilt under a recorded name is new there.

What held (no bypass found, each tried for real unless said otherwise): a duplicate key
expanded into the merge base (unreadable base: every finding new); the gate's own
checkov's cache part (a folder) for a Serverless Framework
`${file(./cfn/x.yml):domain}` whose target lies in another part (the included
`AWS::ApiGateway::DomainName` with `SecurityPolicy: TLS_1_0` is not reported by checkov
3.3.30 under `resources:` at all, inline or included, so no stale entry could be shown;
the gate's own rules key the whole bundle); the serverless rules' key (`scanned_root` is
the whole staged copy, vendored packages included, as they read `root`); the
dependency audit's key (`key_files`, reviewed by 45-49). Read, not run: shards
(`assignment`, `_kept` and `keep_own` apply the same `_owners` to the same relative
paths, so a file scanned only by shards that do not report it was not found; a name
two functions share is dealt one shard both sides); `.gitattributes` `ident` in the
work tree hides a change inside `$Id: ...$` on one line from `git diff` and from
`verified` (both clean-filter the work tree), but a finding is preexisting only when
the merge base's scan found the same fingerprint, so what it hides is a touched line of
a finding the base already had (class 2's shape, through another door).

Limits (not bypasses): an unauthenticated HttpApi is medium (allowed) by the gate's
rating; checkov 3 does not rate `AWS::ApiGateway::DomainName` `SecurityPolicy` under a
serverless.yml's `resources:`.

Fixed, class 1 (gate.git.changes): `base_bundles` writes the merge base's regular files
blob by blob as committed (`_write_blobs`: `git ls-tree` and the object database, no
attribute applied; links and submodules left out as before), `verified` hashes the work
tree with `--no-filters`, and a file the diff touched that attributes convert when git
reads it (`ident`, `eol`, a filter, `working-tree-encoding`) is judged whole
(`_converted`); the diff runs with `--no-ext-diff` as well as `--no-textconv`.

Not covered: `gate merge` with diff mode or baselines across shards, `--policy-ref`,
submodules and `.mailmap`, mode changes, Terraform (another review's), and the cache
of checkov (slow here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    changes_judged,
    each_blocks,
    files,
)

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
ADMIN_ROLE = (
    "  AdminRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
    "        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n"
    "            Principal: {Service: lambda.amazonaws.com}\n"
    "            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: all\n"
    "          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n"
    "              - Effect: Allow\n                Action: '*'\n                Resource: '*'\n"
)
OPERATOR = (
    "  AdminFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: admin/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n{role}{events}"
)
ORDERS = (
    "  {name}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: {code}\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active{tail}\n{role}{events}"
)
WITH_ROLE = "      Role: !GetAtt AdminRole.Arn\n"
PUBLIC = (
    "      Events:\n        Api:\n          Type: HttpApi\n"
    "          Properties: {Path: /{p}, Method: post}\n"
)
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
RUNS_EVENT = "import os\n\n\ndef handler(event, context):\n    os.system(event['cmd'])\n"
SUBST = "template.yaml export-subst\n"
# What `git archive` of the merge base turns each comment into (class 1).
ROLE_COMMENT = " #$Format:%n      Role: !GetAtt AdminRole.Arn$"
LAYER_COMMENT = (
    " #$Format:%n      Layers: [!Ref AdminLayer]%n  AdminLayer:%n"
    "    Type: AWS::Serverless::LayerVersion%n    Properties: {ContentUri: admin/}$"
)


def operator(role: str = WITH_ROLE, events: str = "") -> str:
    return OPERATOR.format(role=role, events=events)


def orders(
    code: str = "src/",
    tail: str = "",
    role: str = "",
    events: str = "",
    name: str = "OrdersFunction",
) -> str:
    return ORDERS.format(name=name, code=code, tail=tail, role=role, events=events)


def role_change(tail: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """Merge base: the operator function with the admin role, orders without; the change
    gives orders the admin role."""
    code = {"admin/app.py": HARMLESS, "src/app.py": HARMLESS}
    before = HEAD + operator() + orders(tail=tail) + ADMIN_ROLE
    after = HEAD + operator() + orders(tail=tail, role=WITH_ROLE) + ADMIN_ROLE
    return {**code, "template.yaml": before}, {"template.yaml": after}


def code_change(tail: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """Merge base: the operator's code runs a command from event data (accepted);
    the change deploys that code as the orders function's."""
    code = {"admin/app.py": RUNS_EVENT, "src/app.py": HARMLESS}
    before = HEAD + operator(role="") + orders(tail=tail)
    after = HEAD + operator(role="") + orders(code="admin/", tail=tail)
    return {**code, "template.yaml": before}, {"template.yaml": after}


def with_subst(
    change: tuple[dict[str, str], dict[str, str]],
) -> tuple[dict[str, str], dict[str, str]]:
    before, after = change
    return {**before, ".gitattributes": SUBST}, after


def renamed_change() -> tuple[dict[str, str], dict[str, str]]:
    """Class 2a: the operator function deleted, the public one renamed after it and
    given its role."""
    code = {"admin/app.py": HARMLESS, "src/app.py": HARMLESS}
    public = PUBLIC.replace("{p}", "orders")
    before = HEAD + operator() + orders(events=public) + ADMIN_ROLE
    after = HEAD + orders(name="AdminFunction", role=WITH_ROLE, events=public) + ADMIN_ROLE
    return {**code, "template.yaml": before}, {"template.yaml": after}


def exposed_change() -> tuple[dict[str, str], dict[str, str]]:
    """Class 2b: the operator function given an unauthenticated HttpApi event."""
    code = {"admin/app.py": HARMLESS, "src/app.py": HARMLESS}
    public = PUBLIC.replace("{p}", "orders")
    before = HEAD + operator() + orders(events=public) + ADMIN_ROLE
    admin = operator(events=PUBLIC.replace("{p}", "admin"))
    after = HEAD + admin + orders(events=public) + ADMIN_ROLE
    return {**code, "template.yaml": before}, {"template.yaml": after}


def plain_public_admin() -> tuple[dict[str, str], dict[str, str]]:
    """Class 2's plain form: the public orders function given the admin role."""
    code = {"admin/app.py": HARMLESS, "src/app.py": HARMLESS}
    public = PUBLIC.replace("{p}", "orders")
    before = HEAD + operator() + orders(events=public) + ADMIN_ROLE
    after = HEAD + operator() + orders(role=WITH_ROLE, events=public) + ADMIN_ROLE
    return {**code, "template.yaml": before}, {"template.yaml": after}


# name: (the files at the merge base, the files the change rewrites)
DIFF_PLAIN = {
    "plain-role-given": role_change(),
    "plain-code-deployed": code_change(),
    "plain-public-admin": plain_public_admin(),
}
DIFF_TRICKS = {
    "1a-subst-role": with_subst(role_change(ROLE_COMMENT)),
    "1b-subst-layer": with_subst(code_change(LAYER_COMMENT)),
    "2a-renamed": renamed_change(),
    "2b-exposed": exposed_change(),
}
BASELINE_PLAIN = {"b-plain-public-admin": plain_public_admin()}
BASELINE_TRICKS = {"b-2a-renamed": renamed_change(), "b-2b-exposed": exposed_change()}


@pytest.fixture(scope="module")
def changed(
    tmp_path_factory: pytest.TempPathFactory, grammar_cache: None
) -> Iterator[dict[str, str]]:
    """Every case of classes 1 and 2 and their plain forms as folders of one repository:
    `main` holds each merge base, branch `change` each change. One `gate baseline create`
    at `main`, one diff-mode run and one `--baseline` run: the outcome of each bundle."""
    box = Sandbox(tmp_path_factory.mktemp("changed"))
    diffed = {**DIFF_PLAIN, **DIFF_TRICKS}
    cases = {**{f"d{n}": c for n, c in diffed.items()}, **BASELINE_PLAIN, **BASELINE_TRICKS}
    judged = changes_judged(box, cases)
    yield {n[1:] if n[1:] in diffed else n: outcome for n, outcome in judged.items()}


def _changed_layout(change: tuple[dict[str, str], dict[str, str]]) -> Layout:
    before, after = change
    return files({**{k: v for k, v in before.items() if k != ".gitattributes"}, **after})


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """Each change as it ends, checked whole (no diff mode, no baseline): it blocks."""
    each_blocks(
        tmp_path,
        {
            "role-given": (_changed_layout(role_change()), "GATE-IAC-001"),
            "code-deployed": (_changed_layout(code_change()), "GATE-SLS-001"),
            "public-admin": (_changed_layout(plain_public_admin()), "GATE-IAC-001"),
            "renamed": (_changed_layout(renamed_change()), "GATE-IAC-001"),
        },
    )


def test_the_plain_changes_are_new(changed: dict[str, str]) -> None:
    """Diff mode and a baseline judge each plain change new: it blocks."""
    for name in [*DIFF_PLAIN, *BASELINE_PLAIN]:
        assert changed[name] == "blocked", (name, changed)


def test_the_merge_base_is_scanned_as_committed(changed: dict[str, str]) -> None:
    passed = [name for name in DIFF_TRICKS if name.startswith("1") and changed[name] != "blocked"]
    assert not passed, passed


def test_a_function_rebuilt_under_an_accepted_name_is_new(changed: dict[str, str]) -> None:
    tricks = [n for n in DIFF_TRICKS if n.startswith("2")] + list(BASELINE_TRICKS)
    passed = [name for name in tricks if changed[name] != "blocked"]
    assert not passed, passed
