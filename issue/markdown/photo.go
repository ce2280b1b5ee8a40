package markdown

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	_ "image/jpeg" // photos may be JPEG
	_ "image/png"  // or PNG
)

// Photo check errors.
var (
	ErrTruncated   = errors.New("the image data is cut short")
	ErrCorruptData = errors.New("the image data is corrupt")
)

// checkImage proves a photo is a whole JPEG or PNG without decoding its
// pixels (a full decode of twelve 1600×1067 photos costs 400 ms, more than
// typesetting the issue): the header must parse, and the file's structure
// must be complete — every JPEG segment through its end-of-image marker,
// every PNG chunk with a correct CRC through IEND. That catches the real
// failures (not an image, a truncated upload, a damaged file) in a few
// milliseconds. A header promising more than maxPixels pixels is refused
// before anything else is read.
func checkImage(data []byte, maxPixels int64) (format string, cfg image.Config, err error) {
	cfg, format, err = image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", cfg, err
	}
	if err := checkPixels(cfg.Width, cfg.Height, maxPixels); err != nil {
		return format, cfg, err
	}
	switch format {
	case "jpeg":
		err = checkJPEG(data)
	case "png":
		err = checkPNG(data)
	default:
		return format, cfg, fmt.Errorf("%s images are not supported (use JPEG or PNG)", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		err = fmt.Errorf("%w: %d×%d pixels", ErrCorruptData, cfg.Width, cfg.Height)
	}
	return format, cfg, err
}

// checkJPEG walks the marker segments and the entropy-coded scans to the
// end-of-image marker.
func checkJPEG(d []byte) error {
	if len(d) < 4 || d[0] != 0xFF || d[1] != 0xD8 {
		return fmt.Errorf("%w: no start-of-image marker", ErrCorruptData)
	}
	i := 2
	sawScan := false
	for {
		// Find the next marker: 0xFF followed by a code; fill bytes 0xFF repeat.
		if i >= len(d) {
			return ErrTruncated
		}
		if d[i] != 0xFF {
			return fmt.Errorf("%w: expected a marker at byte %d", ErrCorruptData, i)
		}
		for i < len(d) && d[i] == 0xFF {
			i++
		}
		if i >= len(d) {
			return ErrTruncated
		}
		code := d[i]
		i++
		switch {
		case code == 0xD9: // EOI
			if !sawScan {
				return fmt.Errorf("%w: no image scan", ErrCorruptData)
			}
			return nil
		case code >= 0xD0 && code <= 0xD7, code == 0x01: // RSTn, TEM: no length
			continue
		}
		if i+2 > len(d) {
			return ErrTruncated
		}
		n := int(binary.BigEndian.Uint16(d[i:]))
		if n < 2 {
			return fmt.Errorf("%w: bad segment length at byte %d", ErrCorruptData, i)
		}
		i += n
		if i > len(d) {
			return ErrTruncated
		}
		if code != 0xDA { // not SOS
			continue
		}
		sawScan = true
		// Entropy-coded data runs to the next marker that is not a
		// stuffed 0xFF00 or a restart marker.
		for {
			j := bytes.IndexByte(d[i:], 0xFF)
			if j < 0 || i+j+1 >= len(d) {
				return ErrTruncated
			}
			i += j
			next := d[i+1]
			if next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF {
				i += 2
				if next == 0xFF {
					i-- // a fill byte: look again from the second 0xFF
				}
				continue
			}
			break
		}
	}
}

// checkPNG walks the chunks, verifying each CRC, from IHDR to IEND.
func checkPNG(d []byte) error {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(d, []byte(sig)) {
		return fmt.Errorf("%w: no PNG signature", ErrCorruptData)
	}
	i := len(sig)
	first, sawData := true, false
	for {
		if i+8 > len(d) {
			return ErrTruncated
		}
		n := int(binary.BigEndian.Uint32(d[i:]))
		typ := string(d[i+4 : i+8])
		if n < 0 || i+12+n > len(d) {
			return ErrTruncated
		}
		if crc32.ChecksumIEEE(d[i+4:i+8+n]) != binary.BigEndian.Uint32(d[i+8+n:]) {
			return fmt.Errorf("%w: bad checksum in %s chunk", ErrCorruptData, typ)
		}
		if first && typ != "IHDR" {
			return fmt.Errorf("%w: first chunk is %s, not IHDR", ErrCorruptData, typ)
		}
		first = false
		sawData = sawData || typ == "IDAT"
		i += 12 + n
		if typ == "IEND" {
			if !sawData {
				return fmt.Errorf("%w: no image data", ErrCorruptData)
			}
			return nil
		}
	}
}
