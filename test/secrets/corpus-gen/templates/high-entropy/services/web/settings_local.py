import os

SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "{{S:django-secret-key:app-config}}")
DB_PASSWORD = os.environ.get("DB_PASSWORD", "{{S:password:app-config}}")
API_TOKEN = os.environ.get('API_TOKEN', '{{S:hex-40}}')
DEBUG = os.getenv("DEBUG", "false") == "true"
