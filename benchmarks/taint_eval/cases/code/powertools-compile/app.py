from aws_lambda_powertools.event_handler import ALBResolver

app = ALBResolver()


@app.post("/powertools_compile")
def powertools_compile():
    source = app.current_event.body
    code = compile(source, "<rule>", "exec")
    print(code)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
