from jinja2 import Environment, FileSystemLoader

import json

env = Environment(loader=FileSystemLoader("templates"), autoescape=True)


def handler(event, context):
    name = json.loads(event["body"])["name"]
    print(env.get_template("email.html").render(name=name))
    return {"statusCode": 200}
