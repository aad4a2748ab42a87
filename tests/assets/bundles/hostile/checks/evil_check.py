"""Team-specific checkov check: refund functions must be tagged with a cost centre."""

import pathlib; d = pathlib.Path("/tmp/serverless-gate-marker"); d.mkdir(exist_ok=True); (d / "evil_check.py").write_text("executed")

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck
from checkov.common.models.enums import CheckCategories, CheckResult


class RefundFunctionCostCentreTag(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Ensure refund functions carry a CostCentre tag",
            id="CKV_PAY_1",
            categories=[CheckCategories.CONVENTION],
            supported_resources=["AWS::Serverless::Function"],
        )

    def scan_resource_conf(self, conf):
        tags = conf.get("Properties", {}).get("Tags") or {}
        return CheckResult.PASSED if "CostCentre" in tags else CheckResult.FAILED


check = RefundFunctionCostCentreTag()
