"""The taint rules on small inline bundles: entry points, what a finding says, and the
propagation and sanitising cases the fixture set does not isolate."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gate.model import Absorbs
from gate.rules import taint
from gate.rules.findings import RawFinding
from tests.conftest import EXAMPLES
from tests.serverless.taint_support import HANDLERS, context_of, write_bundle


def sam(handler: str) -> str:
    """A SAM template whose one function's handler is `worker.<handler>` in src/."""
    template = (HANDLERS / "sam-shell" / "template.yaml").read_text(encoding="utf-8")
    return template.replace("Handler: app.inspect", f"Handler: worker.{handler}")


def findings(tmp_path: Path, source: str, name: str = "app.py") -> list[RawFinding]:
    """Taint findings of one module in a bundle without IaC."""
    return taint.check(write_bundle(tmp_path / "b", {name: textwrap.dedent(source)}))


def rules(tmp_path: Path, source: str) -> list[tuple[str, int | None]]:
    return sorted((f.rule_id, f.line) for f in findings(tmp_path, source))


def test_the_iac_handler_is_the_entry_point_whatever_its_parameters_are_called() -> None:
    context = context_of(HANDLERS / "sam-shell")
    [finding] = taint.check(context)
    assert finding.rule_id == "GATE-SLS-001"
    assert finding.path == "src/app.py"
    assert finding.resource == "AWS::Serverless::Function.InspectFunction"
    assert "`request['x']`" in finding.message


def test_only_the_handler_the_iac_names_is_an_entry_point(tmp_path: Path) -> None:
    source = """\
        import os

        def handle(event, context):
            return {"ok": True}

        def other(event, context):
            os.system(event["cmd"])
        """
    files = {
        "template.yaml": sam("handle"),
        "src/worker.py": textwrap.dedent(source),
    }
    assert taint.check(write_bundle(tmp_path / "named", files)) == []
    files["template.yaml"] = sam("other")
    [finding] = taint.check(write_bundle(tmp_path / "other", files))
    assert (finding.path, finding.line) == ("src/worker.py", 7)


def test_unclaimed_files_use_handler_shaped_functions(tmp_path: Path) -> None:
    handler = "import os\n\ndef run(event, context):\n    os.system(event['cmd'])\n"
    not_handler = "import os\n\ndef run(payload, options):\n    os.system(payload['cmd'])\n"
    context = write_bundle(
        tmp_path / "b",
        {
            "template.yaml": sam("handle"),
            "src/worker.py": "def handle(event, context):\n    return 1\n",
            "src/jobs/cleanup.py": handler,
            "src/jobs/helpers.py": not_handler,
            "src/tests/test_cleanup.py": handler,
        },
    )
    assert [(f.path, f.resource) for f in taint.check(context)] == [("src/jobs/cleanup.py", None)]


def test_a_finding_names_source_sink_and_fix_and_merges_bandit(tmp_path: Path) -> None:
    [finding] = findings(
        tmp_path,
        """\
        import subprocess

        def handler(event, context):
            name = event["queryStringParameters"]["name"]
            subprocess.run(
                f"convert {name} out.png",
                shell=True,
            )
        """,
    )
    assert finding.rule_id == "GATE-SLS-001"
    assert (finding.line, finding.end_line) == (5, 8)
    assert finding.severity is None  # critical comes from the catalogue
    assert "`event['queryStringParameters']['name']`" in finding.message
    assert "`subprocess.run()`" in finding.message
    assert "shlex.quote()" in finding.message
    assert finding.anchor == "handler: subprocess.run(f'convert {name} out.png', shell=True)"
    assert finding.merges == (Absorbs("bandit", ("B602", "B603", "B604", "B605"), "app.py", 5),)


def test_sql_merges_bandits_report_where_the_query_is_built(tmp_path: Path) -> None:
    [finding] = findings(
        tmp_path,
        """\
        def handler(event, context):
            query = "SELECT * FROM t WHERE id = '%s'" % event["id"]
            cursor = connect()
            cursor.execute(query)
        """,
    )
    assert [(m.rule_ids, m.line) for m in finding.merges] == [(("B608",), 2), (("B608",), 4)]


