provider "aws" {
  region = "eu-west-1"
}

locals {
  gitlab_token = "glpat-V6VGoCGCLHvSJn0f1zFi"
  runner_token = "glrt-__KwYdeybII0qXUeFSCW"
  trigger_token = "glptt-04ed51a6e1322dec88f3758d8d92097a5ab0bd19"
}
