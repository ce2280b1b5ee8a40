package markdown

import "image"

// CheckPhoto proves data is a whole JPEG or PNG photo, with the checks a
// review file's photo gets, within DefaultLimits' pixel count; sources
// that download photos use it too.
func CheckPhoto(data []byte) (format string, cfg image.Config, err error) {
	return checkImage(data, DefaultLimits().PhotoPixels)
}

// CheckPhoto is the package's CheckPhoto within l's pixel count
// ([content] max_photo_megapixels): the check downloaded photos get.
func (l Limits) CheckPhoto(data []byte) (format string, cfg image.Config, err error) {
	return checkImage(data, l.orDefault().PhotoPixels)
}