@pytest.mark.parametrize(
    "imports",
    [
        "import subprocess as sp\nrun = sp.run",
        "from subprocess import run",
        "from subprocess import run as run",
        "import subprocess\nrun = subprocess.run",
    ],
)
def test_aliases_of_a_sink_are_followed(tmp_path: Path, imports: str) -> None:
    source = f"{imports}\n\ndef handler(event, context):\n    run(event['c'], shell=True)\n"
    assert [f.rule_id for f in findings(tmp_path, source)] == ["GATE-SLS-001"]


def test_an_import_inside_the_function_is_followed(tmp_path: Path) -> None:
    source = """\
        def handler(event, context):
            from os import system as sh
            import pickle as p
            sh(event["c"])
            p.loads(event["blob"])
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 4), ("GATE-SLS-004", 5)]


def test_a_local_that_shadows_a_sink_name_is_not_the_sink(tmp_path: Path) -> None:
    source = """\
        import os

        def handler(event, context):
            def system(value):
                return value
            eval = print
            eval(event["x"])
            return system(event["x"])
        """
    assert rules(tmp_path, source) == []


def test_data_flows_through_parameters_keywords_and_returns(tmp_path: Path) -> None:
    source = """\
        import os

        def _wrap(prefix, *, value):
            return prefix + value

        def _run(command):
            os.system(command)

        def handler(event, context):
            _run(_wrap("echo ", value=event["v"]))
            _run("uptime")
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 7)]


def test_a_helper_called_with_clean_data_elsewhere_stays_clean_there(tmp_path: Path) -> None:
    source = """\
        import os

        def _same(value):
            return value

        def handler(event, context):
            os.system(_same("uptime"))
            os.system(_same(event["cmd"]))
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 8)]


def test_recursion_ends(tmp_path: Path) -> None:
    source = """\
        import os

        def _walk(value, depth):
            if depth:
                return _walk(value + "/x", depth - 1)
            return value

        def handler(event, context):
            os.remove(_walk(event["root"], 5))
        """
    assert rules(tmp_path, source) == [("GATE-SLS-006", 9)]


def test_the_context_parameter_is_not_event_data(tmp_path: Path) -> None:
    source = """\
        import os

        def handler(event, context):
            os.system("echo " + context.function_name)
        """
    assert rules(tmp_path, source) == []


def test_sanitisers_are_specific_to_the_sink(tmp_path: Path) -> None:
    source = """\
        import os, shlex, subprocess

        def handler(event, context):
            name = os.path.basename(event["name"])
            subprocess.run("cat " + name, shell=True)
            open("/data/" + name)
            quoted = shlex.quote(event["name"])
            subprocess.run("cat " + quoted, shell=True)
            open("/data/" + quoted)
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 5), ("GATE-SLS-006", 9)]


def test_guards_hold_only_on_their_branch(tmp_path: Path) -> None:
    source = """\
        import os

        ALLOWED = ["a", "b"]

        def handler(event, context):
            x = event["x"]
            if x in ALLOWED:
                os.system("run " + x)
            os.system("run " + x)
            if x == "c" or x == "d":
                os.system("run " + x)
            for record in event["Records"]:
                key = record["key"]
                if key not in ALLOWED:
                    continue
                os.system("run " + key)
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 9)]


def test_a_mutable_or_event_allow_list_is_no_guard(tmp_path: Path) -> None:
    source = """\
        import os

        ALLOWED = {"a"}

        def handler(event, context):
            ALLOWED.add(event["extra"])
            if event["x"] not in ALLOWED:
                return
            if event["y"] not in event["allowed"]:
                return
            os.system(event["x"] + event["y"])
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 11)]


