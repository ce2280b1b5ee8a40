package markdown

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// reviewFiles lists the review files under the content folder, sorted.
// A symlinked folder is followed, never skipped in silence: each one adds
// a warning naming where it leads, and a link back into a folder already
// walked (a loop) is a warning too, not a hang.
func (s *Source) reviewFiles() (files, warnings []string, err error) {
	root, err := filepath.EvalSymlinks(s.dir)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{root: true}
	queue := []string{filepath.Clean(s.dir)}
	for len(queue) > 0 {
		// The trailing separator makes WalkDir follow a symlinked root.
		dir := queue[0] + string(filepath.Separator)
		queue = queue[1:]
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") && path != dir {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				fi, err := os.Stat(path)
				if err != nil {
					warnings = append(warnings, fmt.Sprintf("%s: a broken symbolic link, not read: %v", path, err))
					return nil
				}
				if fi.IsDir() {
					real, err := filepath.EvalSymlinks(path)
					switch {
					case err != nil:
						warnings = append(warnings, fmt.Sprintf("%s: a symlinked folder that cannot be resolved, not read: %v", path, err))
					case overlapsAny(real, seen):
						warnings = append(warnings, fmt.Sprintf("%s: a symlinked folder leading to %s, which overlaps a folder read already; not read twice", path, real))
					default:
						seen[real] = true
						warnings = append(warnings, fmt.Sprintf("%s: a symlinked folder, followed to %s", path, real))
						queue = append(queue, path)
					}
					return nil
				}
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(name), ".md") && !strings.EqualFold(name, "README.md") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	slices.Sort(files)
	return files, warnings, nil
}

// overlapsAny reports whether dir is inside one of the folders in seen,
// or holds one.
func overlapsAny(dir string, seen map[string]bool) bool {
	for s := range seen {
		if within(dir, s) || within(s, dir) {
			return true
		}
	}
	return false
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}
