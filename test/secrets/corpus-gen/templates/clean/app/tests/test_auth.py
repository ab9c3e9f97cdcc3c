import pytest

TEST_PASSWORD = "correct-horse-battery-staple"
FAKE_TOKEN = "not-a-real-token"


def test_login_rejects_short_password(client):
    resp = client.post("/login", json={"email": "a@b.c", "password": "short"})
    assert resp.status_code == 400


def test_token_header_name():
    assert TOKEN_HEADER == "X-Api-Token"
