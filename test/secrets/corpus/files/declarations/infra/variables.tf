variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "deploy_secret_token" {
  description = "Token the deploy job uses"
  type        = string
  default     = "IyuENMdO4nprNPGHyrqWdOofBifeEkAJ"
}

resource "aws_db_instance" "main" {
  identifier = "orders"
  password   = <<EOT
cobalt09Glacier
EOT
}
