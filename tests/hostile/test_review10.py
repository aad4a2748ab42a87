"""A tenth hostile review of `gate check`: ways around the newest rules of 1130be5 (the
routes and event handlers of web frameworks as taint entry points, SQL methods only
beside a database library, XXE only with a resolving parser) and of 4ec20d2 (bucket,
queue and topic policies and Lambda permissions open to any principal).

Each case was a confirmed problem; the test says what the gate must do, a baseline
beside it shows the same bundle without the trick blocks (or is refused), and its
docstring says what the gate once did. Fixed by class: framework apps and their
methods found through names, views registered by calls, the request an app keeps is an
input of every function of its module and what a function returns of it is event
data for its callers; an XML parser is judged unsafe unless it is written safe;
resource policies and permissions read through parameters, `Fn::If` and JSON strings,
conditions narrow only with positive operators and fixed values, inline policies and
nested stacks are read; a database library anywhere in the bundle makes `.query()`
SQL.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER
from tests.hostile.test_staging import TEMPLATE

# --- 1. Flask views the taint rule does not take for entry points ----------------------

# A view that fetches the URL the request names (GATE-SLS-007; bandit has no test that
# blocks it: B113, no timeout, is medium), served through serverless-wsgi.
FLASK_HEAD = "import requests\nimport serverless_wsgi\nfrom flask import Flask, request\n\n"
FLASK_APP = "app = Flask(__name__)\n"
FETCH = "    return requests.get(request.args['url']).text\n"
WSGI = (
    "\n\ndef handler(event, context):\n"
    "    return serverless_wsgi.handle_request(app, event, context)\n"
)
FLASK_PLAIN = FLASK_HEAD + FLASK_APP + "\n\n@app.route('/fetch')\ndef fetch():\n" + FETCH + WSGI

FLASK_TRICKS = {
    # The view registered by a call, not a decorator.
    "add-url-rule": FLASK_HEAD
    + FLASK_APP
    + "\n\ndef fetch():\n"
    + FETCH
    + "\n\napp.add_url_rule('/fetch', view_func=fetch)\n"
    + WSGI,
    "route-called": FLASK_HEAD
    + FLASK_APP
    + "\n\ndef fetch():\n"
    + FETCH
    + "\n\napp.route('/fetch')(fetch)\n"
    + WSGI,
    # The decorator through a name: `route = app.route`.
    "decorator-alias": FLASK_HEAD
    + FLASK_APP
    + "route = app.route\n\n\n@route('/fetch')\ndef fetch():\n"
    + FETCH
    + WSGI,
    # The app through a second name.
    "app-alias": FLASK_HEAD
    + "application = Flask(__name__)\napp = application\n\n\n@app.route('/fetch')\n"
    + "def fetch():\n"
    + FETCH
    + WSGI,
    # The request proxy as `flask.request`, or imported from where Flask defines it.
    "module-attribute": "import flask\nimport requests\nimport serverless_wsgi\n\n"
    + "app = flask.Flask(__name__)\n\n\n@app.route('/fetch')\ndef fetch():\n"
    + "    return requests.get(flask.request.args['url']).text\n"
    + WSGI,
    "flask-globals": FLASK_HEAD.replace("Flask, request", "Flask")
    + "from flask.globals import request\n\n"
    + FLASK_APP
    + "\n\n@app.route('/fetch')\ndef fetch():\n"
    + FETCH
    + WSGI,
    # The request proxy imported inside the view.
    "local-import": FLASK_HEAD.replace("Flask, request", "Flask")
    + FLASK_APP
    + "\n\n@app.route('/fetch')\ndef fetch():\n    from flask import request\n\n"
    + FETCH
    + WSGI,
    # A helper the view calls reads the request.
    "helper": FLASK_HEAD
    + FLASK_APP
    + "\n\ndef target():\n    return request.args['url']\n\n\n@app.route('/fetch')\n"
    + "def fetch():\n    return requests.get(target()).text\n"
    + WSGI,
    # A class-based view.
    "method-view": FLASK_HEAD
    + "from flask.views import MethodView\n\n"
    + FLASK_APP
    + "\n\nclass Fetch(MethodView):\n    def get(self):\n"
    + "        return requests.get(request.args['url']).text\n"
    + "\n\napp.add_url_rule('/fetch', view_func=Fetch.as_view('fetch'))\n"
    + WSGI,
}
# The usual layout of a Flask project: the views in their own module, decorated with the
# app they import.
FLASK_APP_MODULE = (
    "import serverless_wsgi\nfrom flask import Flask\n\n" + FLASK_APP + "\nimport views  # noqa\n"
) + WSGI
FLASK_VIEWS = (
    "import requests\nfrom flask import request\n\nfrom app import app\n\n\n"
    "@app.route('/fetch')\ndef fetch():\n" + FETCH
)


def python_function(sandbox: Sandbox, source: str, **others: str) -> None:
    """TEMPLATE's function (code `src/`, handler `app.handler`), its app.py `source`."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", source)
    for name, text in others.items():
        sandbox.write(f"src/{name}.py", text)


