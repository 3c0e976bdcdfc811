package athenaengine

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Trino's date and time functions that DuckDB lacks or spells differently,
// implemented in Go (trino.io/docs/current/functions/datetime.html). Every
// instant is in UTC: Athena runs queries in UTC, and so does the engine
// (SET TimeZone = 'UTC').

// isoTimestamp matches what from_iso8601_timestamp accepts. Trino parses
// with Joda-Time's ISODateTimeFormat.dateTimeParser(), whose grammar
// (Joda's javadoc) is
//
//	date-opt-time = date-element ['T' [time-element] [offset]]
//	date-element  = yyyy ['-' MM ['-' dd]] | yyyy '-' DDD | xxxx '-W' ww ['-' e]
//	time-element  = HH [':' mm [':' ss]] [fraction]
//	fraction      = ('.' | ',') digit+
//	offset        = 'Z' | ('+' | '-') HH [':'? mm]
//
// Not matched: Joda also reads years of other than four digits, one-digit
// fields, and a time without a date ("T10:00"); those inputs fail here.
var isoTimestamp = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-(\d{3})|-W(\d{2})(?:-([1-7]))?)?` +
	`(?:T(?:(\d{2})(?::(\d{2})(?::(\d{2}))?)?(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$`)

// parseISO8601 is from_iso8601_timestamp: the instant, truncated to
// milliseconds as Trino's timestamp(3) with time zone holds it; without an
// offset the session zone (UTC) applies.
func parseISO8601(s string) (time.Time, error) {
	m := isoTimestamp.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("invalid format: %q", s)
	}
	num := func(i, def int) int {
		if m[i] == "" {
			return def
		}
		n, _ := strconv.Atoi(m[i])
		return n
	}
	year := num(1, 0)
	var day time.Time
	switch {
	case m[4] != "": // ordinal date
		day = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, num(4, 1)-1)
	case m[5] != "": // ISO week date: week 1 holds January 4th
		jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		day = monday.AddDate(0, 0, 7*(num(5, 1)-1)+num(6, 1)-1)
	default:
		day = time.Date(year, time.Month(num(2, 1)), num(3, 1), 0, 0, 0, 0, time.UTC)
		if day.Month() != time.Month(num(2, 1)) || day.Day() != num(3, 1) {
			return time.Time{}, fmt.Errorf("invalid format: %q: no such date", s)
		}
	}
	h, mi, sec := num(7, 0), num(8, 0), num(9, 0)
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("invalid format: %q: field out of range", s)
	}
	frac := (m[10] + "000")[:3]
	ms, _ := strconv.Atoi(frac)
	t := day.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute +
		time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond)
	return t.Add(-offsetOf(m[11])), nil
}

// offsetOf reads Z, ±HH, ±HHmm or ±HH:mm.
func offsetOf(z string) time.Duration {
	if z == "" || z == "Z" {
		return 0
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	h, _ := strconv.Atoi(digits[:2])
	m := 0
	if len(digits) == 4 {
		m, _ = strconv.Atoi(digits[2:])
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if z[0] == '-' {
		return -d
	}
	return d
}

// mysqlFormat is date_format(timestamp, format): MySQL specifiers as the
// table on Trino's datetime page lists them; %D %U %u %V %w %X are "not
// currently supported" there and fail here too; any other %x is x.
func mysqlFormat(t time.Time, format string) (string, error) {
	t = t.UTC()
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch c := format[i]; c {
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'b':
			b.WriteString(t.Format("Jan"))
		case 'c':
			b.WriteString(strconv.Itoa(int(t.Month())))
		case 'd':
			b.WriteString(t.Format("02"))
		case 'e':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1e6*1000)
		case 'H':
			b.WriteString(t.Format("15"))
		case 'h', 'I':
			b.WriteString(t.Format("03"))
		case 'i':
			b.WriteString(t.Format("04"))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'k':
			b.WriteString(strconv.Itoa(t.Hour()))
		case 'l':
			b.WriteString(t.Format("3"))
		case 'M':
			b.WriteString(t.Format("January"))
		case 'm':
			b.WriteString(t.Format("01"))
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'r':
			b.WriteString(t.Format("03:04:05 PM"))
		case 'S', 's':
			b.WriteString(t.Format("05"))
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'v':
			_, w := t.ISOWeek()
			fmt.Fprintf(&b, "%02d", w)
		case 'W':
			b.WriteString(t.Format("Monday"))
		case 'x':
			y, _ := t.ISOWeek()
			fmt.Fprintf(&b, "%04d", y)
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			b.WriteString(t.Format("06"))
		case 'D', 'U', 'u', 'V', 'w', 'X':
			return "", fmt.Errorf("%%%c not supported in date format string", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// jodaFormat is format_datetime(timestamp, format) for the letters of
// Joda-Time's DateTimeFormat that a detection can use: y Y M d D H h k K m s
// S E a Z z, with '...' quoting and ” for a quote. Other letters fail
// rather than print something Athena would not.
func jodaFormat(t time.Time, format string) (string, error) {
	t = t.UTC()
	var b strings.Builder
	for i := 0; i < len(format); {
		c := format[i]
		if c == '\'' {
			i = jodaQuoted(format, i, &b)
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteByte(c)
			i++
			continue
		}
		n := 1
		for i+n < len(format) && format[i+n] == c {
			n++
		}
		s, err := jodaField(t, c, n)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		i += n
	}
	return b.String(), nil
}

// jodaQuoted copies the quoted literal starting at format[i] (a quote) and
// returns the offset after it: ” is a quote, inside or outside a literal.
func jodaQuoted(format string, i int, b *strings.Builder) int {
	if strings.HasPrefix(format[i:], "''") {
		b.WriteByte('\'')
		return i + 2
	}
	j := i + 1
	for j < len(format) {
		if strings.HasPrefix(format[j:], "''") {
			b.WriteByte('\'')
			j += 2
			continue
		}
		if format[j] == '\'' {
			return j + 1
		}
		b.WriteByte(format[j])
		j++
	}
	return j
}

// jodaField prints one run of n pattern letters c.
func jodaField(t time.Time, c byte, n int) (string, error) {
	pad := func(v int) string { return fmt.Sprintf("%0*d", n, v) }
	switch c {
	case 'y', 'Y':
		if n == 2 {
			return fmt.Sprintf("%02d", t.Year()%100), nil
		}
		return pad(t.Year()), nil
	case 'M':
		switch {
		case n >= 4:
			return t.Format("January"), nil
		case n == 3:
			return t.Format("Jan"), nil
		}
		return pad(int(t.Month())), nil
	case 'd':
		return pad(t.Day()), nil
	case 'D':
		return pad(t.YearDay()), nil
	case 'H':
		return pad(t.Hour()), nil
	case 'k':
		return pad((t.Hour()+23)%24 + 1), nil
	case 'h':
		return pad((t.Hour()+11)%12 + 1), nil
	case 'K':
		return pad(t.Hour() % 12), nil
	case 'm':
		return pad(t.Minute()), nil
	case 's':
		return pad(t.Second()), nil
	case 'S':
		ms := fmt.Sprintf("%03d", t.Nanosecond()/1e6)
		return (ms + strings.Repeat("0", n))[:n], nil
	case 'E':
		if n >= 4 {
			return t.Format("Monday"), nil
		}
		return t.Format("Mon"), nil
	case 'a':
		return t.Format("PM"), nil
	case 'Z':
		switch n {
		case 1:
			return "+0000", nil
		case 2:
			return "+00:00", nil
		}
		return "UTC", nil
	case 'z':
		if n >= 4 {
			return "Coordinated Universal Time", nil
		}
		return "UTC", nil
	}
	return "", fmt.Errorf("format_datetime: pattern letter %q is not supported by ruleport", c)
}
