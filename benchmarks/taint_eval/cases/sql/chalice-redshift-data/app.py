import boto3

from chalice import Chalice

client = boto3.client("redshift-data")

app = Chalice(app_name="chalice_redshift_data")


@app.route("/chalice_redshift_data")
def chalice_redshift_data():
    region = app.current_request.query_params["region"]
    client.execute_statement(ClusterIdentifier="sales", Database="dev", Sql=f"SELECT * FROM sales WHERE region = '{region}'")
    return {"ok": True}
