# ruff: noqa: E501  (a case's code lines are written as they appear in its file)
"""The cases of the taint evaluation set, as generate.py writes them (see its docstring
for the notation: `@v` is the value's name, `#SINK` marks an expected finding)."""

from __future__ import annotations

from generate import (
    AWS,
    CFN,
    DVSA,
    GOAT,
    OLAMBDA,
    XXE,
    Case,
)

C = Case

COMMAND = [
    # positives
    C(
        "command",
        "lambda-os-system-query",
        "lambda",
        "query",
        "host",
        "import os",
        'os.system("ping -c 1 " + @v)  #SINK',
        "os.system of a query parameter",
    ),
    C(
        "command",
        "lambda-curl-document-url",
        "lambda",
        "query",
        "document_url",
        "import subprocess",
        'subprocess.check_output(f"curl --silent -L {@v} | catdoc -", shell=True)  #SINK',
        "a URL from the query formatted into a shell pipeline",
        origin=GOAT,
    ),
    C(
        "command",
        "lambda-s3-key-shell",
        "lambda",
        "s3key",
        "key",
        "import subprocess",
        'subprocess.run(f"convert /tmp/{@v} /tmp/thumb.png", shell=True, check=False)  #SINK',
        "an S3 object key in a shell=True command",
        option="sls",
    ),
    C(
        "command",
        "chalice-route-popen",
        "chalice",
        "route",
        "domain",
        "import os",
        'answer = os.popen("nslookup " + @v).read()  #SINK\nprint(answer)',
        "a Chalice route parameter in os.popen",
    ),
    C(
        "command",
        "chalice-lambda-function",
        "chalice",
        "lambda_function",
        "archive",
        "import os",
        'os.system(f"gzip -d {@v}")  #SINK',
        "event of an @app.lambda_function() in os.system",
    ),
    C(
        "command",
        "chalice-sqs-call",
        "chalice",
        "sqs",
        "message",
        "import subprocess",
        'subprocess.call("echo " + @v, shell=True)  #SINK',
        "an SQS message body of @app.on_sqs_message in a shell command",
    ),
    C(
        "command",
        "powertools-route-getoutput",
        "powertools",
        "route",
        "name",
        "import subprocess",
        'out = subprocess.getoutput(f"dig +short {@v}")  #SINK\nprint(out)',
        "a Powertools route parameter in subprocess.getoutput",
    ),
    C(
        "command",
        "powertools-json-body",
        "powertools",
        "json",
        "archive",
        "import os",
        'os.system("tar xzf " + @v)  #SINK',
        "Powertools json_body field in os.system",
        option="APIGatewayHttpResolver",
    ),
    C(
        "command",
        "flask-wsgi-args-popen",
        "flask-wsgi",
        "args",
        "domain",
        "import subprocess",
        'subprocess.Popen("whois " + @v, shell=True)  #SINK',
        "Flask request.args in Popen(shell=True)",
    ),
    C(
        "command",
        "flask-awsgi-form-sh-c",
        "flask-awsgi",
        "form",
        "folder",
        "import subprocess",
        'subprocess.run(["sh", "-c", "zip -r /tmp/out.zip " + @v], check=False)  #SINK',
        "Flask request.form in an sh -c argument list",
    ),
    C(
        "command",
        "fastapi-query-system",
        "fastapi-mangum",
        "query",
        "host",
        "import os",
        'os.system(f"ping -c 1 {@v}")  #SINK',
        "a FastAPI query parameter in os.system",
    ),
    # negatives
    C(
        "command",
        "lambda-shlex-quote",
        "lambda",
        "query",
        "host",
        "import os\nimport shlex",
        'os.system("ping -c 1 " + shlex.quote(@v))',
        "shlex.quote makes the value one shell word",
    ),
    C(
        "command",
        "lambda-int-converted",
        "lambda",
        "path",
        "seconds",
        "import os",
        'os.system(f"sleep {int(@v)}")',
        "int() leaves no shell syntax",
        option="sls",
    ),
    C(
        "command",
        "lambda-digits-guard",
        "lambda",
        "event",
        "pid",
        "import os",
        'if @v.isdigit():\n    os.system("kill " + @v)',
        "an isdigit() guard before the command",
    ),
    C(
        "command",
        "chalice-allow-list",
        "chalice",
        "route",
        "check",
        "import os",
        'if @v in ("uptime", "df", "free"):\n    os.system(@v)',
        "allow-list membership test",
    ),
    C(
        "command",
        "chalice-sns-argument-list",
        "chalice",
        "sns",
        "text",
        "import subprocess",
        'subprocess.run(["logger", "-t", "alerts", @v], check=False)',
        "an argument list without a shell",
    ),
    C(
        "command",
        "powertools-constant-command",
        "powertools",
        "qsp",
        "verbose",
        "import subprocess",
        'subprocess.run("df -h", shell=True, check=False)\nprint(@v)',
        "a constant shell command; the event value is only printed",
    ),
    C(
        "command",
        "flask-wsgi-argument-list",
        "flask-wsgi",
        "args",
        "host",
        "import subprocess",
        'subprocess.run(["ping", "-c", "1", @v], check=False)',
        "an argument list without shell=True",
    ),
    C(
        "command",
        "flask-awsgi-fullmatch-guard",
        "flask-awsgi",
        "args",
        "host",
        "import os\nimport re",
        'if re.fullmatch(r"[a-z0-9.-]+", @v):\n    os.system("host " + @v)',
        "a full-match regular expression guard",
    ),
    C(
        "command",
        "fastapi-path-quoted",
        "fastapi-mangum",
        "path",
        "name",
        "import shlex\nimport subprocess",
        'subprocess.run(f"git log -- {shlex.quote(@v)}", shell=True, check=False)',
        "shlex.quote inside an f-string with shell=True",
    ),
]

CODE = [
    C(
        "code",
        "lambda-admin-eval",
        "lambda",
        "body",
        "cmd",
        "",
        "if @v:\n    eval(@v)  #SINK",
        "eval of a JSON body field (admin shell)",
        origin=DVSA,
    ),
    C(
        "code",
        "lambda-exec-raw-body",
        "lambda",
        "rawbody",
        "script",
        "",
        "exec(@v)  #SINK",
        "exec of the raw request body",
        option="sls",
    ),
    C(
        "code",
        "lambda-sns-eval",
        "lambda",
        "sns",
        "rule",
        "",
        "matched = eval(@v)  #SINK\nprint(matched)",
        "eval of an SNS message",
    ),
    C(
        "code",
        "chalice-json-eval",
        "chalice",
        "json",
        "expression",
        "",
        "result = eval(@v)  #SINK\nprint(result)",
        "eval of a Chalice json_body field",
    ),
    C(
        "code",
        "chalice-uri-eval",
        "chalice",
        "uri",
        "amount",
        "",
        'total = eval("1 + " + @v)  #SINK\nprint(total)',
        "eval of a Chalice uri_params value",
    ),
    C(
        "code",
        "powertools-qsp-eval",
        "powertools",
        "qsp",
        "formula",
        "",
        "value = eval(@v)  #SINK\nprint(value)",
        "eval of a Powertools query string parameter",
    ),
    C(
        "code",
        "powertools-compile",
        "powertools",
        "body",
        "source",
        "",
        'code = compile(@v, "<rule>", "exec")  #SINK\nprint(code)',
        "compile() of the Powertools request body",
        option="ALBResolver",
    ),
    C(
        "code",
        "flask-wsgi-args-eval",
        "flask-wsgi",
        "args",
        "expr",
        "",
        "print(eval(@v))  #SINK",
        "eval of Flask request.args",
    ),
    C(
        "code",
        "flask-awsgi-json-exec",
        "flask-awsgi",
        "json",
        "code",
        "",
        'exec(@v, {"__builtins__": {}})  #SINK',
        "exec of Flask request.json with empty builtins",
    ),
    C(
        "code",
        "fastapi-body-eval",
        "fastapi-mangum",
        "body",
        "factor",
        "",
        'doubled = eval(f"{@v} * 2")  #SINK\nprint(doubled)',
        "eval of a FastAPI body field",
    ),
    # negatives
    C(
        "code",
        "lambda-literal-eval",
        "lambda",
        "body",
        "numbers",
        "import ast",
        "parsed = ast.literal_eval(@v)\nprint(parsed)",
        "ast.literal_eval evaluates literals only",
    ),
    C(
        "code",
        "lambda-json-loads",
        "lambda",
        "rawbody",
        "payload",
        "import json",
        "data = json.loads(@v)\nprint(data)",
        "json.loads instead of eval",
        option="sls",
    ),
    C(
        "code",
        "chalice-constant-eval",
        "chalice",
        "query",
        "debug",
        "",
        'limit = eval("60 * 60")\nprint(limit, @v)',
        "eval of a constant; the event value is only printed",
    ),
    C(
        "code",
        "chalice-lambda-function-bundled",
        "chalice",
        "lambda_function",
        "name",
        "",
        'exec(compile("x = 1", "<builtin>", "exec"))\nprint(@v)',
        "exec of constant code in an @app.lambda_function()",
    ),
    C(
        "code",
        "powertools-int-eval",
        "powertools",
        "route",
        "count",
        "",
        'total = eval(str(int(@v)) + " * 2")\nprint(total)',
        "int() leaves only digits",
    ),
    C(
        "code",
        "flask-wsgi-allow-list",
        "flask-wsgi",
        "args",
        "expr",
        "",
        'if @v in ("1 + 1", "2 * 3"):\n    print(eval(@v))',
        "allow-list membership test",
    ),
    C(
        "code",
        "flask-awsgi-operator-table",
        "flask-awsgi",
        "json",
        "op",
        "import operator",
        'OPS = {"add": operator.add, "mul": operator.mul}\nprint(OPS.get(@v, operator.add)(2, 3))',
        "a dispatch table instead of eval",
    ),
    C(
        "code",
        "fastapi-fullmatch-arithmetic",
        "fastapi-mangum",
        "query",
        "expr",
        "import re",
        'if re.fullmatch(r"[0-9+*/ ()-]{1,20}", @v):\n    print(eval(@v))',
        "a full-match guard that admits arithmetic only",
    ),
    C(
        "code",
        "powertools-json-loads",
        "powertools",
        "body",
        "doc",
        "import json",
        "print(json.loads(@v))",
        "json.loads of the Powertools body",
        option="LambdaFunctionUrlResolver",
    ),
]

