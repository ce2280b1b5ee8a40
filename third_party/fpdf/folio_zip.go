// Folio: this file is not in upstream fpdf. It compresses finished pages
// in the background while the next ones are drawn, so that Output finds
// most page streams ready instead of compressing them all in turn.

package fpdf

import "sync"

// pageZip compresses finished pages on another goroutine. A worker runs
// only while pages wait, so nothing lingers when no Output follows.
type pageZip struct {
	mu      sync.Mutex
	pending []int // finished pages no worker has taken yet, in order
	jobs    map[int]*zipJob
	running bool
}

// zipJob is one page's compression: data is the content compressed, mem
// the result once done is closed.
type zipJob struct {
	data []byte
	done chan struct{}
	mem  *membuffer
}

// zipPage queues the finished page n for compression in the background.
func (f *Fpdf) zipPage(n int) {
	if !f.compress || f.err != nil || n < 1 || n >= len(f.pages) {
		return
	}
	if f.zip == nil {
		f.zip = &pageZip{jobs: map[int]*zipJob{}}
	}
	z := f.zip
	z.mu.Lock()
	if _, ok := z.jobs[n]; ok {
		z.mu.Unlock()
		return
	}
	z.jobs[n] = &zipJob{data: f.pages[n].Bytes(), done: make(chan struct{})}
	z.pending = append(z.pending, n)
	start := !z.running
	z.running = true
	z.mu.Unlock()
	if start {
		go z.work()
	}
}

func (z *pageZip) work() {
	for {
		z.mu.Lock()
		if len(z.pending) == 0 {
			z.running = false
			z.mu.Unlock()
			return
		}
		j := z.jobs[z.pending[0]]
		z.pending = z.pending[1:]
		z.mu.Unlock()
		j.mem = xmem.compress(j.data)
		close(j.done)
	}
}

// take removes page n's job and returns its compressed content when it
// still matches data (the page as it is now), else nil. A job no worker
// has started is dropped, so the caller compresses the page itself.
func (z *pageZip) take(n int, data []byte) *membuffer {
	if z == nil {
		return nil
	}
	z.mu.Lock()
	j, ok := z.jobs[n]
	delete(z.jobs, n)
	for i, p := range z.pending {
		if p == n {
			z.pending = append(z.pending[:i], z.pending[i+1:]...)
			ok = false
			break
		}
	}
	z.mu.Unlock()
	if !ok {
		return nil
	}
	<-j.done
	if len(j.data) != len(data) || (len(data) > 0 && &j.data[0] != &data[0]) {
		j.mem.release()
		return nil
	}
	return j.mem
}

// forget waits for page n's compression and drops it, before the page is
// written to again (SetPage) or rewritten (aliases).
func (z *pageZip) forget(n int) {
	if mem := z.take(n, nil); mem != nil {
		mem.release()
	}
}

// forgetAll drops every page's compression.
func (z *pageZip) forgetAll() {
	if z == nil {
		return
	}
	z.mu.Lock()
	pages := make([]int, 0, len(z.jobs))
	for n := range z.jobs {
		pages = append(pages, n)
	}
	z.mu.Unlock()
	for _, n := range pages {
		z.forget(n)
	}
}

// pageStream is page n's content compressed: from the background when it
// is ready and the page unchanged since, else compressed now.
func (f *Fpdf) pageStream(n int) *membuffer {
	data := f.pages[n].Bytes()
	if mem := f.zip.take(n, data); mem != nil {
		return mem
	}
	return xmem.compress(data)
}

// help compresses the pages still waiting, from the last, on the calling
// goroutine, so the worker and the caller share what is left.
func (z *pageZip) help() {
	if z == nil {
		return
	}
	for {
		z.mu.Lock()
		if len(z.pending) == 0 {
			z.mu.Unlock()
			return
		}
		j := z.jobs[z.pending[len(z.pending)-1]]
		z.pending = z.pending[:len(z.pending)-1]
		z.mu.Unlock()
		j.mem = xmem.compress(j.data)
		close(j.done)
	}
}

// cutFont is a UTF-8 font's subset, made ready for putfonts.
type cutFont struct {
	runes    int        // how many runes it holds
	size     int        // the subset's length, uncompressed
	file     *membuffer // the subset, compressed
	cidToGID *membuffer // the CIDToGIDMap, compressed
}

// fontCuts are the subsets of the UTF-8 fonts, made on another goroutine
// while the pages are drawn or written; cuts is complete once done is
// closed.
type fontCuts struct {
	done chan struct{}
	cuts map[string]*cutFont
}

// SubsetFontsAhead starts subsetting and compressing the UTF-8 fonts on
// another goroutine, to the runes they have shown so far (Folio: a
// caller that knows every rune up front overlaps this with drawing).
// Output uses a subset only if its font shows no rune since; otherwise it
// subsets that font again.
func (f *Fpdf) SubsetFontsAhead() {
	if f.cuts == nil && f.err == nil {
		f.cuts = f.cutFonts()
	}
}

// cutFonts starts subsetting and compressing the UTF-8 fonts, each to a
// copy of its runes so far. Each font's parsed file is used by that
// goroutine alone until done is closed: nothing else reads it before
// putfonts.
func (f *Fpdf) cutFonts() *fontCuts {
	fc := &fontCuts{done: make(chan struct{}), cuts: map[string]*cutFont{}}
	var keys []string
	var fonts []fontDefType
	var runes []map[int]int
	for key, font := range f.fonts {
		if font.Tp == "UTF8" {
			keys = append(keys, key)
			fonts = append(fonts, font)
			runes = append(runes, copyRunes(font.usedRunes))
		}
	}
	cuts := make([]*cutFont, len(fonts))
	go func() {
		defer close(fc.done)
		for i, font := range fonts {
			cuts[i] = cutUTF8Font(font, runes[i])
		}
		for i, key := range keys {
			fc.cuts[key] = cuts[i]
		}
	}()
	return fc
}

// get returns the font's subset made ahead when it still holds every rune
// the font shows, else subsets the font now.
func (fc *fontCuts) get(key string, font fontDefType) *cutFont {
	runes := copyRunes(font.usedRunes)
	if fc != nil {
		<-fc.done
		if c := fc.cuts[key]; c != nil {
			if c.runes == len(runes) {
				return c
			}
			c.file.release()
			c.cidToGID.release()
		}
	}
	return cutUTF8Font(font, runes)
}

// copyRunes copies a font's used runes, without rune 0, as putfonts used.
func copyRunes(used map[int]int) map[int]int {
	c := make(map[int]int, len(used))
	for k, v := range used {
		if k != 0 {
			c[k] = v
		}
	}
	return c
}

// cutUTF8Font subsets a font to runes, as putfonts did.
func cutUTF8Font(font fontDefType, runes map[int]int) *cutFont {
	stream := font.utf8File.GenerateCutFont(runes)
	codes := font.utf8File.CodeSymbolDictionary
	delete(codes, 0)
	cidToGID := make([]byte, 256*256*2)
	for cc, glyph := range codes {
		cidToGID[cc*2] = byte(glyph >> 8)
		cidToGID[cc*2+1] = byte(glyph & 0xFF)
	}
	return &cutFont{runes: len(runes), size: len(stream), file: xmem.compress(stream), cidToGID: xmem.compress(cidToGID)}
}
