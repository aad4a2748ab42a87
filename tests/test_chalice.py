"""Chalice projects: the functions app.py's decorators declare, their roles from
`.chalice/config.json`, and the gate's verdict on a small Chalice app."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gate.bundle.discovery.bundle import discover
from gate.errors import BundleError
from gate.model import Function
from gate.rules import iam
from gate.rules.context import BundleContext
from gate.rules.iam.roles import grants
from tests.conftest import RunGate, only_scanners
from tests.test_discovery import write

APP = """\
from chalice import Chalice
from chalicelib.orders import bp

app = Chalice(app_name="shop")
app.register_blueprint(bp)


@app.route("/orders/{order_id}")
def get_order(order_id):
    return {"id": order_id}


@app.on_s3_event(bucket="uploads", events=["s3:ObjectCreated:*"])
def on_upload(event):
    return event.key


@app.lambda_function(name="nightly-report")
def report(event, context):
    return {}


@app.on_ws_connect()
def connect(event):
    return None
"""
BLUEPRINT = """\
from chalice import Blueprint

bp = Blueprint(__name__)


@bp.route("/items")
def items():
    return []


@bp.on_sqs_message(queue="work")
def on_work(event):
    return None
"""


def context_of(root: Path) -> BundleContext:
    found = discover(root, "b")
    return BundleContext("b", root, root, found.functions)


def test_app_py_decorators_are_the_functions_chalice_deploys(tmp_path: Path) -> None:
    write(tmp_path, {"shop/app.py": APP, "shop/chalicelib/orders.py": BLUEPRINT})
    functions = {f.name: f for f in discover(tmp_path, "b").functions}
    assert sorted(functions) == [
        "api_handler",
        "nightly-report",
        "on_upload",
        "on_work",
        "websocket_connect",
    ]
    api = functions["api_handler"]
    assert (api.iac, api.iac_file, api.handler, api.code) == (
        "chalice",
        "shop/app.py",
        "app.app",
        "shop",
    )
    assert api.line == 8  # the first route declares it
    assert api.handler_file == "shop/app.py"
    assert functions["on_upload"].handler == "app.on_upload"
    assert functions["nightly-report"].handler_function == "report"
    worker = functions["on_work"]
    assert worker.handler_file == "shop/chalicelib/orders.py"
    assert worker.handler_function == "on_work"


def test_an_app_py_without_a_chalice_app_declares_nothing(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/app.py": "from flask import Flask\napp = Flask(__name__)\n",
            "b/app.py": "class Chalice:\n    pass\napp = Chalice()\n",
            "c/app.py": "def broken(:\n",
        },
    )
    assert discover(tmp_path, "b").functions == ()


def test_a_chalice_project_without_an_app_the_gate_finds_is_refused(tmp_path: Path) -> None:
    """`.chalice/config.json` says the folder is a Chalice project: an app.py the gate
    finds no app in (made by a factory, say) would leave its roles unjudged."""
    write(
        tmp_path,
        {
            "p/app.py": "import chalice\n\napp = getattr(chalice, 'Chalice')('x')\n",
            "p/.chalice/config.json": '{"version": "2.0", "app_name": "x"}',
        },
    )
    with pytest.raises(BundleError, match=r"b/p/app.py: a Chalice project .*cannot find"):
        discover(tmp_path, "b")


def test_a_config_chalice_and_the_gate_would_read_apart_is_refused(tmp_path: Path) -> None:
    """A key written twice: json takes the last, a YAML reader may refuse or take either."""
    write(
        tmp_path,
        {
            "app.py": "from chalice import Chalice\n\napp = Chalice(app_name='x')\n",
            ".chalice/config.json": '{"app_name": "x", "autogen_policy": true, '
            '"autogen_policy": false}',
        },
    )
    with pytest.raises(BundleError, match=r"b/app.py: .chalice/config.json beside it is not"):
        discover(tmp_path, "b")


def test_an_app_made_inside_a_block_is_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "try:\n    from chalice import Chalice\nexcept ImportError:\n    raise\n"
            "if True:\n    app = Chalice(app_name='x')\n\n"
            "    @app.lambda_function()\n    def work(event, context):\n        return 1\n",
        },
    )
    assert [f.name for f in discover(tmp_path, "b").functions] == ["work"]


def test_two_projects_name_their_api_handlers_by_file(tmp_path: Path) -> None:
    route = 'from chalice import Chalice\napp = Chalice("x")\n@app.route("/")\ndef i():\n    pass\n'
    write(tmp_path, {"one/app.py": route, "two/app.py": route})
    names = sorted(f.name for f in discover(tmp_path, "b").functions)
    assert names == ["one/app.py:api_handler", "two/app.py:api_handler"]


def chalice_project(root: Path, config: object, policy: object) -> Path:
    return write(
        root,
        {
            "app.py": "import boto3\n"
            + APP.replace("from chalicelib.orders import bp\n", "").replace(
                "app.register_blueprint(bp)\n", ""
            )
            + '\ns3 = boto3.client("s3")\n',
            ".chalice/config.json": json.dumps(config, indent=2),
            ".chalice/policy-prod.json": json.dumps(policy, indent=2),
        },
    )


ADMIN = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def test_a_policy_file_chalice_deploys_is_judged_at_its_line(tmp_path: Path) -> None:
    config = {
        "version": "2.0",
        "app_name": "shop",
        "stages": {"dev": {}, "prod": {"autogen_policy": False}},
    }
    root = chalice_project(tmp_path, config, ADMIN)
    found = iam.check(context_of(root))
    wildcard = [f for f in found if f.rule_id == "GATE-IAC-001"]
    assert wildcard, found
    assert {(f.path, f.line, f.severity) for f in wildcard} == {
        (".chalice/policy-prod.json", 5, "critical")
    }


def test_roles_made_outside_or_generated_are_not_guessed(tmp_path: Path) -> None:
    config = {
        "version": "2.0",
        "app_name": "shop",
        "manage_iam_role": False,
        "iam_role_arn": "arn:aws:iam::123456789012:role/shop",
        "stages": {
            "dev": {},
            "prod": {
                "lambda_functions": {"on_upload": {"manage_iam_role": True, "autogen_policy": True}}
            },
        },
    }
    root = chalice_project(tmp_path, config, ADMIN)
    context = context_of(root)
    by_name = {f.name: grants(context, f) for f in context.functions}
    assert by_name["api_handler"].statements == ()
    assert by_name["api_handler"].unknown == (
        "role 'arn:aws:iam::123456789012:role/shop' (made outside the project, stage dev)",
        "role 'arn:aws:iam::123456789012:role/shop' (made outside the project, stage prod)",
        "role 'arn:aws:iam::123456789012:role/shop' (made outside the project, stage any)",
    )
    # Generated in prod by Chalice from the code's calls: nothing written to judge. Any
    # stage the config does not name takes the top-level settings.
    assert by_name["on_upload"].unknown == (
        "role 'arn:aws:iam::123456789012:role/shop' (made outside the project, stage dev)",
        "role 'arn:aws:iam::123456789012:role/shop' (made outside the project, stage any)",
    )


def test_a_policy_file_outside_the_project_is_never_read(tmp_path: Path) -> None:
    config = {"stages": {"dev": {"autogen_policy": False, "iam_policy_file": "../../secret.json"}}}
    root = chalice_project(tmp_path / "p", config, ADMIN)
    write(tmp_path, {"secret.json": json.dumps(ADMIN)})
    context = context_of(root)
    api = next(f for f in context.functions if f.name == "api_handler")
    granted = grants(context, api)
    assert granted.statements == ()
    assert granted.unknown == ("../secret.json (not in the bundle or not readable)",)


SQL_APP = """\
from chalice import Chalice
import pymysql
import yaml

