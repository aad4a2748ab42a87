from jinja2 import Template

from chalice import Chalice

app = Chalice(app_name="chalice_render_variable")


@app.route("/chalice_render_variable")
def chalice_render_variable():
    n = app.current_request.query_params["n"]
    print(Template("Hi {{ n }}").render(n=n))
    return {"ok": True}
