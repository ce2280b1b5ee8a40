// Package artifact keeps built issues: each week's set of files — the PDF,
// the web version, the email parts, the photos and the manifest — written
// as a draft and published whole, so readers see the old issue or the new
// one and never a mix, a half or nothing.
//
// Folder keeps them under a folder on disk (the default, beside SQLite):
// a draft is a scratch folder swapped in with renameat2(RENAME_EXCHANGE).
// The store keeps them in the database instead (PostgreSQL), so several
// instances serve and send with no shared disk. Builds of one week queue
// on a lock, and a draft left by a killed build is removed by the next.
package artifact
