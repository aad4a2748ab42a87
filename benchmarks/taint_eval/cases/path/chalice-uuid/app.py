import uuid

from chalice import Chalice

app = Chalice(app_name="chalice_uuid")


@app.route("/chalice_uuid/{doc_id}")
def chalice_uuid(doc_id):
    name = str(uuid.UUID(doc_id))
    with open(f"/tmp/{name}.json") as f:
        print(f.read())
    return {"ok": True}
