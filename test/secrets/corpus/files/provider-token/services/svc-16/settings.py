import logging

LOG = logging.getLogger(__name__)

TWILIO_API_KEY = "SK252cb428264dd547afa3b6a03d146c23"
SENDGRID_API_KEY = "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"
MAILGUN_API_KEY = "key-97243de6e64f16d049267c98ff2beec6"
RETRIES = 3
