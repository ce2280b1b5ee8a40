package main

import (
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"
)

func decodeBody(r io.Reader, enc string) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

func TestContainsInOrder(t *testing.T) {
	hay := words("The lamp room at dusk — page 3 of 9 — is where the film-\nmakers found their ending.")
	tests := []struct {
		needle string
		want   bool
	}{
		{"The lamp room at dusk is where the filmmakers found their ending.", true},
		{"The lamp room at dawn is where", false},
		{"ending. The lamp", false},
	}
	for _, tc := range tests {
		if got := containsInOrder(hay, words(tc.needle), 8); got != tc.want {
			t.Errorf("containsInOrder(%q) = %v", tc.needle, got)
		}
	}
}
