// Package member holds Folio's members: who they are (Member), whether
// they receive issues (Status), how they want the PDF, and reading the
// membership files other systems export. It holds no SQL and no SMTP; the
// store keeps members, and the delivery ledger decides who is sent what.
package member
