# billing-worker settings. PLANTED fake credentials for the Gatehouse demo: none of these is real.
DEBUG = False

SECRET_KEY = "k7#p2w!x9q@v4m$z8r^t1y&u6i*o3e(n5b)c0d-f+g=h_j"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "billing",
        "USER": "billing",
        "PASSWORD": "Xq7!mK2#vR9pL4sT",
        "HOST": "db.internal",
    }
}

AWS_ACCESS_KEY_ID = "AKIAZ3MHXWQ5PLNTD7XE"
AWS_SECRET_ACCESS_KEY = "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"
