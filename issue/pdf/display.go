package pdf

// Kind says what an Item draws.
type Kind uint8

const (
	// KText is a run of text in one face: X, Y is the start of its
	// baseline; its spaces are WS wider than the face's.
	KText Kind = iota
	// KImage is a photo scaled into the box X, Y, W, H; Clip, if set,
	// crops it to the box CX, CY, CW, CH (a full-bleed cover).
	KImage
	// KRule is a line from X, Y to X+W, Y+H of width Stroke.
	KRule
	// KRect is a filled rectangle, optionally translucent (Alpha < 1).
	KRect
	// KLink is a clickable box: to URL, or to page Target.
	KLink
	// KSpanBegin opens a marked-content span whose text extracts as
	// Actual; KSpanEnd closes it. Drop caps use it.
	KSpanBegin
	KSpanEnd
)

// RGB is a colour.
type RGB struct{ R, G, B uint8 }

// Item is one element of a page's display list. Coordinates are points from
// the page's top-left corner. The one-byte fields come first, together, so
// that padding does not grow an Item (a 40-page issue has some 25,000).
type Item struct {
	Kind      Kind
	Face      Face
	Color     RGB
	Clip      bool // KImage: clip to the box CX, CY, CW, CH
	Invisible bool // KText: extractable but not painted
	// Furniture marks running heads, page numbers and their rules: what
	// repeats on every page rather than belonging to an article.
	Furniture  bool
	X, Y, W, H float64
	Size       float64
	WS         float64 // KText: extra width of each space, in points
	Text       string  // KText
	Actual     string  // KSpanBegin
	Stroke     float64 // KRule
	Alpha      float64 // KRect: 0 means opaque
	CX, CY     float64
	CW, CH     float64
	Photo      int     // KImage: index into Document.Photos
	Elem       int32   // the structure element it belongs to; 0: an artifact
	URL        string  // KLink
	Target     int     // KLink: 1-based page number when URL is empty
	TargetY    float64 // KLink: the y on the target page to show
}

// clipW is the width an image shows: its clip's, or its own.
func (it Item) clipW() float64 {
	if it.Clip {
		return it.CW
	}
	return it.W
}

// Bookmark is an outline entry that points at the top of its page.
type Bookmark struct {
	Title string
	Level int
	Y     float64
}

// Page is one laid-out page.
type Page struct {
	Number    int // 1-based
	Items     []Item
	Bookmarks []Bookmark
	sections  []string // the sections of the articles on the page
	contents  bool     // a contents page, which has no running head
}

// addSection notes that an article of section s is on the page.
func (p *Page) addSection(s string) {
	if len(p.sections) == 0 || p.sections[len(p.sections)-1] != s {
		p.sections = append(p.sections, s)
	}
}

// PhotoRef is a photo the document places, with the largest size it is
// printed at, so drawing can downscale it once.
type PhotoRef struct {
	Path   string
	Source string // the review's Source, for errors
	Format string
	Width  int
	Height int
	PrintW float64 // points
	PrintH float64
	// rgbJPEG: the file's header says JPEG, not CMYK (read by Layout).
	rgbJPEG bool
}

// Entry is where an article landed: its contents entry and first page.
type Entry struct {
	Section string
	Title   string
	Slug    string
	Page    int
	Y       float64 // where its opening starts; 0 for the page's top
}

// Document is a laid-out issue: pages ready to draw.
type Document struct {
	Width, Height float64
	Pages         []Page
	Photos        []PhotoRef
	Articles      []Entry
	Meta          Meta
	Stats         Stats
	// Elems is the logical structure (a tagged PDF): Elems[0] is the
	// Document element.
	Elems []Elem
	// Warnings are what a reader would notice but need not stop the
	// build: a cover photo printed under 150 ppi.
	Warnings []string
	fonts    *fontSet
}

// Meta is the document information the PDF carries.
type Meta struct {
	Title, Author, Subject, Keywords, Language string
}

// Stats measures the typesetting, for tests and tuning.
type Stats struct {
	Lines       int     // justified body lines
	LooseLines  int     // lines whose spaces stretch past 1.0 of their stretch
	MaxRatio    float64 // the largest adjustment ratio of any body line
	Hyphenated  int     // lines ending in a hyphen the breaker inserted
	Emergencies int     // paragraphs that needed the emergency pass
	// ShortLastLines counts paragraphs that still end in a line of one
	// short word; Rebroken those set again so as not to.
	ShortLastLines, Rebroken int
}
