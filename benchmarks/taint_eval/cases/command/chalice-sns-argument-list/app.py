import subprocess

from chalice import Chalice

app = Chalice(app_name="chalice_sns_argument_list")


@app.on_sns_message(topic="alerts")
def chalice_sns_argument_list(event):
    text = event.message
    subprocess.run(["logger", "-t", "alerts", text], check=False)
