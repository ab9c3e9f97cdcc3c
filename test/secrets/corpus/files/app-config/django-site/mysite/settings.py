"""Django settings for mysite."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = 'django-insecure-v2vsg^@in6cj1d9o575^zb5(k4ftrl8y8r)5ip04eei9vpt8+!'

DEBUG = False
ALLOWED_HOSTS = ["www.acme-shop.net"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "QU0X*ZoSasNP!TfJ",
        "HOST": "shop-db.acme-internal.net",
        "PORT": "5432",
    }
}

EMAIL_HOST = "smtp.mailgun.org"
EMAIL_HOST_USER = "postmaster@mg.acme-shop.net"
EMAIL_HOST_PASSWORD = "Lantern-glacier-551"
AWS_SECRET_ACCESS_KEY = "/V0jhsy+Jba+Xw0xp5qPj4yA+EwSGvhwoIoWO89g"
