import os

SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "django-insecure-h^qs&*0th@r90ed3@!7=jv-vl6+k3f0k7+ziugqmaz%%@!z)og")
DB_PASSWORD = os.environ.get("DB_PASSWORD", "Thistle*6058")
API_TOKEN = os.environ.get('API_TOKEN', 'cfe21e16cc1886893b9fea09a6be51244780065d')
DEBUG = os.getenv("DEBUG", "false") == "true"
