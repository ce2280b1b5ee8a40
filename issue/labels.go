package issue

import "strings"

// DefaultOpensLabels label a review's Opens line by section, for sections
// the magazine has not labelled itself: films and shows open, records
// are out, books are published. Keys are lower case.
func DefaultOpensLabels() map[string]string {
	return map[string]string{
		"film": "Opens", "films": "Opens", "cinema": "Opens", "movies": "Opens",
		"stage": "Opens", "theatre": "Opens", "theater": "Opens", "dance": "Opens", "opera": "Opens",
		"music": "Out", "records": "Out", "albums": "Out",
		"books": "Published", "book": "Published", "fiction": "Published", "non-fiction": "Published",
	}
}

// OpensLabel is how the issue labels the Opens line of a review in
// section: the magazine's own label for it (Issue.Labels), else the
// default for such a section, else "Opens".
func (iss *Issue) OpensLabel(section string) string {
	key := strings.ToLower(strings.TrimSpace(section))
	for k, v := range iss.Labels {
		if strings.ToLower(strings.TrimSpace(k)) == key && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	if v, ok := DefaultOpensLabels()[key]; ok {
		return v
	}
	return "Opens"
}