def flask_view_fetching_a_request_url(sandbox: Sandbox) -> None:
    """The baseline (1130be5): `@app.route` on a view, `from flask import request`:
    GATE-SLS-007."""
    python_function(sandbox, FLASK_PLAIN)


def test_a_flask_view_is_an_entry_however_it_is_registered(tmp_path: Path) -> None:
    """The same view, registered with `add_url_rule` or a called `app.route(...)`, under
    a decorator or an app bound to a second name, reading `flask.request` (or the proxy
    imported from flask.globals or inside the view), through a helper, or as a
    MethodView: Flask serves each as it serves the baseline, and each run passed with
    no finding on the fetch (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            python_function(sandbox, FLASK_TRICKS[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(FLASK_TRICKS)})


def flask_views_in_their_own_module_are_entries(sandbox: Sandbox) -> None:
    """app.py creates the app and imports views.py, whose `@app.route` view is the
    baseline's: views.py creates no app, so no route in it was an entry (exit 0)."""
    python_function(sandbox, FLASK_APP_MODULE, views=FLASK_VIEWS)


# --- 2. Powertools, Chalice and FastAPI routes ------------------------------------------

POWERTOOLS = (
    "import requests\nfrom aws_lambda_powertools.event_handler import APIGatewayHttpResolver\n\n"
    "app = APIGatewayHttpResolver()\n\n\n{body}"
    "\n\ndef handler(event, context):\n    return app.resolve(event, context)\n"
)
POWERTOOLS_ROUTE = (
    "@app.get('/fetch')\ndef fetch():\n"
    "    return requests.get(app.current_event.query_string_parameters['url']).text\n"
)
POWERTOOLS_HELPER = (
    "def target():\n    return app.current_event.query_string_parameters['url']\n\n\n"
    "@app.get('/fetch')\ndef fetch():\n    return requests.get(target()).text\n"
)
# Powertools' router for HTTP APIs, in its own module, included by the app.
POWERTOOLS_MAIN = (
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver\n\nimport routes\n\n"
    "app = APIGatewayHttpResolver()\napp.include_router(routes.router)\n\n\n"
    "def handler(event, context):\n    return app.resolve(event, context)\n"
)
POWERTOOLS_ROUTES = (
    "import requests\nfrom aws_lambda_powertools.event_handler.router import "
    "APIGatewayHttpRouter\n\nrouter = APIGatewayHttpRouter()\n\n\n@router.get('/fetch')\n"
    "def fetch():\n"
    "    return requests.get(router.current_event.query_string_parameters['url']).text\n"
)
CHALICE = (
    "import requests\nfrom chalice import Chalice\n\napp = Chalice(app_name='x')\n\n\n"
    "def target():\n    return app.current_request.query_params['url']\n\n\n"
    "@app.route('/fetch')\ndef fetch():\n    return requests.get({url}).text\n"
)
FASTAPI = (
    "import requests\nfrom fastapi import Depends, FastAPI\nfrom mangum import Mangum\n\n"
    "app = FastAPI()\n\n\ndef target(url: str) -> str:\n    return url\n\n\n{route}"
    "\n\nhandler = Mangum(app)\n"
)
FASTAPI_PLAIN = "@app.get('/fetch')\ndef fetch(url: str):\n    return requests.get(url).text\n"


def powertools_route(sandbox: Sandbox) -> None:
    """The baseline (1130be5): `app.current_event` in a route of an
    APIGatewayHttpResolver: GATE-SLS-007."""
    python_function(sandbox, POWERTOOLS.format(body=POWERTOOLS_ROUTE))


def test_every_powertools_resolver_and_router_is_an_app(tmp_path: Path) -> None:
    """The same resolver imported from `aws_lambda_powertools.event_handler.api_gateway`,
    where it is defined, or the route on an `APIGatewayHttpRouter` in routes.py that the
    app includes: neither was taken for an app (exit 0)."""

    def layout(where: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            if where == "api-gateway-module":
                source = POWERTOOLS.format(body=POWERTOOLS_ROUTE).replace(
                    "event_handler import", "event_handler.api_gateway import"
                )
                python_function(sandbox, source)
            else:
                python_function(sandbox, POWERTOOLS_MAIN, routes=POWERTOOLS_ROUTES)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "api-gateway-module": layout("api-gateway-module"),
            "http-router": layout("http-router"),
        },
    )


