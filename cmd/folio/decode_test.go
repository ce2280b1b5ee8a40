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

func TestRedactAddresses(t *testing.T) {
	tests := map[string]string{
		"550 5.1.1 <bob@example.org>: Recipient address rejected": "550 5.1.1 <[address]>: Recipient address rejected",
		"250 2.0.0 Ok: queued as 4F1A2":                           "250 2.0.0 Ok: queued as 4F1A2",
		"452 4.2.2 zoë.l@example.net mailbox full":                "452 4.2.2 [address] mailbox full",
	}
	for in, want := range tests {
		if got := redactAddresses(in); got != want {
			t.Errorf("redactAddresses(%q) = %q, want %q", in, got, want)
		}
	}
}
