provider "aws" {
  region = "eu-west-1"
}

locals {
  postman_api_key = "PMAK-2f4789f401be29fc11c5b935-e4b9f1dfcf644572be6bdf85b645b502ab"
  linear_api_key = "lin_api_4UL9LIVjU8gJxJtCSSsTF31xvCHoVaM9djP7Plsl"
  new_relic_api_key = "NRAK-I8G0O3280U4G891E6JGL0BFA979"
}
