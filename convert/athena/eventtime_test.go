package athena_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/reference/logs"
)

// TestEventTimeTexts: the texts KQL does and does not read as
// TimeGenerated (docs/ARCHITECTURE.md, Decisions: RFC 3339, or the form
// with a space read as UTC; anything else is null), through the emitted
// SQL on the Athena engine. Each want is also checked against
// logs.EventTime, the one Go reading every engine windows on. Athena keeps
// milliseconds (from_iso8601_timestamp is timestamp(3)), so the wants are.
func TestEventTimeTexts(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ms*1e6, time.UTC)
	}
	tests := []struct {
		name, eventTime string
		want            any // nil: no time
	}{
		{"utc", `"2026-03-02T01:00:00Z"`, utc(2026, 3, 2, 1, 0, 0, 0)},
		{"fraction", `"2026-03-02T01:00:00.5Z"`, utc(2026, 3, 2, 1, 0, 0, 500)},
		{"fraction-9", `"2026-03-02T01:00:00.123999999Z"`, utc(2026, 3, 2, 1, 0, 0, 123)},
		{"offset", `"2022-01-14T13:18:31.000-08:00"`, utc(2022, 1, 14, 21, 18, 31, 0)},
		{"space", `"2024-12-16 18:41:07.000000000"`, utc(2024, 12, 16, 18, 41, 7, 0)},
		{"space-z", `"2024-12-16 18:41:07Z"`, utc(2024, 12, 16, 18, 41, 7, 0)},
		{"space-offset", `"2024-12-16 18:41:07+01:00"`, utc(2024, 12, 16, 17, 41, 7, 0)},
		{"space-seconds", `"2024-12-16 18:41:07"`, utc(2024, 12, 16, 18, 41, 7, 0)},
		// Joda's ISO 8601 reads these; RFC 3339 does not.
		{"no-zone", `"2026-03-02T01:00:00"`, nil},
		{"date-only", `"2026-03-02"`, nil},
		{"hour-only", `"2026-03-02T01Z"`, nil},
		{"no-seconds", `"2026-03-02T01:00Z"`, nil},
		{"lower-t", `"2026-03-02t01:00:00Z"`, nil},
		{"offset-no-colon", `"2026-03-02T01:00:00+0100"`, nil},
		{"ordinal", `"2026-061T01:00:00Z"`, nil},
		// The right shape, not a date: null to Go and to Joda.
		{"feb-30", `"2026-02-30T00:00:00Z"`, nil},
		{"hour-24", `"2026-03-02T24:00:00Z"`, nil},
		{"words", `"yesterday"`, nil},
		{"number", `1772413200`, nil},
		{"null", `null`, nil},
	}
	var recs []string
	for _, tt := range tests {
		rec := fmt.Sprintf(`{"eventTime":%s,"eventName":%q}`, tt.eventTime, tt.name)
		recs = append(recs, rec)
		et, ok := logs.EventTime([]byte(rec))
		if ok != (tt.want != nil) || ok && !et.Truncate(time.Millisecond).Equal(tt.want.(time.Time)) {
			t.Errorf("%s: logs.EventTime reads %v, %v; the table says %v", tt.name, et, ok, tt.want)
		}
	}
	got := map[string]any{}
	for _, row := range runRecords(t, `AWSCloudTrail | project EventName, TimeGenerated`, recs).Rows {
		got[row[0].(string)] = row[1]
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, got[tt.name]); d != "" {
			t.Errorf("%s: TimeGenerated of %s (-want +got):\n%s", tt.name, tt.eventTime, d)
		}
	}
}

// TestGuidWithoutValue: TenantId, a guid column no CloudTrail field
// fills, is null, as the KQL interpreter has it (a guid cannot be "",
// reference/kqlengine cloudTrailRow); Type, filled with a constant, is
// that constant; SourceSystem, a string without a source, is "".
func TestGuidWithoutValue(t *testing.T) {
	got := runRecords(t, `AWSCloudTrail | project EventName, TenantId, Type, SourceSystem`,
		[]string{`{"eventName":"E","eventTime":"2026-03-02T01:00:00Z"}`})
	want := [][]any{{"E", nil, "AWSCloudTrail", ""}}
	if d := cmp.Diff(want, got.Rows); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}
