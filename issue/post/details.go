package post

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The certificate and opens line are read, best effort, from the closing
// note reviews often carry: "Pain and Glory is rated R, and opens Friday,
// Oct. 11 at the Angelika." Neither is guessed when the text does not say.
var (
	ratedRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:is |are )?[Rr]ated (G|PG-13|PG|R|NC-17|NR|Not Rated|Unrated|U|12A|15|18)\b`)
	})
	opensRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\bopens\s+((?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|this|next|in\s|at\s|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d))`)
	})
)

// abbreviations end in a period without ending the sentence.
var abbreviations = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"st": true, "ave": true, "blvd": true, "rd": true, "mt": true, "dr": true, "mr": true, "mrs": true, "ms": true,
	"jr": true, "no": true, "p.m": true, "a.m": true, "pm": true, "am": true, "u.s": true, "ft": true,
}

// findCertificate returns the film's certificate when a paragraph says
// "is rated R".
func findCertificate(paragraphs []string) string {
	for _, p := range paragraphs {
		if !strings.Contains(p, "ated ") {
			continue // the regexp's cost is for the few paragraphs that may match
		}
		if m := ratedRe().FindStringSubmatch(p); m != nil {
			return m[1]
		}
	}
	return ""
}

// findOpens returns the rest of the sentence after "opens" when it says
// when: "Friday, Oct. 11 at the Angelika".
func findOpens(paragraphs []string) string {
	for _, p := range paragraphs {
		if !strings.Contains(strings.ToLower(p), "opens") {
			continue
		}
		loc := opensRe().FindStringSubmatchIndex(p)
		if loc == nil {
			continue
		}
		rest := p[loc[2]:]
		return strings.TrimSpace(strings.TrimRight(sentence(rest), "."))
	}
	return ""
}

// sentence cuts s at the end of its first sentence: a period, question or
// exclamation mark followed by a space and a capital, unless the period
// ends an abbreviation or an initial.
func sentence(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		rest := s[i+1:]
		if rest == "" {
			return s[:i+1]
		}
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " "))
		if !strings.HasPrefix(rest, " ") || !unicode.IsUpper(r) {
			continue
		}
		if c == '.' {
			word := strings.ToLower(s[strings.LastIndexAny(s[:i], " (")+1 : i])
			if abbreviations[word] || utf8.RuneCountInString(word) == 1 {
				continue
			}
		}
		return s[:i+1]
	}
	return s
}