def chalice_route(sandbox: Sandbox) -> None:
    """The baseline (1130be5): `app.current_request` in a Chalice route: GATE-SLS-007."""
    python_function(sandbox, CHALICE.format(url="app.current_request.query_params['url']"))


def test_a_helper_reading_the_current_request_is_followed(tmp_path: Path) -> None:
    """The route calls `target()`, which returns the query parameter from
    `app.current_event` (Powertools) or `app.current_request` (Chalice): the same
    request, read one call away, and the run passed (exit 0)."""

    def layout(framework: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            if framework == "powertools":
                python_function(sandbox, POWERTOOLS.format(body=POWERTOOLS_HELPER))
            else:
                python_function(sandbox, CHALICE.format(url="target()"))

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "powertools": layout("powertools"),
            "chalice": layout("chalice"),
        },
    )


def fastapi_query_parameter(sandbox: Sandbox) -> None:
    """The baseline (1130be5): a FastAPI route's query parameter: GATE-SLS-007."""
    python_function(sandbox, FASTAPI.format(route=FASTAPI_PLAIN))


def test_fastapi_request_data_however_it_arrives(tmp_path: Path) -> None:
    """`url: str = Depends(target)`, where `target(url: str)` returns its parameter:
    FastAPI fills the dependency's parameters from the request (here the query string),
    so the view gets request data; or the view registered with `app.add_api_route`.
    Both passed (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            if trick == "depends":
                route = (
                    "@app.get('/fetch')\ndef fetch(url: str = Depends(target)):\n"
                    "    return requests.get(url).text\n"
                )
            else:
                route = FASTAPI_PLAIN.replace("@app.get('/fetch')\n", "") + (
                    "\n\napp.add_api_route('/fetch', fetch)\n"
                )
            python_function(sandbox, FASTAPI.format(route=route))

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "depends": layout("depends"),
            "add-api-route": layout("add-api-route"),
        },
    )


# --- 3. SQL and XML sinks behind evidence the gate looks for in one module -------------

SQL_QUERY = (
    "\n\ndef handler(event, context):\n"
    "    return conn.query(\"SELECT * FROM orders WHERE id = '%s'\" % event['id'])\n"
)
CONNECT = "import pymysql\n\nconn = pymysql.connect(host='db', user='u', database='d')\n"


def sql_query_method_beside_its_library(sandbox: Sandbox) -> None:
    """The baseline (1130be5): pymysql's `conn.query(sql)` with the event formatted in:
    GATE-SLS-003."""
    python_function(sandbox, CONNECT + SQL_QUERY)


def a_sql_connection_from_a_sibling_module_is_judged(sandbox: Sandbox) -> None:
    """The connection made in db.py (`import pymysql`) and imported by the handler
    (`from db import conn`): the same call on the same object, but the handler's module
    imports no database library, so `.query()` was no sink and only bandit's B608
    (medium) was reported: exit 0."""
    python_function(sandbox, "from db import conn\n" + SQL_QUERY, db=CONNECT)


XML = (
    "from lxml import etree\n{top}\n\ndef handler(event, context):\n"
    "{setup}    return etree.fromstring(event['body']{parser}).text\n"
)
XXE_TRICKS = {
    # lxml resolves entities for any true value (checked with lxml 6: file:// read).
    "truthy-flag": ("", "    parser = etree.XMLParser(resolve_entities=1)\n", ", parser"),
    "keyword-mapping": (
        "OPTIONS = {'resolve_entities': True}\n",
        "",
        ", etree.XMLParser(**OPTIONS)",
    ),
    # The parser every later parse in the thread uses.
    "default-parser": (
        "etree.set_default_parser(etree.XMLParser(resolve_entities=True))\n",
        "",
        "",
    ),
    # The parser made by a function of the module.
    "parser-factory": (
        "\ndef make():\n    return etree.XMLParser(resolve_entities=True)\n\n",
        "",
        ", make()",
    ),
}


def xml_parse_with_a_resolving_parser(sandbox: Sandbox) -> None:
    """The baseline (1130be5): `etree.XMLParser(resolve_entities=True)` passed to
    `etree.fromstring(event[...], parser)`: GATE-SLS-008."""
    setup = "    parser = etree.XMLParser(resolve_entities=True)\n"
    python_function(sandbox, XML.format(top="", setup=setup, parser=", parser"))


def test_a_resolving_parser_however_it_is_made(tmp_path: Path) -> None:
    """`resolve_entities=1`, the flag from `**OPTIONS`, the parser set with
    `etree.set_default_parser` at import, or returned by `make()`: lxml reads a
    `file://` external entity in each (checked by hand), and each run passed (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            top, setup, parser = XXE_TRICKS[trick]
            python_function(sandbox, XML.format(top=top, setup=setup, parser=parser))

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(XXE_TRICKS)})


