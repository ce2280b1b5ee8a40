package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/foliopress/folio/issue"
)

// frontMatter is the review's YAML header, decoded field by field so every
// error can name its field and line.
type frontMatter struct {
	Title, Section, Deck, Byline, Certificate, Opens, Pullquote string
	Published                                                   time.Time
	PublishedLine                                               int
	Rating                                                      *float64
	RatingLine                                                  int
	Credits                                                     [][2]string
	Photo                                                       *photoRef
	Draft                                                       bool
}

type photoRef struct {
	File, Caption, Credit, Alt string
	Focus                      *issue.Focus
	Line                       int
}

// splitFrontMatter separates "---\nYAML\n---\nbody". bodyLine is the
// 1-based file line the body starts on; YAML line 1 is file line 2.
func splitFrontMatter(data []byte) (yml, body []byte, bodyLine int, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) == 0 || strings.TrimSpace(string(lines[0])) != "---" {
		return nil, nil, 0, errors.New(`no front matter: the file must start with a "---" line`)
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(string(lines[i])) == "---" {
			return bytes.Join(lines[1:i], nil), bytes.Join(lines[i+1:], nil), i + 2, nil
		}
	}
	return nil, nil, 0, errors.New(`front matter is not closed by a "---" line`)
}

// parseFrontMatter decodes the YAML header strictly. lineOffset is added to
// YAML line numbers so errors point at lines of the file.
func parseFrontMatter(file string, yml []byte, lineOffset int, loc *time.Location) (*frontMatter, []error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(yml, &doc); err != nil {
		return nil, []error{&ReviewError{File: file, Err: fmt.Errorf("malformed YAML front matter: %w", shiftYAMLLines(err, lineOffset))}}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, []error{&ReviewError{File: file, Line: lineOffset, Err: errors.New("front matter must be a mapping of fields")}}
	}
	fm := &frontMatter{}
	var errs []error
	fail := func(n *yaml.Node, field string, format string, args ...any) {
		errs = append(errs, &ReviewError{File: file, Line: n.Line + lineOffset, Field: field, Err: fmt.Errorf(format, args...)})
	}
	seen := map[string]bool{}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := k.Value
		if seen[key] {
			fail(k, key, "field given twice")
			continue
		}
		seen[key] = true
		str := func(dst *string) {
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				fail(v, key, "want text")
				return
			}
			*dst = strings.TrimSpace(v.Value)
		}
		switch key {
		case "title":
			str(&fm.Title)
		case "section":
			str(&fm.Section)
		case "deck":
			str(&fm.Deck)
		case "byline":
			str(&fm.Byline)
		case "certificate":
			str(&fm.Certificate)
		case "opens":
			str(&fm.Opens)
		case "pullquote":
			str(&fm.Pullquote)
		case "published":
			t, err := parseTime(v, loc)
			if err != nil {
				fail(v, key, "%v", err)
			}
			fm.Published, fm.PublishedLine = t, v.Line+lineOffset
		case "rating":
			x, err := strconv.ParseFloat(v.Value, 64)
			if v.Kind != yaml.ScalarNode || err != nil {
				fail(v, key, "%q is not a number", v.Value)
				continue
			}
			fm.Rating, fm.RatingLine = &x, v.Line+lineOffset
		case "draft":
			b, err := strconv.ParseBool(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				fail(v, key, "%q: want true or false", v.Value)
			}
			fm.Draft = b
		case "credits":
			fm.Credits = parseCredits(v, func(n *yaml.Node, format string, args ...any) { fail(n, key, format, args...) })
		case "photo":
			fm.Photo = parsePhoto(v, func(n *yaml.Node, field, format string, args ...any) { fail(n, "photo."+field, format, args...) })
		default:
			fail(k, key, "unknown field (known: title, section, deck, byline, published, rating, certificate, credits, opens, pullquote, photo, draft)")
		}
	}
	for _, req := range []string{"title", "section", "published"} {
		if !seen[req] {
			errs = append(errs, &ReviewError{File: file, Line: lineOffset, Field: req, Err: errors.New("required field is missing")})
		}
	}
	for field, v := range map[string]string{"title": fm.Title, "section": fm.Section} {
		if seen[field] && v == "" {
			errs = append(errs, &ReviewError{File: file, Line: lineOffset, Field: field, Err: errors.New("must not be empty")})
		}
	}
	return fm, errs
}

// parseTime accepts an RFC 3339 time or a bare date (midnight in loc).
func parseTime(v *yaml.Node, loc *time.Location) (time.Time, error) {
	if v.Kind != yaml.ScalarNode {
		return time.Time{}, errors.New("want a date (2019-10-10) or an RFC 3339 time (2019-10-10T09:00:00-04:00)")
	}
	s := strings.TrimSpace(v.Value)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want a date (2019-10-10) or an RFC 3339 time (2019-10-10T09:00:00-04:00)", s)
}

func parseCredits(v *yaml.Node, fail func(*yaml.Node, string, ...any)) [][2]string {
	if v.Kind != yaml.SequenceNode {
		fail(v, `want a list of "Role: names" lines`)
		return nil
	}
	var out [][2]string
	for _, item := range v.Content {
		if item.Kind != yaml.MappingNode || len(item.Content) != 2 || item.Content[1].Kind != yaml.ScalarNode {
			fail(item, `want one "Role: names" per line`)
			continue
		}
		role, names := strings.TrimSpace(item.Content[0].Value), strings.TrimSpace(item.Content[1].Value)
		if role == "" || names == "" {
			fail(item, "role and names must not be empty")
			continue
		}
		out = append(out, [2]string{role, names})
	}
	return out
}

func parsePhoto(v *yaml.Node, fail func(*yaml.Node, string, string, ...any)) *photoRef {
	if v.Kind != yaml.MappingNode {
		fail(v, "file", "want a mapping with file, caption, credit, alt and focus")
		return nil
	}
	p := &photoRef{Line: v.Line}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if val.Kind != yaml.ScalarNode {
			fail(val, k.Value, "want text")
			continue
		}
		switch k.Value {
		case "file":
			p.File = strings.TrimSpace(val.Value)
		case "caption":
			p.Caption = strings.TrimSpace(val.Value)
		case "credit":
			p.Credit = strings.TrimSpace(val.Value)
		case "alt":
			p.Alt = strings.TrimSpace(val.Value)
		case "focus":
			f, err := issue.ParseFocus(val.Value)
			if err != nil {
				fail(val, k.Value, "%v", err)
				continue
			}
			p.Focus = &f
		default:
			fail(k, k.Value, "unknown field (known: file, caption, credit, alt, focus)")
		}
	}
	if p.File == "" {
		fail(v, "file", "required field is missing")
		return nil
	}
	return p
}

// shiftYAMLLines rewrites "line N" in a YAML error to the file's line.
func shiftYAMLLines(err error, offset int) error {
	msg := err.Error()
	var sb strings.Builder
	for {
		i := strings.Index(msg, "line ")
		if i < 0 {
			sb.WriteString(msg)
			break
		}
		j := i + len("line ")
		k := j
		for k < len(msg) && msg[k] >= '0' && msg[k] <= '9' {
			k++
		}
		n, convErr := strconv.Atoi(msg[j:k])
		sb.WriteString(msg[:j])
		if convErr == nil {
			sb.WriteString(strconv.Itoa(n + offset))
		}
		msg = msg[k:]
	}
	return errors.New(sb.String())
}
