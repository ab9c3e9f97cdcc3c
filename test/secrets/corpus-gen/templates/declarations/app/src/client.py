import ftplib
import requests
from requests.auth import HTTPBasicAuth

ftp = ftplib.FTP("ftp.acme-internal.net")
ftp.login("exports", "{{S:password}}")
session = requests.Session()
session.auth = HTTPBasicAuth("reporter", "{{S:password}}")
