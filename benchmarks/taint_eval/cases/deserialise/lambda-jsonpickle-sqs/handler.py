import jsonpickle


def handler(event, context):
    message = event["Records"][0]["body"]
    job = jsonpickle.decode(message)
    print(job)
    return {"statusCode": 200}
