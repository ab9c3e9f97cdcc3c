provider "aws" {
  region = "eu-west-1"
}

locals {
  npm_token = "npm_JBTsP0dtY530sLrV2GONQ2XbnP9oy6417Hit"
  twine_password = "pypi-AgEIcHlwaS5vcmcABqGcoHt7wwppF1VyWzUDH4rlJfyW7HXiONHAqcrnKU48uyUHDxwd1b2hmibkBp2UuXwEls-DJnKTRV9CTFjrRntR6orgJjJ9Jaz5p6yHmuhQ3STUyX1ye4OgYwd4fpTEXCA54693OWo2OgE5kqVyx"
  gem_host_api_key = "rubygems_beb4c737ec4488da4478c6a9e2823aaaa9f3727da27a3dff"
}
