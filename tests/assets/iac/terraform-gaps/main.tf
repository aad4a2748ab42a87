data "archive_file" "function" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/function.zip"
}

variable "function_role_arn" {
  type = string
}

resource "aws_lambda_function" "alerts" {
  function_name = "alerts"
  role          = var.function_role_arn
  runtime       = "nodejs18.x"
  handler       = "app.handler"
  filename      = data.archive_file.function.output_path
  timeout       = 60

  reserved_concurrent_executions = -1

  environment {
    variables = {
      SLACK_BOT_CREDENTIALS = "xoxb-151961604745-nK5SYfgnF0CJOYc0Cyuo4ajg"
      PAGER_PASSWORD        = var.pager_password
      ALERT_CHANNEL         = "#ops-alerts"
    }
  }
}

resource "aws_lambda_function_url" "alerts" {
  function_name      = aws_lambda_function.alerts.function_name
  authorization_type = "NONE"
}

variable "pager_password" {
  type      = string
  sensitive = true
}
