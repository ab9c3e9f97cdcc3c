import logging

LOG = logging.getLogger(__name__)

ALIBABA_CLOUD_ACCESS_KEY_ID = "LTAIaZH4Sy0IR61QwVk3tcYM"
HEROKU_API_KEY = "HRKU-6cTgOwE_ezIxutbqjJr5C9qv2a7Vdij0s4XmEkVmE-JuDArJsxvaVh5Onutk"
VAULT_TOKEN = "hvs.y1l_ZEALj8meto6RiprOIctwnJc030nSKM1ANW7h8oc0vt98IdfpjQnyRqkfRxEyXN9NbdSpy3f1Er_Qc14Ld9Whb4EmN5c"
RETRIES = 3
