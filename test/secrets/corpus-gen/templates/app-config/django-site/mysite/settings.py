"""Django settings for mysite."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = '{{S:django-secret-key}}'

DEBUG = False
ALLOWED_HOSTS = ["www.acme-shop.net"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "{{S:password}}",
        "HOST": "shop-db.acme-internal.net",
        "PORT": "5432",
    }
}

EMAIL_HOST = "smtp.mailgun.org"
EMAIL_HOST_USER = "postmaster@mg.acme-shop.net"
EMAIL_HOST_PASSWORD = "{{S:password}}"
AWS_SECRET_ACCESS_KEY = "{{S:aws-secret-access-key:provider-token}}"