SQL = [
    C(
        "sql",
        "lambda-pymysql-fstring",
        "lambda",
        "query",
        "order_id",
        'import os\n\nimport pymysql\n\nconn = pymysql.connect(host=os.environ["DB_HOST"])',
        "with conn.cursor() as cursor:\n    cursor.execute(f\"SELECT * FROM orders WHERE id = '{@v}'\")  #SINK",
        "DB-API cursor.execute of an f-string",
        origin=AWS,
    ),
    C(
        "sql",
        "lambda-sqlite-percent",
        "lambda",
        "event",
        "username",
        'import sqlite3\n\nconn = sqlite3.connect("/tmp/app.db")',
        "conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % @v)  #SINK",
        "sqlite3 execute of a %-formatted query",
        option="sls",
    ),
    C(
        "sql",
        "chalice-route-psycopg2",
        "chalice",
        "route",
        "item_id",
        'import os\n\nimport psycopg2\n\nconn = psycopg2.connect(os.environ["DSN"])',
        'cur = conn.cursor()\ncur.execute("DELETE FROM items WHERE id = " + @v)  #SINK',
        "psycopg2 cursor.execute of a concatenated query",
    ),
    C(
        "sql",
        "chalice-redshift-data",
        "chalice",
        "query",
        "region",
        'import boto3\n\nclient = boto3.client("redshift-data")',
        'client.execute_statement(ClusterIdentifier="sales", Database="dev", Sql=f"SELECT * FROM sales WHERE region = \'{@v}\'")  #SINK',
        "Redshift Data API execute_statement(Sql=f-string)",
    ),
    C(
        "sql",
        "chalice-pandas-read-sql",
        "chalice",
        "lambda_function",
        "sku",
        'import sqlite3\n\nimport pandas\n\nconn = sqlite3.connect("/tmp/stock.db")',
        "frame = pandas.read_sql(f\"SELECT * FROM stock WHERE sku = '{@v}'\", conn)  #SINK\nprint(frame)",
        "pandas.read_sql of an f-string",
    ),
    C(
        "sql",
        "powertools-rds-data",
        "powertools",
        "route",
        "customer",
        'import os\n\nimport boto3\n\nrds = boto3.client("rds-data")',
        'rds.execute_statement(resourceArn=os.environ["DB_ARN"], secretArn=os.environ["SECRET_ARN"], database="shop", sql=f"SELECT * FROM orders WHERE customer = \'{@v}\'")  #SINK',
        "RDS Data API execute_statement(sql=f-string)",
    ),
    C(
        "sql",
        "powertools-athena",
        "powertools",
        "query",
        "user",
        'import boto3\n\nathena = boto3.client("athena")',
        'athena.start_query_execution(QueryString=f"SELECT * FROM logs WHERE user_name = \'{@v}\'", WorkGroup="primary")  #SINK',
        "Athena start_query_execution(QueryString=f-string)",
    ),
    C(
        "sql",
        "flask-wsgi-sqlalchemy-text",
        "flask-wsgi",
        "args",
        "name",
        'import os\n\nfrom sqlalchemy import create_engine, text\nfrom sqlalchemy.orm import Session\n\nsession = Session(create_engine(os.environ["DB_URL"]))',
        "rows = session.execute(text(f\"SELECT * FROM users WHERE name = '{@v}'\"))  #SINK\nprint(rows.all())",
        "SQLAlchemy session.execute(text(f-string))",
    ),
    C(
        "sql",
        "flask-wsgi-from-statement",
        "flask-wsgi",
        "form",
        "user_id",
        'import os\n\nfrom models import User\nfrom sqlalchemy import create_engine, text\nfrom sqlalchemy.orm import Session\n\nsession = Session(create_engine(os.environ["DB_URL"]))',
        'users = session.query(User).from_statement(text(f"SELECT * FROM users WHERE id = {@v}"))  #SINK\nprint(users.all())',
        "SQLAlchemy Query.from_statement(text(f-string))",
    ),
    C(
        "sql",
        "flask-awsgi-pymysql-query",
        "flask-awsgi",
        "json",
        "status",
        'import os\n\nimport pymysql\n\ndb = pymysql.connect(host=os.environ["DB_HOST"])',
        "db.query(f\"UPDATE orders SET status = '{@v}' WHERE id = 1\")  #SINK",
        "pymysql Connection.query of an f-string",
    ),
    C(
        "sql",
        "fastapi-records-query",
        "fastapi-mangum",
        "query",
        "city",
        'import os\n\nimport records\n\ndb = records.Database(os.environ["DB_URL"])',
        "rows = db.query(f\"SELECT * FROM shops WHERE city = '{@v}'\")  #SINK\nprint(rows.all())",
        "records Database.query of an f-string",
    ),
    C(
        "sql",
        "fastapi-django-raw",
        "fastapi-mangum",
        "path",
        "username",
        "from django.contrib.auth.models import User",
        "found = User.objects.raw(f\"SELECT * FROM auth_user WHERE username = '{@v}'\")  #SINK\nprint(list(found))",
        "Django Manager.raw of an f-string",
    ),
    # negatives
    C(
        "sql",
        "lambda-parameterised",
        "lambda",
        "query",
        "order_id",
        'import os\n\nimport pymysql\n\nconn = pymysql.connect(host=os.environ["DB_HOST"])',
        'with conn.cursor() as cursor:\n    cursor.execute("SELECT * FROM orders WHERE id = %s", (@v,))',
        "a parameterised query",
        origin=AWS,
    ),
    C(
        "sql",
        "lambda-dynamodb-key-condition",
        "lambda",
        "path",
        "order_id",
        'import os\n\nimport boto3\nfrom boto3.dynamodb.conditions import Key\n\ntable = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])',
        'items = table.query(KeyConditionExpression=Key("id").eq(@v))["Items"]\nprint(items)',
        "DynamoDB query with a key condition is not SQL",
        origin=AWS,
    ),
    C(
        "sql",
        "lambda-dynamodb-scan-attr",
        "lambda",
        "event",
        "status",
        'import os\n\nimport boto3\nfrom boto3.dynamodb.conditions import Attr\n\ntable = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])',
        'found = table.scan(FilterExpression=Attr("status").eq(@v))\nprint(found)',
        "DynamoDB scan with a filter expression is not SQL",
        option="sls",
    ),
    C(
        "sql",
        "chalice-int-converted",
        "chalice",
        "route",
        "item_id",
        'import os\n\nimport psycopg2\n\nconn = psycopg2.connect(os.environ["DSN"])',
        'cur = conn.cursor()\ncur.execute(f"SELECT * FROM items WHERE id = {int(@v)}")',
        "int() leaves only digits in the query",
    ),
    C(
        "sql",
        "chalice-allow-listed-column",
        "chalice",
        "query",
        "order",
        'import os\n\nimport psycopg2\n\nconn = psycopg2.connect(os.environ["DSN"])',
        'if @v in ("name", "price"):\n    cur = conn.cursor()\n    cur.execute(f"SELECT * FROM items ORDER BY {@v}")',
        "an allow-listed column name",
    ),
    C(
        "sql",
        "powertools-rds-data-parameters",
        "powertools",
        "route",
        "customer",
        'import os\n\nimport boto3\n\nrds = boto3.client("rds-data")',
        'rds.execute_statement(resourceArn=os.environ["DB_ARN"], secretArn=os.environ["SECRET_ARN"], database="shop", sql="SELECT * FROM orders WHERE customer = :c", parameters=[{"name": "c", "value": {"stringValue": @v}}])',
        "RDS Data API with parameters",
    ),
    C(
        "sql",
        "powertools-athena-parameters",
        "powertools",
        "query",
        "user",
        'import boto3\n\nathena = boto3.client("athena")',
        'athena.start_query_execution(QueryString="SELECT * FROM logs WHERE user_name = ?", ExecutionParameters=[@v], WorkGroup="primary")',
        "Athena with ExecutionParameters",
    ),
    C(
        "sql",
        "flask-wsgi-sqlalchemy-bind",
        "flask-wsgi",
        "args",
        "name",
        'import os\n\nfrom sqlalchemy import create_engine, text\nfrom sqlalchemy.orm import Session\n\nsession = Session(create_engine(os.environ["DB_URL"]))',
        'rows = session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": @v})\nprint(rows.all())',
        "SQLAlchemy text() with a bound parameter",
    ),
    C(
        "sql",
        "flask-awsgi-partiql-parameters",
        "flask-awsgi",
        "json",
        "order_id",
        'import boto3\n\ndynamodb = boto3.client("dynamodb")',
        'dynamodb.execute_statement(Statement="SELECT * FROM orders WHERE id = ?", Parameters=[{"S": @v}])',
        "DynamoDB PartiQL with Parameters",
    ),
    C(
        "sql",
        "fastapi-sqlite-parameterised",
        "fastapi-mangum",
        "query",
        "owner",
        'import sqlite3\n\nconn = sqlite3.connect("/tmp/notes.db")',
        'notes = conn.execute("SELECT * FROM notes WHERE owner = ?", (@v,)).fetchall()\nprint(notes)',
        "sqlite3 with a ? placeholder",
    ),
]

