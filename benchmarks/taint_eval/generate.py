"""Writes the taint evaluation cases under cases/ (run it again after editing a case).

Each case is one small bundle: a handler file, its IaC and a case.yml with the labels.
A case is written as a source (how the function receives event data: a plain handler,
Chalice, Powertools, Flask behind serverless-wsgi or aws-wsgi, FastAPI behind Mangum),
the way the value is read from it, and body lines that use it (`@v` stands for the
value's name). A body line ending in `#SINK` is where the family's rule must report
(`#SINK:GATE-SLS-00N` for another rule); the marker is removed from the written file.
Cases with more than one function (second-order) give their files whole.

    python benchmarks/taint_eval/generate.py
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"

RULES = {
    "command": "GATE-SLS-001",
    "code": "GATE-SLS-002",
    "sql": "GATE-SLS-003",
    "deserialise": "GATE-SLS-004",
    "template": "GATE-SLS-005",
    "path": "GATE-SLS-006",
    "url": "GATE-SLS-007",
    "xxe": "GATE-SLS-008",
    "second-order": "GATE-SLS-009",
}

# Where the patterns come from (re-created, never copied).
DVSA = "re-created; pattern from OWASP DVSA (GPL-3.0), no code copied"
GOAT = "re-created; pattern from OWASP ServerlessGoat (AGPL-3.0), no code copied"
OWN = "written for this set (Apache-2.0)"
CHALICE = "re-created; API from the AWS Chalice docs (Apache-2.0)"
POWERTOOLS = "re-created; API from the Powertools for AWS Lambda (Python) docs (MIT-0)"
FLASK = "re-created; API from the Flask docs (BSD-3-Clause) and serverless-wsgi (MIT)"
AWSGI = "re-created; API from the Flask docs (BSD-3-Clause) and aws-wsgi (MIT)"
FASTAPI = "re-created; API from the FastAPI docs (MIT) and Mangum (MIT)"
CFN = "re-created; the cfn-response pattern of the AWS CloudFormation docs (MIT-0)"
OLAMBDA = "re-created; S3 Object Lambda pattern of the Amazon S3 docs (MIT-0)"
XXE = "re-created; parser settings from the OWASP XXE Prevention Cheat Sheet (CC BY-SA 4.0)"
AWS = "re-created; pattern from aws-samples serverless examples (MIT-0)"
DEFAULT_ORIGIN = {
    "lambda": OWN,
    "chalice": CHALICE,
    "powertools": POWERTOOLS,
    "flask-wsgi": FLASK,
    "flask-awsgi": AWSGI,
    "fastapi-mangum": FASTAPI,
}


@dataclass
class Case:
    family: str
    name: str
    source: str
    access: str
    var: str
    imports: str
    body: str
    note: str
    origin: str = ""
    option: str = ""
    """Per source: the Powertools resolver, or `sls` for a serverless.yml plain handler."""
    files: dict[str, str] = field(default_factory=dict)
    """Whole files instead of a generated handler (multi-function bundles)."""
    requirements: str = ""
    """A requirements.txt beside the handler, where the finding depends on a library's
    version (lxml's parsers resolve external entities by default before 5.0)."""


# --- how each source reads a value -------------------------------------------------

LAMBDA = {
    "event": 'event["{k}"]',
    "query": 'event["queryStringParameters"]["{k}"]',
    "path": 'event["pathParameters"]["{k}"]',
    "body": 'json.loads(event["body"])["{k}"]',
    "rawbody": 'event["body"]',
    "headers": 'event["headers"]["{k}"]',
    "sqs": 'event["Records"][0]["body"]',
    "s3key": 'event["Records"][0]["s3"]["object"]["key"]',
    "sns": 'event["Records"][0]["Sns"]["Message"]',
}
CHALICE_READ = {
    "query": 'app.current_request.query_params["{k}"]',
    "json": 'app.current_request.json_body["{k}"]',
    "uri": 'app.current_request.uri_params["{k}"]',
    "raw": "app.current_request.raw_body.decode()",
    "headers": 'app.current_request.headers["x-{k}"]',
}
POWERTOOLS_READ = {
    "query": 'app.current_event.get_query_string_value(name="{k}", default_value="")',
    "qsp": 'app.current_event.query_string_parameters["{k}"]',
    "json": 'app.current_event.json_body["{k}"]',
    "body": "app.current_event.body",
    "headers": 'app.current_event.headers["x-{k}"]',
    "pathp": 'app.current_event.path_parameters["{k}"]',
}
FLASK_READ = {
    "args": 'request.args["{k}"]',
    "argsget": 'request.args.get("{k}", "")',
    "form": 'request.form["{k}"]',
    "json": 'request.json["{k}"]',
    "get_json": 'request.get_json()["{k}"]',
    "data": "request.data.decode()",
    "headers": 'request.headers["X-{k}"]',
    "values": 'request.values["{k}"]',
}
POSTS = {"json", "raw", "body", "form", "get_json", "data", "rawbody"}


def _indent(body: str, depth: int) -> list[str]:
    pad = "    " * depth
    return [pad + line if line else "" for line in body.strip("\n").splitlines()]


def _lines(*parts: str | list[str]) -> str:
    out: list[str] = []
    for part in parts:
        out.extend(part if isinstance(part, list) else part.split("\n"))
    return "\n".join(out).rstrip("\n") + "\n"


def _imports(case: Case, *extra: str) -> str:
    """The case's imports, the framework's, then the case's module-level setup."""
    lines = case.imports.strip().splitlines()
    cut = next(
        (n for n, line in enumerate(lines) if line and not line.startswith(("import ", "from "))),
        len(lines),
    )
    own = "\n".join(lines[:cut]).strip()
    setup = "\n".join(lines[cut:]).strip()
    added = "\n".join(line for line in extra if line not in own.splitlines())
    return "\n\n".join(part for part in (own, added, setup) if part)


def _lambda(case: Case) -> dict[str, str]:
    read = LAMBDA[case.access].format(k=case.var)
    extra = ["import json"] if "json." in read else []
    code = _lines(
        _imports(case, *extra),
        "",
        "",
        "def handler(event, context):",
        f"    {case.var} = {read}",
        _indent(case.body, 1),
        '    return {"statusCode": 200}',
    )
    if case.option == "sls":
        return {"handler.py": code, "serverless.yml": _sls("handler.handler")}
    return {"app.py": code, "template.yaml": _sam("app.handler")}


def _chalice(case: Case) -> dict[str, str]:
    name = case.name.replace("-", "_")
    head = [_imports(case, "from chalice import Chalice"), "", f'app = Chalice(app_name="{name}")']
    k = case.var
    if case.access == "route":
        fn = [f'@app.route("/{name}/{{{k}}}")', f"def {name}({k}):", *_indent(case.body, 1)]
        fn.append('    return {"ok": True}')
    elif case.access in CHALICE_READ:
        path = f"/{name}/{{{k}}}" if case.access == "uri" else f"/{name}"
        method = ', methods=["POST"]' if case.access in POSTS else ""
        params = k if case.access == "uri" else ""
        fn = [f'@app.route("{path}"{method})', f"def {name}({params}):"]
        fn += [f"    {k} = {CHALICE_READ[case.access].format(k=k)}", *_indent(case.body, 1)]
        fn.append('    return {"ok": True}')
    elif case.access == "lambda_function":
        fn = ["@app.lambda_function()", f"def {name}(event, context):"]
        fn += [f'    {k} = event["{k}"]', *_indent(case.body, 1)]
    elif case.access == "s3":
        fn = ['@app.on_s3_event(bucket="uploads")', f"def {name}(event):"]
        fn += [f"    {k} = event.key", *_indent(case.body, 1)]
    elif case.access == "sqs":
        fn = [
            '@app.on_sqs_message(queue="jobs")',
            f"def {name}(event):",
            "    for record in event:",
        ]
        fn += [f"        {k} = record.body", *_indent(case.body, 2)]
    elif case.access == "sns":
        fn = ['@app.on_sns_message(topic="alerts")', f"def {name}(event):"]
        fn += [f"    {k} = event.message", *_indent(case.body, 1)]
    else:
        raise ValueError(case.access)
    config = {
        "version": "2.0",
        "app_name": name,
        "stages": {"dev": {"api_gateway_stage": "api"}},
    }
    return {
        "app.py": _lines(*head, "", "", fn),
        ".chalice/config.json": json.dumps(config, indent=2) + "\n",
    }


def _powertools(case: Case) -> dict[str, str]:
    name = case.name.replace("-", "_")
    resolver = case.option or "APIGatewayRestResolver"
    k = case.var
    method = "post" if case.access in POSTS else "get"
    head = [
        _imports(case, f"from aws_lambda_powertools.event_handler import {resolver}"),
        "",
        f"app = {resolver}()",
    ]
    if case.access == "route":
        fn = [f'@app.{method}("/{name}/<{k}>")', f"def {name}({k}: str):"]
    elif case.access == "pathp":
        fn = [f'@app.{method}("/{name}/<{k}>")', f"def {name}({k}: str):"]
        fn.append(f"    {k} = {POWERTOOLS_READ['pathp'].format(k=k)}")
    else:
        fn = [f'@app.{method}("/{name}")', f"def {name}():"]
        fn.append(f"    {k} = {POWERTOOLS_READ[case.access].format(k=k)}")
    fn += [*_indent(case.body, 1), '    return {"ok": True}']
    tail = ["def lambda_handler(event, context):", "    return app.resolve(event, context)"]
    code = _lines(*head, "", "", fn, "", "", tail)
    return {"app.py": code, "template.yaml": _sam("app.lambda_handler")}


def _flask(case: Case) -> dict[str, str]:
    name = case.name.replace("-", "_")
    k = case.var
    awsgi = case.source == "flask-awsgi"
    extra = ["import awsgi"] if awsgi else []
    head = [_imports(case, *extra, "from flask import Flask, request"), "", "app = Flask(__name__)"]
    method = ', methods=["POST"]' if case.access in POSTS else ""
    if case.access == "route":
        fn = [f'@app.route("/{name}/<{k}>"{method})', f"def {name}({k}):"]
    else:
        fn = [f'@app.route("/{name}"{method})', f"def {name}():"]
        fn.append(f"    {k} = {FLASK_READ[case.access].format(k=k)}")
    fn += [*_indent(case.body, 1), '    return {"ok": True}']
    if awsgi:
        tail = [
            "def lambda_handler(event, context):",
            "    return awsgi.response(app, event, context)",
        ]
        code = _lines(*head, "", "", fn, "", "", tail)
        return {"app.py": code, "template.yaml": _sam("app.lambda_handler")}
    code = _lines(*head, "", "", fn)
    return {"app.py": code, "serverless.yml": _sls("wsgi_handler.handler", wsgi=True)}


def _fastapi(case: Case) -> dict[str, str]:
    name = case.name.replace("-", "_")
    k = case.var
    extra = ["from fastapi import Body, FastAPI"] if case.access == "body" else []
    extra += [] if extra else ["from fastapi import FastAPI"]
    head = [_imports(case, *extra, "from mangum import Mangum"), "", "app = FastAPI()"]
    if case.access == "path":
        fn = [f'@app.get("/{name}/{{{k}}}")', f"def {name}({k}: str):"]
    elif case.access == "query":
        fn = [f'@app.get("/{name}")', f"def {name}({k}: str):"]
    elif case.access == "body":
        fn = [f'@app.post("/{name}")', f"def {name}(payload: dict = Body(...)):"]
        fn.append(f'    {k} = payload["{k}"]')
    else:
        raise ValueError(case.access)
    fn += [*_indent(case.body, 1), '    return {"ok": True}']
    code = _lines(*head, "", "", fn, "", "", "handler = Mangum(app)")
    return {"app.py": code, "template.yaml": _sam("app.handler")}


def _sam(handler: str, events: bool = True) -> str:
    api = (
        "      Events:\n        Api:\n          Type: Api\n"
        "          Properties:\n            Path: /{proxy+}\n            Method: any\n"
    )
    return (
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Function:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      CodeUri: .\n"
        f"      Handler: {handler}\n"
        "      Runtime: python3.12\n" + (api if events else "")
    )


def _sls(handler: str, wsgi: bool = False) -> str:
    text = (
        "service: case\n"
        "provider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n"
        f"  api:\n    handler: {handler}\n    events:\n      - httpApi: '*'\n"
    )
    if wsgi:
        text += "plugins:\n  - serverless-wsgi\ncustom:\n  wsgi:\n    app: app.app\n"
    return text


RENDER = {
    "lambda": _lambda,
    "chalice": _chalice,
    "powertools": _powertools,
    "flask-wsgi": _flask,
    "flask-awsgi": _flask,
    "fastapi-mangum": _fastapi,
}


def render(case: Case) -> tuple[dict[str, str], list[dict[str, object]]]:
    """The case's files with markers removed, and the findings they expect."""
    files = dict(case.files) if case.files else RENDER[case.source](case)
    if case.requirements:
        files["requirements.txt"] = case.requirements
    expect: list[dict[str, object]] = []
    clean: dict[str, str] = {}
    for path, text in files.items():
        text = text.replace("@v", case.var)
        out = []
        for n, line in enumerate(text.split("\n"), 1):
            if "#SINK" in line:
                code, _, mark = line.partition("#SINK")
                rule = mark[1:].strip() if mark.startswith(":") else RULES[case.family]
                expect.append({"rule": rule, "file": path, "line": n})
                line = code.rstrip()
            out.append(line)
        clean[path] = "\n".join(out)
    return clean, expect


def write(case: Case) -> None:
    files, expect = render(case)
    directory = CASES / case.family / case.name
    for path, text in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    label = {
        "family": case.family,
        "source": case.source,
        "origin": case.origin or DEFAULT_ORIGIN[case.source],
        "expect": expect,
        "note": case.note,
    }
    text = yaml.safe_dump(label, sort_keys=False, width=200, default_flow_style=None)
    (directory / "case.yml").write_text(text, encoding="utf-8")


def main() -> int:
    sys.path.insert(0, str(HERE))
    from case_list import CASE_LIST

    names = [(c.family, c.name) for c in CASE_LIST]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SystemExit(f"duplicate case names: {sorted(duplicates)}")
    if CASES.exists():
        shutil.rmtree(CASES)
    for case in CASE_LIST:
        write(case)
    print(f"wrote {len(CASE_LIST)} cases under {CASES.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