app = Chalice(app_name="readings")
db = pymysql.connect(host="db")


@app.on_sns_message(topic="readings")
def record(event):
    with db.cursor() as cur:
        cur.execute("INSERT INTO r VALUES ('%s')" % event.subject)


@app.route("/upload", methods=["POST"])
def upload():
    return str(yaml.load(app.current_request.raw_body))
"""


def test_a_chalice_app_gets_one_verdict_per_function(run_gate: RunGate, tmp_path: Path) -> None:
    bundle = write(tmp_path / "b", {"app.py": SQL_APP})
    policy = write(tmp_path, {"policy.yml": only_scanners("bandit", "serverless")})
    result = run_gate(
        "check", str(bundle), "--policy", str(policy / "policy.yml"), "--format", "json"
    )
    report = json.loads(result.stdout)
    assert result.code == 1, result.stderr
    functions = {f["name"] for b in report["bundles"] for f in b["functions"]}
    assert functions == {"api_handler", "record"}
    blocking = {
        (f["rule_id"], f["start_line"])
        for f in report["findings"]
        if f["status"] == "blocking" and f["scanner"] == "serverless"
    }
    assert blocking == {("GATE-SLS-003", 12), ("GATE-SLS-004", 17)}


def test_an_app_py_too_deep_to_parse_declares_nothing(tmp_path: Path) -> None:
    """The parser's recursion limit is no crash of discovery: the rules refuse the file."""
    chain = " + 1" * 30000
    write(tmp_path, {"app.py": f"from chalice import Chalice\napp = Chalice('x')\nx = 1{chain}\n"})
    assert discover(tmp_path, "b").functions == ()


