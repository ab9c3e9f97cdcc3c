import os

SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "django-insecure-pu82i8^*iw^agi9lrg)=iot-urebf38m&b1fo5e^j^)re5e(8+")
DB_PASSWORD = os.environ.get("DB_PASSWORD", "pidhU6H8RjnhjHpeaRrYXuVD")
API_TOKEN = os.environ.get('API_TOKEN', 'ef8ef754405e686c37b70541d7bc696199b19043')
DEBUG = os.getenv("DEBUG", "false") == "true"
