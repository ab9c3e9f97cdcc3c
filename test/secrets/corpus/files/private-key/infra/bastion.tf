resource "tls_private_key" "unused" {
  algorithm = "ED25519"
}

locals {
  bastion_key = <<-EOT
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
c2gtZWdC1OWxOHnVp/ZJu+L15bPnTm/2dWmwot8SJTUYddewzI8JjAlmxTb/iUfY
gKjKWFHt+OuVkSJcuG9ogQPUuffbZ2tmxSW90N57oqGC6nbOxkK0CYMlnnvqo1Ka
Ob1XewnVq6b+cuyZPdCDVaxAJWWRsMFwx2w1mHRygd1ri3DTcuGEc/qemACpfILC
SlNXAdEIKYUzw+tVzIoeHyXQXeI8T2yQTb7DOjn6UQdsTmSnl5UWCy8H+BIFK5Fs
L58+t/N40wWFKgjnw50xGi/QjqvSNEyfHglF4hI6cQCTOcT3zJmCTE/TXoPpuFDm
thuWTuS0N6qPcA==
-----END OPENSSH PRIVATE KEY-----
EOT
}
