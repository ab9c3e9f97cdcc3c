import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "{{S:hex-32}}")
    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://flask:{{S:password}}@mysql.acme-internal.net/app"
    MAIL_PASSWORD = "{{S:password}}"


class TestConfig(Config):
    TESTING = True
