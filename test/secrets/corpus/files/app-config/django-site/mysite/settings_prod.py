from .settings import *  # noqa

SECRET_KEY = "xy8f8dn4%%=f+2@g-)hmip%cdjj)9y51)z-^x9s_*wqa01(bgx"
CELERY_BROKER_URL = "amqp://celery:45Q6UVeXN6T8Rv0tW3ndPJiZ@rabbit.acme-internal.net:5672/shop"
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://default:Copper!0940@redis.acme-internal.net:6379/1"}}
