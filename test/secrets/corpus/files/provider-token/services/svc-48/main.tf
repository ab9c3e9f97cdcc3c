provider "aws" {
  region = "eu-west-1"
}

locals {
  ci_deploy_password = "gldt-bmP679Y7xCVHC18xqYgb"
  trigger_token = "glptt-be1ed17ff357d69ec697b7fbff196b8c1c6e966b"
  runner_token = "glrt-u5cEs-cNkQl7FlIztUe_"
}
