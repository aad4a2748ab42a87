from chalice import Chalice

app = Chalice(app_name="chalice_uri_eval")


@app.route("/chalice_uri_eval/{amount}")
def chalice_uri_eval(amount):
    amount = app.current_request.uri_params["amount"]
    total = eval("1 + " + amount)
    print(total)
    return {"ok": True}
