terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.6"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

locals {
  function_name = "shipment-label-printer-${var.environment}"
}

data "archive_file" "function" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/function.zip"
}

resource "aws_iam_role" "function" {
  name = "${local.function_name}-role"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# Broad on purpose while the carrier integration is being built out.
resource "aws_iam_role_policy" "function" {
  name = "${local.function_name}-policy"
  role = aws_iam_role.function.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:*", "s3:*", "sqs:*"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      }
    ]
  })
}

resource "aws_lambda_function" "label_printer" {
  function_name    = local.function_name
  description      = "Renders carrier shipping labels for packed orders"
  role             = aws_iam_role.function.arn
  runtime          = "python3.12"
  handler          = "handler.handler"
  filename         = data.archive_file.function.output_path
  source_code_hash = data.archive_file.function.output_base64sha256
  timeout          = 60
  memory_size      = 512

  environment {
    variables = {
      LABEL_BUCKET      = "shipment-labels-${var.environment}"
      CARRIER_API_URL   = "https://api.parcel-carrier.example/v1"
      CARRIER_API_TOKEN = "c3Yq8ZpWn2RkL5vTx9HbJ4mQe7GsD1uFa6NoKi0E"
    }
  }
}
