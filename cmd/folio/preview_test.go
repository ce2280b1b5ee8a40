package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPreviewServesEverything(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	if _, _, err := folio(t, nil, "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	cmd := newRootCmd(&out, &errOut, []string{"FOLIO_SECRET=preview-test-secret-0123456789"})
	cmd.SetArgs([]string{"preview", "--week", sampleWeek, "--listen", "127.0.0.1:0", "--member", "soren.kjaer@example.net", "--config", cfg})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	re := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("preview stopped: %v\n%s", err, errOut.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("no preview address in %q", out.String())
	}
	get := func(path string) (string, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return resp.Header.Get("Content-Type"), string(body)
	}
	_, index := get("/")
	_, html := get("/email")
	if !strings.Contains(html, "Søren Kjær") || !strings.Contains(html, base+"/issues/"+sampleWeek+"/images/") {
		t.Errorf("email HTML is not personal or does not point at the preview's images")
	}
	if strings.Contains(html, "weekly.example.org/issues") {
		t.Errorf("email HTML still links the public site")
	}
	ctype, text := get("/email.txt")
	if !strings.HasPrefix(ctype, "text/plain") || !strings.Contains(text, "Søren Kjær") {
		t.Errorf("text part: %s %q", ctype, text[:min(len(text), 200)])
	}
	_, web := get("/issues/" + sampleWeek + "/")
	if !strings.Contains(web, "The Salt Orchard") {
		t.Errorf("web version lacks the lead title")
	}
	if ctype, pdf := get("/issues/" + sampleWeek + "/issue.pdf"); ctype != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("PDF: %s", ctype)
	}
	if ctype, _ := get("/issues/" + sampleWeek + "/images/the-salt-orchard.jpg"); ctype != "image/jpeg" {
		t.Errorf("photo: %s", ctype)
	}
	resp, err := http.Get(base + "/issues/" + sampleWeek + "/images/..%2f..%2ffolio.toml")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("traversal: %s", resp.Status)
	}
	if !strings.Contains(index, "/email") {
		t.Errorf("index page: %q", index)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("preview did not stop")
	}
}
