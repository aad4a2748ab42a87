data "archive_file" "function" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/function.zip"
}

variable "function_role_arn" {
  type = string
}

resource "aws_lambda_function" "reports" {
  function_name = "reports"
  role          = var.function_role_arn
  runtime       = "python3.13"
  handler       = "app.handler"
  filename      = data.archive_file.function.output_path
  timeout       = 25

  reserved_concurrent_executions = 5

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = {
      REPORTS_TOKEN_PARAMETER = "/reports/token"
      REPORTS_SECRET          = data.aws_ssm_parameter.secret.value
    }
  }
}

data "aws_ssm_parameter" "secret" {
  name = "/reports/secret"
}

resource "aws_lambda_function_url" "reports" {
  function_name      = aws_lambda_function.reports.function_name
  authorization_type = "AWS_IAM"
}

resource "aws_apigatewayv2_api" "reports" {
  name          = "reports-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "reports" {
  api_id           = aws_apigatewayv2_api.reports.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.reports.invoke_arn
}

resource "aws_apigatewayv2_route" "reports" {
  api_id             = aws_apigatewayv2_api.reports.id
  route_key          = "GET /reports"
  authorization_type = "JWT"
  authorizer_id      = "abc123"
  target             = "integrations/${aws_apigatewayv2_integration.reports.id}"
}
