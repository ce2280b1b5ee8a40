package newsletter

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
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

// CheckTemplateDir reports files in an editor's template folder that
// override nothing (a misspelt or misplaced name would otherwise be
// ignored without a word). Hidden files are skipped.
func CheckTemplateDir(dir string) error {
	known := map[string]bool{}
	for _, f := range append(append(emailFiles(), textFiles()...), webFiles()...) {
		known[f] = true
	}
	var unknown []string
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != "." {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && !known[p] {
			unknown = append(unknown, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("newsletter: template dir %s: %w", dir, err)
	}
	if len(unknown) > 0 {
		names := slices.Sorted(maps.Keys(known))
		return fmt.Errorf("%w dir %s: %s override nothing (known: %s)", ErrTemplate, dir,
			strings.Join(unknown, ", "), strings.Join(names, ", "))
	}
	return nil
}
