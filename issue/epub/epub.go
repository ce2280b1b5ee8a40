package epub

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/foliopress/folio/issue"
)

// File is the edition's name beside issue.pdf in an issue's folder.
const File = "issue.epub"

// ErrEmpty is returned for an issue with no reviews.
var ErrEmpty = errors.New("epub: issue has no reviews")

// Options tune the edition.
type Options struct {
	// Language is the edition's language (BCP 47); default "en-US".
	Language string
	// Publisher names who publishes the magazine; default its name.
	Publisher string
}

// Write writes the issue as an EPUB 3 file to w. The same issue and
// options give the same bytes.
func Write(w io.Writer, iss *issue.Issue, opts Options) error {
	if iss == nil || iss.Empty() {
		return ErrEmpty
	}
	if opts.Language == "" {
		opts.Language = "en-US"
	}
	if opts.Publisher == "" {
		opts.Publisher = iss.Magazine
	}
	b, err := newBook(iss, opts)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	// The text is a few hundred kilobytes: the fastest deflate level keeps
	// it small enough and the build well under its 30 ms goal.
	var fw *flate.Writer // one, reset for each file: each costs a megabyte
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		if fw == nil {
			var err error
			fw, err = flate.NewWriter(out, flate.BestSpeed)
			return fw, err
		}
		fw.Reset(out)
		return fw, nil
	})
	// The mimetype comes first, stored, with no extra field: readers
	// identify the format by its bytes at offset 30.
	if err := b.add(zw, "mimetype", []byte("application/epub+zip"), zip.Store); err != nil {
		return err
	}
	for _, f := range b.files {
		method := zip.Deflate
		if f.stored {
			method = zip.Store
		}
		if err := b.add(zw, f.name, f.data, method); err != nil {
			return err
		}
	}
	for _, p := range b.photos {
		if err := b.addPhoto(zw, p); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("epub: %w", err)
	}
	return nil
}

// add writes one file into the archive, dated the issue's date; the
// mimetype goes undated, as the extended timestamp Go writes for a date
// is an extra field, which the mimetype must not have.
func (b *book) add(zw *zip.Writer, name string, data []byte, method uint16) error {
	fh := &zip.FileHeader{Name: name, Method: method}
	if name != "mimetype" {
		fh.Modified = b.date
	}
	fw, err := zw.CreateHeader(fh)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err != nil {
		return fmt.Errorf("epub: write %s: %w", name, err)
	}
	return nil
}

// addPhoto writes a photo into the archive, stored (JPEG and PNG are
// compressed already). A photo the book carries as it is streams from
// its file: a build's dozen photos were megabytes read whole, the larger
// part of the book's time.
func (b *book) addPhoto(zw *zip.Writer, p *photo) error {
	name := "OEBPS/" + p.href
	if p.scaled() {
		data, err := p.scaledCopy()
		if err != nil {
			return err
		}
		return b.add(zw, name, data, zip.Store)
	}
	f, err := os.Open(p.r.Photo.Path)
	if err != nil {
		return fmt.Errorf("epub: review %s: photo %s: %w", p.r.Source, p.r.Photo.Path, err)
	}
	defer f.Close()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: b.date})
	if err == nil {
		_, err = io.Copy(fw, f)
	}
	if err != nil {
		return fmt.Errorf("epub: write %s: %w", name, err)
	}
	return nil
}

// identifier is the edition's unique identifier: a name-based UUID of the
// magazine's address and the issue's week, so a rebuild keeps it.
func identifier(iss *issue.Issue) string {
	h := sha1.Sum([]byte("folio epub\x00" + iss.BaseURL + "\x00" + iss.Magazine + "\x00" + iss.ID()))
	h[6] = h[6]&0x0f | 0x50 // version 5
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// file is one file of the book besides the photos.
type file struct {
	name   string
	data   []byte
	stored bool
}

// book is the edition being assembled.
type book struct {
	iss      *issue.Issue
	opts     Options
	date     time.Time
	files    []file
	photos   []*photo
	chapters []chapter
	cover    *photo
}

func newBook(iss *issue.Issue, opts Options) (*book, error) {
	b := &book{iss: iss, opts: opts, date: iss.Date}
	if b.date.IsZero() {
		b.date = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if err := b.collectPhotos(); err != nil {
		return nil, err
	}
	b.chapterize()
	b.files = append(b.files, file{name: "META-INF/container.xml", data: []byte(containerXML)})
	b.files = append(b.files, file{name: "OEBPS/style.css", data: []byte(styleCSS)})
	var buf bytes.Buffer
	if b.cover != nil {
		buf.WriteString(xmlDecl)
		if err := coverPage().Execute(&buf, b.coverView()); err != nil {
			return nil, fmt.Errorf("epub: cover: %w", err)
		}
		b.files = append(b.files, file{name: "OEBPS/cover.xhtml", data: bytes.Clone(buf.Bytes())})
	}
	buf.Reset()
	buf.WriteString(xmlDecl)
	if err := navPage().Execute(&buf, b.navView()); err != nil {
		return nil, fmt.Errorf("epub: navigation: %w", err)
	}
	b.files = append(b.files, file{name: "OEBPS/nav.xhtml", data: bytes.Clone(buf.Bytes())})
	for _, c := range b.chapters {
		buf.Reset()
		buf.WriteString(xmlDecl)
		if err := chapterPage().Execute(&buf, b.chapterView(c)); err != nil {
			return nil, fmt.Errorf("epub: section %s: %w", c.section.Name, err)
		}
		b.files = append(b.files, file{name: "OEBPS/" + c.href, data: bytes.Clone(buf.Bytes())})
	}
	buf.Reset()
	if err := packageDoc().Execute(&buf, b.packageView()); err != nil {
		return nil, fmt.Errorf("epub: package document: %w", err)
	}
	b.files = append(b.files, file{name: "OEBPS/content.opf", data: bytes.Clone(buf.Bytes())})
	return b, nil
}

const containerXML = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
`
