import os

import boto3
from flask import Flask, request

app = Flask(__name__)
s3 = boto3.client("s3")


@app.route("/uploads", methods=["POST"])
def upload():
    s3.put_object(Bucket=os.environ["BUCKET"], Key="jobs/latest", Body=request.form["filename"])
    return {"ok": True}
