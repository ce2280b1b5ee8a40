// Command makephotos draws the photos of the bundled sample magazine:
// procedural, poster-like images, one per sample review that has a photo.
//
// Run it from the module root:
//
//	go run ./examples/makephotos
//
// It writes every image beside its review under examples/reviews (or the
// folder named by -dir). The drawing uses no randomness beyond a fixed
// hash, so every run writes the same bytes and the committed images can be
// regenerated at will.
package main
