import yaml

from chalice import Chalice

app = Chalice(app_name="chalice_yaml_load_raw")


@app.route("/chalice_yaml_load_raw", methods=["POST"])
def chalice_yaml_load_raw():
    document = app.current_request.raw_body.decode()
    config = yaml.load(document, Loader=yaml.Loader)
    print(config)
    return {"ok": True}