# --- 4. queue policies open to anyone (GATE-IAC-019) -----------------------------------

QUEUE = (
    TEMPLATE.format(code="src/", handler="app.handler")
    + "      Events:\n        Jobs:\n          Type: SQS\n"
    + "          Properties:\n            Queue: !GetAtt Jobs.Arn\n"
    + "  Jobs:\n    Type: AWS::SQS::Queue\n"
)
QUEUE_POLICY = (
    "  Open:\n    Type: {kind}\n    Properties:\n      {target}\n"
    "      PolicyDocument:\n        Statement:\n          - Effect: Allow\n"
    "            Principal: {principal}\n            Action: sqs:SendMessage\n"
    "            Resource: !GetAtt Jobs.Arn\n{condition}"
)
HEADS = {
    "parameter": "Parameters:\n  Who:\n    Type: String\n    Default: '*'\n",
    "condition": "Conditions:\n  Never: !Equals [a, b]\n",
}


def queue_case(
    sandbox: Sandbox,
    principal: str = "'*'",
    condition: str = "",
    kind: str = "AWS::SQS::QueuePolicy",
    target: str = "Queues: [!Ref Jobs]",
) -> None:
    policy = QUEUE_POLICY.format(kind=kind, target=target, principal=principal, condition=condition)
    text = QUEUE + policy
    text = text.replace("Resources:\n", "".join(HEADS.values()) + "Resources:\n", 1)
    sandbox.write("template.yaml", text)
    sandbox.write("src/app.py", GOOD_HANDLER)


def queue_policy_open_to_anyone(sandbox: Sandbox) -> None:
    """The baseline (4ec20d2): `Principal: '*'` may send to the function's queue:
    GATE-IAC-019."""
    queue_case(sandbox)


def test_an_open_principal_through_an_intrinsic_blocks(tmp_path: Path) -> None:
    """`Principal: !Ref Who` (Default `'*'`), or `!If` on a condition that is never true
    with `'*'` as its else: CloudFormation deploys `Principal: '*'`, and the run passed
    (exit 0)."""

    def layout(principal: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            queue_case(sandbox, principal=principal)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-ref-who": layout("!Ref Who"),
            "1-if-never-aws-arn-aws-iam-111122223333-root": layout(
                "!If [Never, {AWS: 'arn:aws:iam::111122223333:root'}, '*']"
            ),
        },
    )


CONDITIONS = {
    # Every address on the internet.
    "any-ip": "              IpAddress:\n                aws:SourceIp: [0.0.0.0/0, '::/0']\n",
    # A negated test is true when the key is absent (anonymous callers) or differs.
    "negated": "              StringNotEquals:\n                aws:PrincipalAccount: '1111'\n",
    # `...IfExists` with a pattern that matches everything.
    "if-exists-star": "              StringLikeIfExists:\n                aws:SourceArn: '*'\n",
}


