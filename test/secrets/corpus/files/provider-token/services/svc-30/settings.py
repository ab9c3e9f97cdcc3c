import logging

LOG = logging.getLogger(__name__)

TYPEFORM_TOKEN = "tfp_Bj1GLdiT46jTp4d5m8cEjI_6xaKQ65vIqLe_S7lWMlsaYR1xonXjivnoRsz"
SHIPPO_API_TOKEN = "shippo_live_c37bd5c6597cbf779f538f2903678b08a369fd79"
BREVO_API_KEY = "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"
RETRIES = 3
