terraform {
  required_providers {
    aws     = { source = "hashicorp/aws", version = "~> 5.70" }
    archive = { source = "hashicorp/archive", version = "~> 2.6" }
  }
}

data "archive_file" "thumbnail" {
  type        = "zip"
  source_dir  = "${path.module}/functions/thumbnail"
  output_path = "${path.module}/build/thumbnail.zip"
}

data "archive_file" "cleanup" {
  type        = "zip"
  source_file = "${path.module}/functions/cleanup/cleanup.py"
  output_path = "${path.module}/build/cleanup.zip"
}

resource "aws_iam_role" "lambda" {
  name = "shop-media-lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "thumbnail" {
  function_name    = "shop-thumbnail"
  role             = aws_iam_role.lambda.arn
  filename         = data.archive_file.thumbnail.output_path
  source_code_hash = data.archive_file.thumbnail.output_base64sha256
  handler          = "main.handler"
  runtime          = "python3.12"
  timeout          = 30
}

resource "aws_lambda_function" "cleanup" {
  function_name    = "shop-media-cleanup"
  role             = aws_iam_role.lambda.arn
  filename         = "${path.module}/build/cleanup.zip"
  source_code_hash = data.archive_file.cleanup.output_base64sha256
  handler          = "cleanup.handler"
  runtime          = "python3.12"
  timeout          = 60
}

resource "aws_lambda_permission" "thumbnail_s3" {
  statement_id  = "AllowS3Invoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.thumbnail.function_name
  principal     = "s3.amazonaws.com"
}
