package rule

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDuration(t *testing.T) {
	// Expected values worked out from the unit definitions: d = 24h,
	// W = 7 days; the YAML units are those of Azure-Sentinel's
	// ScheduledTemplateTimeSpanConverter.
	cases := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"5m", 5 * time.Minute, ""},
		{"1h", time.Hour, ""},
		{"14d", 14 * 24 * time.Hour, ""},
		{"PT5M", 5 * time.Minute, ""},
		{"PT1H", time.Hour, ""},
		{"P1D", 24 * time.Hour, ""},
		{"P1DT2H30M", 26*time.Hour + 30*time.Minute, ""},
		{"P2W", 14 * 24 * time.Hour, ""},
		{"pt90s", 90 * time.Second, ""},
		{"0m", 0, `invalid duration "0m": must be positive`},
		{"PT0S", 0, `invalid duration "PT0S": must be positive`},
		{"1w", 0, `invalid duration "1w": want <number><m|h|d> such as 5m, 1h, 1d, or ISO-8601 such as PT1H`},
		{"h", 0, `invalid duration "h": want <number><m|h|d> such as 5m, 1h, 1d, or ISO-8601 such as PT1H`},
		{"+5m", 0, `invalid duration "+5m": want <number><m|h|d> such as 5m, 1h, 1d, or ISO-8601 such as PT1H`},
		{"P1M", 0, `invalid ISO-8601 duration "P1M": years and months have no fixed length; use days`},
		{"PT", 0, `invalid ISO-8601 duration "PT": no amount`},
		{"PT1H1H", 0, `invalid ISO-8601 duration "PT1H1H": unit 'H' out of place`},
		{"P1H", 0, `invalid ISO-8601 duration "P1H": unit 'H' out of place`},
		{"PT5", 0, `invalid ISO-8601 duration "PT5": want <number><unit>`},
	}
	for _, c := range cases {
		got, err := ParseDuration(c.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if diff := cmp.Diff(c.wantErr, gotErr); diff != "" {
			t.Errorf("ParseDuration(%q) error (-want +got):\n%s", c.in, diff)
		}
		if got != c.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestFormatDurations(t *testing.T) {
	// The seed ARM writes 1d as "P1D"; hours and minutes go after T.
	cases := []struct {
		in        time.Duration
		iso, yaml string
	}{
		{24 * time.Hour, "P1D", "1d"},
		{14 * 24 * time.Hour, "P14D", "14d"},
		{time.Hour, "PT1H", "1h"},
		{5 * time.Hour, "PT5H", "5h"},
		{5 * time.Minute, "PT5M", "5m"},
		{90 * time.Minute, "PT1H30M", "90m"},
		{25 * time.Hour, "PT25H", "25h"},
		{90 * time.Second, "PT1M30S", "PT1M30S"},
	}
	for _, c := range cases {
		if got := FormatISODuration(c.in); got != c.iso {
			t.Errorf("FormatISODuration(%v) = %q, want %q", c.in, got, c.iso)
		}
		if got := FormatYAMLDuration(c.in); got != c.yaml {
			t.Errorf("FormatYAMLDuration(%v) = %q, want %q", c.in, got, c.yaml)
		}
		// Both spellings read back to the same duration.
		for _, s := range []string{c.iso, c.yaml} {
			if back, err := ParseDuration(s); err != nil || back != c.in {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", s, back, err, c.in)
			}
		}
	}
}
