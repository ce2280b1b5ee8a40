package member_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/member"
)

func opener(path string) member.Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// readAll runs both passes over a testdata file.
func readAll(t *testing.T, name string, opts member.ReadOptions) (*member.Summary, []member.ImportRow) {
	t.Helper()
	path := filepath.Join("testdata", name)
	sum, err := member.Check(opener(path), name, opts)
	if err != nil {
		t.Fatal(err)
	}
	var rows []member.ImportRow
	for row, err := range sum.Valid(opener(path)) {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	return sum, rows
}

func TestFormats(t *testing.T) {
	tests := []struct {
		file    string
		tier    string
		format  member.Format
		members []string // "email|name|tier|status|pdf"
		mapping []string // "from → to (n)"
	}{
		{"ghost-members.csv", "", member.FormatGhost,
			[]string{
				"odile.marchetti@example.org|Odile Marchetti|Patron|active|",
				"tomas.varga@example.net|Tomás Varga|comped|active|",
				"hilde.brun@example.org|Hilde Brun|Digital|unsubscribed|",
				"kwame.osei@example.net|Kwame Osei|free|active|",
				"lena.vogt@example.org|Lena Vogt|free|unsubscribed|",
			},
			[]string{"deleted_at set → unsubscribed (1)", "subscribed_to_emails=false → unsubscribed (1)", "subscribed_to_emails=true → active (3)"}},
		{"substack-subscribers.csv", "", member.FormatSubstack,
			[]string{
				"priya.raman@example.org||paid|active|",
				"jonas.berg@example.net||free|active|",
				"amara.nwosu@example.org||founding|active|",
				"felix.hahn@example.net||free|active|",
				"rosa.delgado@example.org||free|unsubscribed|",
			},
			[]string{"email_disabled=false → active (3)", "email_disabled=false (paid subscription lapsed) → active (1)", "email_disabled=true → unsubscribed (1)"}},
		{"mailchimp-subscribed.csv", "digital", member.FormatMailchimp,
			[]string{"mei.tanaka@example.org|Mei Tanaka|digital|active|", "bruno.costa@example.net|Bruno Costa|digital|active|"},
			[]string{"subscribed → active (2)"}},
		{"mailchimp-unsubscribed.csv", "", member.FormatMailchimp,
			[]string{"ines.moreau@example.org|Inès Moreau||unsubscribed|"},
			[]string{"unsubscribed → unsubscribed (1)"}},
		{"mailchimp-cleaned.csv", "", member.FormatMailchimp,
			[]string{"old.address@example.net|Paul Ng||bounced|"},
			[]string{"cleaned → bounced (1)"}},
		{"mailchimp-contacts.csv", "", member.FormatMailchimp,
			[]string{"sam.wu@example.org|Sam Wu||active|", "ola.nordmann@example.net|Ola Nordmann||paused|", "kim.lee@example.org|Kim Lee||bounced|"},
			[]string{"cleaned → bounced (1)", "pending → paused (1)", "subscribed → active (1)"}},
		{"folio-statuses.csv", "", member.FormatFolio,
			[]string{
				"ada.quist@example.org|Ada Quist|print|paused|",
				"ben.ogundipe@example.net|Ben Ogundipe|digital|paused|link",
				"cora.haas@example.org|Cora Haas|comp|active|attach",
				"dev.patel@example.net|Dev Patel||active|",
				"eli.sato@example.org|Eli Sato|digital|bounced|",
			},
			[]string{"cancelled → paused (1)", "cleaned → bounced (1)", "comped → active (1)", "free → active (1)", "lapsed → paused (1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sum, rows := readAll(t, tt.file, member.ReadOptions{DefaultTier: tt.tier})
			if len(sum.Errors) > 0 {
				t.Fatalf("errors: %v", sum.Errors)
			}
			if sum.Format != tt.format || sum.Rows != len(tt.members) {
				t.Errorf("format %q rows %d; want %q, %d", sum.Format, sum.Rows, tt.format, len(tt.members))
			}
			var got []string
			for _, r := range rows {
				m := r.Member
				got = append(got, strings.Join([]string{m.Email, m.Name, m.Tier, string(m.Status), m.DeliverPDF}, "|"))
			}
			if strings.Join(got, "\n") != strings.Join(tt.members, "\n") {
				t.Errorf("members:\n got %q\nwant %q", got, tt.members)
			}
			var mapping []string
			for _, m := range sum.Mapping {
				mapping = append(mapping, fmt.Sprintf("%s → %s (%d)", m.From, m.To, m.Rows))
			}
			if strings.Join(mapping, "\n") != strings.Join(tt.mapping, "\n") {
				t.Errorf("mapping:\n got %q\nwant %q", mapping, tt.mapping)
			}
		})
	}
}

func TestCheckFindsDuplicatesAndErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.csv")
	var b strings.Builder
	b.WriteString("email,name,tier,status\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "m%d@example.org,M %d,print,active\n", i, i)
	}
	b.WriteString("M17@Example.org,Again,print,active\n") // line 5002
	b.WriteString("bad@,Bad,print,active\n")              // line 5003
	b.WriteString("m4999@example.org,Again,print,gone\n") // line 5004: a bad status first
	b.WriteString("m4999@example.org,Again,print,active\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := member.Check(opener(path), "m.csv", member.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range sum.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		`m.csv:5002: email: "M17@Example.org": duplicate email (first on line 19)`,
		`m.csv:5003: email: "bad@": invalid address`,
		`m.csv:5004: status: "gone": unknown status (want active, paused, unsubscribed or bounced)`,
		`m.csv:5005: email: "m4999@example.org": duplicate email (first on line 5001)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
	if sum.Rows != 5000 {
		t.Errorf("rows %d", sum.Rows)
	}
	n := 0
	for row, err := range sum.Valid(opener(path)) {
		if err != nil {
			t.Fatal(err)
		}
		if row.Line > 5001 {
			t.Errorf("line %d reported bad but yielded", row.Line)
		}
		n++
	}
	if n != 5000 {
		t.Errorf("valid rows %d", n)
	}
}

func TestUnknownHeaderNamesFolioColumns(t *testing.T) {
	_, errs, err := member.NewReader(strings.NewReader("Email,Full name\nx@example.org,X\n"), "x.csv", member.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := "x.csv:1: name: missing required column|x.csv:1: tier: missing required column|x.csv:1: status: missing required column"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q", got)
	}
}

func TestExportReadsBack(t *testing.T) {
	recs := []member.Record{
		{Member: member.Member{ID: 1, Email: "a@example.org", Name: "A, \"Q\"", Tier: "print", Status: member.StatusActive, DeliverPDF: "link"}},
		{Member: member.Member{ID: 2, Email: "b@example.org", Status: member.StatusUnsubscribed},
			Suppression: member.Suppression{Email: "b@example.org", Reason: member.ReasonComplaint, Detail: "abuse report", Source: "arf"}},
		{Member: member.Member{Email: "c@example.org"}, Suppression: member.Suppression{Email: "c@example.org", Reason: member.ReasonManual}},
	}
	var b strings.Builder
	n, err := member.WriteExport(&b, func(yield func(member.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	})
	if err != nil || n != 3 {
		t.Fatalf("%d %v", n, err)
	}
	rd, errs, err := member.NewReader(strings.NewReader(b.String()), "export.csv", member.ReadOptions{})
	if err != nil || len(errs) > 0 || rd.Format() != member.FormatFolio {
		t.Fatalf("reading the export back: %v %v", errs, err)
	}
	var got []string
	for row, err := range rd.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		m := row.Member
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%s|%s", m.Email, m.Name, m.Tier, m.Status, m.DeliverPDF, row.Suppression))
	}
	want := []string{"a@example.org|A, \"Q\"|print|active|link|", "b@example.org|||unsubscribed||complaint", "c@example.org|||paused||manual"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("round trip:\n got %q\nwant %q", got, want)
	}
}
