package kqlengine

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// Type is a KQL scalar type. Every expression the engine compiles has one,
// fixed before any row is read, as in Kusto, where a query is type-checked
// before it runs (scalar data types:
// https://learn.microsoft.com/kusto/query/scalar-data-types/).
type Type uint8

// The KQL scalar types the engine knows. decimal is not among them: a query
// that names it gets an unsupported error.
const (
	TypeInvalid  Type = iota
	TypeBool          // Go bool
	TypeInt           // Go int32
	TypeLong          // Go int64
	TypeReal          // Go float64
	TypeDatetime      // Go time.Time, UTC
	TypeTimespan      // Go time.Duration
	TypeGuid          // Go string, lower-case 8-4-4-4-12 form
	TypeString        // Go string, never nil
	TypeDynamic       // nil, bool, int64, float64, string, time.Time, time.Duration, []any or *Bag
)

var typeNames = [...]string{"invalid", "bool", "int", "long", "real", "datetime", "timespan", "guid", "string", "dynamic"}

// String returns the KQL spelling of t.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", t)
}

// ParseType reads a KQL type name, including the aliases Kusto accepts
// (boolean, double, date, time, uniqueid), case-insensitively.
func ParseType(name string) (Type, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "bool", "boolean":
		return TypeBool, true
	case "int":
		return TypeInt, true
	case "long":
		return TypeLong, true
	case "real", "double":
		return TypeReal, true
	case "datetime", "date":
		return TypeDatetime, true
	case "timespan", "time":
		return TypeTimespan, true
	case "guid", "uniqueid":
		return TypeGuid, true
	case "string":
		return TypeString, true
	case "dynamic":
		return TypeDynamic, true
	}
	return TypeInvalid, false
}

func (t Type) numeric() bool { return t == TypeInt || t == TypeLong || t == TypeReal }
func (t Type) integer() bool { return t == TypeInt || t == TypeLong }

// Column is a named, typed column of a table.
type Column struct {
	Name string
	Type Type
}

// Table is an in-memory table: the input of RunTables for tests and for
// tables other than AWSCloudTrail. A row holds one value per column, nil
// for null. RunTables accepts the Go types listed on Type and, for
// convenience, any Go integer for int and long, float32 for real, nil for
// an empty string, and for dynamic columns map[string]any, []any,
// json.RawMessage (parsed) and JSON-decoded values.
type Table struct {
	Columns []Column
	Rows    [][]any
}

// normalizeRow converts the values of one input row to the engine's
// representation for cols, or says which value does not fit.
func normalizeRow(cols []Column, row []any) ([]any, error) {
	if len(row) != len(cols) {
		return nil, fmt.Errorf("row has %d values, the table has %d columns", len(row), len(cols))
	}
	out := make([]any, len(row))
	for i, v := range row {
		n, err := normalize(v, cols[i].Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", cols[i].Name, err)
		}
		out[i] = n
	}
	return out, nil
}

// normalize converts one Go value to the engine's representation of type t.
func normalize(v any, t Type) (any, error) {
	if v == nil {
		if t == TypeString {
			return "", nil // KQL strings are never null
		}
		return nil, nil
	}
	switch t {
	case TypeBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case TypeInt:
		if i, ok := goInteger(v); ok && i >= math.MinInt32 && i <= math.MaxInt32 {
			return int32(i), nil
		}
	case TypeLong:
		if i, ok := goInteger(v); ok {
			return i, nil
		}
	case TypeReal:
		switch f := v.(type) {
		case float64:
			return f, nil
		case float32:
			return float64(f), nil
		}
		if i, ok := goInteger(v); ok {
			return float64(i), nil
		}
	case TypeDatetime:
		if tm, ok := v.(time.Time); ok {
			return tm.UTC(), nil
		}
	case TypeTimespan:
		if d, ok := v.(time.Duration); ok {
			return d, nil
		}
	case TypeGuid:
		if s, ok := v.(string); ok {
			if g, ok := parseGuid(s); ok {
				return g, nil
			}
		}
	case TypeString:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case TypeDynamic:
		return normalizeDynamic(v)
	}
	return nil, fmt.Errorf("a %T cannot be a %s value", v, t)
}

// goInteger widens any Go integer type to int64.
func goInteger(v any) (int64, bool) {
	switch i := v.(type) {
	case int:
		return int64(i), true
	case int8:
		return int64(i), true
	case int16:
		return int64(i), true
	case int32:
		return int64(i), true
	case int64:
		return i, true
	case uint8:
		return int64(i), true
	case uint16:
		return int64(i), true
	case uint32:
		return int64(i), true
	case uint:
		if uint64(i) <= math.MaxInt64 {
			return int64(i), true
		}
	case uint64:
		if i <= math.MaxInt64 {
			return int64(i), true
		}
	}
	return 0, false
}

// normalizeDynamic converts a Go value into a dynamic value: JSON text is
// parsed, maps become bags with sorted keys (Go maps have no order), and
// numbers become long or real.
func normalizeDynamic(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, time.Time, time.Duration, *Bag:
		if tm, ok := x.(time.Time); ok {
			return tm.UTC(), nil
		}
		return x, nil
	case json.RawMessage:
		d, ok := parseJSON(string(x))
		if !ok {
			return nil, fmt.Errorf("invalid JSON %q", string(x))
		}
		return d, nil
	case json.Number:
		d, ok := parseJSON(string(x))
		if !ok {
			return nil, fmt.Errorf("invalid JSON number %q", string(x))
		}
		return d, nil
	case float32:
		return float64(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalizeDynamic(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		b := newBag(len(x))
		for _, k := range sortedKeys(x) {
			n, err := normalizeDynamic(x[k])
			if err != nil {
				return nil, err
			}
			b.Set(k, n)
		}
		return b, nil
	}
	if i, ok := goInteger(v); ok {
		return i, nil
	}
	return nil, fmt.Errorf("a %T cannot be a dynamic value", v)
}

// zeroOf is the value a column of type t holds when nothing fills it: null
// for every type but string, whose "missing" value is "" (KQL strings are
// never null: https://learn.microsoft.com/kusto/query/scalar-data-types/null-values).
func zeroOf(t Type) any {
	if t == TypeString {
		return ""
	}
	return nil
}

// typeOfGo returns the KQL type of a non-null dynamic element, for gettype
// and for the comparisons that look inside dynamic values.
func typeOfDynamic(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case time.Time:
		return "datetime"
	case time.Duration:
		return "timespan"
	case []any:
		return "array"
	case *Bag:
		return "dictionary"
	}
	return "unknown"
}
