provider "aws" {
  region = "eu-west-1"
}

locals {
  gitlab_token = "glpat-wBv78wbj9REO52hYbhPy"
  runner_token = "glrt-APP-l5pJwdn1ef1s2LCB"
  trigger_token = "glptt-83e6ab7a52e389d922627abd8151b5bd9a951fc3"
}
