from chalice import Chalice

app = Chalice(app_name="chalice_lambda_function_bundled")


@app.lambda_function()
def chalice_lambda_function_bundled(event, context):
    name = event["name"]
    exec(compile("x = 1", "<builtin>", "exec"))
    print(name)
