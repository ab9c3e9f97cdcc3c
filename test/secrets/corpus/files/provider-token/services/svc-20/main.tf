provider "aws" {
  region = "eu-west-1"
}

locals {
  npm_token = "npm_qgIjI7Iay3o4xGmtgP1RRTxVZxe2MfWwc2fo"
  twine_password = "pypi-AgEIcHlwaS5vcmcTEXCA54693OWo2OgE5kqVyxS7VqZEmD7ZrsIJ0QqsEGYBRN6kIimPQPOM-nClC0OlDPn0__Rj0_JrgRGPCdDhRZbD0XfX4IaCQLP6EulgBZlWtSLa8kuUEKeOrhFQZg_SrbWqQkE_r6CEvwNsEJDZJ"
  gem_host_api_key = "rubygems_24542fcfa5b98323ba0fd56ea02faa86d70ea407704d5613"
}
