from .settings import *  # noqa

SECRET_KEY = "{{S:django-secret-key-plain}}"
CELERY_BROKER_URL = "amqp://celery:{{S:password}}@rabbit.acme-internal.net:5672/shop"
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://default:{{S:password}}@redis.acme-internal.net:6379/1"}}