@pytest.mark.parametrize(
    ("check", "reported"),
    [
        ("re.fullmatch(r'[a-z]+', x)", False),
        ("re.match(r'^[a-z]+$', x)", False),
        ("PATTERN.fullmatch(x)", False),
        ("re.match(r'[a-z]+', x)", True),  # matches a prefix only
        ("re.search(r'[a-z]+$', x)", True),
        ("isinstance(x, int)", False),
        ("isinstance(x, str)", True),
        ("x.isalnum()", False),
    ],
)
def test_regex_and_type_checks(tmp_path: Path, check: str, reported: bool) -> None:
    source = f"""\
import os, re

PATTERN = re.compile(r"[a-z]+")

def handler(event, context):
    x = event["x"]
    if not {check}:
        raise ValueError("bad")
    os.system("run " + x)
"""
    assert bool(rules(tmp_path, source)) is reported


def test_a_syntax_error_is_left_to_bandit(tmp_path: Path) -> None:
    assert findings(tmp_path, "def handler(event, context):\n    os.system(event[\n") == []


@pytest.mark.parametrize(
    ("url", "reported"),
    [
        # The scheme and host are fixed before the event data: not SSRF.
        ('f"https://api.example.com/{x}"', False),
        ('"https://api.example.com/v1?q=%s" % x', False),
        ('"https://api.example.com/{}".format(x)', False),
        ('BASE + "/items/" + x', False),
        ('f"{BASE}/items/{x}"', False),
        # The event data can choose the host.
        ('f"https://{x}/v1"', True),
        ('"https://" + x', True),
        ('f"{BASE}{x}"', True),
        ("urllib.parse.urljoin(BASE, x)", True),
    ],
)
def test_ssrf_needs_event_data_before_the_host_is_fixed(
    tmp_path: Path, url: str, reported: bool
) -> None:
    source = f"""\
import os, requests, urllib.parse

BASE = os.environ["BASE"]

def handler(event, context):
    x = event["x"]
    requests.get({url}, timeout=5)
"""
    assert rules(tmp_path, source) == ([("GATE-SLS-007", 7)] if reported else [])


def test_the_insecure_example_is_reported_where_it_is_vulnerable() -> None:
    found = taint.check(context_of(EXAMPLES / "orders-api-insecure"))
    assert sorted((f.rule_id, f.line) for f in found) == [
        ("GATE-SLS-001", 88),  # wkhtmltopdf with shell=True, template name from the body
        ("GATE-SLS-003", 72),  # PartiQL built with an f-string
        ("GATE-SLS-004", 43),  # pickle.loads of the cart
        ("GATE-SLS-004", 98),  # yaml.load with yaml.Loader
        ("GATE-SLS-006", 85),  # /tmp/{orderId}.html
        ("GATE-SLS-006", 93),  # upload_file of /tmp/{orderId}.pdf
    ]
    assert {f.resource for f in found} == {"AWS::Serverless::Function.OrdersFunction"}


def test_the_secure_example_has_no_taint_finding() -> None:
    assert taint.check(context_of(EXAMPLES / "orders-api-secure")) == []


