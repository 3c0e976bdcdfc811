package logs_test

// This test lives outside package logs because it imports convert/schema,
// which package logs itself may not import (layering_test.go): the
// projection and the compiler's schema are written separately and must
// agree.

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/reference/logs"
)

// TestColumnsMatchSchema checks AWSCloudTrailColumns against the schema
// file convert/schema embeds: same names in the same order, same KQL
// types, same CloudTrail source fields.
func TestColumnsMatchSchema(t *testing.T) {
	var want []logs.Column
	for _, c := range schema.AWSCloudTrail.Columns {
		want = append(want, logs.Column{Name: c.Name, Type: c.Type, Source: c.Source})
	}
	if diff := cmp.Diff(want, logs.AWSCloudTrailColumns); diff != "" {
		t.Errorf("AWSCloudTrailColumns (-schema +logs):\n%s", diff)
	}
	for i, c := range logs.AWSCloudTrailColumns {
		if j, ok := logs.AWSCloudTrailIndex[c.Name]; !ok || j != i {
			t.Errorf("AWSCloudTrailIndex[%q] = %d, %v; want %d", c.Name, j, ok, i)
		}
	}
	if len(logs.AWSCloudTrailIndex) != len(logs.AWSCloudTrailColumns) {
		t.Errorf("AWSCloudTrailIndex has %d names for %d columns", len(logs.AWSCloudTrailIndex), len(logs.AWSCloudTrailColumns))
	}
}
