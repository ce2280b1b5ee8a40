package issue

import (
	"path"
	"strconv"
	"strings"
)

// The web layout of an issue, shared by the build folder and the web side:
//
//	{base_url}/issues/{week}/             the web version (index.html)
//	{base_url}/issues/{week}/issue.pdf    the PDF issue
//	{base_url}/issues/{week}/images/{f}   photos, named by PhotoFile
const (
	PDFFile   = "issue.pdf"
	WebFile   = "index.html"
	ImagesDir = "images"
)

// WebURL is the absolute address of the issue's web version.
func (iss *Issue) WebURL() string { return iss.url("") }

// PDFURL is the absolute address of the issue's PDF.
func (iss *Issue) PDFURL() string { return iss.url(PDFFile) }

// PhotoURL is the absolute address of a review's photo, or "" if it has none.
func (iss *Issue) PhotoURL(r *Review) string {
	if r.Photo == nil {
		return ""
	}
	return iss.url(ImagesDir + "/" + PhotoFile(r))
}

// ImageURL is the public address of file in the issue's images folder.
func (iss *Issue) ImageURL(file string) string {
	return iss.url(ImagesDir + "/" + file)
}

// PhotoFileAt is the file name of a review's photo scaled to w pixels
// wide, as the email shows it (the-salt-orchard-368w.jpg): always a JPEG.
func PhotoFileAt(r *Review, w int) string {
	return r.Slug + "-" + strconv.Itoa(w) + "w.jpg"
}

// PhotoFile is the file name a review's photo is published under: the
// review's slug and the image format's extension.
func PhotoFile(r *Review) string {
	if r.Photo == nil {
		return ""
	}
	ext := ".jpg"
	if r.Photo.Format == "png" {
		ext = ".png"
	}
	return r.Slug + ext
}

func (iss *Issue) url(file string) string {
	return strings.TrimRight(iss.BaseURL, "/") + "/" + path.Join("issues", iss.ID()) + "/" + file
}
