// Folio: this file is not in upstream fpdf. It embeds a JPEG straight from
// its file: registering reads only the header, and Output copies the bytes
// from the file into the document (copy_file_range when both are files),
// so a 5 MB issue of photos is neither read into memory nor hashed.

package fpdf

import (
	"bufio"
	"crypto/sha1"
	"fmt"
	"image/color"
	"image/jpeg"
	"io"
	"os"
)

// imageFile is where a file-backed image's bytes are, and how many.
type imageFile struct {
	path string
	size int64
}

// RegisterJPEGFile registers the JPEG file at path under name, as
// RegisterImageOptions would, but reads only its header now; Output
// copies the file's bytes into the document, and fails if the file has
// changed size since. The image's identifier is made from name, size and
// header, not a hash of the bytes: each name is a distinct image.
func (f *Fpdf) RegisterJPEGFile(name, path string) (info *ImageInfoType) {
	if f.err != nil {
		return nil
	}
	if info, ok := f.images[name]; ok {
		return info
	}
	fh, err := os.Open(path)
	if err != nil {
		f.err = err
		return nil
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		f.err = err
		return nil
	}
	config, err := jpeg.DecodeConfig(bufio.NewReaderSize(fh, 16<<10))
	if err != nil {
		f.err = err
		return nil
	}
	info = f.newImageInfo()
	info.w = float64(config.Width)
	info.h = float64(config.Height)
	info.f = "DCTDecode"
	info.bpc = 8
	switch config.ColorModel {
	case color.GrayModel:
		info.cs = "DeviceGray"
	case color.YCbCrModel:
		info.cs = "DeviceRGB"
	case color.CMYKModel:
		info.cs = "DeviceCMYK"
	default:
		f.err = fmt.Errorf("image JPEG file %s has unsupported color space (%v)", path, config.ColorModel)
		return nil
	}
	info.file = &imageFile{path: path, size: st.Size()}
	sha := sha1.New()
	enc := newIDEncoder(sha)
	enc.str("jpeg file")
	enc.str(name)
	enc.i64(st.Size())
	enc.f64(info.w)
	enc.f64(info.h)
	enc.str(info.cs)
	info.i = fmt.Sprintf("%x", sha.Sum(nil))
	f.images[name] = info
	return info
}

// putFileStream writes a file-backed image's stream: copied from the
// file to the sink when Output streams to one, else read into the buffer.
func (f *Fpdf) putFileStream(info *ImageInfoType) {
	src, err := os.Open(info.file.path)
	if err != nil {
		f.err = err
		return
	}
	defer src.Close()
	if st, err := src.Stat(); err != nil || st.Size() != info.file.size {
		f.err = fmt.Errorf("image file %s changed while the document was made", info.file.path)
		return
	}
	if f.protect.encrypted || f.sink == nil {
		data := make([]byte, info.file.size)
		if _, err := io.ReadFull(src, data); err != nil {
			f.err = fmt.Errorf("image file %s: %w", info.file.path, err)
			return
		}
		f.putstream(data)
		return
	}
	f.out("stream")
	f.flush()
	if f.err != nil {
		return
	}
	n, err := io.CopyN(f.sink, src, info.file.size)
	f.flushed += int(n)
	if err != nil {
		f.err = fmt.Errorf("image file %s: %w", info.file.path, err)
		return
	}
	f.buffer.WriteByte('\n')
	f.out("endstream")
}
