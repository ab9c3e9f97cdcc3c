import ftplib
import requests
from requests.auth import HTTPBasicAuth

ftp = ftplib.FTP("ftp.acme-internal.net")
ftp.login("exports", "copper83Granite")
session = requests.Session()
session.auth = HTTPBasicAuth("reporter", "lantern48Quartz")
