from chalice import Chalice

app = Chalice(app_name="chalice_constant_eval")


@app.route("/chalice_constant_eval")
def chalice_constant_eval():
    debug = app.current_request.query_params["debug"]
    limit = eval("60 * 60")
    print(limit, debug)
    return {"ok": True}
