import subprocess

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_constant_command")
def powertools_constant_command():
    verbose = app.current_event.query_string_parameters["verbose"]
    subprocess.run("df -h", shell=True, check=False)
    print(verbose)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
