from flask import Flask

app = Flask(__name__)
app.config['SECRET_KEY'] = '{{S:hex-32}}'
app.secret_key = b'{{S:alnum-32}}'


@app.route("/health")
def health():
    return {"ok": True}
