"""A thirty-second hostile review of `gate check`, on review 30's fixes to the Terraform
reader (`_always`, `_blocks`, `_Builders`, `_shared_output`/`_places`, `_read_called`,
`_tf_code`, the `.terraform` refusal), diff mode's `deployed_by`, and the report streams.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (bandit's B605 on the code the
trick puts in the deployed code, already there; for 1, the same `local-exec` on a
resource, refused since review 30). Every attack exited 0 with the hostile harness's
policy (checkov off). What Terraform does was confirmed with Terraform 1.11 offline (1:
`terraform_data` applied, then a `removed` block applied, which ran its `local-exec`; 2: a
shell script in `terraform.d/plugins/<host>/<ns>/<type>/<version>/linux_amd64/` installed
by `terraform init` and run by `terraform validate`). What lets each through:

1. A `removed` block's provisioner. `_blocks` (gate.bundle.discovery.terraform) reads
   `resource` and `data` blocks, at the top level and in `check` blocks, so `_always`
   never sees `removed { from = terraform_data.x; lifecycle { destroy = true };
   provisioner "local-exec" { when = destroy; command = ... } }` (Terraform 1.7): the
   apply runs that command on the runner when the resource is in the state (any resource
   an earlier, clean deploy created), with the deploy's credentials: `aws lambda
   update-function-code` with a zip it makes, or a sitecustomize.py into the zip before
   the function's upload. The same `local-exec` on a `terraform_data` resource is refused.
2. Providers installed from the bundle. Terraform's implied local mirror includes
   `terraform.d/plugins` in the working directory (the checkout), used for any provider
   found there, before the registry, with no CLI configuration and no lock file (init
   writes one trusting what it found). A `terraform-provider-archive_v2.7.0` there (a
   patched build of hashicorp/archive, or any program) runs on the runner at plan and
   builds the function's zip however it likes; the gate counts the file as not analysed
   (it is no Python) and passes. Only `.terraform` is refused (gate.bundle.discovery.read,
   `working`), not `terraform.d`.
3. `terraform.tfvars.json` and `*.auto.tfvars.json` are not read. `TFVARS`
   (gate.bundle.discovery.terraform_values) lists `terraform.tfvars` and `*.auto.tfvars`
   only, and `.tfvars.json` is not `.tf.json`, so `_unread` does not refuse it:
   `ModuleValues` gives `var.out` its default (`build/extra.zip`) alone, and
   `_shared_output` finds no other archive writing the function's zip, while Terraform
   takes `build/fn.zip` from terraform.tfvars.json: review 29's second archive, written
   after the function's own (`depends_on`), replaces the zip the function deploys with
   code the gate never read. The same value in terraform.tfvars is read and refused.

Suggested fixes, by class. 1: read every block Terraform may run a provisioner in
(`removed`, and whatever later versions add) in `_blocks`, or count any `provisioner`
anywhere in a module's parse as `_always` (walk the parse, not a list of block kinds);
refuse block kinds the gate does not know. 2: refuse a `terraform.d` folder anywhere in a
bundle with Terraform (as `.terraform`), and any provider-installation input the
checkout can hold (`.terraformrc`/`terraform.rc` in case a pipeline points
`TF_CLI_CONFIG_FILE` at the checkout); at least warn that provider binaries are not
scanned. 3: read what Terraform auto-loads, in both syntaxes (`terraform.tfvars.json`,
`*.auto.tfvars.json`), or refuse a variable file the gate does not read; more generally,
treat a `var.` as open (any value) wherever a path decides what is deployed, since `-var`,
`TF_VAR_*` and `-var-file` come from the pipeline.

Also tried, and the gate held: `_shared_output` with `var.` set in `terraform.tfvars`
(refused; the baseline above); the same local-exec on a `terraform_data` resource
(refused). Read, and judged sound without a case: `_tf_code` with a `var.` filename
(Unresolved: scan error);
`_read_called` through nested local modules (MAX_MODULE_DEPTH counted as always); a
`.terraform` folder beside Terraform (refused); override files with provisioners
(shallow merge replaces the list as Terraform does); `moved`/`import` blocks (they run
nothing).

Not covered: `ephemeral` blocks (Terraform 1.10) of providers that run programs;
third-party provider resource types that run programs beyond `_PROGRAMS` (the deny-list
review 30 suggested replacing); `*.tftest.hcl` (run by `terraform test`, not apply);
`.terraform.lock.hcl` pinning a provider hash; diff mode `_deployers` and `gate merge`/
`gate baseline`/`gate policy show` output (not run in the time given); `--verbose`
tracebacks.

Fixed, each by its class: 1, a provisioner in any block but a resource's or data
source's (`removed`, and whatever Terraform adds) is read as one, so its `local-exec`
counts whatever the order (gate.bundle.discovery.terraform `_blocks`, `_provisioners`).
2, a `terraform.d` folder beside Terraform is refused, as `.terraform` is
(gate.bundle.discovery.read). 3, a `.tfvars.json` file is refused as Terraform JSON is:
the gate does not read it.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import (
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
    on_rule,
)
from tests.hostile.test_review26 import ENCODED, terraform
from tests.hostile.test_review29 import INLINE_PLANTED, Layout, planted_in_src

PLANT_ZIP = (
    f"echo {ENCODED} | base64 -d > src/sitecustomize.py && "
    "cd src && zip -q ../build/fn.zip sitecustomize.py"
)
"""Shell that adds the planted code to the function's zip."""

