package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// EnvPrefix starts every environment override.
const EnvPrefix = "FOLIO_"

// applyEnv sets cfg fields from FOLIO_SECTION_KEY variables. A variable
// naming a known section but an unknown key is an error (a typo would
// otherwise be silently ignored); variables of no section, such as
// FOLIO_SECRET, are not config keys and are left alone.
func applyEnv(cfg *Config, environ []string) error {
	sections := reflect.ValueOf(cfg).Elem()
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		secName, keyName, ok := strings.Cut(strings.TrimPrefix(name, EnvPrefix), "_")
		if !ok {
			continue
		}
		section, found := fieldByTag(sections, secName)
		if !found {
			continue
		}
		field, found := fieldByTag(section, keyName)
		if !found {
			return fmt.Errorf("%w: environment %s: [%s] has no key %q", ErrInvalid, name, strings.ToLower(secName), strings.ToLower(keyName))
		}
		if err := setField(field, value); err != nil {
			return fmt.Errorf("%w: environment %s: %w", ErrInvalid, name, err)
		}
	}
	return nil
}

// fieldByTag finds the struct field whose toml tag, upper-cased, is name.
func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	t := v.Type()
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("toml")
		if tag != "" && tag != "-" && strings.ToUpper(tag) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func setField(f reflect.Value, s string) error {
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		f.SetInt(int64(n))
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		f.SetBool(b)
	case reflect.Float64:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		f.SetFloat(x)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("cannot set a list of %s from the environment; use the config file", f.Type().Elem().Kind())
		}
		var parts []string
		for p := range strings.SplitSeq(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		f.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("cannot set a %s from the environment", f.Kind())
	}
	return nil
}
