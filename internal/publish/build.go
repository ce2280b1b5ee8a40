package publish

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/epub"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/issue/pdf"
)

// ErrEmptyWeek is returned when a week has no reviews to publish.
var ErrEmptyWeek = errors.New("publish: no reviews in the week")

// The files of a built issue, beside issue.PDFFile, issue.WebFile and the
// issue.ImagesDir folder.
const (
	EmailHTMLFile = "email.html"
	EmailTextFile = "email.txt"
	ManifestFile  = artifact.ManifestFile
)

// Artifacts keeps built issues: artifact.Folder, or the store's tables
// when the store is PostgreSQL.
type Artifacts interface {
	// Begin waits for the week's build lock and returns a draft to fill;
	// its Publish swaps the week's issue whole, its Close unlocks.
	Begin(ctx context.Context, week string) (*artifact.Draft, error)
	// Local returns a folder on this machine holding the week's issue, or
	// an error wrapping artifact.ErrNotFound when it has none.
	Local(ctx context.Context, week string) (string, error)
}

// Builder turns a week's reviews into the issue's folder of artifacts.
type Builder struct {
	Source    Source
	Masthead  issue.Masthead
	Artifacts Artifacts
	PDF       pdf.Options
	Renderer  *newsletter.Renderer
	// Sample is the member email.html and email.txt are rendered for.
	Sample newsletter.Recipient
	// FolderOnly leaves Built.PDF, Built.EPUB and Built.Edition nil: the
	// files are written and never read back, for callers that want only
	// the folder (folio build).
	FolderOnly bool
	// PhotoCache is a folder keeping the scaled copies of photos by their
	// content, so a rebuild copies them instead of scaling them again;
	// empty keeps none.
	PhotoCache string
}

// Built is a week's issue with its artifacts on disk.
type Built struct {
	Issue   *issue.Issue
	Dir     string // a local folder holding the issue's files
	PDF     []byte // nil when the Builder is FolderOnly
	PDFSize int64  // bytes of issue.pdf
	// EPUB is the EPUB edition (issue.epub), for members who take it
	// instead of the PDF; nil when the Builder is FolderOnly, or for an
	// issue built before Folio made one.
	EPUB    []byte
	Edition *newsletter.Edition // nil when the Builder is FolderOnly
	// Warnings are what the typesetter noticed and a reader would (a cover
	// photo under 150 ppi), for the caller to show.
	Warnings []string
	Skipped  []error // broken reviews left out under skipInvalid
	Result   *issue.Collection
}

// Build collects the week's reviews and writes the issue's files. They
// are written as a draft and published whole at the end, so a failed
// build never leaves a half-written issue and the old one stays; builds
// of one week queue on the week's lock. The PDF's fonts load while the
// reviews are collected. An empty week writes nothing: ErrEmptyWeek.
func (b *Builder) Build(ctx context.Context, week issue.Week, skipInvalid bool) (*Built, error) {
	return b.BuildWith(ctx, pdf.Prepare(ctx, b.PDF), week, skipInvalid)
}

