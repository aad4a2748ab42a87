import subprocess


def handler(event, context):
    document_url = event["queryStringParameters"]["document_url"]
    subprocess.check_output(f"curl --silent -L {document_url} | catdoc -", shell=True)
    return {"statusCode": 200}
