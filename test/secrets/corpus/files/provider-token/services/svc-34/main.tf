provider "aws" {
  region = "eu-west-1"
}

locals {
  nuget_api_key = "oy2hpt8rsoszapolrat0puhm25tqqu335sddn8b1lzipty"
  gem_host_api_key = "rubygems_03d7e15a496053482031baf16f2cabccf40db5621f00752b"
  twine_password = "pypi-AgEIcHlwaS5vcmcQFrSfsQy6kb498wP4jPJy1wSgU22oKRti5lRLb_2azQs5GVjg0wTTpVVsEVmg35pwbvbhiCx75xbMxk_n7HvXyz7U2Lk96ko0b_nEKSOu0hXZwbmoR_9w5BOlNGKtnx5xRg29OuoQG3ncLeXT9-cpw"
}
