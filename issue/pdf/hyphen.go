package pdf

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hyphenator finds hyphenation points with Liang's algorithm: every pattern
// that matches inside ".word." votes a digit between letters; an odd
// maximum allows a break there.
type hyphenator struct {
	pats        map[string][]uint8
	maxLen      int // the longest pattern, in bytes
	left, right int // letters kept before the first and after the last break
	minWord     int // shorter words are never hyphenated
	cache       map[string][]int
}

// newHyphenator reads patterns in the libhyphen .dic format. Every
// build reads the 11,000 patterns, so they are stored without an
// allocation each: the letters of all of them are one string whose
// substrings are the keys, and their values one slice.
func newHyphenator(data []byte) (*hyphenator, error) {
	h := &hyphenator{pats: make(map[string][]uint8, 12000), left: 2, right: 3, minWord: 6, cache: map[string][]int{}}
	type ref struct{ lo, hi, vlo, vhi int } // letters[lo:hi], values[vlo:vhi]
	var (
		letters = make([]byte, 0, len(data))
		values  = make([]uint8, 0, len(data))
		refs    = make([]ref, 0, 12000)
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	first := true
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if first {
			first = false
			if string(line) != "UTF-8" {
				return nil, fmt.Errorf("pdf: hyphenation patterns: charset %q, want UTF-8", line)
			}
			continue
		}
		if len(line) == 0 || line[0] == '%' || line[0] == '#' {
			continue
		}
		if k, v, ok := bytes.Cut(line, []byte(" ")); ok {
			n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			if err != nil {
				return nil, fmt.Errorf("pdf: hyphenation patterns: %q: %w", line, err)
			}
			switch string(k) {
			case "LEFTHYPHENMIN":
				h.left = max(n, 1)
			case "RIGHTHYPHENMIN":
				h.right = max(n, 1)
			}
			continue
		}
		// A pattern such as "a2ch4": letters "ach", values 0,2,0,4.
		r := ref{lo: len(letters), vlo: len(values)}
		values = append(values, 0)
		for i := 0; i < len(line); {
			c, size := utf8.DecodeRune(line[i:])
			if c >= '0' && c <= '9' {
				values[len(values)-1] = uint8(c - '0')
			} else {
				letters = append(letters, line[i:i+size]...)
				values = append(values, 0)
			}
			i += size
		}
		r.hi, r.vhi = len(letters), len(values)
		refs = append(refs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pdf: hyphenation patterns: %w", err)
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("pdf: hyphenation patterns: none found")
	}
	all := string(letters)
	for _, r := range refs {
		key := all[r.lo:r.hi]
		h.pats[key] = values[r.vlo:r.vhi:r.vhi]
		h.maxLen = max(h.maxLen, len(key))
	}
	return h, nil
}

// points returns the rune offsets in word before which a hyphen may go.
// Words shorter than minWord, capitalised words (proper names) and words
// with anything but letters get none.
func (h *hyphenator) points(word string) []int {
	if p, ok := h.cache[word]; ok {
		return p
	}
	p := h.compute(word)
	h.cache[word] = p
	return p
}

func (h *hyphenator) compute(word string) []int {
	n := utf8.RuneCountInString(word)
	if n < h.minWord {
		return nil
	}
	for i, r := range word {
		if !unicode.IsLetter(r) || (i == 0 && unicode.IsUpper(r)) {
			return nil
		}
	}
	// Work on bytes of the lower-cased ASCII-or-not word, tracking where
	// each rune starts so votes map back to rune offsets.
	w := "." + strings.ToLower(word) + "."
	starts := make([]int, 0, n+3)
	for i := range w {
		starts = append(starts, i)
	}
	starts = append(starts, len(w))
	votes := make([]uint8, len(starts))
	for i := 0; i < len(starts)-1; i++ {
		for j := i + 1; j < len(starts) && starts[j]-starts[i] <= h.maxLen; j++ {
			vals, ok := h.pats[w[starts[i]:starts[j]]]
			if !ok {
				continue
			}
			for k, v := range vals {
				if v > votes[i+k] {
					votes[i+k] = v
				}
			}
		}
	}
	// votes[k] sits before rune k of w; rune k of w is rune k-1 of word.
	var out []int
	for k := 1 + h.left; k <= n+1-h.right; k++ {
		if votes[k]%2 == 1 {
			out = append(out, k-1)
		}
	}
	return out
}

// hyphenate shows the breaks of word with "-", for tests and debugging.
func (h *hyphenator) hyphenate(word string) string {
	pts := h.points(word)
	if len(pts) == 0 {
		return word
	}
	var sb strings.Builder
	i := 0
	for _, r := range word {
		if len(pts) > 0 && pts[0] == i {
			sb.WriteByte('-')
			pts = pts[1:]
		}
		sb.WriteRune(r)
		i++
	}
	return sb.String()
}

// fresh returns a hyphenator sharing h's patterns, which nothing changes
// once read, with a cache of its own, for use on another goroutine.
func (h *hyphenator) fresh() *hyphenator {
	c := *h
	c.cache = map[string][]int{}
	return &c
}