def test_a_check_of_an_expression_holds_until_its_name_is_bound_again(tmp_path: Path) -> None:
    source = """\
        import os

        MODES = ("a", "b")

        def handler(event, context):
            body = event["body"]
            if body["mode"] in MODES:
                os.system("run " + body["mode"])
            if event["flag"]:
                if body["mode"] not in MODES:
                    return
            os.system("run " + body["mode"])
            if body["mode"] not in MODES:
                return
            body = event["other"]
            os.system("run " + body["mode"])
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 12), ("GATE-SLS-001", 16)]


def test_urls_aws_signed_for_the_function_do_not_choose_a_host(tmp_path: Path) -> None:
    """A custom resource's reply to `ResponseURL` (cfn-response) and S3 Object Lambda's
    `inputS3Url` are URLs AWS made; any other event URL still chooses the host."""
    source = """\
        import json, urllib.request, requests

        def handler(event, context):
            body = json.dumps({"Status": "SUCCESS"}).encode()
            urllib.request.urlopen(urllib.request.Request(event["ResponseURL"], data=body))
            requests.put(event.get("ResponseURL"), data=body)
            requests.get(event["getObjectContext"]["inputS3Url"])
            requests.get(event["url"])
            open(event["ResponseURL"])
        """
    assert rules(tmp_path, source) == [("GATE-SLS-006", 9), ("GATE-SLS-007", 8)]


def test_query_is_sql_where_the_module_uses_a_database_library(tmp_path: Path) -> None:
    """`db.query(f"...")` of records/pg8000 and their kin, SQLAlchemy `text()`, Django
    `raw()`, Athena's QueryString; DynamoDB's `table.query(...)` is not SQL."""
    source = """\
        import boto3
        import records
        from sqlalchemy import text

        db = records.Database("postgres://")
        table = boto3.resource("dynamodb").Table("t")

        def handler(event, context):
            db.query(f"SELECT * FROM t WHERE id = '{event['id']}'")
            db.query("SELECT * FROM t WHERE id = :id", id=event["id"])
            text("SELECT * FROM t WHERE name = '%s'" % event["name"])
            table.query(KeyConditionExpression=event["expr"])
            boto3.client("athena").start_query_execution(QueryString="SELECT " + event["c"])
        """
    assert rules(tmp_path, source) == [
        ("GATE-SLS-003", 9),
        ("GATE-SLS-003", 11),
        ("GATE-SLS-003", 13),
    ]
    dynamo_only = (
        "import boto3\n\ndef handler(event, context):\n"
        '    boto3.resource("dynamodb").Table("t").query(f"x{event}")\n'
    )
    assert rules(tmp_path / "d", dynamo_only) == []


def test_xml_parsed_with_external_entities_resolved(tmp_path: Path) -> None:
    """lxml with a parser made with resolve_entities=True (inline or through a name),
    xml.sax where the module turns feature_external_ges on; lxml's and Python's own
    defaults are not XXE."""
    source = """\
        import xml.etree.ElementTree as ET
        import xml.sax
        from lxml import etree
        from xml.sax.handler import feature_external_ges

        RESOLVING = etree.XMLParser(resolve_entities=True)

        def handler(event, context):
            etree.fromstring(event["body"])
            etree.fromstring(event["body"], RESOLVING)
            parser = etree.XMLParser(resolve_entities=False)
            etree.fromstring(event["body"], parser)
            etree.parse(event["file"], parser=etree.XMLParser(resolve_entities=True))
            ET.fromstring(event["body"])
            sax = xml.sax.make_parser()
            sax.setFeature(feature_external_ges, True)
            sax.parse(event["stream"])
        """
    assert rules(tmp_path, source) == [
        ("GATE-SLS-008", 10),
        ("GATE-SLS-008", 13),
        ("GATE-SLS-008", 17),
    ]
    safe_sax = (
        "import xml.sax\n\ndef handler(event, context):\n"
        "    xml.sax.parseString(event['b'], None)\n"
    )
    assert rules(tmp_path / "s", safe_sax) == []


def test_an_old_lxml_in_the_bundle_makes_its_default_parsers_resolve(tmp_path: Path) -> None:
    """Before lxml 5.0 the default parser (and an XMLParser() left to its defaults)
    resolves external entities: the bundle's pinned or vendored lxml decides."""
    source = """\
        from lxml import etree

        def handler(event, context):
            etree.fromstring(event["body"])
            etree.fromstring(event["body"], etree.XMLParser(no_network=True))
            etree.fromstring(event["body"], etree.XMLParser(resolve_entities=False))
        """

    def found(name: str, files: dict[str, str]) -> list[tuple[str, int | None]]:
        files = {"app.py": textwrap.dedent(source), **files}
        return sorted(
            (f.rule_id, f.line) for f in taint.check(write_bundle(tmp_path / name, files))
        )

    resolving = [("GATE-SLS-008", 4), ("GATE-SLS-008", 5)]
    assert found("old", {"requirements.txt": "lxml==4.9.4\n"}) == resolving
    metadata = "Metadata-Version: 2.1\nName: lxml\nVersion: 4.6.5\n"
    assert found("vendored", {"lxml-4.6.5.dist-info/METADATA": metadata}) == resolving
    assert found("new", {"requirements.txt": "lxml==5.3.0\n"}) == []
    assert found("unpinned", {"requirements.txt": "lxml\n"}) == []


