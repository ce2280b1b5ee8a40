package issue

import "time"

// Issue is one week's magazine: its reviews grouped by section, sections in
// the magazine's order and reviews by publication time.
type Issue struct {
	Magazine string
	Week     Week
	Number   int       // the issue's number, counted from the magazine's first issue
	Date     time.Time // Monday 00:00 of the week in the magazine's time zone
	BaseURL  string    // the magazine's public web address, without a trailing slash
	Sections []Section
	// Labels name the Opens line by section ("Books": "Published"); a
	// section not named here gets OpensLabel's default.
	Labels map[string]string `json:",omitempty"`
}

// Section is a named group of reviews, such as Film.
type Section struct {
	Name    string
	Reviews []*Review
}

// Reviews returns every review in issue order.
func (iss *Issue) Reviews() []*Review {
	var out []*Review
	for _, s := range iss.Sections {
		out = append(out, s.Reviews...)
	}
	return out
}

// Lead is the issue's lead review: the first in issue order with a photo,
// else the first. It is nil for an empty issue.
func (iss *Issue) Lead() *Review {
	all := iss.Reviews()
	for _, r := range all {
		if r.Photo != nil {
			return r
		}
	}
	if len(all) > 0 {
		return all[0]
	}
	return nil
}

// Empty reports whether the issue has no reviews.
func (iss *Issue) Empty() bool { return len(iss.Reviews()) == 0 }

// ID names the issue in ledgers, URLs and folders: the ISO week, "2019-W41".
func (iss *Issue) ID() string { return iss.Week.String() }

// DateLabel is the issue's cover date, e.g. "Week of October 7, 2019".
func (iss *Issue) DateLabel() string { return "Week of " + iss.Date.Format("January 2, 2006") }