DESERIALISE = [
    C(
        "deserialise",
        "lambda-pickle-body",
        "lambda",
        "rawbody",
        "blob",
        "import base64\nimport pickle",
        "state = pickle.loads(base64.b64decode(@v))  #SINK\nprint(state)",
        "pickle.loads of the base64 request body",
    ),
    C(
        "deserialise",
        "lambda-jsonpickle-sqs",
        "lambda",
        "sqs",
        "message",
        "import jsonpickle",
        "job = jsonpickle.decode(@v)  #SINK\nprint(job)",
        "jsonpickle.decode of an SQS body",
        option="sls",
        origin=DVSA,
    ),
    C(
        "deserialise",
        "chalice-yaml-load-raw",
        "chalice",
        "raw",
        "document",
        "import yaml",
        "config = yaml.load(@v, Loader=yaml.Loader)  #SINK\nprint(config)",
        "yaml.load with the full Loader of a Chalice raw_body",
    ),
    C(
        "deserialise",
        "chalice-sns-pickle",
        "chalice",
        "sns",
        "message",
        "import pickle",
        "obj = pickle.loads(bytes.fromhex(@v))  #SINK\nprint(obj)",
        "pickle.loads of an @app.on_sns_message message",
    ),
    C(
        "deserialise",
        "chalice-lambda-marshal",
        "chalice",
        "lambda_function",
        "code",
        "import base64\nimport marshal",
        "obj = marshal.loads(base64.b64decode(@v))  #SINK\nprint(obj)",
        "marshal.loads in an @app.lambda_function()",
    ),
    C(
        "deserialise",
        "powertools-yaml-unsafe",
        "powertools",
        "body",
        "document",
        "import yaml",
        "data = yaml.unsafe_load(@v)  #SINK\nprint(data)",
        "yaml.unsafe_load of the Powertools body",
    ),
    C(
        "deserialise",
        "powertools-jsonpickle",
        "powertools",
        "json",
        "cart",
        "import jsonpickle",
        "cart = jsonpickle.decode(@v)  #SINK\nprint(cart)",
        "jsonpickle.decode of a json_body field",
        option="LambdaFunctionUrlResolver",
    ),
    C(
        "deserialise",
        "flask-wsgi-pickle-data",
        "flask-wsgi",
        "data",
        "blob",
        "import base64\nimport pickle",
        "obj = pickle.loads(base64.b64decode(@v))  #SINK\nprint(obj)",
        "pickle.loads of Flask request.data",
    ),
    C(
        "deserialise",
        "flask-awsgi-pickle-header",
        "flask-awsgi",
        "headers",
        "Session",
        "import base64\nimport pickle",
        "session = pickle.loads(base64.b64decode(@v))  #SINK\nprint(session)",
        "pickle.loads of a request header",
    ),
    C(
        "deserialise",
        "fastapi-yaml-unsafe-loader",
        "fastapi-mangum",
        "body",
        "manifest",
        "import yaml",
        "spec = yaml.load(@v, Loader=yaml.UnsafeLoader)  #SINK\nprint(spec)",
        "yaml.load with UnsafeLoader of a FastAPI body field",
    ),
    # negatives
    C(
        "deserialise",
        "lambda-json-loads",
        "lambda",
        "rawbody",
        "payload",
        "import json",
        "print(json.loads(@v))",
        "json.loads is not an object deserialiser",
    ),
    C(
        "deserialise",
        "lambda-yaml-safe-load",
        "lambda",
        "sqs",
        "message",
        "import yaml",
        "print(yaml.safe_load(@v))",
        "yaml.safe_load",
        option="sls",
    ),
    C(
        "deserialise",
        "lambda-pickle-dumps",
        "lambda",
        "event",
        "state",
        "import pickle",
        "blob = pickle.dumps(@v)\nprint(len(blob))",
        "pickle.dumps serialises, it does not load",
    ),
    C(
        "deserialise",
        "chalice-yaml-safe-loader",
        "chalice",
        "raw",
        "document",
        "import yaml",
        "print(yaml.load(@v, Loader=yaml.SafeLoader))",
        "yaml.load with SafeLoader",
    ),
    C(
        "deserialise",
        "chalice-sqs-safe-load",
        "chalice",
        "sqs",
        "message",
        "import yaml",
        "print(yaml.safe_load(@v))",
        "yaml.safe_load of an SQS message",
    ),
    C(
        "deserialise",
        "powertools-json-body",
        "powertools",
        "body",
        "document",
        "import json",
        "print(json.loads(@v))",
        "json.loads of the Powertools body",
    ),
    C(
        "deserialise",
        "flask-wsgi-bundled-model",
        "flask-wsgi",
        "args",
        "feature",
        "import pickle",
        'with open("model.pkl", "rb") as f:\n    model = pickle.load(f)\nprint(model, @v)',
        "pickle.load of a file shipped with the bundle; the event only prints",
    ),
    C(
        "deserialise",
        "flask-awsgi-csafe-loader",
        "flask-awsgi",
        "data",
        "document",
        "import yaml",
        "print(yaml.load(@v, Loader=yaml.CSafeLoader))",
        "yaml.load with CSafeLoader",
    ),
    C(
        "deserialise",
        "fastapi-base64-json",
        "fastapi-mangum",
        "body",
        "token",
        "import base64\nimport json",
        "print(json.loads(base64.b64decode(@v)))",
        "json.loads of decoded base64",
    ),
]

