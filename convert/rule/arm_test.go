package rule

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var whitespaceRun = regexp.MustCompile(`\s+`)

// armJSON decodes an ARM template and folds runs of whitespace in every
// resource's query, since the seed ARM's copy of the query lost them
// (../shared/README.md); when dropURI is set it also removes OriginalUri.
func armJSON(t *testing.T, data []byte, dropURI bool) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	for _, res := range v["resources"].([]any) {
		props := res.(map[string]any)["properties"].(map[string]any)
		props["query"] = whitespaceRun.ReplaceAllString(props["query"].(string), " ")
		if dropURI {
			delete(props, "OriginalUri")
		}
	}
	return v
}

// TestWriteARMSeed: the seed YAML converts to the seed ARM, which
// Microsoft's tooling made from it, as JSON; OriginalUri only when the
// source URI is given, and the query compared with whitespace runs folded.
func TestWriteARMSeed(t *testing.T) {
	want := readShared(t, "seed/SuspiciousAWSEC2ComputeResourceDeployments.arm.json")
	r := seedRule(t)

	got, err := WriteARM([]*Rule{r}, ARMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(armJSON(t, want, true), armJSON(t, got, false)); diff != "" {
		t.Errorf("WriteARM without a source URI (-seed ARM +got):\n%s", diff)
	}

	uri := "https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/Amazon Web Services/Analytic Rules/SuspiciousAWSEC2ComputeResourceDeployments.yaml"
	got, err = WriteARM([]*Rule{r}, ARMOptions{SourceURI: uri})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(armJSON(t, want, false), armJSON(t, got, false)); diff != "" {
		t.Errorf("WriteARM with the source URI (-seed ARM +got):\n%s", diff)
	}

	// ruleport keeps the query byte-exact.
	var v struct {
		Resources []struct{ Properties struct{ Query string } }
	}
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatal(err)
	}
	if v.Resources[0].Properties.Query != r.Query {
		t.Errorf("the ARM query is not the YAML query byte for byte")
	}
}

// TestWriteARMSeveralRules: one template holds several rules, and
// loading it gives them back in order.
func TestWriteARMSeveralRules(t *testing.T) {
	a := seedRule(t)
	b := seedRule(t)
	b.ID, b.Name = "0ee2aafb-4500-4e36-bcb1-e90eec2f0b9b", "Second"
	out, err := WriteARM([]*Rule{a, b}, ARMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rules, diags := Load("two.json", out)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var got [][2]string
	for _, r := range rules {
		got = append(got, [2]string{r.ID, r.Name})
	}
	want := [][2]string{{a.ID, a.Name}, {b.ID, "Second"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestARMDuplicateID: two resources with one rule id cannot both deploy.
func TestARMDuplicateID(t *testing.T) {
	a := seedRule(t)
	out, err := WriteARM([]*Rule{a, a}, ARMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, diags := Load("two.json", out)
	// In the output the first resource object spans lines 10-71 (read
	// from the written template), so the second opens on line 72.
	want := []string{"two.json:72:5: resources[1]: rule id 9e457dc4-81f0-4d25-bc37-a5fa4a17946a is already used by the resource at 10:5"}
	if diff := cmp.Diff(want, diagStrings(diags)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMergeTechniques(t *testing.T) {
	cases := []struct {
		techniques, sub, want []string
	}{
		{[]string{"T1496"}, nil, []string{"T1496"}},
		{[]string{"T1078", "T1098"}, []string{"T1078.004"}, []string{"T1078.004", "T1098"}},
		{[]string{"T1078"}, []string{"T1078.004", "T1078.001"}, []string{"T1078.004", "T1078.001"}},
		{nil, []string{"T1562.008"}, []string{"T1562.008"}},
	}
	for _, c := range cases {
		got := mergeTechniques(c.techniques, c.sub)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("mergeTechniques(%v, %v) (-want +got):\n%s", c.techniques, c.sub, diff)
		}
	}
}
