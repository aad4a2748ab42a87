import urllib.request


def handler(event, context):
    ResponseURL = event["ResponseURL"]
    req = urllib.request.Request(ResponseURL, data=b"{}", method="PUT")
    urllib.request.urlopen(req)
    return {"statusCode": 200}