# Review 57 class 2: a Chalice function's identity holds what decides who may invoke it.

GUARDED = """\
from chalice import Chalice, CORSConfig, IAMAuthorizer
from chalicelib.auth import jwt

app = Chalice(app_name="ops")
iam = IAMAuthorizer()
ORIGIN = "https://ops.example"


@app.route("/ops", methods=["POST"], authorizer=iam)
def ops():
    return {"ok": True}


@app.route("/jobs", authorizer=jwt, cors=CORSConfig(allow_origin=ORIGIN))
def jobs():
    return []


@app.on_s3_event(bucket="uploads")
def on_upload(event):
    return event.key
"""
AUTH = "from chalice import CognitoUserPoolAuthorizer\n\njwt = CognitoUserPoolAuthorizer('p')\n"
GUARDED_CONFIG = {
    "version": "2.0",
    "app_name": "ops",
    "autogen_policy": False,
    "stages": {"dev": {"api_gateway_endpoint_type": "PRIVATE"}},
}
CONFIG_FILE = ".chalice/config.json"


def guarded(root: Path, changed: dict[str, str] | None = None) -> dict[str, Function]:
    """The functions of the guarded project, its files as `changed` (name -> text) says."""
    files = {
        "app.py": GUARDED,
        "chalicelib/__init__.py": "",
        "chalicelib/auth.py": AUTH,
        CONFIG_FILE: json.dumps(GUARDED_CONFIG, indent=2),
        ".chalice/policy-dev.json": json.dumps(ADMIN),
        **(changed or {}),
    }
    shutil.rmtree(root, ignore_errors=True)
    return {f.name: f for f in discover(write(root, files), "b").functions}


def identities(root: Path, changed: dict[str, str] | None = None) -> dict[str, str]:
    return {name: f.identity for name, f in guarded(root, changed).items()}


def app_with(old: str, new: str) -> dict[str, str]:
    assert old in GUARDED
    return {"app.py": GUARDED.replace(old, new, 1)}


def config_with(**settings: object) -> dict[str, str]:
    return {CONFIG_FILE: json.dumps({**GUARDED_CONFIG, **settings})}


ROUTE_OPS = '@app.route("/ops", methods=["POST"], authorizer=iam)'
EXPOSING = {
    "route-added": {"app.py": GUARDED + "\n\n@app.route('/open')\ndef open_ops():\n    return 1\n"},
    "authorizer-dropped": app_with("authorizer=iam", "authorizer=None"),
    "authorizer-rebound": app_with("ORIGIN = ", "iam = None\nORIGIN = "),
    "rebound-by-global": app_with(
        "\n\n\n@app.route",
        "\n\ndef _open():\n    global iam\n    iam = None\n\n\n_open()\n\n\n@app.route",
    ),
    "imported-authorizer-rebound": {"chalicelib/auth.py": AUTH + "jwt = None\n"},
    "api-key-dropped": app_with('methods=["POST"],', 'methods=["POST"], api_key_required=False,'),
    "route-cors": app_with("https://ops.example", "*"),
    "app-cors": app_with('ORIGIN = "', 'app.api.cors = True\nORIGIN = "'),
    "endpoint-public": config_with(stages={"dev": {}}),
    "stage-added": config_with(
        stages={"dev": {"api_gateway_endpoint_type": "PRIVATE"}, "prod": {}}
    ),
    "resource-policy": config_with(api_gateway_policy_file="api.json"),
    "role-policy": {".chalice/policy-dev.json": json.dumps({"Statement": []})},
}