# --- 1. a `removed` block's destroy-time local-exec -------------------------------------------

REMOVED = (
    "\nremoved {\n  from = terraform_data.marker\n  lifecycle {\n    destroy = true\n  }\n"
    '  provisioner "local-exec" {\n    when    = destroy\n'
    f'    command = "{PLANT_ZIP} && aws lambda update-function-code --function-name orders '
    '--zip-file fileb://build/fn.zip"\n  }\n}\n'
)
ON_RESOURCE = (
    '\nresource "terraform_data" "marker" {\n  provisioner "local-exec" {\n'
    f'    command = "{PLANT_ZIP}"\n  }}\n}}\n'
)


def removed_block(sandbox: Sandbox) -> None:
    """A clean function, and a `removed` block whose local-exec runs at apply."""
    terraform(sandbox, REMOVED)


def resource_provisioner(sandbox: Sandbox) -> None:
    terraform(sandbox, ON_RESOURCE)


# --- 2. a provider installed from the checkout's terraform.d/plugins ---------------------------

PROVIDER = "terraform.d/plugins/registry.terraform.io/hashicorp/archive/2.7.0/linux_amd64/"
SHIM = f"#!/bin/sh\necho {ENCODED} | base64 -d > src/sitecustomize.py\nexit 1\n"
"""Stands for a patched hashicorp/archive build: Terraform runs it at plan."""


def local_provider(sandbox: Sandbox) -> None:
    terraform(sandbox)
    sandbox.write(PROVIDER + "terraform-provider-archive_v2.7.0", SHIM)
    (sandbox.bundle / PROVIDER / "terraform-provider-archive_v2.7.0").chmod(0o755)


# --- 3. terraform.tfvars.json -----------------------------------------------------------------

SECOND = (
    '\nvariable "out" {\n  default = "build/extra.zip"\n}\n\n'
    'data "archive_file" "extra" {\n  type        = "zip"\n'
    "  output_path = var.out\n"
    f"  depends_on  = [data.archive_file.fn]\n{INLINE_PLANTED}}}\n"
)


def tfvars_json(sandbox: Sandbox) -> None:
    terraform(sandbox, SECOND)
    sandbox.write("terraform.tfvars.json", json.dumps({"out": "build/fn.zip"}))


def tfvars_hcl(sandbox: Sandbox) -> None:
    terraform(sandbox, SECOND)
    sandbox.write("terraform.tfvars", 'out = "build/fn.zip"\n')


# name: (the bundle without the trick, the planted code already deployed; with the trick)
TRICKS: dict[str, tuple[Layout, Layout]] = {
    "removed-block-local-exec": (planted_in_src(terraform), removed_block),
    "terraform-d-provider": (planted_in_src(terraform), local_provider),
    "tfvars-json-second-archive": (planted_in_src(terraform), tfvars_json),
}


def test_the_code_each_trick_deploys_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the planted code already in src/ blocks
    (B605)."""
    layouts = {name: plain for name, (plain, _) in TRICKS.items()}
    each_blocks(tmp_path, on_rule("B605", layouts))


def test_the_same_trick_written_as_the_gate_reads_it_does_not_pass(tmp_path: Path) -> None:
    """The local-exec on a resource, the variable in terraform.tfvars: the run fails."""
    each_blocked_or_refused(
        tmp_path, {"resource-local-exec": resource_provisioner, "tfvars-hcl": tfvars_hcl}
    )


def a_removed_blocks_provisioner_is_refused(sandbox: Sandbox) -> None:
    removed_block(sandbox)


def a_provider_the_checkout_holds_is_refused(sandbox: Sandbox) -> None:
    local_provider(sandbox)


def a_variable_from_tfvars_json_is_read(sandbox: Sandbox) -> None:
    tfvars_json(sandbox)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "removed-blocks-provisioner-is-refused": a_removed_blocks_provisioner_is_refused,
            "provider-the-checkout-holds-is-refused": a_provider_the_checkout_holds_is_refused,
            "variable-from-tfvars-json": a_variable_from_tfvars_json_is_read,
        },
    )