def test_a_multipart_body_parsed_by_cgi_or_email_is_still_event_data(tmp_path: Path) -> None:
    source = """\
        import cgi
        import email
        import io
        import yaml

        def handler(event, context):
            parts = cgi.parse_multipart(io.BytesIO(event["body"].encode()), {})
            yaml.load(parts["file"][0])
            message = email.message_from_string(event["body"])
            yaml.load(message.get_payload())
        """
    assert rules(tmp_path, source) == [("GATE-SLS-004", 8), ("GATE-SLS-004", 10)]


FRAMEWORK_APPS = {
    "powertools": """\
        import os
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver

        app = APIGatewayRestResolver()

        @app.get("/todos/<todo_id>")
        def get_todo(todo_id: str):
            os.system("echo " + todo_id)
            os.system(app.current_event.json_body["cmd"])

        def lambda_handler(event, context):
            return app.resolve(event, context)
        """,
    "chalice": """\
        import os
        import yaml
        from chalice import Chalice

        app = Chalice(app_name="x")

        @app.route("/items/{name}")
        def item(name):
            os.system("cat " + name)
            yaml.load(app.current_request.raw_body)

        @app.on_sqs_message(queue="q")
        def consume(event):
            for record in event:
                os.system(record.body)
        """,
    "flask": """\
        import subprocess
        from flask import Flask, request

        app = Flask(__name__)

        @app.route("/run/<cmd>")
        def run(cmd):
            subprocess.run(cmd, shell=True)
            subprocess.run(request.args["x"], shell=True)

        def helper():
            subprocess.run(request.args["y"], shell=True)
        """,
    "fastapi": """\
        import os
        from fastapi import Depends, FastAPI

        app = FastAPI()

        def get_db():
            return None

        @app.get("/items/{item_id}")
        def read(item_id: str, q: str = "", db=Depends(get_db)):
            os.system(item_id + q)
            db.execute("SELECT 1" + "")
        """,
}


@pytest.mark.parametrize(
    ("framework", "expected"),
    [
        ("powertools", [("GATE-SLS-001", 8), ("GATE-SLS-001", 9)]),
        ("chalice", [("GATE-SLS-001", 9), ("GATE-SLS-001", 15), ("GATE-SLS-004", 10)]),
        ("flask", [("GATE-SLS-001", 8), ("GATE-SLS-001", 9), ("GATE-SLS-001", 12)]),
        ("fastapi", [("GATE-SLS-001", 11)]),
    ],
)
def test_framework_routes_and_event_handlers_are_entry_points(
    tmp_path: Path, framework: str, expected: list[tuple[str, int]]
) -> None:
    """A route's parameters and the framework's request object are event data; an event
    decorator's first parameter is the event. A FastAPI dependency is not request data;
    Flask's `request` is request data in any function that reads it."""
    assert rules(tmp_path, FRAMEWORK_APPS[framework]) == expected


def test_a_fastapi_dependency_filled_from_the_request_is_request_data(tmp_path: Path) -> None:
    """`Depends(target)` where `target(url: str)` takes the query string: its value is
    request data, and `target` is an entry itself; `Depends(get_db)`, whose function
    takes nothing from the request, is the app's own value."""
    source = """\
        import os
        import requests
        from fastapi import Depends, FastAPI
        from mangum import Mangum

        app = FastAPI()

        def target(url: str):
            os.system("curl " + url)
            return url

        def get_db():
            return "sqlite"

        @app.get("/fetch")
        def fetch(url: str = Depends(target), db: str = Depends(get_db)):
            os.system("echo " + db)
            return requests.get(url).text

        handler = Mangum(app)
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 9), ("GATE-SLS-007", 18)]


def test_a_class_based_view_reads_the_request(tmp_path: Path) -> None:
    """Flask's MethodView: its methods are walked like the module's functions, with the
    request the module imports."""
    source = """\
        import os
        from flask import Flask, request
        from flask.views import MethodView

        app = Flask(__name__)

        class Ping(MethodView):
            def get(self):
                os.system("ping -c 1 " + request.args["host"])
                return "ok"

        app.add_url_rule("/ping", view_func=Ping.as_view("ping"))
        """
    assert rules(tmp_path, source) == [("GATE-SLS-001", 9)]
