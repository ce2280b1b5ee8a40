package templates

import (
	"embed"
	"io/fs"
)

//go:embed email/* web/*
var files embed.FS

// FS returns the embedded templates, rooted so that paths read
// "email/layout.html".
func FS() fs.FS { return files }
