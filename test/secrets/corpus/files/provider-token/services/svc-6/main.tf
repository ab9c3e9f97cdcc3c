provider "aws" {
  region = "eu-west-1"
}

locals {
  gitlab_token = "glpat-XN92phz4ATNz_HjTw1sL"
  runner_token = "glrt-TMV_qlGyWCYCDTVUhVoT"
  trigger_token = "glptt-39e6ef4e1049647219b44ba691a88d597b2e0d5c"
}
