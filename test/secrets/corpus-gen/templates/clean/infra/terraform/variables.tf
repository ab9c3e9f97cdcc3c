variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "main" {
  engine            = "postgres"
  username          = "app"
  password          = var.db_password
  kms_key_id        = aws_kms_key.db.arn
  allocated_storage = 20
}

resource "random_password" "api" {
  length  = 32
  special = false
}