TEMPLATE = [
    C(
        "template",
        "lambda-jinja2-template",
        "lambda",
        "body",
        "template",
        "import jinja2",
        "html = jinja2.Template(@v).render()  #SINK\nprint(html)",
        "jinja2.Template of a body field",
    ),
    C(
        "template",
        "lambda-environment-from-string",
        "lambda",
        "rawbody",
        "source",
        "from jinja2 import Environment",
        "page = Environment().from_string(@v).render()  #SINK\nprint(page)",
        "Environment.from_string of the request body",
        option="sls",
    ),
    C(
        "template",
        "chalice-json-template",
        "chalice",
        "json",
        "greeting",
        "from jinja2 import Template",
        'text = Template(@v).render(user="x")  #SINK\nprint(text)',
        "jinja2 Template of a json_body field",
    ),
    C(
        "template",
        "chalice-route-django",
        "chalice",
        "route",
        "snippet",
        "from django.template import Template",
        "tpl = Template(@v)  #SINK\nprint(tpl)",
        "django Template of a route parameter",
    ),
    C(
        "template",
        "powertools-mako",
        "powertools",
        "body",
        "source",
        "from mako.template import Template",
        "print(Template(@v).render())  #SINK",
        "mako Template of the Powertools body",
    ),
    C(
        "template",
        "powertools-from-string-concat",
        "powertools",
        "qsp",
        "name",
        "import jinja2",
        'env = jinja2.Environment()\nprint(env.from_string("Dear " + @v).render())  #SINK',
        "a query value concatenated into template source",
    ),
    C(
        "template",
        "flask-wsgi-render-template-string",
        "flask-wsgi",
        "args",
        "name",
        "from flask import render_template_string",
        'return render_template_string("<h1>Hello " + @v + "</h1>")  #SINK',
        "Flask render_template_string with a query value in the source (SSTI)",
    ),
    C(
        "template",
        "flask-awsgi-render-string-form",
        "flask-awsgi",
        "form",
        "bio",
        "from flask import render_template_string",
        "return render_template_string(@v)  #SINK",
        "Flask render_template_string of a form field",
    ),
    C(
        "template",
        "fastapi-query-fstring-template",
        "fastapi-mangum",
        "query",
        "name",
        "import jinja2",
        'print(jinja2.Template(f"Hello {@v}!").render())  #SINK',
        "a query parameter in template source",
    ),
    # negatives
    C(
        "template",
        "lambda-get-template",
        "lambda",
        "body",
        "name",
        'from jinja2 import Environment, FileSystemLoader\n\nenv = Environment(loader=FileSystemLoader("templates"), autoescape=True)',
        'print(env.get_template("email.html").render(name=@v))',
        "event data only as a render() variable",
    ),
    C(
        "template",
        "lambda-constant-source",
        "lambda",
        "query",
        "name",
        "import jinja2",
        'print(jinja2.Template("Hello {{ name }}").render(name=@v))',
        "constant template source",
        option="sls",
    ),
    C(
        "template",
        "chalice-render-variable",
        "chalice",
        "query",
        "n",
        "from jinja2 import Template",
        'print(Template("Hi {{ n }}").render(n=@v))',
        "event data as a variable",
    ),
    C(
        "template",
        "chalice-sqs-constant-table",
        "chalice",
        "sqs",
        "body",
        "from jinja2 import Template",
        'SOURCES = {"welcome": "Welcome {{ body }}"}\nprint(Template(SOURCES["welcome"]).render(body=@v))',
        "template source from a constant table",
    ),
    C(
        "template",
        "powertools-mako-variable",
        "powertools",
        "qsp",
        "name",
        "from mako.template import Template",
        'print(Template("hello ${name}").render(name=@v))',
        "mako with event data as a variable",
    ),
    C(
        "template",
        "flask-wsgi-render-template",
        "flask-wsgi",
        "args",
        "name",
        "from flask import render_template",
        'return render_template("hello.html", name=@v)',
        "Flask render_template of a bundled file",
    ),
    C(
        "template",
        "flask-awsgi-string-variable",
        "flask-awsgi",
        "args",
        "q",
        "from flask import render_template_string",
        'return render_template_string("<p>{{ q }}</p>", q=@v)',
        "render_template_string with a variable",
    ),
    C(
        "template",
        "fastapi-string-template",
        "fastapi-mangum",
        "query",
        "name",
        "import string",
        'print(string.Template("Hello $name").substitute(name=@v))',
        "string.Template substitutes values, it compiles nothing",
    ),
    C(
        "template",
        "powertools-allow-listed-source",
        "powertools",
        "route",
        "kind",
        "import jinja2",
        'if @v in ("Hello {{ x }}", "Bye {{ x }}"):\n    print(jinja2.Template(@v).render(x=1))',
        "allow-listed template source",
    ),
]

PATH = [
    C(
        "path",
        "lambda-admin-open-file",
        "lambda",
        "body",
        "file",
        "",
        "with open(@v) as f:  #SINK\n    print(f.read())",
        "open of a body field (admin shell)",
        origin=DVSA,
    ),
    C(
        "path",
        "lambda-s3-download-key",
        "lambda",
        "s3key",
        "key",
        "import boto3",
        's3 = boto3.client("s3")\ns3.download_file("uploads", @v, f"/tmp/{@v}")  #SINK',
        "an S3 key names the local file of download_file",
        option="sls",
    ),
    C(
        "path",
        "chalice-route-join",
        "chalice",
        "route",
        "report",
        "import os",
        'with open(os.path.join("/tmp/reports", @v)) as f:  #SINK\n    print(f.read())',
        "os.path.join with a route parameter, then open",
    ),
    C(
        "path",
        "chalice-lambda-remove",
        "chalice",
        "lambda_function",
        "name",
        "import os",
        'os.remove("/tmp/" + @v)  #SINK',
        "os.remove in an @app.lambda_function()",
    ),
    C(
        "path",
        "chalice-s3-tarfile",
        "chalice",
        "s3",
        "key",
        "import tarfile",
        'archive = tarfile.open("/tmp/" + @v)  #SINK\nprint(archive)',
        "an @app.on_s3_event key names the archive to open",
    ),
    C(
        "path",
        "powertools-route-pathlib",
        "powertools",
        "route",
        "asset",
        "from pathlib import Path",
        'print((Path("/var/task/static") / @v).read_text())  #SINK',
        "Path / route parameter, read_text",
    ),
    C(
        "path",
        "powertools-query-rmtree",
        "powertools",
        "query",
        "workspace",
        "import shutil",
        'shutil.rmtree(f"/tmp/{@v}")  #SINK',
        "shutil.rmtree of a query value",
    ),
    C(
        "path",
        "flask-wsgi-send-file",
        "flask-wsgi",
        "args",
        "name",
        "import os\n\nfrom flask import send_file",
        'return send_file(os.path.join("files", @v))  #SINK',
        "Flask send_file of a joined path",
    ),
    C(
        "path",
        "flask-awsgi-form-write",
        "flask-awsgi",
        "form",
        "filename",
        "",
        'with open(f"/tmp/uploads/{@v}", "w") as f:  #SINK\n    f.write("x")',
        "open for writing of a form field",
    ),
    C(
        "path",
        "fastapi-path-read-bytes",
        "fastapi-mangum",
        "path",
        "name",
        "from pathlib import Path",
        'print(len(Path(f"/tmp/{@v}").read_bytes()))  #SINK',
        "Path of a FastAPI path parameter",
    ),
    # negatives
    C(
        "path",
        "lambda-basename",
        "lambda",
        "body",
        "file",
        "import os",
        'with open(os.path.join("/tmp", os.path.basename(@v))) as f:\n    print(f.read())',
        "os.path.basename keeps the file in /tmp",
    ),
    C(
        "path",
        "lambda-realpath-guard",
        "lambda",
        "query",
        "file",
        'import os\n\nBASE = "/var/task/docs"',
        "path = os.path.realpath(os.path.join(BASE, @v))\nif path.startswith(BASE + os.sep):\n    with open(path) as f:\n        print(f.read())",
        "a realpath check against the base directory",
        option="sls",
    ),
    C(
        "path",
        "chalice-uuid",
        "chalice",
        "route",
        "doc_id",
        "import uuid",
        'name = str(uuid.UUID(@v))\nwith open(f"/tmp/{name}.json") as f:\n    print(f.read())',
        "uuid.UUID() of the value",
    ),
    C(
        "path",
        "chalice-allow-list",
        "chalice",
        "query",
        "page",
        "import os",
        'if @v in ("terms.txt", "privacy.txt"):\n    with open(os.path.join("docs", @v)) as f:\n        print(f.read())',
        "allow-list membership test",
    ),
    C(
        "path",
        "powertools-constant-path",
        "powertools",
        "body",
        "line",
        "",
        'with open("/tmp/log.txt", "a") as f:\n    f.write(@v)',
        "event data is the content, not the path",
    ),
    C(
        "path",
        "powertools-int-page",
        "powertools",
        "qsp",
        "page",
        "",
        'with open(f"/tmp/page-{int(@v)}.html") as f:\n    print(f.read())',
        "int() of the value",
    ),
    C(
        "path",
        "flask-wsgi-send-from-directory",
        "flask-wsgi",
        "args",
        "name",
        "from flask import send_from_directory",
        'return send_from_directory("files", @v)',
        "send_from_directory joins safely",
    ),
    C(
        "path",
        "flask-awsgi-secure-filename",
        "flask-awsgi",
        "form",
        "filename",
        "import os\n\nfrom werkzeug.utils import secure_filename",
        'with open(os.path.join("/tmp", secure_filename(@v)), "wb") as f:\n    f.write(b"x")',
        "werkzeug secure_filename",
    ),
    C(
        "path",
        "fastapi-resolve-relative",
        "fastapi-mangum",
        "path",
        "name",
        'from pathlib import Path\n\nBASE = Path("/srv/data").resolve()',
        "target = (BASE / @v).resolve()\nif target.is_relative_to(BASE):\n    print(target.read_text())",
        "resolve() then is_relative_to the base",
    ),
]

