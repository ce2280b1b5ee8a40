package newsletter

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// The personal fields of an edition, in slot order. The first three are
// filled with the output of the personal templates of the same name.
const (
	slotGreeting = iota
	slotMembership
	slotPDF
	slotName
	slotEmail
	slotTier
	slotUnsubscribe
	slotArchive
	slotPDFURL
	slotIssueURL // the member's own address of the issue's web version
	slotManage   // the member's "manage your delivery" page
	slotCount
)

// placeholders are the unique stand-ins for a member's fields during the
// once-per-issue render: letters and digits only, so escaping and CSS
// inlining leave them intact, and a random nonce, so review text cannot
// forge one.
type placeholders struct {
	prefix string
}

func newPlaceholders() (placeholders, error) {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return placeholders{}, fmt.Errorf("newsletter: placeholder nonce: %w", err)
	}
	return placeholders{prefix: "fs" + hex.EncodeToString(b[:])}, nil
}

func (p placeholders) token(slot int) string {
	return p.prefix + string(rune('a'+slot)) + "q"
}

// member is the MemberView of the once-per-issue render.
func (p placeholders) member() MemberView {
	return MemberView{
		Greeting:       asHTML(p.token(slotGreeting)),
		Membership:     asHTML(p.token(slotMembership)),
		PDF:            asHTML(p.token(slotPDF)),
		Name:           p.token(slotName),
		Email:          p.token(slotEmail),
		Tier:           p.token(slotTier),
		UnsubscribeURL: p.token(slotUnsubscribe),
		ArchiveURL:     p.token(slotArchive),
		PDFURL:         p.token(slotPDFURL),
		ManageURL:      p.token(slotManage),
	}
}

// split is a rendered document cut at its placeholders: literal chunks
// with slot numbers between them, len(chunks) == len(slots)+1.
type split struct {
	chunks []string
	slots  []int
	size   int // bytes of literal text
}

func (p placeholders) split(doc string) (split, error) {
	var s split
	for {
		i := strings.Index(doc, p.prefix)
		if i < 0 {
			break
		}
		rest := doc[i+len(p.prefix):]
		if len(rest) < 2 || rest[1] != 'q' || rest[0] < 'a' || int(rest[0]-'a') >= slotCount {
			return split{}, fmt.Errorf("%w: a member field was changed by the template", ErrTemplate)
		}
		s.chunks = append(s.chunks, doc[:i])
		s.slots = append(s.slots, int(rest[0]-'a'))
		doc = rest[2:]
	}
	s.chunks = append(s.chunks, doc)
	nonce := p.prefix[2:]
	for _, c := range s.chunks {
		s.size += len(c)
		if strings.Contains(strings.ToLower(c), nonce) {
			return split{}, fmt.Errorf("%w: a member field was changed by the template (print .Member fields as they are)", ErrTemplate)
		}
	}
	return s, nil
}

// shows reports whether the document's own text holds s.
func (s split) shows(text string) bool {
	for _, c := range s.chunks {
		if strings.Contains(c, text) {
			return true
		}
	}
	return false
}

// has reports whether the document shows the given slot.
func (s split) has(slot int) bool {
	for _, v := range s.slots {
		if v == slot {
			return true
		}
	}
	return false
}

// pieces appends the chunks and the values of their slots to dst in
// turn — chunk, value, chunk, …, chunk — so the even pieces are the
// edition's own strings, the same in every member's copy. With
// dropEmptyLines, an empty value that stood on a line of its own takes
// its line with it (plain text).
func (s split) pieces(dst []string, vals *[slotCount]string, dropEmptyLines bool) []string {
	skipNL, endsNL := false, false
	for i, c := range s.chunks {
		if skipNL && strings.HasPrefix(c, "\n") {
			c = c[1:]
		}
		skipNL = false
		dst = append(dst, c)
		if c != "" {
			endsNL = c[len(c)-1] == '\n'
		}
		if i == len(s.slots) {
			break
		}
		v := vals[s.slots[i]]
		if v == "" && dropEmptyLines && endsNL {
			skipNL = true
		}
		dst = append(dst, v)
		if v != "" {
			endsNL = v[len(v)-1] == '\n'
		}
	}
	return dst
}
