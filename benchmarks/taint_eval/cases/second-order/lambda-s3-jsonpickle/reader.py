import os
import jsonpickle

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    data = s3.get_object(Bucket=os.environ["BUCKET"], Key="jobs/latest")["Body"].read()
    print(jsonpickle.decode(data))