// BuildWith is Build with a typesetter prepared ahead (while the caller set
// up the rest), which it takes over; one for options other than b.PDF is
// closed and prepared afresh.
func (b *Builder) BuildWith(ctx context.Context, ts *pdf.Typesetter, week issue.Week, skipInvalid bool) (*Built, error) {
	if ts.Options() != b.PDF {
		ts.Close()
		ts = pdf.Prepare(ctx, b.PDF)
	}
	defer ts.Close()
	res, err := b.Source.Collect(ctx, week, skipInvalid)
	if err != nil {
		return nil, fmt.Errorf("publish: collect %s: %w", week, err)
	}
	iss := issue.New(b.Masthead, week, res.Sections)
	if iss.Empty() {
		return &Built{Issue: iss, Skipped: res.Skipped, Result: res}, fmt.Errorf("%w %s", ErrEmptyWeek, week)
	}
	draft, err := b.Artifacts.Begin(ctx, week.String())
	if err != nil {
		return nil, fmt.Errorf("publish: build %s: %w", week, err)
	}
	defer func() { _ = draft.Close() }()
	tmp := draft.Dir
	// The PDF is the longest step and reads only the issue, so it is typeset
	// on another goroutine, straight into its file. Its layout sets bodies
	// on both cores, so the newsletter is rendered and the folder filled
	// once it is laid out, while it is drawn; its error still comes first,
	// as when the steps ran in turn.
	pdfPath := filepath.Join(tmp, issue.PDFFile)
	typeset := typesetAsync(ctx, ts, iss, pdfPath)
	select {
	case <-ts.LaidOut():
	case <-ctx.Done():
	}
	var cacheWarns cacheWarnings
	cache := photoCache{dir: b.PhotoCache, warn: cacheWarns.add}
	_, err = b.writeFolder(ctx, iss, week, tmp, cache) // its edition points at the sources; publishedEdition replaces it
	pdfRes := <-typeset
	if pdfRes.err != nil {
		return nil, fmt.Errorf("publish: typeset %s: %w", week, pdfRes.err)
	}
	if err != nil {
		return nil, err
	}
	var data, epubData []byte
	if !b.FolderOnly {
		if data, err = os.ReadFile(pdfPath); err != nil {
			return nil, fmt.Errorf("publish: read %s: %w", issue.PDFFile, err)
		}
		if epubData, err = os.ReadFile(filepath.Join(tmp, epub.File)); err != nil {
			return nil, fmt.Errorf("publish: read %s: %w", epub.File, err)
		}
	}
	if err := draft.Publish(ctx); err != nil {
		return nil, fmt.Errorf("publish: build %s: %w", week, err)
	}
	final, err := b.Artifacts.Local(ctx, week.String())
	if err != nil {
		return nil, fmt.Errorf("publish: build %s: %w", week, err)
	}
	var ed *newsletter.Edition
	if !b.FolderOnly {
		if ed, err = b.publishedEdition(iss, final); err != nil {
			return nil, err
		}
	}
	return &Built{Issue: iss, Dir: final, PDF: data, PDFSize: pdfRes.size, EPUB: epubData, Edition: ed, Skipped: res.Skipped, Result: res,
		Warnings: append(ts.Warnings(), cacheWarns.all()...)}, nil
}

// publishedEdition is the edition of the issue as published in dir: its
// email embeds the photos publishPhotos scaled, not the sources.
func (b *Builder) publishedEdition(iss *issue.Issue, dir string) (*newsletter.Edition, error) {
	data, err := encodeManifest(iss)
	if err != nil {
		return nil, err
	}
	pub, err := decodeManifest(data, dir)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	ed, err := b.Renderer.Edition(pub)
	if err != nil {
		return nil, fmt.Errorf("publish: newsletter %s: %w", iss.Week, err)
	}
	return ed, nil
}

// typesetResult is the size of the PDF typesetAsync wrote, or why it failed.
type typesetResult struct {
	size int64
	err  error
}

// typesetAsync typesets the issue's PDF with ts in a goroutine, into a new
// file at path (streamed: the PDF is never held whole in memory); the
// channel gets exactly one result, so the caller joins it by receiving.
func typesetAsync(ctx context.Context, ts *pdf.Typesetter, iss *issue.Issue, path string) <-chan typesetResult {
	out := make(chan typesetResult, 1)
	go func(ctx context.Context) {
		var f *os.File
		err := ctx.Err()
		if err == nil {
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		}
		if err != nil {
			ts.Close() // Typeset will not, and LaidOut must close
			out <- typesetResult{err: err}
			return
		}
		err = ts.Typeset(f, iss)
		size, serr := f.Seek(0, io.SeekCurrent)
		out <- typesetResult{size: size, err: cmp.Or(err, serr, closeWritten(f))}
	}(ctx)
	return out
}

// writeFolder writes the issue's files but the PDF into the temporary
// folder tmp: the newsletter, the web version, the manifest, the photos
// and the EPUB.
func (b *Builder) writeFolder(ctx context.Context, iss *issue.Issue, week issue.Week, tmp string, cache photoCache) (*newsletter.Edition, error) {
	// The EPUB reads only the issue and the source photos: it is written
	// beside the rest, taking a core whenever the others wait.
	book := make(chan error, 1)
	go func(ctx context.Context) {
		if err := ctx.Err(); err != nil {
			book <- err
			return
		}
		book <- writeEPUB(iss, b.PDF.Language, filepath.Join(tmp, epub.File))
	}(ctx)
	ed, err := b.writePages(ctx, iss, week, tmp, cache)
	if berr := <-book; err == nil && berr != nil {
		err = fmt.Errorf("publish: %s %s: %w", epub.File, week, berr)
	}
	if err != nil {
		return nil, err
	}
	return ed, nil
}

