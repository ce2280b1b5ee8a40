package inbound_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/inbound"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

// TestParseGolden reads every message of the corpus and compares the
// report with its golden JSON (go test -update rewrites them).
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if err != nil || len(files) < 15 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			r, err := inbound.Parse(raw, inbound.Envelope{})
			if err != nil {
				if !errors.Is(err, inbound.ErrMalformed) {
					t.Fatalf("error %v does not wrap ErrMalformed", err)
				}
				got = []byte(`{"error": ` + jsonString(err.Error()) + "}\n")
			} else {
				got, _ = json.MarshalIndent(r, "", "  ")
				got = append(got, '\n')
			}
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s (go test -update, then review the diff):\n%s", golden, got)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestParseLineEnds: the same message with CRLF line ends (as SMTP
// carries it) reads the same.
func TestParseLineEnds(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "postfix-user-unknown.eml"))
	if err != nil {
		t.Fatal(err)
	}
	lf, err1 := inbound.Parse(raw, inbound.Envelope{})
	crlf, err2 := inbound.Parse(bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")), inbound.Envelope{})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	a, _ := json.Marshal(lf)
	b, _ := json.Marshal(crlf)
	if !bytes.Equal(a, b) {
		t.Errorf("LF and CRLF differ:\n%s\n%s", a, b)
	}
}

func TestParseHostile(t *testing.T) {
	deep := "Content-Type: multipart/mixed; boundary=b0\n\n"
	for i := range 12 {
		deep += "--b" + string(rune('0'+i%10)) + "\nContent-Type: multipart/mixed; boundary=b" + string(rune('0'+(i+1)%10)) + "\n\n"
	}
	many := "From: x@example.org\nContent-Type: multipart/mixed; boundary=z\n\n" + strings.Repeat("--z\nContent-Type: text/plain\n\nx\n", 200) + "--z--\n"
	tests := []struct {
		name, raw string
		ok        bool
	}{
		{"empty", "", false},
		{"no header", "\n\nbody", false},
		{"deep nesting", "From: x@example.org\n" + deep, false},
		{"many parts", many, false},
		{"bad base64 part", "From: x@example.org\nContent-Type: multipart/report; report-type=delivery-status; boundary=q\n\n--q\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!\n--q--\n", false},
		{"broken content type reads as text", "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\nContent-Type: ;;;\n\n550 5.1.1 <a@b.example> user unknown\n", true},
	}
	for _, tt := range tests {
		r, err := inbound.Parse([]byte(tt.raw), inbound.Envelope{})
		if (err == nil) != tt.ok {
			t.Errorf("%s: %+v, %v", tt.name, r, err)
		}
		if err != nil && !errors.Is(err, inbound.ErrMalformed) {
			t.Errorf("%s: %v does not wrap ErrMalformed", tt.name, err)
		}
	}
}

var statusRE = regexp.MustCompile(`^([245]\.\d{1,3}\.\d{1,3})?$`)

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := inbound.Parse(raw, inbound.Envelope{To: []string{"bounces@b.example"}})
		if err != nil {
			if !errors.Is(err, inbound.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		switch r.Kind {
		case inbound.KindBounce:
			if len(r.Failures) == 0 {
				t.Fatal("a bounce without failures")
			}
		case inbound.KindComplaint, inbound.KindOther:
		default:
			t.Fatalf("kind %q", r.Kind)
		}
		if r.Key == "" || len(r.Key) > 520 {
			t.Fatalf("key %q", r.Key)
		}
		for _, fl := range r.Failures {
			if !statusRE.MatchString(fl.Status) || len(fl.Diagnostic) > 300 {
				t.Fatalf("failure %+v", fl)
			}
		}
	})
}

func TestSplit(t *testing.T) {
	type msg struct {
		raw  string
		size int
	}
	run := func(in string, max int) []msg {
		var out []msg
		if err := inbound.Split(strings.NewReader(in), max, func(raw []byte, size int) error {
			out = append(out, msg{string(raw), size})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	mbox := "From MAILER-DAEMON Fri Mar  6 07:02:11 2026\nSubject: one\n\nbody\n>From the start\n\nFrom x@y Fri Mar  6 07:03:00 2026\nSubject: two\n\nFrom here, not a separator\n"
	got := run(mbox, 1<<20)
	want := []msg{{"Subject: one\n\nbody\nFrom the start\n", 34}, {"Subject: two\n\nFrom here, not a separator\n", 41}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("mbox:\n got %+v\nwant %+v", got, want)
	}
	// A single message, and one over the limit.
	if got := run("Subject: x\n\nhello\n", 100); len(got) != 1 || got[0].raw != "Subject: x\n\nhello\n" || got[0].size != 18 {
		t.Errorf("single: %+v", got)
	}
	big := "Subject: big\n\n" + strings.Repeat("y", 10000) + "\n"
	if got := run(big, 100); len(got) != 1 || len(got[0].raw) != 100 || got[0].size != len(big) {
		t.Errorf("big single: %d bytes kept, size %d", len(got[0].raw), got[0].size)
	}
	// In an mbox a giant line is counted, not held.
	giant := "From a@b Fri Mar  6 07:02:11 2026\nSubject: g\n\n" + strings.Repeat("z", 300000) + "\n\nFrom c@d Fri Mar  6 07:02:12 2026\nSubject: h\n\nok\n"
	got = run(giant, 1000)
	if len(got) != 2 || len(got[0].raw) != 1000 || got[0].size != len("Subject: g\n\n")+300001 || got[1].raw != "Subject: h\n\nok\n" {
		t.Errorf("giant: %d messages, sizes %v", len(got), got)
	}
	if got := run("", 10); len(got) != 0 {
		t.Errorf("empty stream: %+v", got)
	}
}
