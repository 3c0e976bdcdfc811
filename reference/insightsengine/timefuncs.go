package insightsengine

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Datetime functions, from the "Datetime functions" section of
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html
// and the unit list on https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html.
// All times are UTC.

// period is a time period argument: n units.
type period struct {
	n    int64
	unit string
}

// periodUnits maps every documented spelling to a canonical unit: "For all
// units and abbreviations that include more than one character, adding s to
// pluralize is supported".
var periodUnits = func() map[string]string {
	m := map[string]string{}
	for unit, names := range map[string][]string{
		"ms": {"millisecond", "ms", "msec"},
		"s":  {"second", "s", "sec"},
		"m":  {"minute", "m", "min"},
		"h":  {"hour", "h", "hr"},
		"d":  {"day", "d"},
		"w":  {"week", "w"},
		"mo": {"month", "mo", "mon"},
		"q":  {"quarter", "q", "qtr"},
		"y":  {"year", "y", "yr"},
	} {
		for _, n := range names {
			m[n] = unit
			if len(n) > 1 {
				m[n+"s"] = unit
			}
		}
	}
	return m
}()

// periodCaps: "The cap for ms is 1000, the caps for s and m are 60, and
// the cap for h is 24", so bin(300s) runs as 60 seconds.
// Guess: the larger units have no cap; the note names none.
var periodCaps = map[string]int64{"ms": 1000, "s": 60, "m": 60, "h": 24}

// maxPeriodCount bounds the larger units, which have no documented cap,
// so that a period always fits in a time.Duration.
// Guess: 100000 of any unit is far beyond what any log group holds, so a
// larger count is a mistake worth reporting.
const maxPeriodCount = 100000

var fixedUnits = map[string]time.Duration{
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
	"d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

var calendarMonths = map[string]int64{"mo": 1, "q": 3, "y": 12}

func (p *parser) period(t token) expr {
	i := strings.IndexFunc(t.text, func(r rune) bool { return r < '0' || r > '9' })
	num, unit := t.text[:i], t.text[i:]
	canon, ok := periodUnits[unit]
	if !ok {
		p.fail(t.off, "unknown time unit %q in %q", unit, t.text)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 {
		p.fail(t.off, "a time period needs a whole number of at least 1, found %q", t.text)
	}
	if limit, ok := periodCaps[canon]; ok && n > limit {
		n = limit
	}
	if n > maxPeriodCount {
		p.fail(t.off, "the time period %q is too large", t.text)
	}
	return &periodLit{span{t.off, t.end}, n, canon}
}

// floorTime truncates t to a multiple of the period. Fixed units count from
// the Unix epoch.
// Guess: weeks start on Monday (counted from Monday 1970-01-05), as ISO
// weeks do.
// Guess: months, quarters and years are calendar months counted from
// January 1970, so 1mo buckets start on the 1st and 1q in January, April,
// July and October; their lengths vary, so a fixed length would drift.
func floorTime(t time.Time, p period) time.Time {
	t = t.UTC()
	if months, ok := calendarMonths[p.unit]; ok {
		step := months * p.n
		m := int64(t.Year()-1970)*12 + int64(t.Month()-1)
		m = floorDiv(m, step) * step
		return time.Date(1970+int(floorDiv(m, 12)), time.Month(m-floorDiv(m, 12)*12+1), 1, 0, 0, 0, 0, time.UTC)
	}
	step := int64(fixedUnits[p.unit]) * p.n
	origin := time.Unix(0, 0).UTC()
	if p.unit == "w" {
		origin = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)
	}
	d := t.Sub(origin).Nanoseconds()
	return origin.Add(time.Duration(floorDiv(d, step) * step))
}

// ceilTime rounds t up to the period; a time on a boundary stays.
func ceilTime(t time.Time, p period) time.Time {
	f := floorTime(t, p)
	if f.Equal(t) {
		return f
	}
	return floorTime(f.Add(periodSpan(f, p)), p)
}

// periodSpan is the length of the period that starts at f.
func periodSpan(f time.Time, p period) time.Duration {
	if months, ok := calendarMonths[p.unit]; ok {
		return f.AddDate(0, int(months*p.n), 0).Sub(f)
	}
	return fixedUnits[p.unit] * time.Duration(p.n)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// fnBin is bin(period): "Rounds the value of @timestamp to the given time
// period and then truncates"; the example "the count of exceptions per
// hour" shows the truncation. An event without @timestamp has no bin.
func fnBin(_ *evalCtx, r *row, args []any) any {
	t, ok := r.timestamp()
	if !ok {
		return nil
	}
	return floorTime(t, args[0].(period))
}

func fnDatefloor(_ *evalCtx, _ *row, args []any) any {
	t, ok := args[0].(time.Time)
	if !ok {
		return nil
	}
	return floorTime(t, args[1].(period))
}

func fnDateceil(_ *evalCtx, _ *row, args []any) any {
	t, ok := args[0].(time.Time)
	if !ok {
		return nil
	}
	return ceilTime(t, args[1].(period))
}

// fnFromMillis interprets a number as milliseconds since the Unix epoch.
func fnFromMillis(_ *evalCtx, _ *row, args []any) any {
	f, ok := toNumber(args[0])
	// Guess: beyond year 9999 either way is not a timestamp; RFC 3339, the
	// result format, has four-digit years.
	if !ok || math.Abs(f) > 253402300799999 {
		return nil
	}
	return time.UnixMilli(int64(f)).UTC()
}

// fnToMillis: "toMillis(@timestamp) converts the timestamp
// 2022-01-14T13:18:031.000-08:00 to 1642195111000".
// Guess: anything but a timestamp gives null, text that looks like a time
// included, since published guides warn that @timestamp and text do not
// compare.
func fnToMillis(_ *evalCtx, _ *row, args []any) any {
	t, ok := args[0].(time.Time)
	if !ok {
		return nil
	}
	return float64(t.UnixMilli())
}

// fnNow is "the time that the query processing was started, in epoch
// seconds".
// Guess: a query runs when its time range ends, as a scheduled query does,
// so now() is Options.End; Run refuses now() without an End, which keeps
// results reproducible.
func fnNow(c *evalCtx, _ *row, _ []any) any {
	return float64(c.opt.End.Unix())
}

// fnQueryStartTime and fnQueryEndTime return the range in epoch
// milliseconds; null when the range is open on that side.
func fnQueryStartTime(c *evalCtx, _ *row, _ []any) any { return millisOrNil(c.opt.Start) }

func fnQueryEndTime(c *evalCtx, _ *row, _ []any) any { return millisOrNil(c.opt.End) }

func millisOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return float64(t.UnixMilli())
}