def test_a_condition_that_narrows_nothing_still_blocks(tmp_path: Path) -> None:
    """`IpAddress aws:SourceIp 0.0.0.0/0`, `StringNotEquals aws:PrincipalAccount` (true
    for every other account and for anonymous callers) or `StringLikeIfExists
    aws:SourceArn '*'`: a condition that lets every caller in, taken for one that
    narrows who; exit 0."""

    def layout(condition: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            queue_case(sandbox, condition="            Condition:\n" + CONDITIONS[condition])

        return written

    each_blocked_or_refused(
        tmp_path, {condition: layout(condition) for condition in sorted(CONDITIONS)}
    )


def an_inline_queue_policy_open_to_anyone(sandbox: Sandbox) -> None:
    """`AWS::SQS::QueueInlinePolicy` (and `AWS::SNS::TopicInlinePolicy`) sets the same
    policy on one queue: the type is not read, exit 0."""
    queue_case(sandbox, kind="AWS::SQS::QueueInlinePolicy", target="Queue: !Ref Jobs")


def a_queue_policy_written_as_json(sandbox: Sandbox) -> None:
    """The baseline's document as a JSON string (`!Sub` of it): exit 0."""
    queue_case(sandbox)
    text = (sandbox.bundle / "template.yaml").read_text(encoding="utf-8")
    head, _ = text.split("      PolicyDocument:\n")
    document = (
        '{"Statement": [{"Effect": "Allow", "Principal": "*", '
        '"Action": "sqs:SendMessage", "Resource": "${Jobs.Arn}"}]}'
    )
    sandbox.write("template.yaml", head + f"      PolicyDocument: !Sub '{document}'\n")


NESTED = (
    "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Queue:\n    Type: String\n"
    "  QueueArn:\n    Type: String\nResources:\n"
    + QUEUE_POLICY.format(
        kind="AWS::SQS::QueuePolicy",
        target="Queues: [!Ref Queue]",
        principal="'*'",
        condition="",
    ).replace("!GetAtt Jobs.Arn", "!Ref QueueArn")
)


def a_queue_policy_in_a_nested_stack(sandbox: Sandbox) -> None:
    """The baseline's policy in policies.yaml, an `AWS::Serverless::Application` of the
    template (`sam deploy` deploys it as a nested stack): the nested template declares
    no function and was never read by the rule; exit 0."""
    nested = (
        "  Policies:\n    Type: AWS::Serverless::Application\n    Properties:\n"
        "      Location: policies.yaml\n      Parameters:\n        Queue: !Ref Jobs\n"
        "        QueueArn: !GetAtt Jobs.Arn\n"
    )
    sandbox.write("template.yaml", QUEUE + nested)
    sandbox.write("policies.yaml", NESTED)
    sandbox.write("src/app.py", GOOD_HANDLER)


# --- 5. Lambda permissions for any principal (GATE-IAC-020) -----------------------------

PERMISSION = (
    TEMPLATE.format(code="src/", handler="app.handler")
    + "  Anyone:\n    Type: AWS::Lambda::Permission\n    Properties:\n"
    + "      FunctionName: !Ref Orders\n      Action: lambda:InvokeFunction\n"
)


def permission_case(sandbox: Sandbox, properties: str) -> None:
    text = PERMISSION + properties
    text = text.replace("Resources:\n", "".join(HEADS.values()) + "Resources:\n", 1)
    sandbox.write("template.yaml", text)
    sandbox.write("src/app.py", GOOD_HANDLER)


def permission_for_anyone(sandbox: Sandbox) -> None:
    """The baseline (4ec20d2): `Principal: '*'` with no SourceArn: GATE-IAC-020."""
    permission_case(sandbox, "      Principal: '*'\n")


PERMISSION_TRICKS = {
    "principal-parameter": "      Principal: !Ref Who\n",
    "no-value-source": "      Principal: '*'\n"
    "      SourceAccount: !If [Never, '111122223333', !Ref AWS::NoValue]\n",
    "no-value-url-auth": "      Principal: '*'\n"
    "      FunctionUrlAuthType: !If [Never, NONE, !Ref AWS::NoValue]\n",
}


def test_a_permission_for_anyone_through_an_intrinsic_blocks(tmp_path: Path) -> None:
    """`Principal: !Ref Who` (Default `'*'`), or a SourceAccount or FunctionUrlAuthType
    that is `AWS::NoValue` on deploy (an `!If` on a condition never true): the deployed
    permission is the baseline's, and the run passed (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            permission_case(sandbox, PERMISSION_TRICKS[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(PERMISSION_TRICKS)})


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "flask-view-fetching-a-request-url": (flask_view_fetching_a_request_url, "GATE-SLS-007"),
    "powertools-route": (powertools_route, "GATE-SLS-007"),
    "chalice-route": (chalice_route, "GATE-SLS-007"),
    "fastapi-query-parameter": (fastapi_query_parameter, "GATE-SLS-007"),
    "sql-query-method-beside-its-library": (sql_query_method_beside_its_library, "GATE-SLS-003"),
    "xml-parse-with-a-resolving-parser": (xml_parse_with_a_resolving_parser, "GATE-SLS-008"),
    "queue-policy-open-to-anyone": (queue_policy_open_to_anyone, "GATE-IAC-019"),
    "permission-for-anyone": (permission_for_anyone, "GATE-IAC-020"),
}  # fmt: skip


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding on the rule
    named beside it."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "flask-views-in-their-own-module-are-entries": (
                flask_views_in_their_own_module_are_entries
            ),
            "sql-connection-from-a-sibling-module": (
                a_sql_connection_from_a_sibling_module_is_judged
            ),
            "inline-queue-policy-open-to-anyone": an_inline_queue_policy_open_to_anyone,
            "queue-policy-written-as-json": a_queue_policy_written_as_json,
            "queue-policy-in-a-nested-stack": a_queue_policy_in_a_nested_stack,
        },
    )
