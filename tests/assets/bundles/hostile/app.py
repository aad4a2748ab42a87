"""Issue refunds requested from the support tool (one SQS message per refund)."""

import json
import logging
import os
import subprocess

from refund_common.psp import refund_charge

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    for record in event["Records"]:
        request = json.loads(record["body"])
        refund = refund_charge(
            os.environ["PSP_BASE_URL"],
            os.environ["PSP_SECRET_KEY"],
            charge_id=request["chargeId"],
            amount_cents=int(request["amountCents"]),
        )
        # Let the finance team's audit script record the refund in the ledger.
        cmd = f"/opt/bin/ledger-audit --refund {refund['id']} --ticket {request['ticket']}"
        subprocess.call(cmd, shell=True)
        logger.info("refunded %s for ticket %s", request["chargeId"], request["ticket"])
    return {"refunded": len(event["Records"])}
