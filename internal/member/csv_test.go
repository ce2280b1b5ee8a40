package member_test

import (
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/member"
)

func TestParseMembersCSVAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []member.Member
	}{
		{
			name: "plain LF",
			in:   "email,name,tier,status\nann@example.org,Ann Lee,print,active\n",
			want: []member.Member{{Email: "ann@example.org", Name: "Ann Lee", Tier: "print", Status: member.StatusActive}},
		},
		{
			name: "BOM, CRLF, upper-case headers, other order, extra columns",
			in:   "\uFEFFStatus,EMAIL,Joined,Name,TIER,Deliver_PDF\r\npaused,bob@example.org,2020-01-01,\"Bob, Jr.\",web,LINK\r\nACTIVE,cy@example.org,,Cy,,\r\n",
			want: []member.Member{
				{Email: "bob@example.org", Name: "Bob, Jr.", Tier: "web", Status: member.StatusPaused, DeliverPDF: "link"},
				{Email: "cy@example.org", Name: "Cy", Status: member.StatusActive},
			},
		},
		{
			name: "non-ASCII names and blank lines",
			in:   "email,name,tier,status\n\nzoe@example.org,Zoë Ñúñez “Z”,print,unsubscribed\n\ndan@example.org,,print,bounced",
			want: []member.Member{
				{Email: "zoe@example.org", Name: "Zoë Ñúñez “Z”", Tier: "print", Status: member.StatusUnsubscribed},
				{Email: "dan@example.org", Tier: "print", Status: member.StatusBounced},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs, err := member.ParseMembersCSV(strings.NewReader(tt.in), "members.csv")
			if err != nil || len(errs) != 0 {
				t.Fatalf("err %v, row errors %v", err, errs)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d members, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("member %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseMembersCSVRowErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		valid int
		line  int
		field string
		is    error
		text  string // exact Error() of the first row error
	}{
		{"bad address", "email,name,tier,status\nann@example.org,Ann,,active\nbob@example.org,Bob,,active\nbob@,Bob,,active\n",
			2, 4, "email", member.ErrInvalidAddress, `members.csv:4: email: "bob@": invalid address`},
		{"display name is not an address", "email,name,tier,status\nAnn <ann@example.org>,Ann,,active\n",
			0, 2, "email", member.ErrInvalidAddress, `members.csv:2: email: "Ann <ann@example.org>": invalid address`},
		{"empty email", "email,name,tier,status\n,Ann,,active\n", 0, 2, "email", member.ErrRequired, `members.csv:2: email: required`},
		{"unknown status", "email,name,tier,status\nann@example.org,Ann,,gone\n",
			0, 2, "status", member.ErrUnknownStatus, `members.csv:2: status: "gone": unknown status (want active, paused, unsubscribed or bounced)`},
		{"empty status", "email,name,tier,status\nann@example.org,Ann,,\n", 0, 2, "status", member.ErrRequired, `members.csv:2: status: required`},
		{"duplicate ignoring case", "email,name,tier,status\nann@example.org,Ann,,active\r\nAnn@Example.ORG,Ann 2,,active\n",
			1, 3, "email", member.ErrDuplicateEmail, `members.csv:3: email: "Ann@Example.ORG": duplicate email (first on line 2)`},
		{"wrong field count", "email,name,tier,status\nann@example.org,Ann,active\n",
			0, 2, "", member.ErrFieldCount, `members.csv:2: wrong number of fields: got 3, header has 4`},
		{"missing column", "email,name,status\nann@example.org,Ann,active\n",
			0, 1, "tier", member.ErrMissingColumn, `members.csv:1: tier: missing required column`},
		{"duplicate column", "email,name,tier,status,Email\na@example.org,A,,active,b@example.org\n",
			0, 1, "email", member.ErrDuplicateCol, `members.csv:1: email: duplicate column`},
		{"bad deliver_pdf", "email,name,tier,status,deliver_pdf\nann@example.org,Ann,,active,fax\n",
			0, 2, "deliver_pdf", member.ErrUnknownDeliver, `members.csv:2: deliver_pdf: "fax": unknown value (want attach, link or empty)`},
		{"invalid UTF-8", "email,name,tier,status\nann@example.org,A\xffn,,active\n",
			0, 2, "name", member.ErrInvalidUTF8, `members.csv:2: name: invalid UTF-8`},
		{"empty file", "", 0, 1, "", member.ErrNoHeader, `members.csv:1: no header row`},
		{"line counts through quoted newlines", "email,name,tier,status,notes\nann@example.org,Ann,,active,\"two\nlines\"\nbob@x,Bob,,active,\n",
			1, 4, "email", member.ErrInvalidAddress, `members.csv:4: email: "bob@x": invalid address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs, err := member.ParseMembersCSV(strings.NewReader(tt.in), "members.csv")
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) == 0 {
				t.Fatalf("no row error; members %+v", got)
			}
			e := errs[0]
			if e.Line != tt.line || e.Field != tt.field || !errors.Is(e, tt.is) {
				t.Errorf("got line %d field %q err %v; want line %d field %q is %v", e.Line, e.Field, e.Err, tt.line, tt.field, tt.is)
			}
			if e.Error() != tt.text {
				t.Errorf("Error() = %q\n          want %q", e.Error(), tt.text)
			}
			if len(got) != tt.valid {
				t.Errorf("got %d valid members, want %d", len(got), tt.valid)
			}
		})
	}
}

func TestParseMembersCSVReportsEveryBadRow(t *testing.T) {
	in := "email,name,tier,status\nok@example.org,Ok,,active\nbad@,B,,active\nc@example.org,C,,nope\nd@example.org,D,,active\n"
	got, errs, err := member.ParseMembersCSV(strings.NewReader(in), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(errs) != 2 || errs[0].Line != 3 || errs[1].Line != 4 {
		t.Fatalf("members %v, errors %v", got, errs)
	}
}

func FuzzParseMembersCSV(f *testing.F) {
	f.Add("email,name,tier,status\nann@example.org,Ann,print,active\n")
	f.Add("\uFEFFEMAIL,Name,Tier,Status,x\r\n\"a@b.org\",\"A \"\"Q\"\"\",t,paused,\r\n")
	f.Add("email,name,tier,status\nbob@,Bob,,active\nbob@,Bob,,active\n")
	f.Add("email,name\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, errs, err := member.ParseMembersCSV(strings.NewReader(in), "f.csv")
		if err != nil {
			t.Fatalf("reader error from a string: %v", err)
		}
		seen := map[string]bool{}
		for _, m := range got {
			if err := m.Validate(); err != nil {
				t.Errorf("invalid member returned: %+v: %v", m, err)
			}
			if strings.ContainsAny(m.Name+m.Tier+m.Email, "\r\n") {
				t.Errorf("line break in member %+v", m)
			}
			k := strings.ToLower(m.Email)
			if seen[k] {
				t.Errorf("duplicate %q returned", m.Email)
			}
			seen[k] = true
		}
		for _, e := range errs {
			if e.Line < 1 || e.Err == nil || !strings.HasPrefix(e.Error(), "f.csv:") {
				t.Errorf("malformed row error %#v", e)
			}
		}
	})
}

// FuzzValidateEmailAgrees: every address ValidateEmail accepts (most of
// them through its fast path for plain addresses) is one net/mail parses
// as written.
func FuzzValidateEmailAgrees(f *testing.F) {
	for _, a := range []string{"ann@example.org", "a.b+c_d%e-f@sub.example.co.uk", ".a@example.org", "a.@example.org", "a..b@example.org",
		"a@b@example.org", "a@-example.org", "a@example..org", "a@example.org.", "a@.example.org", "A@EXAMPLE.ORG", "a_b@ex_ample.org",
		"\"quoted\"@example.org", "o'brien@example.org", "a@example", "@example.org", "a@"} {
		f.Add(a)
	}
	f.Fuzz(func(t *testing.T, a string) {
		if _, err := member.ValidateEmail(a); err != nil {
			return
		}
		parsed, err := mail.ParseAddress(a)
		if err != nil || parsed.Address != a {
			t.Errorf("%q accepted, but mail.ParseAddress says %v", a, err)
		}
	})
}
