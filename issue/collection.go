package issue

import (
	"slices"
	"strings"
)

// Collection is what a source found for a week: the reviews it collected,
// grouped into sections, and an account of everything it did not collect,
// so nothing drops out of an issue unseen.
type Collection struct {
	Reviews  []*Review // collected, in issue order
	Sections []Section // the reviews grouped, in section order
	Skipped  []error   // broken reviews left out under skipInvalid
	// Notes are things the editor should know that are not errors, such
	// as images of a post left out of its body.
	Notes     []string
	Drafts    int // drafts in the week, never collected
	OtherWeek int // reviews of other weeks
}

// Group orders reviews into sections: order when it is given, else
// alphabetical; within a section by publication time, then title.
// Reviews of a section not in order go last, alphabetically.
func Group(reviews []*Review, order []string) []Section {
	by := map[string][]*Review{}
	for _, r := range reviews {
		by[r.Section] = append(by[r.Section], r)
	}
	names := slices.Clone(order)
	var rest []string
	for name := range by {
		if !slices.Contains(names, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	names = append(names, rest...)
	var out []Section
	for _, name := range names {
		rs := by[name]
		if len(rs) == 0 {
			continue
		}
		slices.SortStableFunc(rs, func(a, b *Review) int {
			if c := a.Published.Compare(b.Published); c != 0 {
				return c
			}
			return strings.Compare(a.Title, b.Title)
		})
		out = append(out, Section{Name: name, Reviews: rs})
	}
	return out
}
