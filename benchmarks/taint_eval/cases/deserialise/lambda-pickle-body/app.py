import base64
import pickle


def handler(event, context):
    blob = event["body"]
    state = pickle.loads(base64.b64decode(blob))
    print(state)
    return {"statusCode": 200}
