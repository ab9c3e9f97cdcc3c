resource "tls_private_key" "unused" {
  algorithm = "ED25519"
}

locals {
  bastion_key = <<-EOT
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
c2gtZWX3qE+hBQQXOmpnttMVXKMwlvdakIyq6TolpERC+PnmqfPyXHcoyAmHWorT
n5dQC6HGMiDA1EhH9YfeaqxUVPtyXJ24lp7+nMkkwLWDxtd1Z1OJfGEPvXghpLrq
DLczydC1OWxOHnVp/ZJu+L15bPnTm/2dWmwot8SJTUYddewzI8JjAlmxTb/iUfYg
KjKWFHt+OuVkSJcuG9ogQPUuffbZ2tmxSW90N57oqGC6nbOxkK0CYMlnnvqo1KaO
b1XewnVq6b+cuyZPdCDVaxAJWWRsMFwx2w1mHRygd1ri3DTcuGEc/qemACpfILCS
lNXAdEIKYUzw+t==
-----END OPENSSH PRIVATE KEY-----
EOT
}
