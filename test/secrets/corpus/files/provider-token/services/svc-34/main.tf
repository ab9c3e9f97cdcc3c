provider "aws" {
  region = "eu-west-1"
}

locals {
  postman_api_key = "PMAK-28d8ce16ce9276d3306f2746-c2417b6a867f2107133a46c9d744160dc9"
  linear_api_key = "lin_api_jU34gqxYUL86bJIz4dQpUDB5xkLuZvhBbBLFVu70"
  new_relic_api_key = "NRAK-W3H200YAPKLTJ3SZ3TE4AEUU8WT"
}
