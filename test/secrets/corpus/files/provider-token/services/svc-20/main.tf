provider "aws" {
  region = "eu-west-1"
}

locals {
  npm_token = "npm_y1IzKbAQeTer5xqZbNBVWVu52xHY2JlaqObd"
  twine_password = "pypi-AgEIcHlwaS5vcmcb4n4qwrRs_udekHVCOpm1yxceA3tJP2X7z7WXkqsQQ2L-F4doCg8EFIR6HRZID2-8M9PyUDkxVzMUq4tISUhJE5AgReYTMybBGyDNWNin5Q1vXZ_R0pvZYJoteToT1KrmnCo59zm6lGNTZeFwq4_qw"
  gem_host_api_key = "rubygems_c3ff6c860b92aa45906c5e6ccd715184204c9b9fd1a56be4"
}
