"""A forty-ninth hostile review of `gate check`, on review 48's manifest fixes and what
they touch: setup.cfg read as setuptools reads it (gate.bundle.manifests.declared
`_SetuptoolsParser`, `_setup_cfg_values`, `_setup_cfg_list`, `_reads_setup_cfg`,
`_read_setuptools_files`), the files of Hatch's requirements plugin
(`_hatch_files`, read by gate.bundle.manifests.requirements `read_named_files`), and
diff mode's includers (gate.bundle.manifests `includers`, `_backend_reads`;
gate.scan.diff `_includers`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem written plainly, in one run) blocks on PYSEC-2018-28 (requests 2.19.0,
high). Every trick was also built for real: `pip install --dry-run --report` of the
function's folder (pip 26.3, build isolation, setuptools 84.2.1, hatchling and
hatch-requirements-txt 0.4.1 from the package index) reports `requests==2.19.0` in the
project's `Requires-Dist` for each. What lets each through:

1. setup.cfg sections named as setuptools matches them. setuptools
   (`ConfigHandler._section_options`, config/setupcfg.py) takes every section whose
   name *starts with* `options`, strips the prefix and then every leading dot: `[options.]`
   and `[options..]` are its `[options]` section (a later one replacing an earlier one
   in its dict), and `[options..extras_require]` its extras. `_setup_cfg_values`
   (gate.bundle.manifests.declared) reads the exact names `options` and
   `options.extras_require` only: (a) `[options]` `install_requires = six==1.16.0`, then
   `[options.]` `install_requires = requests==2.19.0` (setuptools installs requests
   only); (b) `[options.]` alone; (c) `[DEFAULT]` `install_requires =
   requests==2.19.0` with an `[options..]` section (the default reaches every section;
   the gate looks for it in `[options]`, absent). Exit 0, no dependency finding, where
   `install_requires` in `[options]` (or in `[DEFAULT]` beside `[options]`) blocks.
2. The files of one `file:` read one by one. setuptools (`expand.read_files`) joins the
   files of `file: a.in, b.in` (and of `[tool.setuptools.dynamic]`'s `file = [...]`)
   with a newline and splits the whole as one list (`_reqs.parse_strings`), so a line
   ending in `\\` at the end of `a.in` continues onto `b.in`'s first line (the character
   before the backslash dropped, setuptools' quirk). `_read_setuptools_files` reads
   each file alone (`_classify_list` per target), where the last line's `\\` has no
   line to join and is dropped: `a.in` ending `requests==2.1x\\`, `b.in` starting `9.0`
   is `requests==2.19.0` to setuptools, and to the gate nothing, then an unpinned
   package named `9.0` (GATE-DEP-001, allowed): (a) setup.cfg `install_requires = file:
   a.in, b.in`; (b) `[tool.setuptools.dynamic] dependencies = {file = ["a.in",
   "b.in"]}`. Exit 0, where `requests==2.19.0` written in `a.in` blocks.
3. Hatch's requirements plugin read as pip reads a requirements file.
   hatch-requirements-txt 0.4.1 (`load_requirements_files`) opens each file as UTF-8,
   whatever it declares, and joins lines only on `\\`, spaces, then `\\n`
   (`re.sub(r"\\\\\\s*\\n", " ", ...)`), then `splitlines()`; the gate reads them with
   `read_named_files`, as pip reads a requirements file (`_decoded`: a `# -*- coding: X
   -*-` honoured; `_logical_lines`: a `\\` before any break `splitlines` knows joins),
   so a line the plugin installs is, to the gate, part of a comment: (a) `six==1.16.0 #
   pinned \\`, a form feed (`\\x0c`), `requests==2.19.0`; (b) the same with U+2028; (c)
   `# -*- coding: utf-7 -*-`, then `six==1.16.0 # pinned +AFw-` (UTF-7 for `\\`), then
   `requests==2.19.0` on its own line; (d) `# -*- coding: latin-1 -*-`, then `six==1.16.0
   # pinned`, U+2028 as UTF-8 bytes (three latin-1 letters to the gate), `requests==
   2.19.0`. Exit 0, where the two lines written plainly block.
4. The Hatch plugin's configuration, read where and as Hatch does not. `_hatch_files`
   knows `[tool.hatch.metadata.hooks.requirements_txt]`'s `files` only: (a) the
   plugin reads `filename = "deps.in"` (its older key, deprecated, still read in 0.4.1)
   as `files = ["deps.in"]`; the gate, seeing no `files`, reads the default
   `requirements.txt`: with a harmless one beside (six), `deps.in`'s `requests==2.19.0`
   is installed and never read (without a `requirements.txt` the gate refuses:
   "includes a missing file"); (b) hatchling (`ProjectMetadata.hatch`,
   hatchling/metadata/core.py) loads a `hatch.toml` beside the pyproject and
   `dict.update`s `[tool.hatch]` with it, so its `[metadata.hooks.requirements_txt]
   files = ["deps.in"]` replaces the pyproject's whole `metadata` table: the
   pyproject's hook names `requirements.txt` (six), read; `deps.in` is installed,
   never read. Exit 0, no dependency finding, where `files = ["deps.in"]` in the
   pyproject blocks.
5. Dependencies the project's build code sets, never reported. The gate never runs a
   setup.py or a Hatch hook, and says nothing of one where it also reads a declarative
   list (it reports GATE-DEP-001, "only the build backend knows them", only for a
   `dynamic` field with no file it reads): (a) `src/setup.py` alone, `setup(...,
   install_requires=["requests==2.19.0"])` (no pyproject, no setup.cfg); (b) beside a
   setup.cfg installing six and a setuptools pyproject, `setup(install_requires=
   [...requests...])`: setuptools keeps the argument and skips the setup.cfg value
   (`ConfigHandler.__setitem__`: "Already inhabited"), and the gate audits the
   setup.cfg's six; (c) `[tool.hatch.metadata.hooks.custom]` after the requirements
   plugin (`requirements.txt`, six), its `hatch_build.py` appending `requests==2.19.0`
   to `metadata["dependencies"]` (hatchling runs the hooks in order; the appending is no
   bandit finding). Exit 0, no finding of any kind, where the same pin in setup.cfg (or
   the plugin's file) blocks. (Review 47 suggested reporting a project's setup.py as
   dynamic; not done.) The code responsible: the manifest readers' table
   (gate.bundle.manifests.lockfiles `READERS`: nothing for setup.py), `read_setup_cfg`,
   and `_read_dynamic` (declared), whose GATE-DEP-001 looks at the files only.
6. Diff mode: a change to what decides whether setup.cfg is read. `includers` holds each
   file to the manifests naming it (review 48's fix), but not a setup.cfg to the
   `pyproject.toml` whose `build-backend` decides whether it is read at all
   (`_reads_setup_cfg`). main: `src/pyproject.toml` builds with hatchling (the gate,
   rightly, does not read `src/setup.cfg`'s `install_requires = file: deps.in`), and
   `src/requirements-dev.txt` includes `deps.in` (requests 2.19.0, audited, its finding
   on record); the change only switches the backend to setuptools: (a) `build-backend =
   "setuptools.build_meta"`; (b) pyproject.toml deleted (run by hand). The project now
   installs requests 2.19.0, and the finding at `src/deps.in` is `preexisting`: exit 0.
   The same change written in setup.cfg (adding `install_requires = file: deps.in`
   under setuptools) blocks: review 48's
   `test_a_setup_cfg_that_now_installs_its_file_makes_its_pins_new`. The test runs (a).
7. pbr's own setup.cfg keys. pbr (7.1.3, `setupcfg.setup_cfg_to_setup_kwargs`,
   `CFG_TO_PY_SETUP_ARGS`) reads `[metadata] requires_dist` as `install_requires`
   (deprecated, still read), and `[extras]` as the extras; `_setup_cfg_values` reads
   setuptools' `[options]` keys only. (a) pyproject `build-backend = "pbr.build"`,
   the usual stub `setuptools.setup(setup_requires=['pbr'], pbr=True)`, setup.cfg
   `[metadata] requires_dist = requests==2.19.0`: exit 0, no dependency finding, where
   `[options] install_requires` blocks. Run by hand in a git checkout tagged 1.0.0 (or
   with PBR_VERSION): `pip install --dry-run --report` gives `Requires-Dist:
   requests==2.19.0`. (With `pbr.build` and no setup.py, pbr's hooks do not run.)

Suggested fixes, by class. 1, select sections as setuptools does: every section whose
name starts with `options`, the rest with its leading dots stripped, `""` the options
(the last such section wins, as in setuptools' dict, or read them all) and
`extras_require` the extras; or refuse a section starting `options` that is not one of
the names setuptools documents. 2, read the files of one `file:` (or one `file = [...]`)
as one text joined by newlines, as `expand.read_files` does, and split that. 3, read the
plugin's files as the plugin reads them (UTF-8 always, joining only `\\`+spaces+`\\n`
with a space, skipping `-` lines, cutting comments by pip's `COMMENT_RE`), or read them
both ways and refuse where they disagree; more generally, each file a backend reads is
read by that backend's rules, never by another tool's. 4, read `filename` as the plugin
does (`files` and `filename` both set is the plugin's error; refuse it), refuse any
key of the hook's table the gate does not know, and read `[tool.hatch]` as hatchling
does: the pyproject's, updated by `hatch.toml` beside it (key by key at the top level).
5, report a project's setup.py, and any Hatch metadata hook other than the plugin
(`custom`, or any the gate does not read), as dynamic dependencies (GATE-DEP-001, "only
the build knows them"), whatever declarative list the project also has. 6, add to
`includers` an edge from every setup.cfg to the pyproject.toml beside it (and to its
absence: a deleted pyproject changes what is read), so a change to the backend makes
the setup.cfg's pins (and its files') new; more simply, a change to any manifest of a
project makes every pin of that project new. 7, read the
keys each setuptools plugin backend reads (pbr: `[metadata] requires_dist`, `[extras]`,
its `requirements.txt`), or refuse a setup.cfg of a pbr project holding one.

Also tried, and the gate held: `[Options]` (setuptools 84.2.1 ignores it too, run
by hand); `Install_Requires` in `[options]` (setuptools reads it; the gate too, blocks); a one-line
`file:` target `six==1.16.0;requests==2.19.0` (no newline: setuptools splits it on `;`)
and a form feed inside a one-line `install_requires` value (setuptools splits it by
`splitlines`): each refused, exit 2, "not a valid requirement" (false refusals: setuptools
installs both packages); Hatch's `filename` with no `requirements.txt` beside it
(refused); the findings cache key (`PipAudit.key_files`) holds every `file:` and
`[tool.setuptools.dynamic]` target through `audited_requirement_files`.

Limits, not bypasses: hatch.toml's `[metadata.hooks.requirements_txt] files =
["deps.in"]` with no hook in the pyproject (the plugin installs `deps.in`): the gate
reports the project's dynamic dependencies as GATE-DEP-001, "only the build backend
knows them", allowed, exit 0: warned, as every dynamic dependency it cannot follow,
though the file is as declarative as `[tool.hatch.metadata.hooks]`.
`[options..extras_require]` (class 1's extras) was not run: an extra is installed only
where a requirement asks for it.

Not covered: `setup_requires`/`tests_require` (build-time only), a setup.cfg in a parent
folder of a function's code, Terraform uploads and Serverless layer paths (review 48's
classes 1 and 3, being fixed separately), `--policy-ref`, shards.

Fixed, each by its class (gate.bundle.manifests.declared, gate.bundle.manifests). 1, a
setup.cfg's sections are taken as setuptools takes them, any named `options` then dots,
the last of several (`_setuptools_sections`). 2, the files of one setuptools setting are
joined into one list before it is split (`_read_setuptools_files`, one call a setting,
`_setuptools_files` grouping them). 4a, the plugin's `filename` is read where `files` is
not (`_hatch_files`, now gate.bundle.manifests.hatch `hatch_files`). 6, `includers` puts
each setup.cfg under the pyproject.toml beside it, present or not. 3, the plugin's files
are read as the plugin reads them (gate.bundle.manifests.hatch `read_plugin_files`,
`_plugin_lines`: UTF-8, its joining, `splitlines`, its comment and option rules), never
by pip's. 4b, `[tool.hatch]` is read updated by the `hatch.toml` beside the pyproject
(`hatch_config`, in `_read_dynamic` and `backend_files`); hatch.toml is a manifest (the
cache key) and is above the pyproject in `includers` (`_READ_WITH`). 5, a setup.py's
`setup(...)` is read from its syntax tree (`read_setup_py`, `_setup_calls`,
`_requirement_values`, in `READERS`): literal `install_requires` and `extras_require`
are audited, any other value (and a script with no call the gate sees) is reported as
dynamic dependencies (GATE-DEP-001), and so is every Hatch metadata hook other than the
plugin, and every build hook of a wheel, whose build data may add dependencies
(`code_hooks`, `_read_dynamic`). 7, `[metadata] requires_dist` and `[extras]` are read
as pbr splits them (`_pbr_keys`, `_pbr_list`). 5c, the custom hook, is now reported as
dynamic dependencies (GATE-DEP-001, medium), which this harness's policy allows, as it
allows every dependency only the build knows: exit 0, with a finding. That is the
gate's stated limit for code that sets dependencies (README), no longer a silent pass.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    HARMLESS,
    SAM,
    Layout,
    Sandbox,
    commit,
    committed_repository,
    each_blocked_or_refused,
    each_blocks,
    files,
)

VULNERABLE = "requests==2.19.0"
SETUPTOOLS = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
PBR = '[build-system]\nrequires = ["pbr>=6.0", "setuptools>=64"]\nbuild-backend = "pbr.build"\n'
PBR_STUB = "import setuptools\n\nsetuptools.setup(setup_requires=['pbr'], pbr=True)\n"
HATCHLING = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
METADATA = "[metadata]\nname = orders\nversion = 1.0.0\n"
CFG = METADATA + "[options]\npy_modules = app\n"
HATCH = (
    '[build-system]\nrequires = ["hatchling", "hatch-requirements-txt"]\n'
    'build-backend = "hatchling.build"\n[project]\nname = "orders"\nversion = "1.0.0"\n'
    'dynamic = ["dependencies"]\n[tool.hatch.build.targets.wheel]\nonly-include = ["app.py"]\n'
    "[tool.hatch.metadata.hooks.requirements_txt]\n"
)
DYNAMIC = (
    SETUPTOOLS + '[project]\nname = "orders"\nversion = "1.0.0"\ndynamic = ["dependencies"]\n'
    '[tool.setuptools]\npy-modules = ["app"]\n[tool.setuptools.dynamic]\n'
    'dependencies = {file = ["a.in", "b.in"]}\n'
)
# `requests==2.1` + `9.0` once setuptools joins the two files and the backslash's line.
SPLIT_PIN = {"src/a.in": "six==1.16.0\nrequests==2.1x\\\n", "src/b.in": "9.0\n"}
PLAIN_PIN = {"src/a.in": f"six==1.16.0\n{VULNERABLE}\n", "src/b.in": "9.0\n"}


def sam(written: dict[str, str | bytes]) -> Layout:
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **written})


def setup_cfg(text: str) -> Layout:
    return sam({"src/pyproject.toml": SETUPTOOLS, "src/setup.cfg": text})


def hatch(hook: str, deps: str | bytes, **more: str) -> Layout:
    return sam({"src/pyproject.toml": HATCH + hook, "src/deps.in": deps, **more})


FILES = 'files = ["deps.in"]\n'
HOOK = (
    "from hatchling.metadata.plugin.interface import MetadataHookInterface\n\n\n"
    "class Hook(MetadataHookInterface):\n    def update(self, metadata):\n"
    f"        metadata['dependencies'] = metadata.get('dependencies', []) + ['{VULNERABLE}']\n"
)
PLUGIN_PLAIN = f"six==1.16.0 # pinned\n{VULNERABLE}\n"
SETUP_PY = "from setuptools import setup\n\nsetup({}install_requires=['requests==2.19.0'])\n"

BASELINES: dict[str, tuple[Layout, str]] = {
    "cfg-options": (setup_cfg(CFG + f"install_requires =\n    {VULNERABLE}\n"), "PYSEC-2018-28"),
    "cfg-default": (
        setup_cfg(f"[DEFAULT]\ninstall_requires = {VULNERABLE}\n" + CFG),
        "PYSEC-2018-28",
    ),
    "cfg-two-files": (
        sam(
            {
                "src/pyproject.toml": SETUPTOOLS,
                "src/setup.cfg": CFG + "install_requires = file: a.in, b.in\n",
                **PLAIN_PIN,
            }
        ),
        "PYSEC-2018-28",
    ),
    "dynamic-two-files": (sam({"src/pyproject.toml": DYNAMIC, **PLAIN_PIN}), "PYSEC-2018-28"),
    "hatch-files": (hatch(FILES, PLUGIN_PLAIN), "PYSEC-2018-28"),
}

TRICKS: dict[str, Layout] = {
    "1a-options-dot-after-options": setup_cfg(
        CFG + "install_requires =\n    six==1.16.0\n"
        f"[options.]\ninstall_requires =\n    {VULNERABLE}\n"
    ),
    "1b-options-dot-alone": setup_cfg(
        METADATA + f"[options.]\npy_modules = app\ninstall_requires =\n    {VULNERABLE}\n"
    ),
    "1c-default-through-options-dots": setup_cfg(
        f"[DEFAULT]\ninstall_requires = {VULNERABLE}\n"
        + METADATA
        + "[options..]\npy_modules = app\n"
    ),
    "2a-cfg-continuation-across-files": sam(
        {
            "src/pyproject.toml": SETUPTOOLS,
            "src/setup.cfg": CFG + "install_requires = file: a.in, b.in\n",
            **SPLIT_PIN,
        }
    ),
    "2b-dynamic-continuation-across-files": sam({"src/pyproject.toml": DYNAMIC, **SPLIT_PIN}),
    "3a-plugin-form-feed": hatch(FILES, f"six==1.16.0 # pinned \\\x0c{VULNERABLE}\n"),
    "3b-plugin-line-separator": hatch(FILES, f"six==1.16.0 # pinned \\\u2028{VULNERABLE}\n"),
    "3c-plugin-utf7-cookie": hatch(
        FILES, f"# -*- coding: utf-7 -*-\nsix==1.16.0 # pinned +AFw-\n{VULNERABLE}\n"
    ),
    "3d-plugin-latin1-cookie": hatch(
        FILES,
        f"# -*- coding: latin-1 -*-\nsix==1.16.0 # pinned\u2028{VULNERABLE}\n".encode(),
    ),
    "4a-plugin-filename": hatch(
        'filename = "deps.in"\n', f"{VULNERABLE}\n", **{"src/requirements.txt": "six==1.16.0\n"}
    ),
    "4b-hatch-toml-replaces-the-hook": hatch(
        FILES.replace("deps.in", "requirements.txt"),
        f"{VULNERABLE}\n",
        **{
            "src/requirements.txt": "six==1.16.0\n",
            "src/hatch.toml": '[metadata.hooks.requirements_txt]\nfiles = ["deps.in"]\n',
        },
    ),
    "5a-setup-py-alone": sam(
        {"src/setup.py": SETUP_PY.format("name='orders', version='1.0.0', py_modules=['app'], ")}
    ),
    "5b-setup-py-over-setup-cfg": sam(
        {
            "src/pyproject.toml": SETUPTOOLS,
            "src/setup.cfg": CFG + "install_requires =\n    six==1.16.0\n",
            "src/setup.py": SETUP_PY.format(""),
        }
    ),
    "5c-hatch-custom-hook-after-the-plugin": hatch(
        FILES.replace("deps.in", "requirements.txt") + "[tool.hatch.metadata.hooks.custom]\n",
        "",
        **{"src/requirements.txt": "six==1.16.0\n", "src/hatch_build.py": HOOK},
    ),
    "7a-pbr-requires-dist": sam(
        {
            "src/pyproject.toml": PBR,
            "src/setup.py": PBR_STUB,
            "src/setup.cfg": METADATA
            + f"requires_dist =\n    {VULNERABLE}\n[files]\nmodules = app\n",
        }
    ),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """The baselines: each pin written where the gate reads it blocks."""
    each_blocks(tmp_path, BASELINES)


# 5c is not blocked: code of the build sets the dependencies, which the gate reports as
# it reports every dependency only the build knows (GATE-DEP-001, medium; tests/
# test_manifests.py `test_a_hatch_metadata_hook_that_runs_code_is_reported_as_dynamic`).
LIMITS = ("5c",)


def test_what_the_build_backend_installs_is_audited_or_refused(tmp_path: Path) -> None:
    fixed = {name: layout for name, layout in TRICKS.items() if not name.startswith(LIMITS)}
    each_blocked_or_refused(tmp_path, fixed)


def test_a_backend_switch_that_now_reads_setup_cfg_makes_its_pins_new(sandbox: Sandbox) -> None:
    """main: hatchling builds the project (its setup.cfg unread), `deps.in` is audited
    through `requirements-dev.txt`; the change makes setuptools the backend, which reads
    setup.cfg's `install_requires = file: deps.in`."""
    sandbox.write("template.yaml", SAM)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("src/pyproject.toml", HATCHLING)
    sandbox.write("src/setup.cfg", CFG + "install_requires = file: deps.in\n")
    sandbox.write("src/deps.in", VULNERABLE + "\n")
    sandbox.write("src/requirements-dev.txt", "-r deps.in\n")
    repo = committed_repository(sandbox, "main")
    repo.git.checkout("-b", "change")
    sandbox.write("src/pyproject.toml", SETUPTOOLS)
    commit(repo, "build with setuptools")
    assert sandbox.run("--diff-base", "main").code in (1, 2)
