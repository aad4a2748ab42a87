resource "aws_api_gateway_rest_api" "alerts" {
  name = "alerts"
}

resource "aws_api_gateway_resource" "alerts" {
  rest_api_id = aws_api_gateway_rest_api.alerts.id
  parent_id   = aws_api_gateway_rest_api.alerts.root_resource_id
  path_part   = "alerts"
}

resource "aws_api_gateway_method" "post_alert" {
  rest_api_id   = aws_api_gateway_rest_api.alerts.id
  resource_id   = aws_api_gateway_resource.alerts.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "post_alert" {
  rest_api_id             = aws_api_gateway_rest_api.alerts.id
  resource_id             = aws_api_gateway_resource.alerts.id
  http_method             = aws_api_gateway_method.post_alert.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.alerts.invoke_arn
}

resource "aws_apigatewayv2_api" "alerts" {
  name          = "alerts-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "alerts" {
  api_id                 = aws_apigatewayv2_api.alerts.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.alerts.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "list_alerts" {
  api_id    = aws_apigatewayv2_api.alerts.id
  route_key = "GET /alerts"
  target    = "integrations/${aws_apigatewayv2_integration.alerts.id}"
}
