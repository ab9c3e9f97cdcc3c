import logging

LOG = logging.getLogger(__name__)

TWILIO_API_KEY = "SKa3dfd186df9f85d6cf649d6f6b06b864"
SENDGRID_API_KEY = "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"
MAILGUN_API_KEY = "key-78f03dce528bd7e29facb10d0ff7ad32"
RETRIES = 3
