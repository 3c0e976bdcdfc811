// Package alerts holds the currency every engine pays in: a table of alert
// rows, its canonical JSON form (the `ruleport run --format json` contract),
// a stable row order, and the comparison that the conformance suite uses.
package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Table is the result of running a detection: named columns in output order
// and rows of values. A value is one of nil (null), string, bool, int64 (or
// any Go integer), float64, json.Number, time.Time, time.Duration, or a
// dynamic value ([]any, map[string]any, json.RawMessage).
type Table struct {
	Columns []string
	Rows    [][]any
}

// Sort puts the rows in ruleport's canonical order: column by column, nulls
// first, then booleans, numbers, datetimes, strings and dynamic values, each
// in natural order. Every engine's output is sorted this way, so the same
// alerts print byte for byte the same.
func (t *Table) Sort() {
	sort.SliceStable(t.Rows, func(i, j int) bool {
		return compareRows(t.Rows[i], t.Rows[j]) < 0
	})
}

func compareRows(a, b []any) int {
	for k := 0; k < len(a) && k < len(b); k++ {
		if c := compareValues(a[k], b[k]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// rank orders values of different kinds.
func rank(v any) int {
	switch v := v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case time.Time:
		return 3
	case string:
		return 4
	default:
		if _, ok := number(v); ok {
			return 2
		}
		return 5
	}
}

func compareValues(a, b any) int {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch ra {
	case 0:
		return 0
	case 1:
		x, y := a.(bool), b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case 2:
		x, _ := number(a)
		y, _ := number(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case 3:
		return a.(time.Time).Compare(b.(time.Time))
	case 4:
		return strings.Compare(a.(string), b.(string))
	}
	return strings.Compare(EncodeValue(a), EncodeValue(b))
}

// number returns v as a float64 when v is numeric (including a duration,
// which orders by its length).
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int8:
		return float64(v), true
	case int16:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint:
		return float64(v), true
	case uint8:
		return float64(v), true
	case uint16:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	case float32:
		return float64(v), true
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// EncodeValue returns the canonical JSON text of one value: datetimes as
// RFC 3339 UTC with only the fraction digits needed, numbers in shortest
// decimal form (so 801.0 and 801 are both 801), timespans in KQL's
// [d.]hh:mm:ss[.fffffff] text, dynamic values as compact JSON with sorted
// keys. Non-finite floats, which JSON cannot hold, become strings.
func EncodeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return quote(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return quote(v.UTC().Format(time.RFC3339Nano))
	case time.Duration:
		return quote(FormatTimespan(v))
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		if f, err := v.Float64(); err == nil {
			return formatFloat(f)
		}
		return quote(string(v))
	case float32:
		return formatFloat(float64(v))
	case float64:
		return formatFloat(v)
	case json.RawMessage:
		return compactJSON(v)
	}
	if f, ok := number(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return quote(fmt.Sprint(v))
	}
	return compactJSON(data)
}

func formatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return quote(strconv.FormatFloat(f, 'g', -1, 64))
	}
	// Integral values print without exponent or fraction when they fit an
	// int64 exactly, so a sum that one engine returns as a double matches
	// another engine's long.
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quote encodes s as a JSON string without escaping <, > and &, which
// would make alerts harder to read for no gain.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func compactJSON(data []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return quote(string(data))
	}
	// Re-marshalling sorts object keys, which makes equal bags equal text.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// FormatTimespan prints d the way KQL prints a timespan: [-][d.]hh:mm:ss
// with a seven-digit fraction when there is one.
func FormatTimespan(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	if days > 0 {
		fmt.Fprintf(&b, "%d.", days)
	}
	h, m, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, s)
	if frac := d % time.Second; frac != 0 {
		fmt.Fprintf(&b, ".%07d", frac/100)
	}
	return b.String()
}

// JSON returns the table as `ruleport run --format json` prints it: one
// array holding one object per row, keys in column order, one row per line,
// ending in a newline. An empty table is "[]\n".
func (t Table) JSON() []byte {
	var b bytes.Buffer
	if len(t.Rows) == 0 {
		return []byte("[]\n")
	}
	b.WriteString("[\n")
	for i, row := range t.Rows {
		b.WriteString("  ")
		b.WriteString(t.object(row))
		if i < len(t.Rows)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return b.Bytes()
}

// Object encodes one row of t as a compact JSON object with keys in column
// order, as JSON prints it.
func (t Table) Object(row []any) string { return t.object(row) }

// object encodes one row as a JSON object with keys in column order.
func (t Table) object(row []any) string {
	var b strings.Builder
	b.WriteByte('{')
	for k, col := range t.Columns {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(col))
		b.WriteByte(':')
		var v any
		if k < len(row) {
			v = row[k]
		}
		b.WriteString(EncodeValue(v))
	}
	b.WriteByte('}')
	return b.String()
}

// FromJSON reads an array of alert objects, as JSON writes them, into a
// table whose columns are the keys of the first object in their written
// order; later objects must have the same keys. Numbers stay json.Number so
// that integers keep every digit.
func FromJSON(data []byte) (Table, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return Table{}, fmt.Errorf("alerts: not a JSON array of objects: %w", err)
	}
	var t Table
	for i, raw := range raws {
		keys, vals, err := decodeObject(raw)
		if err != nil {
			return Table{}, fmt.Errorf("alerts: row %d: %w", i+1, err)
		}
		if i == 0 {
			t.Columns = keys
		}
		row, err := t.align(keys, vals)
		if err != nil {
			return Table{}, fmt.Errorf("alerts: row %d: %w", i+1, err)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// align orders vals (named by keys) by t's columns.
func (t Table) align(keys []string, vals []any) ([]any, error) {
	if len(keys) != len(t.Columns) {
		return nil, fmt.Errorf("has %d keys, the first row has %d", len(keys), len(t.Columns))
	}
	row := make([]any, len(t.Columns))
	for i, k := range keys {
		j := indexOf(t.Columns, k)
		if j < 0 {
			return nil, fmt.Errorf("key %q is not a column of the first row", k)
		}
		row[j] = vals[i]
	}
	return row, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// decodeObject reads one JSON object keeping its key order.
func decodeObject(raw []byte) ([]string, []any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	var vals []any
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key := tok.(string)
		if indexOf(keys, key) >= 0 {
			return nil, nil, fmt.Errorf("duplicate key %q", key)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, key)
		vals = append(vals, v)
	}
	return keys, vals, nil
}
