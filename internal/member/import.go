package member

import "fmt"

// ImportOptions say how an import treats members who left.
type ImportOptions struct {
	// File names the source in each member's history ("members.csv:12").
	File string
	// Resubscribe: the rows that would make a member who left active
	// again are members who opted in again; Consent says where and how,
	// and is recorded with the import's time and the row as its source.
	Resubscribe bool
	Consent     string
	// Before, when set, runs once every row is read and staged, before
	// any is applied (Scan.Finish): it returns the lines to leave out
	// (repeated addresses), or an error that abandons the whole import.
	Before func() (drop []int, err error)
}

// ImportReport is what an import did.
type ImportReport struct {
	Added, Updated, Unchanged int
	// Resubscribed counts members who left and were made active again
	// under Resubscribe.
	Resubscribed int
	// Kept lists the rows refused because the member had left, in line
	// order.
	Kept []Kept
}

// Kept is one row whose member stayed out.
type Kept struct {
	Line   int
	Email  string
	Status Status // the status the member kept
	Reason Reason // the address's suppression, if any
}

// String reads like "kept unsubscribed, line 12 (ann@example.org)".
func (k Kept) String() string {
	return fmt.Sprintf("kept %s, line %d (%s)", keptWord(k.Status, k.Reason), k.Line, k.Email)
}