URL = [
    C(
        "url",
        "lambda-requests-event-url",
        "lambda",
        "event",
        "url",
        "import requests",
        "print(requests.get(@v, timeout=5).text)  #SINK",
        "requests.get of an event URL",
        origin=GOAT,
    ),
    C(
        "url",
        "lambda-urlopen-host",
        "lambda",
        "query",
        "host",
        "import urllib.request",
        'urllib.request.urlopen(f"http://{@v}/x")  #SINK',
        "an event host in the URL of urlopen",
        option="sls",
    ),
    C(
        "url",
        "lambda-sqs-webhook",
        "lambda",
        "sqs",
        "callback",
        "import requests",
        'requests.post(@v, json={"done": True}, timeout=5)  #SINK',
        "a callback URL from an SQS message",
    ),
    C(
        "url",
        "chalice-json-webhook",
        "chalice",
        "json",
        "webhook",
        "import requests",
        'requests.post(@v, json={"ok": True}, timeout=5)  #SINK',
        "a webhook URL from json_body",
    ),
    C(
        "url",
        "chalice-query-host",
        "chalice",
        "query",
        "site",
        "import requests",
        'requests.get(f"https://{@v}/status", timeout=5)  #SINK',
        "a query value chooses the host",
    ),
    C(
        "url",
        "powertools-httpx-host",
        "powertools",
        "qsp",
        "domain",
        "import httpx",
        'httpx.get(f"https://{@v}")  #SINK',
        "httpx.get of a host from the query",
        option="APIGatewayHttpResolver",
    ),
    C(
        "url",
        "powertools-urllib3",
        "powertools",
        "json",
        "target",
        "import urllib3",
        'urllib3.PoolManager().request("GET", @v)  #SINK',
        "urllib3 request of a json_body URL",
    ),
    C(
        "url",
        "flask-wsgi-args-url",
        "flask-wsgi",
        "args",
        "url",
        "import requests",
        "return requests.get(@v, timeout=5).text  #SINK",
        "requests.get of request.args",
    ),
    C(
        "url",
        "flask-awsgi-json-urlopen",
        "flask-awsgi",
        "json",
        "feed",
        "import urllib.request",
        "return urllib.request.urlopen(@v).read()  #SINK",
        "urlopen of request.json",
    ),
    C(
        "url",
        "fastapi-body-domain",
        "fastapi-mangum",
        "body",
        "domain",
        "import requests",
        'requests.get(f"https://{@v}/.well-known/security.txt", timeout=5)  #SINK',
        "a body field chooses the host",
    ),
    C(
        "url",
        "fastapi-query-port",
        "fastapi-mangum",
        "query",
        "port",
        "import requests",
        'requests.get(f"http://internal.example:{@v}/health", timeout=5)  #SINK',
        "a query value chooses the port",
    ),
    # negatives
    C(
        "url",
        "lambda-cfn-response-requests",
        "lambda",
        "event",
        "ResponseURL",
        "import json\n\nimport requests",
        'requests.put(@v, data=json.dumps({"Status": "SUCCESS"}), timeout=5)',
        "a custom resource replies to CloudFormation's pre-signed ResponseURL",
        origin=CFN,
    ),
    C(
        "url",
        "lambda-cfn-response-urllib",
        "lambda",
        "event",
        "ResponseURL",
        "import urllib.request",
        'req = urllib.request.Request(@v, data=b"{}", method="PUT")\nurllib.request.urlopen(req)',
        "the cfn-response reply with urllib",
        option="sls",
        origin=CFN,
    ),
    C(
        "url",
        "lambda-object-lambda-input-url",
        "lambda",
        "event",
        "getObjectContext",
        "import boto3\nimport requests",
        'original = requests.get(@v["inputS3Url"], timeout=5)\nboto3.client("s3").write_get_object_response(Body=original.content, RequestRoute=@v["outputRoute"], RequestToken=@v["outputToken"])',
        "S3 Object Lambda fetches the pre-signed inputS3Url",
        origin=OLAMBDA,
    ),
    C(
        "url",
        "lambda-base-url-path",
        "lambda",
        "path",
        "item_id",
        'import os\n\nimport requests\n\nBASE = os.environ["API_BASE"]',
        'requests.get(f"{BASE}/items/{@v}", timeout=5)',
        "event data only in the path of a fixed base",
    ),
    C(
        "url",
        "chalice-params",
        "chalice",
        "query",
        "q",
        'import os\n\nimport requests\n\nBASE = os.environ["API_BASE"]',
        'requests.get(BASE, params={"q": @v}, timeout=5)',
        "event data only as params=",
    ),
    C(
        "url",
        "chalice-lambda-cfn-response",
        "chalice",
        "lambda_function",
        "ResponseURL",
        "import json\n\nimport requests",
        'requests.put(@v, data=json.dumps({"Status": "SUCCESS"}), timeout=5)',
        "a custom resource in an @app.lambda_function() replies to ResponseURL",
        origin=CFN,
    ),
    C(
        "url",
        "powertools-base-path",
        "powertools",
        "route",
        "user_id",
        'import os\n\nimport httpx\n\nAPI_BASE = os.environ["API_BASE"]',
        'httpx.get(f"{API_BASE}/users/{@v}")',
        "event data only in the path",
    ),
    C(
        "url",
        "flask-wsgi-allow-listed-host",
        "flask-wsgi",
        "args",
        "host",
        "import requests",
        'if @v in ("api.example.com", "status.example.com"):\n    requests.get(f"https://{@v}/", timeout=5)',
        "an allow-listed host",
    ),
    C(
        "url",
        "flask-awsgi-quoted-query",
        "flask-awsgi",
        "args",
        "q",
        'import os\nimport urllib.parse\nimport urllib.request\n\nBASE = os.environ["API_BASE"]',
        'return urllib.request.urlopen(BASE + "/search?q=" + urllib.parse.quote(@v)).read()',
        "event data only in the query string",
    ),
    C(
        "url",
        "fastapi-environ-base",
        "fastapi-mangum",
        "path",
        "order_id",
        "import os\n\nimport requests",
        "requests.get(f\"{os.environ['API_BASE']}/orders/{@v}\", timeout=5)",
        "event data only in the path after a base URL from the environment",
    ),
]

