import subprocess


def handler(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    subprocess.run(f"convert /tmp/{key} /tmp/thumb.png", shell=True, check=False)
    return {"statusCode": 200}
