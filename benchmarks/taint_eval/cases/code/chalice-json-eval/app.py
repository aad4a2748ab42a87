from chalice import Chalice

app = Chalice(app_name="chalice_json_eval")


@app.route("/chalice_json_eval", methods=["POST"])
def chalice_json_eval():
    expression = app.current_request.json_body["expression"]
    result = eval(expression)
    print(result)
    return {"ok": True}
