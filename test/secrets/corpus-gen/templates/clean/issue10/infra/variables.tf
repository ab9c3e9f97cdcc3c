variable "db_password" {
  description = "Database password, from the pipeline"
  type        = string
  sensitive   = true
}

variable "api_token" {
  type    = string
  default = ""
}

variable "key_name" {
  default = "deploy-key"
}
