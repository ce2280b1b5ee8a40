// Package config loads Folio's TOML configuration: embedded defaults, then
// the file, then FOLIO_SECTION_KEY environment overrides, then validation.
// Relative paths resolve against the config file's folder.
package config
