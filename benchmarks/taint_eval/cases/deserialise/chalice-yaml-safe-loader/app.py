import yaml

from chalice import Chalice

app = Chalice(app_name="chalice_yaml_safe_loader")


@app.route("/chalice_yaml_safe_loader", methods=["POST"])
def chalice_yaml_safe_loader():
    document = app.current_request.raw_body.decode()
    print(yaml.load(document, Loader=yaml.SafeLoader))
    return {"ok": True}
