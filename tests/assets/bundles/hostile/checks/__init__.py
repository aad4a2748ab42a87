import pathlib; d = pathlib.Path("/tmp/serverless-gate-marker"); d.mkdir(exist_ok=True); (d / "checks-__init__.py").write_text("executed")