@pytest.mark.parametrize("changed", EXPOSING.values(), ids=EXPOSING)
def test_what_exposes_the_api_handler_is_in_its_identity(
    tmp_path: Path, changed: dict[str, str]
) -> None:
    """A route added, an authorizer dropped or its name rebound (in app.py, by a function
    declaring it global, in the chalicelib module it comes from), a route's api key or
    CORS, the app's CORS, the config's endpoint, stages, resource policy, role policy:
    each makes another api_handler, which a baseline entry of the old one does not match."""
    before = identities(tmp_path / "p")
    after = identities(tmp_path / "p", changed)
    assert after["api_handler"] != before["api_handler"]


def test_any_change_to_the_projects_code_is_in_every_functions_identity(
    tmp_path: Path,
) -> None:
    """An event source, or what a handler does: Python of the project may rebind what
    any decorator is given, so each of its functions is defined by all of it."""
    before = identities(tmp_path / "p")
    for changed in (
        app_with('bucket="uploads"', 'bucket="public"'),
        app_with("return []", "return ['x']"),
        {"chalicelib/auth.py": AUTH + "\n\ndef helper():\n    return 1\n"},
    ):
        after = identities(tmp_path / "p", changed)
        assert all(after[name] != before[name] for name in before), changed


def test_layout_leaves_the_identity_alone(tmp_path: Path) -> None:
    """Moving, reformatting or commenting a route is the same function (baselined
    findings stay baselined; the code's own findings are judged by their lines)."""
    spread = '@app.route(\n    "/ops",\n    methods=["POST"],  # writes\n    authorizer=iam,\n)'
    changed = {"app.py": "# the operator API\n\n" + GUARDED.replace(ROUTE_OPS, spread)}
    assert identities(tmp_path / "p", changed) == identities(tmp_path / "p")


def test_the_files_that_define_a_chalice_function_are_named(tmp_path: Path) -> None:
    """Its config and policy files, and every file Chalice deploys with the app."""
    functions = guarded(tmp_path)
    config = (CONFIG_FILE, ".chalice/policy-dev.json")
    code = ("chalicelib/__init__.py", "chalicelib/auth.py")
    assert functions["api_handler"].defined_in == (*config, *code)
    assert functions["on_upload"].defined_in == (*config, *code)


BLUEPRINT_APP = (
    "from chalice import Chalice\nfrom chalicelib.orders import bp\n\n"
    "app = Chalice(app_name='shop')\napp.register_blueprint(bp, url_prefix='/shop')\n"
)
STARRED = (
    "from chalice import Blueprint\nfrom .auth import *\n\nbp = Blueprint(__name__)\n\n\n"
    "@bp.route('/items', authorizer=iam)\ndef items():\n    return []\n"
)
IAM = "from chalice import IAMAuthorizer\n\niam = IAMAuthorizer()\n"


@pytest.mark.parametrize(
    "changed",
    [
        {"app.py": BLUEPRINT_APP.replace("'/shop'", "'/'")},
        {"chalicelib/auth.py": IAM + "iam = None\n"},
    ],
    ids=["url-prefix", "starred-authorizer-rebound"],
)
def test_a_blueprints_routes_are_judged_where_they_are_bound(
    tmp_path: Path, changed: dict[str, str]
) -> None:
    """A blueprint's routes: the prefix app.py registers it under, and an authorizer its
    module takes from another with `import *`, are the api_handler's too."""
    files = {
        "app.py": BLUEPRINT_APP,
        "chalicelib/__init__.py": "",
        "chalicelib/orders.py": STARRED,
        "chalicelib/auth.py": IAM,
    }
    before = discover(write(tmp_path / "before", files), "b").functions
    after = discover(write(tmp_path / "after", {**files, **changed}), "b").functions
    assert [f.identity for f in before] != [f.identity for f in after]
    assert before[0].defined_in == (
        ".chalice/config.json",
        "chalicelib/__init__.py",
        "chalicelib/auth.py",
        "chalicelib/orders.py",
    )


