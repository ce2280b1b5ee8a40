package publish

import (
	"os"

	"golang.org/x/sys/unix"
)

// closeWritten asks the kernel to start writing f's pages to disk, then
// closes f. A draft's files are fsynced when it is published; with the
// writes begun as each file is finished, the disk works while the rest
// of the issue is made instead of all at the end (a rebuild spent a
// sixth of its time in that final fsync).
func closeWritten(f *os.File) error {
	// Only a hint: where it is not supported, the fsync does it all.
	_ = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
	return f.Close()
}

// writeFile is os.WriteFile for a draft's file, closed by closeWritten.
func writeFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return closeWritten(f)
}
