import tarfile

from chalice import Chalice

app = Chalice(app_name="chalice_s3_tarfile")


@app.on_s3_event(bucket="uploads")
def chalice_s3_tarfile(event):
    key = event.key
    archive = tarfile.open("/tmp/" + key)
    print(archive)