OPS_APP = (
    "from chalice import Chalice\n{imports}\n\napp = Chalice(app_name='ops')\n\n\n"
    "@app.route('/ops', methods=['POST'], authorizer=iam)\ndef ops():\n    return {{}}\n"
)
SETTINGS = {"chalicelib/__init__.py": "", "chalicelib/auth.py": IAM, "chalicelib/settings.py": ""}
REBOUND_UNREAD = {
    "vendored-module": (
        {"app.py": OPS_APP.format(imports="from authz import iam"), "vendor/authz.py": IAM},
        {"vendor/authz.py": "iam = None\n"},
    ),
    "attribute-assigned": (
        {
            "app.py": OPS_APP.format(
                imports="import chalicelib.settings\nfrom chalicelib.auth import iam"
            ),
            **SETTINGS,
        },
        {"chalicelib/settings.py": "import chalicelib.auth\n\nchalicelib.auth.iam = None\n"},
    ),
    "package-init": (
        {"app.py": OPS_APP.format(imports="from chalicelib.auth import iam"), **SETTINGS},
        {"chalicelib/__init__.py": "from . import auth\n\nauth.iam = None\n"},
    ),
    "sys-modules": (
        {
            "app.py": OPS_APP.format(
                imports="from chalice import IAMAuthorizer\n\niam = IAMAuthorizer()\n"
                "import chalicelib.settings"
            ),
            **SETTINGS,
        },
        {"chalicelib/settings.py": "import sys\n\nsys.modules['app'].iam = None\n"},
    ),
    "data-file-read": (
        {
            "app.py": OPS_APP.format(imports="from chalicelib.auth import iam"),
            **SETTINGS,
            "chalicelib/auth.json": '{"auth": true}',
        },
        {"chalicelib/auth.json": '{"auth": false}'},
    ),
}


@pytest.mark.parametrize("before,changed", REBOUND_UNREAD.values(), ids=REBOUND_UNREAD)
def test_what_any_deployed_file_rebinds_defines_the_function(
    tmp_path: Path, before: dict[str, str], changed: dict[str, str]
) -> None:
    """An authorizer rebound where no statement binding its name is changed (a vendored
    module, another module's attribute, a package's `__init__`, `sys.modules`, a file
    the code reads): another api_handler to a baseline, and the file is one diff mode
    counts."""
    old = discover(write(tmp_path / "before", before), "b").functions[0]
    new = discover(write(tmp_path / "after", {**before, **changed}), "b").functions[0]
    assert new.identity != old.identity
    assert set(changed) <= set(old.defined_in) & set(new.defined_in)


BESIDE_APP = {
    "module": ({"authz.py": IAM}, {"authz.py": "iam = None\n"}),
    "package": ({"authz/__init__.py": IAM}, {"authz/__init__.py": "iam = None\n"}),
    "shadowing-vendor": ({"vendor/authz.py": IAM}, {"authz.py": "iam = None\n"}),
    "data-file": ({"authz.py": IAM, "notes.txt": "a"}, {"notes.txt": "b"}),
}


@pytest.mark.parametrize("before,changed", BESIDE_APP.values(), ids=BESIDE_APP)
def test_what_chalice_deploy_imports_beside_app_defines_the_function(
    tmp_path: Path, before: dict[str, str], changed: dict[str, str]
) -> None:
    """Review 61 class 1: `chalice deploy` imports app.py with the project's folder first
    on `sys.path`, so a module or package beside app.py (never deployed; one added there
    shadows `vendor/`) may decide the authorizer: another api_handler to a baseline, and
    a file diff mode counts."""
    app = {"app.py": OPS_APP.format(imports="from authz import iam")}
    old = discover(write(tmp_path / "before", {**app, **before}), "b").functions[0]
    new = discover(write(tmp_path / "after", {**app, **before, **changed}), "b").functions[0]
    assert new.identity != old.identity
    assert set(changed) <= set(new.defined_in)


def test_what_chalice_writes_when_it_deploys_defines_nothing(tmp_path: Path) -> None:
    """`.chalice/deployed/` and `.chalice/deployments/`, rewritten by every deploy and
    never imported, leave the functions as they were."""
    old = guarded(tmp_path / "p")["api_handler"]
    written = {".chalice/deployed/dev.json": "{}", ".chalice/deployments/a-1.zip": "PK"}
    new = guarded(tmp_path / "p", written)["api_handler"]
    assert new.identity == old.identity
    assert new.defined_in == old.defined_in


def test_a_deployed_file_that_is_not_python_is_digested_as_written(tmp_path: Path) -> None:
    """A vendored module this Python does not parse, or a compiled one, is its bytes."""
    app = OPS_APP.format(imports="from authz import iam")
    before = {"app.py": app, "vendor/authz.py": "iam = (\n", "vendor/authz.pyc": "\x00"}
    old = discover(write(tmp_path / "before", before), "b").functions[0]
    changes = [{"vendor/authz.py": "iam = ( \n"}, {"vendor/authz.pyc": "\x01"}]
    for index, changed in enumerate(changes):
        new = discover(write(tmp_path / f"after{index}", {**before, **changed}), "b")
        assert new.functions[0].identity != old.identity, changed
