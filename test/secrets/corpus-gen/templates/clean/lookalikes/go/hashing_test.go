package auth

import "testing"

func TestHashRoundTrip(t *testing.T) {
	password := "hunter2"
	h, err := Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	if !Verify(h, password) {
		t.Fatalf("verify failed for %q", password)
	}
}

const testToken = "ghp_000000000000000000000000000000000000"
const tokenTypeBearer = "Bearer"
