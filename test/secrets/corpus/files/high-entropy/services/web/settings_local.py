import os

SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "django-insecure-ho*1wgg5zvanh&(t2v=!^w+cgnk%3%b(j7)_-7*ozx^rl0dcl0")
DB_PASSWORD = os.environ.get("DB_PASSWORD", "WQ2FPuWmHnU7poVOjxTPvIKD")
API_TOKEN = os.environ.get('API_TOKEN', '2b65443b13a4728712bd1d44d42fe6fb5f3c0c6c')
DEBUG = os.getenv("DEBUG", "false") == "true"
