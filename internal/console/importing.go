package console

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/member"
)

// maxImport is the largest membership file the console takes; bigger
// ones go through `folio members import` on the server.
const maxImport = 2 << 20

// importPage is the import pages' data.
type importPage struct {
	File        string
	Format      string
	Rows        int
	Errors      []string
	Changes     []importChange
	MoreChanges int
	Added       int
	Updated     int
	Unchanged   int
	Kept        int
	Data        string // the file, base64, carried to the confirmation
	Resubscribe bool
	Consent     string
}

// importChange is what importing one row would do.
type importChange struct {
	Line   int
	Email  string
	Action string // add, update, keep (a member who left stays out)
	Detail string
}

func (c *Console) importPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "import", page{Title: "Import members", Nav: "members", Data: importPage{}})
}

// upload reads the file of an import form: the upload on the preview, the
// carried copy on the confirmation.
func upload(r *http.Request) (name string, data []byte, err error) {
	if enc := r.PostFormValue("data"); enc != "" {
		data, err = base64.StdEncoding.DecodeString(enc)
		return r.PostFormValue("file_name"), data, err
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return "", nil, errors.New("choose a CSV file to import")
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, maxImport+1))
	if err == nil && len(data) > maxImport {
		err = fmt.Errorf("the file is over %d MB: import it with `folio members import` on the server", maxImport>>20)
	}
	return fh.Filename, data, err
}

// check reads the file through the members' own checks: every invalid
// row and repeated address, with its line and field.
func (c *Console) check(name string, data []byte) (*member.Summary, member.Opener, error) {
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	sum, err := member.Check(open, name, member.ReadOptions{})
	return sum, open, err
}

// importPreview shows what an import would change — each member added or
// updated, each one who left and stays out — and every error line, before
// anything is written.
func (c *Console) importPreview(w http.ResponseWriter, r *http.Request) {
	name, data, err := upload(r)
	if err != nil {
		c.message(w, r, http.StatusBadRequest, "Nothing to import", err.Error())
		return
	}
	p := importPage{File: name, Data: base64.StdEncoding.EncodeToString(data), Resubscribe: r.PostFormValue("resubscribe") == "on",
		Consent: strings.TrimSpace(r.PostFormValue("consent"))}
	sum, open, err := c.check(name, data)
	if err != nil {
		c.message(w, r, http.StatusBadRequest, "Not a membership file", err.Error())
		return
	}
	p.Format, p.Rows = string(sum.Format), sum.Rows
	for _, e := range sum.Errors {
		p.Errors = append(p.Errors, e.Error())
	}
	ctx := r.Context()
	for row, err := range sum.Valid(open) {
		if err != nil {
			c.message(w, r, http.StatusBadRequest, "Not a membership file", err.Error())
			return
		}
		ch := importChange{Line: row.Line, Email: row.Member.Email}
		cur, err := c.d.Directory.MemberByEmail(ctx, row.Member.Email)
		var supp member.Reason
		if s, ok, serr := c.d.Directory.SuppressionOf(ctx, row.Member.Email); serr == nil && ok {
			supp = s.Reason
		}
		switch {
		case err != nil:
			d := member.Decide("", supp, row.Member.Status, p.Resubscribe)
			ch.Action, ch.Detail = "add", string(d.Status)
			if d.Kept {
				ch.Action, ch.Detail = "keep out", "the address left: "+member.KeptWord(d.Status, supp)
				p.Kept++
			} else {
				p.Added++
			}
		default:
			d := member.Decide(cur.Status, supp, row.Member.Status, p.Resubscribe)
			var diffs []string
			if d.Status != cur.Status {
				diffs = append(diffs, fmt.Sprintf("status %s → %s", cur.Status, d.Status))
			}
			if row.Member.Name != cur.Name {
				diffs = append(diffs, fmt.Sprintf("name %q → %q", cur.Name, row.Member.Name))
			}
			if row.Member.Tier != cur.Tier {
				diffs = append(diffs, fmt.Sprintf("tier %q → %q", cur.Tier, row.Member.Tier))
			}
			switch {
			case d.Kept:
				ch.Action, ch.Detail = "keep out", "left: "+member.KeptWord(d.Status, supp)
				p.Kept++
			case len(diffs) == 0:
				p.Unchanged++
				continue
			default:
				ch.Action, ch.Detail = "update", strings.Join(diffs, "; ")
				p.Updated++
			}
		}
		if len(p.Changes) < 500 {
			p.Changes = append(p.Changes, ch)
		} else {
			p.MoreChanges++
		}
	}
	c.render(w, r, http.StatusOK, "import_preview", page{Title: "Import preview", Nav: "members", Data: p})
}

// importCommit imports the file shown in the preview: all its valid rows
// in one transaction, or — when it has invalid rows and the editor did not
// choose to leave them out — nothing.
func (c *Console) importCommit(w http.ResponseWriter, r *http.Request) {
	name, data, err := upload(r)
	if err != nil {
		c.message(w, r, http.StatusBadRequest, "Nothing to import", err.Error())
		return
	}
	sum, open, err := c.check(name, data)
	if err != nil {
		c.message(w, r, http.StatusBadRequest, "Not a membership file", err.Error())
		return
	}
	if len(sum.Errors) > 0 && r.PostFormValue("skip_invalid") != "on" {
		c.message(w, r, http.StatusBadRequest, "Nothing imported", fmt.Sprintf("The file has %d invalid lines; fix them, or import the rest with “leave the invalid lines out”.", len(sum.Errors)))
		return
	}
	opts := member.ImportOptions{File: "console " + name, Resubscribe: r.PostFormValue("resubscribe") == "on", Consent: strings.TrimSpace(r.PostFormValue("consent"))}
	rep, err := c.d.Directory.ImportMembers(r.Context(), sum.Valid(open), opts)
	if err != nil {
		c.message(w, r, http.StatusBadRequest, "Nothing imported", err.Error())
		return
	}
	c.audit(r, editor.ActionImport, name, fmt.Sprintf("%d added, %d updated, %d unchanged, %d kept out, %d invalid lines left out",
		rep.Added, rep.Updated, rep.Unchanged, len(rep.Kept), len(sum.Errors)))
	c.membersChanged()
	redirectDone(w, r, "/admin/members", "imported", rep.Added+rep.Updated)
}

// export writes every member with their suppression as CSV (the format
// `folio members import` reads back).
func (c *Console) export(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="members.csv"`)
	h.Set("Cache-Control", "no-store")
	n, err := member.WriteExport(w, c.d.Directory.Export(r.Context()))
	if err != nil {
		c.fail("export", err)
	}
	c.audit(r, editor.ActionExport, "members.csv", fmt.Sprintf("%d rows", n))
}
