package kqlengine

import (
	"encoding/binary"
	"math"
	"strings"
	"time"
)

// This file holds value comparison: the order sort, top, min and max use,
// the equality of ==, in and group keys, and the byte encoding of keys.

// compareNonNull orders two non-null values of the same KQL type (after
// numeric promotion): numbers by value, strings by ordinal (byte) order,
// datetimes and timespans by time, false before true. Dynamic values order
// by kind and then by JSON text, only so that sorting them is
// deterministic; Kusto does not sort dynamic columns.
func compareNonNull(a, b any) int {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case time.Duration:
		if y, ok := b.(time.Duration); ok {
			return cmp3(x < y, x > y)
		}
	case int32, int64, float64:
		return compareNumbers(a, b)
	}
	ka, kb := typeOfDynamic(a), typeOfDynamic(b)
	if ka != kb {
		return strings.Compare(ka, kb)
	}
	return strings.Compare(dynamicJSON(a), dynamicJSON(b))
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// compareNumbers orders two numbers exactly: integers as integers, and a
// real against anything as reals.
func compareNumbers(a, b any) int {
	ia, aInt := asInt64(a)
	ib, bInt := asInt64(b)
	if aInt && bInt {
		return cmp3(ia < ib, ia > ib)
	}
	fa, fb := asFloat(a), asFloat(b)
	return cmp3(fa < fb, fa > fb)
}

func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return math.NaN()
}

// isNullish reports whether v sorts with the nulls: null itself and a real
// NaN ("Null and NaN values are always grouped together",
// https://learn.microsoft.com/kusto/query/sort-operator).
func isNullish(v any) bool {
	if v == nil {
		return true
	}
	f, ok := v.(float64)
	return ok && math.IsNaN(f)
}

// equalNonNull is == on two non-null values of comparable types. Numbers
// compare by value across int, long and real.
func equalNonNull(a, b any) bool {
	switch a.(type) {
	case int32, int64, float64:
		switch b.(type) {
		case int32, int64, float64:
			return compareNumbers(a, b) == 0
		}
		return false
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case time.Duration:
		y, ok := b.(time.Duration)
		return ok && x == y
	}
	return dynamicEqual(a, b)
}

// ---------------------------------------------------------------------------
// three-valued logic

// and3 is KQL's and over bool values where nil is null: false wins over
// null, null wins over true (null values page: a null comparison is null,
// https://learn.microsoft.com/kusto/query/scalar-data-types/null-values;
// the connectives follow the usual three-valued reading of that page's
// example "val > 3 or isnull(val)", which is true for a null val).
func and3(a, b any) any {
	if a == false || b == false {
		return false
	}
	if a == nil || b == nil {
		return nil
	}
	return true
}

// or3 is KQL's or: true wins over null, null over false.
func or3(a, b any) any {
	if a == true || b == true {
		return true
	}
	if a == nil || b == nil {
		return nil
	}
	return false
}

// not3 is not(): null stays null.
func not3(a any) any {
	if b, ok := a.(bool); ok {
		return !b
	}
	return nil
}

// ---------------------------------------------------------------------------
// keys

// appendKey appends an unambiguous encoding of v to buf, for group keys,
// distinct rows, join keys and distinct counts. Values of different types
// never share an encoding; numbers are encoded by type, so a key column
// (whose type is fixed) groups long 1 and long 1 together, as it must.
func appendKey(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, 'n')
	case bool:
		if x {
			return append(buf, 'T')
		}
		return append(buf, 'F')
	case int32:
		buf = append(buf, 'i')
		return binary.BigEndian.AppendUint64(buf, uint64(int64(x)))
	case int64:
		buf = append(buf, 'l')
		return binary.BigEndian.AppendUint64(buf, uint64(x))
	case float64:
		buf = append(buf, 'r')
		if x == 0 {
			x = 0 // -0 and +0 are one key
		}
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(x))
	case time.Time:
		buf = append(buf, 'd')
		buf = binary.BigEndian.AppendUint64(buf, uint64(x.Unix()))
		return binary.BigEndian.AppendUint32(buf, uint32(x.Nanosecond()))
	case time.Duration:
		buf = append(buf, 't')
		return binary.BigEndian.AppendUint64(buf, uint64(x))
	case string:
		buf = append(buf, 's')
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(x)))
		return append(buf, x...)
	}
	s := dynamicJSON(v)
	buf = append(buf, 'j')
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
	return append(buf, s...)
}

// appendDynamicKey is appendKey for values of a dynamic column, where 1 and
// 1.0 are one value (they are equal under ==).
func appendDynamicKey(buf []byte, v any) []byte {
	if f, ok := dynNumber(v); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return appendKey(buf, int64(f))
	}
	return appendKey(buf, v)
}
