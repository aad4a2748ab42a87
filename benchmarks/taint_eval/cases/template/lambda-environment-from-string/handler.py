from jinja2 import Environment


def handler(event, context):
    source = event["body"]
    page = Environment().from_string(source).render()
    print(page)
    return {"statusCode": 200}
