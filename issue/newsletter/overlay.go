package newsletter

import (
	"errors"
	"io/fs"
	"os"
)

// Overlay returns a file system that serves a file from dir when dir has
// it, else from base: an editor overrides single templates by copying
// them into dir under the same relative path ("email/card.html"). An
// empty dir returns base.
func Overlay(base fs.FS, dir string) fs.FS {
	if dir == "" {
		return base
	}
	return overlayFS{top: os.DirFS(dir), base: base}
}

type overlayFS struct {
	top, base fs.FS
}

// Open opens name from the top layer, falling back to base only when the
// top layer does not have it; other errors (permissions) are reported.
func (o overlayFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := o.top.Open(name)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return o.base.Open(name)
}
