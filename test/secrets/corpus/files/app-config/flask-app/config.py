import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "fb2782f9db9059b7291336068a3fea11")
    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://flask:falcon21Lantern@mysql.acme-internal.net/app"
    MAIL_PASSWORD = "Saffron-quartz-642"


class TestConfig(Config):
    TESTING = True
