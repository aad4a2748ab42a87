from django.template import Template

from chalice import Chalice

app = Chalice(app_name="chalice_route_django")


@app.route("/chalice_route_django/{snippet}")
def chalice_route_django(snippet):
    tpl = Template(snippet)
    print(tpl)
    return {"ok": True}