// writePages renders the newsletter and the web version and writes them,
// the manifest and the photos into tmp.
func (b *Builder) writePages(ctx context.Context, iss *issue.Issue, week issue.Week, tmp string, cache photoCache) (*newsletter.Edition, error) {
	ed, err := b.Renderer.Edition(iss)
	if err != nil {
		return nil, fmt.Errorf("publish: newsletter %s: %w", week, err)
	}
	sample, err := ed.Render(b.Sample)
	if err != nil {
		return nil, fmt.Errorf("publish: render sample email %s: %w", week, err)
	}
	web, err := ed.WebPage()
	if err != nil {
		return nil, fmt.Errorf("publish: web version %s: %w", week, err)
	}
	manifest, err := encodeManifest(iss)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		issue.WebFile: web,
		EmailHTMLFile: []byte(sample.HTML),
		EmailTextFile: []byte(sample.Text),
		ManifestFile:  manifest,
	}
	for name, data := range files {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		if err := writeFile(filepath.Join(tmp, name), data); err != nil {
			return nil, fmt.Errorf("publish: write %s: %w", name, err)
		}
	}
	if err := publishPhotos(iss, filepath.Join(tmp, issue.ImagesDir), cache); err != nil {
		return nil, err
	}
	return ed, nil
}

// Load returns the week's built issue from its folder, building it first
// when the folder has none. Sending what was built (and previewed) rather
// than rebuilding keeps a send faithful to what the editor approved.
func (b *Builder) Load(ctx context.Context, week issue.Week, skipInvalid bool) (*Built, bool, error) {
	built, err := b.LoadBuilt(ctx, week)
	if errors.Is(err, artifact.ErrNotFound) {
		built, err := b.Build(ctx, week, skipInvalid)
		return built, true, err
	}
	return built, false, err
}

// LoadBuilt returns the week's built issue; an error wrapping
// artifact.ErrNotFound means it has not been built.
func (b *Builder) LoadBuilt(ctx context.Context, week issue.Week) (*Built, error) {
	dir, err := b.Artifacts.Local(ctx, week.String())
	if err != nil {
		return nil, fmt.Errorf("publish: load %s: %w", week, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("publish: load %s: %w", week, err)
	}
	iss, err := decodeManifest(data, dir)
	if err != nil {
		return nil, fmt.Errorf("publish: load %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	pdfData, err := os.ReadFile(filepath.Join(dir, issue.PDFFile))
	if err != nil {
		return nil, fmt.Errorf("publish: load %s: %w", week, err)
	}
	// An issue built before Folio made EPUBs has none: its members get
	// the PDF.
	epubData, err := os.ReadFile(filepath.Join(dir, epub.File))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("publish: load %s: %w", week, err)
	}
	// An issue built before Folio scaled the email's photos has only the
	// originals: make the copies its email now links.
	if err := writeEmailPhotos(iss, filepath.Join(dir, issue.ImagesDir)); err != nil {
		return nil, fmt.Errorf("publish: load %s: %w", week, err)
	}
	ed, err := b.Renderer.Edition(iss)
	if err != nil {
		return nil, fmt.Errorf("publish: newsletter %s: %w", week, err)
	}
	return &Built{Issue: iss, Dir: dir, PDF: pdfData, PDFSize: int64(len(pdfData)), EPUB: epubData, Edition: ed}, nil
}

// encodeManifest saves the issue with photo paths relative to the issue
// folder, where publishPhotos puts them, and their published size.
func encodeManifest(iss *issue.Issue) ([]byte, error) {
	cp := *iss
	cp.Sections = make([]issue.Section, len(iss.Sections))
	for i, s := range iss.Sections {
		cp.Sections[i] = issue.Section{Name: s.Name}
		for _, r := range s.Reviews {
			rc := *r
			if r.Photo != nil {
				ph := *r.Photo
				ph.Path = filepath.ToSlash(filepath.Join(issue.ImagesDir, issue.PhotoFile(r)))
				ph.Width, ph.Height = webSize(ph.Width, ph.Height) // as publishPhotos scales it
				rc.Photo = &ph
			}
			cp.Sections[i].Reviews = append(cp.Sections[i].Reviews, &rc)
		}
	}
	data, err := json.MarshalIndent(&cp, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("publish: encode manifest: %w", err)
	}
	return data, nil
}

func decodeManifest(data []byte, dir string) (*issue.Issue, error) {
	var iss issue.Issue
	if err := json.Unmarshal(data, &iss); err != nil {
		return nil, err
	}
	for _, r := range iss.Reviews() {
		if r.Photo != nil && !filepath.IsAbs(r.Photo.Path) {
			r.Photo.Path = filepath.Join(dir, filepath.FromSlash(r.Photo.Path))
		}
	}
	return &iss, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return cmp.Or(err, closeWritten(out))
}

// writeEPUB writes the issue's EPUB edition to path.
func writeEPUB(iss *issue.Issue, lang, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := epub.Write(f, iss, epub.Options{Language: lang}); err != nil {
		_ = f.Close()
		return err
	}
	return closeWritten(f)
}
