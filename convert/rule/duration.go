package rule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The two spellings of a duration in rule files:
//
//   - YAML rules write "<n>m", "<n>h" or "<n>d" (Azure-Sentinel's
//     ScheduledTemplateTimeSpanConverter in .script/tests/
//     detectionTemplateSchemaValidation reads exactly these three units).
//   - ARM templates and Terraform use ISO-8601 durations ("PT5M", "PT1H",
//     "P1D"), the format the Sentinel REST API documents for queryFrequency
//     and queryPeriod.
//
// ParseDuration accepts both, because people paste ISO values into YAML;
// the writers always produce the canonical form of their format.

// ParseDuration reads a YAML-style ("5m", "1h", "1d") or ISO-8601
// ("PT5M", "P1DT2H") duration. Zero and negative durations are errors: no
// field of a rule can hold one.
func ParseDuration(s string) (time.Duration, error) {
	if strings.HasPrefix(s, "P") || strings.HasPrefix(s, "p") {
		return parseISODuration(s)
	}
	if len(s) < 2 {
		return 0, fmt.Errorf("invalid duration %q: want <number><m|h|d> such as 5m, 1h, 1d, or ISO-8601 such as PT1H", s)
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if unit == 0 || err != nil || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("invalid duration %q: want <number><m|h|d> such as 5m, 1h, 1d, or ISO-8601 such as PT1H", s)
	}
	return positive(s, time.Duration(n)*unit)
}

func positive(s string, d time.Duration) (time.Duration, error) {
	if d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: must be positive", s)
	}
	return d, nil
}

// parseISODuration reads P[nW][nD][T[nH][nM][nS]]. Years and months are
// refused: their length depends on the calendar, and no Sentinel duration
// needs them.
func parseISODuration(s string) (time.Duration, error) {
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("invalid ISO-8601 duration %q: %s", s, why)
	}
	rest := strings.ToUpper(s[1:])
	if rest == "" || rest == "T" {
		return bad("no amount")
	}
	var total time.Duration
	inTime := false
	units := "WD"
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return bad("second T")
			}
			inTime, units, rest = true, "HMS", rest[1:]
			if rest == "" {
				return bad("nothing after T")
			}
			continue
		}
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return bad("want <number><unit>")
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return bad(err.Error())
		}
		u := rest[i]
		j := strings.IndexByte(units, u)
		if j < 0 {
			if !inTime && (u == 'Y' || u == 'M') {
				return bad("years and months have no fixed length; use days")
			}
			return bad(fmt.Sprintf("unit %q out of place", u))
		}
		units = units[j+1:] // units must come in order, each once
		total += time.Duration(n) * isoUnit(u, inTime)
		rest = rest[i+1:]
	}
	return positive(s, total)
}

func isoUnit(u byte, inTime bool) time.Duration {
	switch {
	case u == 'W':
		return 7 * 24 * time.Hour
	case u == 'D':
		return 24 * time.Hour
	case u == 'H':
		return time.Hour
	case u == 'M' && inTime:
		return time.Minute
	}
	return time.Second
}

// FormatISODuration writes d the way the seed ARM does: whole days as
// "P<n>D", anything else as "PT<h>H<m>M<s>S" with zero parts left out.
func FormatISODuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	}
	var b strings.Builder
	b.WriteString("PT")
	h, m, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if s > 0 || (h == 0 && m == 0) {
		fmt.Fprintf(&b, "%dS", s)
	}
	return b.String()
}

// FormatYAMLDuration writes d in the YAML rules' short form with the
// largest unit that divides it ("1d", "5h", "30m"). Durations that are not
// whole minutes have no short form and are written in ISO-8601.
func FormatYAMLDuration(d time.Duration) string {
	switch {
	case d <= 0 || d%time.Minute != 0:
		return FormatISODuration(d)
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
