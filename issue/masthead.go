package issue

import "time"

// Masthead is what stays the same from issue to issue.
type Masthead struct {
	Name     string
	BaseURL  string
	Location *time.Location
	// FirstIssue is the week of issue number 1; zero numbers each issue by
	// its week of the year.
	FirstIssue Week
	// Labels name the Opens line by section (see Issue.OpensLabel).
	Labels map[string]string
}

// New assembles the issue of week w from its sections.
func New(m Masthead, w Week, sections []Section) *Issue {
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Issue{
		Magazine: m.Name,
		Week:     w,
		Number:   m.Number(w),
		Date:     w.Start(loc),
		BaseURL:  m.BaseURL,
		Sections: sections,
		Labels:   m.Labels,
	}
}

// Number is the issue number of week w: weeks since FirstIssue, plus one.
func (m Masthead) Number(w Week) int {
	if m.FirstIssue.IsZero() {
		return w.Num
	}
	a := m.FirstIssue.Start(time.UTC)
	b := w.Start(time.UTC)
	return int(b.Sub(a).Hours()/24/7) + 1
}
