import pickle

from chalice import Chalice

app = Chalice(app_name="chalice_sns_pickle")


@app.on_sns_message(topic="alerts")
def chalice_sns_pickle(event):
    message = event.message
    obj = pickle.loads(bytes.fromhex(message))
    print(obj)
