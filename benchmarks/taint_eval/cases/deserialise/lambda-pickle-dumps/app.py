import pickle


def handler(event, context):
    state = event["state"]
    blob = pickle.dumps(state)
    print(len(blob))
    return {"statusCode": 200}
