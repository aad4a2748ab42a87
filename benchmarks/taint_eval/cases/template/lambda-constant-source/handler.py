import jinja2


def handler(event, context):
    name = event["queryStringParameters"]["name"]
    print(jinja2.Template("Hello {{ name }}").render(name=name))
    return {"statusCode": 200}
