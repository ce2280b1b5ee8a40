package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html/charset"
)

// checkXML reads an XML feed through to its end with a strict decoder.
// gofeed's parser forgives a tag closed by the wrong name or an element
// never closed, and an item can silently swallow the next one; Folio
// wants the editor to hear about a broken feed instead. HTML's named
// entities (&nbsp;, &hellip;), which many feeds use, are allowed.
func checkXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if roots == 0 {
				return errors.New("no XML element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// xmlError words a well-formedness error for the editor.
func xmlError(u string, err error) error {
	return fmt.Errorf("%s: the feed is not well-formed XML: %w", u, err)
}
