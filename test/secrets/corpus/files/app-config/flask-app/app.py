from flask import Flask

app = Flask(__name__)
app.config['SECRET_KEY'] = '73a0d7248e8a7f024973a018aaf763f1'
app.secret_key = b'jVkMkzwHqUSYH9AVDz47fm6eza7GaLIJ'


@app.route("/health")
def health():
    return {"ok": True}