XXE_CASES = [
    C(
        "xxe",
        "lambda-lxml-fromstring",
        "lambda",
        "rawbody",
        "document",
        "from lxml import etree",
        "root = etree.fromstring(@v)  #SINK\nprint(root.tag)",
        "lxml 4 fromstring with its default parser",
        origin=XXE,
        requirements="lxml==4.9.4\n",
    ),
    C(
        "xxe",
        "lambda-lxml-resolve-entities",
        "lambda",
        "rawbody",
        "document",
        "from lxml import etree",
        "parser = etree.XMLParser(resolve_entities=True)\nroot = etree.fromstring(@v.encode(), parser)  #SINK\nprint(root.tag)",
        "lxml XMLParser(resolve_entities=True)",
        option="sls",
        origin=XXE,
    ),
    C(
        "xxe",
        "lambda-sqs-sax-external",
        "lambda",
        "sqs",
        "message",
        "import io\nimport xml.sax\nfrom xml.sax.handler import ContentHandler, feature_external_ges",
        "parser = xml.sax.make_parser()\nparser.setFeature(feature_external_ges, True)\nparser.setContentHandler(ContentHandler())\nparser.parse(io.StringIO(@v))  #SINK",
        "xml.sax with external general entities on",
        origin=XXE,
    ),
    C(
        "xxe",
        "chalice-raw-lxml",
        "chalice",
        "raw",
        "document",
        "from lxml import etree",
        "root = etree.fromstring(@v)  #SINK\nprint(root.tag)",
        "lxml fromstring of a Chalice raw_body",
        requirements="lxml==4.9.4\n",
    ),
    C(
        "xxe",
        "chalice-sqs-sax",
        "chalice",
        "sqs",
        "message",
        "import io\nimport xml.sax\nfrom xml.sax.handler import ContentHandler, feature_external_ges",
        "parser = xml.sax.make_parser()\nparser.setFeature(feature_external_ges, True)\nparser.setContentHandler(ContentHandler())\nparser.parse(io.StringIO(@v))  #SINK",
        "xml.sax with external entities in @app.on_sqs_message",
    ),
    C(
        "xxe",
        "powertools-lxml-parse",
        "powertools",
        "body",
        "document",
        "import io\n\nfrom lxml import etree",
        "tree = etree.parse(io.BytesIO(@v.encode()))  #SINK\nprint(tree.getroot().tag)",
        "lxml parse of the Powertools body",
        requirements="lxml==4.9.4\n",
    ),
    C(
        "xxe",
        "powertools-lxml-xml-parser",
        "powertools",
        "body",
        "document",
        "from lxml import etree",
        "root = etree.XML(@v, etree.XMLParser(resolve_entities=True, no_network=False))  #SINK\nprint(root.tag)",
        "lxml XML() with entities and network on",
        option="ALBResolver",
    ),
    C(
        "xxe",
        "flask-wsgi-lxml-data",
        "flask-wsgi",
        "data",
        "document",
        "from lxml import etree",
        'root = etree.fromstring(@v.encode())  #SINK\nreturn {"tag": root.tag}',
        "lxml fromstring of Flask request.data",
        requirements="lxml==4.9.4\n",
    ),
    C(
        "xxe",
        "flask-awsgi-pulldom-external",
        "flask-awsgi",
        "data",
        "document",
        "import xml.sax\nfrom xml.dom import pulldom\nfrom xml.sax.handler import feature_external_ges",
        "parser = xml.sax.make_parser()\nparser.setFeature(feature_external_ges, True)\ndoc = pulldom.parseString(@v, parser=parser)  #SINK\nprint(doc)",
        "pulldom with a sax parser that resolves external entities",
    ),
    C(
        "xxe",
        "fastapi-lxml-resolve",
        "fastapi-mangum",
        "body",
        "document",
        "from lxml import etree",
        "root = etree.fromstring(@v.encode(), parser=etree.XMLParser(resolve_entities=True))  #SINK\nprint(root.tag)",
        "lxml resolve_entities=True of a FastAPI body field",
    ),
    # negatives
    C(
        "xxe",
        "lambda-elementtree",
        "lambda",
        "rawbody",
        "document",
        "import xml.etree.ElementTree as ET",
        "print(ET.fromstring(@v).tag)",
        "ElementTree does not resolve external entities",
        origin=XXE,
    ),
    C(
        "xxe",
        "lambda-minidom",
        "lambda",
        "rawbody",
        "document",
        "from xml.dom import minidom",
        "print(minidom.parseString(@v).documentElement)",
        "minidom does not resolve external entities",
        option="sls",
        origin=XXE,
    ),
    C(
        "xxe",
        "chalice-defusedxml",
        "chalice",
        "raw",
        "document",
        "from defusedxml import ElementTree",
        "print(ElementTree.fromstring(@v).tag)",
        "defusedxml",
    ),
    C(
        "xxe",
        "chalice-lxml-hardened",
        "chalice",
        "raw",
        "document",
        "from lxml import etree",
        "parser = etree.XMLParser(resolve_entities=False, no_network=True)\nprint(etree.fromstring(@v, parser).tag)",
        "lxml with resolve_entities=False and no_network",
        origin=XXE,
    ),
    C(
        "xxe",
        "lambda-lxml5-fromstring",
        "lambda",
        "rawbody",
        "document",
        "from lxml import etree",
        "root = etree.fromstring(@v)\nprint(root.tag)",
        "lxml 5 fromstring with its default parser (internal entities only)",
        origin=XXE,
        requirements="lxml==5.3.0\n",
    ),
    C(
        "xxe",
        "flask-wsgi-lxml4-hardened",
        "flask-wsgi",
        "data",
        "document",
        "from lxml import etree",
        'parser = etree.XMLParser(resolve_entities=False)\nroot = etree.fromstring(@v.encode(), parser)\nreturn {"tag": root.tag}',
        "lxml 4 with resolve_entities=False",
        requirements="lxml==4.9.4\n",
    ),
    C(
        "xxe",
        "powertools-sax-default",
        "powertools",
        "body",
        "document",
        "import xml.sax\nfrom xml.sax.handler import ContentHandler",
        "xml.sax.parseString(@v.encode(), ContentHandler())",
        "xml.sax defaults to no external entities",
    ),
    C(
        "xxe",
        "powertools-bundled-catalog",
        "powertools",
        "qsp",
        "sku",
        "from lxml import etree",
        'tree = etree.parse("catalog.xml")\nprint(tree.getroot().tag, @v)',
        "lxml parse of a file shipped with the bundle",
    ),
    C(
        "xxe",
        "flask-wsgi-elementtree",
        "flask-wsgi",
        "data",
        "document",
        "from xml.etree import ElementTree",
        'return {"tag": ElementTree.fromstring(@v).tag}',
        "ElementTree of Flask request.data",
    ),
    C(
        "xxe",
        "flask-awsgi-pulldom-default",
        "flask-awsgi",
        "data",
        "document",
        "from xml.dom import pulldom",
        "doc = pulldom.parseString(@v)\nprint(doc)",
        "pulldom with the default parser",
    ),
    C(
        "xxe",
        "fastapi-sax-external-off",
        "fastapi-mangum",
        "body",
        "document",
        "import io\nimport xml.sax\nfrom xml.sax.handler import ContentHandler, feature_external_ges",
        "parser = xml.sax.make_parser()\nparser.setFeature(feature_external_ges, False)\nparser.setContentHandler(ContentHandler())\nparser.parse(io.StringIO(@v))",
        "xml.sax with external entities explicitly off",
    ),
]


# --- second-order: one function writes event data to a table or bucket, another reads
# it into a sink. Files are given whole.

HEADER = (
    'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n'
)
EVENTS = {
    "api": "      Events:\n        Api:\n          Type: Api\n          Properties:\n            Path: /{proxy+}\n            Method: any\n",
    "schedule": "      Events:\n        Hourly:\n          Type: Schedule\n          Properties:\n            Schedule: rate(1 hour)\n",
}


