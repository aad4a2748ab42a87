from jinja2 import Template

from chalice import Chalice

app = Chalice(app_name="chalice_json_template")


@app.route("/chalice_json_template", methods=["POST"])
def chalice_json_template():
    greeting = app.current_request.json_body["greeting"]
    text = Template(greeting).render(user="x")
    print(text)
    return {"ok": True}