def _table(name: str) -> str:
    return (
        f"  {name}:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
        "      BillingMode: PAY_PER_REQUEST\n"
        "      AttributeDefinitions:\n        - AttributeName: id\n          AttributeType: S\n"
        "      KeySchema:\n        - AttributeName: id\n          KeyType: HASH\n"
    )


def _bucket(name: str) -> str:
    return f"  {name}:\n    Type: AWS::S3::Bucket\n"


def _function(logical: str, handler: str, env: dict[str, str], event: str) -> str:
    text = (
        f"  {logical}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      CodeUri: .\n      Handler: {handler}\n      Runtime: python3.12\n"
    )
    if env:
        text += "      Environment:\n        Variables:\n"
        text += "".join(f"          {k}: !Ref {v}\n" for k, v in env.items())
    if event.startswith("s3:"):
        bucket = event[3:]
        text += (
            "      Events:\n        Upload:\n          Type: S3\n          Properties:\n"
            f"            Bucket: !Ref {bucket}\n            Events: s3:ObjectCreated:*\n"
        )
    else:
        text += EVENTS[event]
    return text


def sam(resources: list[str], functions: list[tuple[str, str, dict[str, str], str]]) -> str:
    return HEADER + "".join(resources) + "".join(_function(*f) for f in functions)


TABLE_WRITER = """import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    table.put_item(Item={"id": "current", "FIELD": event["body"]})
    return {"statusCode": 201}
"""

TABLE_READER = """import os
IMPORTS
import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    item = table.get_item(Key={"id": "current"})["Item"]
    SINK
"""

BUCKET_WRITER = """import os

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    s3.put_object(Bucket=os.environ["BUCKET"], Key="jobs/latest", Body=event["body"])
    return {"statusCode": 201}
"""

BUCKET_READER = """import os
IMPORTS
import boto3

s3 = boto3.client("s3")


def handler(event, context):
    data = s3.get_object(Bucket=os.environ["BUCKET"], Key="jobs/latest")["Body"].read()
    SINK
"""


def table_pair(
    field: str, imports: str, sink: str, read_table: str = "Table", write_table: str = "Table"
) -> dict[str, str]:
    tables = sorted({read_table, write_table})
    return {
        "writer.py": TABLE_WRITER.replace("FIELD", field),
        "reader.py": TABLE_READER.replace("IMPORTS", imports).replace("SINK", sink),
        "template.yaml": sam(
            [_table(t) for t in tables],
            [
                ("WriteFunction", "writer.handler", {"TABLE_NAME": write_table}, "api"),
                ("ReadFunction", "reader.handler", {"TABLE_NAME": read_table}, "schedule"),
            ],
        ),
    }


def bucket_pair(
    imports: str,
    sink: str,
    read_bucket: str = "Bucket",
    write_bucket: str = "Bucket",
    trigger: str = "schedule",
) -> dict[str, str]:
    buckets = sorted({read_bucket, write_bucket})
    return {
        "writer.py": BUCKET_WRITER,
        "reader.py": BUCKET_READER.replace("IMPORTS", imports).replace("SINK", sink),
        "template.yaml": sam(
            [_bucket(b) for b in buckets],
            [
                ("WriteFunction", "writer.handler", {"BUCKET": write_bucket}, "api"),
                ("ReadFunction", "reader.handler", {"BUCKET": read_bucket}, trigger),
            ],
        ),
    }


CHALICE_CONFIG = (
    '{\n  "version": "2.0",\n  "app_name": "notes",\n  "environment_variables": {"TABLE_NAME": "notes"},\n'
    '  "stages": {"dev": {"api_gateway_stage": "api"}}\n}\n'
)

CHALICE_PAIR = """import os
IMPORTS
import boto3
from chalice import Chalice

app = Chalice(app_name="notes")
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.route("/notes", methods=["POST"])
def save():
    table.put_item(Item={"id": "latest", "FIELD": app.current_request.json_body["FIELD"]})
    return {"ok": True}


@app.schedule("rate(1 hour)")
def sweep(event):
    item = table.get_item(Key={"id": "latest"})["Item"]
    SINK
"""


def chalice_pair(field: str, imports: str, sink: str) -> dict[str, str]:
    code = CHALICE_PAIR.replace("IMPORTS", imports).replace("SINK", sink).replace("FIELD", field)
    return {"app.py": code, ".chalice/config.json": CHALICE_CONFIG}


POWERTOOLS_WRITER = """import os

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.post("/rules")
def save_rule():
    table.put_item(Item={"id": "current", "FIELD": app.current_event.json_body["FIELD"]})
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
"""

FASTAPI_WRITER = """import os

import boto3
from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.post("/state")
def save_state(payload: dict = Body(...)):
    table.put_item(Item={"id": "current", "FIELD": payload["FIELD"]})
    return {"ok": True}


handler = Mangum(app)
"""


def app_writer_pair(
    writer: str, handler: str, field: str, imports: str, sink: str
) -> dict[str, str]:
    return {
        "app.py": writer.replace("FIELD", field),
        "reader.py": TABLE_READER.replace("IMPORTS", imports).replace("SINK", sink),
        "template.yaml": sam(
            [_table("Table")],
            [
                ("WriteFunction", handler, {"TABLE_NAME": "Table"}, "api"),
                ("ReadFunction", "reader.handler", {"TABLE_NAME": "Table"}, "schedule"),
            ],
        ),
    }


FLASK_S3_WRITER = """import os

import boto3
from flask import Flask, request

app = Flask(__name__)
s3 = boto3.client("s3")


@app.route("/uploads", methods=["POST"])
def upload():
    s3.put_object(Bucket=os.environ["BUCKET"], Key="jobs/latest", Body=request.form["filename"])
    return {"ok": True}
"""

FLASK_S3_SLS = """service: converter
provider:
  name: aws
  runtime: python3.12
  environment:
    BUCKET: !Ref Bucket
functions:
  api:
    handler: wsgi_handler.handler
    events:
      - httpApi: '*'
  worker:
    handler: reader.handler
    events:
      - schedule: rate(1 hour)
plugins:
  - serverless-wsgi
custom:
  wsgi:
    app: app.app
resources:
  Resources:
    Bucket:
      Type: AWS::S3::Bucket
"""

SLS_TABLE = """service: monitor
provider:
  name: aws
  runtime: python3.12
  environment:
    TABLE_NAME: !Ref Table
functions:
  writer:
    handler: writer.handler
    events:
      - httpApi: 'POST /hosts'
  reader:
    handler: reader.handler
    events:
      - schedule: rate(5 minutes)
resources:
  Resources:
    Table:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions:
          - AttributeName: id
            AttributeType: S
        KeySchema:
          - AttributeName: id
            KeyType: HASH
"""

DVSA_WRITER = """import json
import os

import boto3

users = boto3.resource("dynamodb").Table(os.environ["USERS_TABLE"])


def handler(event, context):
    profile = json.loads(event["body"])
    users.put_item(Item={"userId": profile["userId"], "name": profile["name"], "isAdmin": False, **profile})
    return {"statusCode": 201}
"""

DVSA_READER = """import json
import os

import boto3
import jsonpickle

users = boto3.resource("dynamodb").Table(os.environ["USERS_TABLE"])


def handler(event, context):
    res = users.get_item(Key={"userId": "admin"})
    user = jsonpickle.decode(json.dumps(res["Item"], default=str))  #SINK
    return {"statusCode": 200, "body": str(user)}
"""

SERVER_STATE_WRITER = """import base64
import os
import pickle
import time

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    state = {"created": time.time(), "version": 3}
    table.put_item(Item={"id": "current", "state": base64.b64encode(pickle.dumps(state)).decode()})
    return {"statusCode": 201}
"""

ALLOW_LIST_WRITER = """import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
MODES = ("fast", "slow")


def handler(event, context):
    mode = event["queryStringParameters"]["mode"]
    if mode in MODES:
        table.put_item(Item={"id": "current", "mode": mode})
    return {"statusCode": 201}
"""

SO = "second-order"
PICKLE = "import base64\nimport pickle\n"

SECOND_ORDER = [
    C(
        SO,
        "lambda-dynamodb-pickle",
        "lambda",
        "",
        "",
        "",
        "",
        "a body stored in DynamoDB is unpickled by a scheduled function",
        files=table_pair(
            "state", PICKLE, 'print(pickle.loads(base64.b64decode(item["state"])))  #SINK'
        ),
    ),
    C(
        SO,
        "lambda-s3-jsonpickle",
        "lambda",
        "",
        "",
        "",
        "",
        "a body stored in S3 is jsonpickle-decoded by a scheduled function",
        files=bucket_pair("import jsonpickle\n", "print(jsonpickle.decode(data))  #SINK"),
    ),
    C(
        SO,
        "lambda-s3-trigger-yaml",
        "lambda",
        "",
        "",
        "",
        "",
        "a body stored in S3 is yaml.load-ed by the function its upload triggers",
        files=bucket_pair(
            "import yaml\n",
            "print(yaml.load(data, Loader=yaml.Loader))  #SINK",
            trigger="s3:Bucket",
        ),
    ),
    C(
        SO,
        "lambda-sls-dynamodb-system",
        "lambda",
        "",
        "",
        "",
        "",
        "a host name stored in DynamoDB reaches os.system (serverless.yml)",
        files={
            "writer.py": TABLE_WRITER.replace("FIELD", "hostname"),
            "reader.py": TABLE_READER.replace("IMPORTS", "").replace(
                "SINK", 'os.system("ping -c 1 " + item["hostname"])  #SINK'
            ),
            "serverless.yml": SLS_TABLE,
        },
    ),
    C(
        SO,
        "lambda-dvsa-user-jsonpickle",
        "lambda",
        "",
        "",
        "",
        "",
        "a user profile written from a request is jsonpickle-decoded by an admin check",
        origin=DVSA,
        files={
            "user_create.py": DVSA_WRITER,
            "admin_shell.py": DVSA_READER,
            "template.yaml": sam(
                [_table("UsersTable")],
                [
                    ("UserCreate", "user_create.handler", {"USERS_TABLE": "UsersTable"}, "api"),
                    (
                        "AdminShell",
                        "admin_shell.handler",
                        {"USERS_TABLE": "UsersTable"},
                        "schedule",
                    ),
                ],
            ).replace("AttributeName: id", "AttributeName: userId"),
        },
    ),
    C(
        SO,
        "chalice-route-schedule-pickle",
        "chalice",
        "",
        "",
        "",
        "",
        "a Chalice route stores json_body; its @app.schedule function unpickles it",
        files=chalice_pair(
            "blob", PICKLE, 'print(pickle.loads(base64.b64decode(item["blob"])))  #SINK'
        ),
    ),
    C(
        SO,
        "chalice-route-schedule-eval",
        "chalice",
        "",
        "",
        "",
        "",
        "a Chalice route stores an expression; its @app.schedule function evals it",
        files=chalice_pair("rule", "", 'print(eval(item["rule"]))  #SINK'),
    ),
    C(
        SO,
        "powertools-writer-eval",
        "powertools",
        "",
        "",
        "",
        "",
        "a Powertools route stores a rule; a scheduled function evals it",
        files=app_writer_pair(
            POWERTOOLS_WRITER, "app.lambda_handler", "rule", "", 'print(eval(item["rule"]))  #SINK'
        ),
    ),
    C(
        SO,
        "flask-wsgi-s3-shell",
        "flask-wsgi",
        "",
        "",
        "",
        "",
        "a Flask form field stored in S3 reaches a shell command in a scheduled worker",
        files={
            "app.py": FLASK_S3_WRITER,
            "reader.py": BUCKET_READER.replace("IMPORTS", "import subprocess\n").replace(
                "SINK",
                'subprocess.run(f"convert {data.decode()} /tmp/out.png", shell=True, check=False)  #SINK',
            ),
            "serverless.yml": FLASK_S3_SLS,
        },
    ),
    C(
        SO,
        "fastapi-writer-pickle",
        "fastapi-mangum",
        "",
        "",
        "",
        "",
        "a FastAPI body field stored in DynamoDB is unpickled by a scheduled function",
        files=app_writer_pair(
            FASTAPI_WRITER,
            "app.handler",
            "state",
            PICKLE,
            'print(pickle.loads(base64.b64decode(item["state"])))  #SINK',
        ),
    ),
    # negatives
    C(
        SO,
        "lambda-different-tables",
        "lambda",
        "",
        "",
        "",
        "",
        "the reader's table is not the one event data is written to",
        files=table_pair(
            "state",
            PICKLE,
            'print(pickle.loads(base64.b64decode(item["state"])))',
            read_table="CacheTable",
            write_table="Table",
        ),
    ),
    C(
        SO,
        "lambda-server-generated-state",
        "lambda",
        "",
        "",
        "",
        "",
        "the writer stores only state it made itself",
        files={
            "writer.py": SERVER_STATE_WRITER,
            "reader.py": TABLE_READER.replace("IMPORTS", PICKLE).replace(
                "SINK", 'print(pickle.loads(base64.b64decode(item["state"])))'
            ),
            "template.yaml": table_pair("state", "", "")["template.yaml"],
        },
    ),
    C(
        SO,
        "lambda-reader-json",
        "lambda",
        "",
        "",
        "",
        "",
        "the reader parses the stored body with json.loads",
        files=table_pair("state", "import json\n", 'print(json.loads(item["state"]))'),
    ),
    C(
        SO,
        "lambda-s3-reader-safe-load",
        "lambda",
        "",
        "",
        "",
        "",
        "the reader parses the stored object with yaml.safe_load",
        files=bucket_pair("import yaml\n", "print(yaml.safe_load(data))"),
    ),
    C(
        SO,
        "lambda-reader-int",
        "lambda",
        "",
        "",
        "",
        "",
        "the stored value goes through int() before the command",
        files=table_pair("delay", "", "os.system(f\"sleep {int(item['delay'])}\")"),
    ),
    C(
        SO,
        "lambda-s3-different-buckets",
        "lambda",
        "",
        "",
        "",
        "",
        "the reader's bucket is not the one event data is written to",
        files=bucket_pair(
            "import yaml\n",
            "print(yaml.load(data, Loader=yaml.Loader))",
            read_bucket="ConfigBucket",
            write_bucket="Bucket",
        ),
    ),
    C(
        SO,
        "lambda-reader-only",
        "lambda",
        "",
        "",
        "",
        "",
        "no function of the bundle writes the table the reader unpickles from",
        files={
            "reader.py": TABLE_READER.replace("IMPORTS", PICKLE).replace(
                "SINK", 'print(pickle.loads(base64.b64decode(item["state"])))'
            ),
            "template.yaml": sam(
                [_table("Table")],
                [("ReadFunction", "reader.handler", {"TABLE_NAME": "Table"}, "schedule")],
            ),
        },
    ),
    C(
        SO,
        "lambda-writer-allow-list",
        "lambda",
        "",
        "",
        "",
        "",
        "the writer stores only allow-listed values",
        files={
            "writer.py": ALLOW_LIST_WRITER,
            "reader.py": TABLE_READER.replace("IMPORTS", "").replace(
                "SINK", 'os.system("run-batch --mode " + item["mode"])'
            ),
            "template.yaml": table_pair("mode", "", "")["template.yaml"],
        },
    ),
    C(
        SO,
        "chalice-route-schedule-quoted",
        "chalice",
        "",
        "",
        "",
        "",
        "the scheduled reader shlex.quote()s the stored host",
        files=chalice_pair(
            "host", "import shlex\n", 'os.system("ping -c 1 " + shlex.quote(item["host"]))'
        ),
    ),
    C(
        SO,
        "powertools-reader-returns",
        "powertools",
        "",
        "",
        "",
        "",
        "the reader only returns what it read",
        files=app_writer_pair(
            POWERTOOLS_WRITER,
            "app.lambda_handler",
            "rule",
            "",
            'return {"statusCode": 200, "body": str(item["rule"])}',
        ),
    ),
]

CASE_LIST = COMMAND + CODE + SQL + DESERIALISE + TEMPLATE + PATH + URL + XXE_CASES + SECOND_ORDER
