package templates

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestHCLString(t *testing.T) {
	// Expected literals follow the HCL native syntax escapes: \n \r \t \"
	// \\ \uNNNN, and "${" / "%{" doubled to stay literal.
	cases := []struct{ in, want string }{
		{"a", `"a"`},
		{`a"b`, `"a\"b"`},
		{`back\slash`, `"back\\slash"`},
		{"two\nlines\r\tx", `"two\nlines\r\tx"`},
		{"${var.x}", `"$${var.x}"`},
		{"%{ if x }", `"%%{ if x }"`},
		{"$x and %d", `"$x and %d"`},
		{"$${x}", `"$$${x}"`},
		{"bell\x07", `"bell\u0007"`},
		{"é", `"é"`},
	}
	for _, c := range cases {
		got := HCLString(c.in)
		if got != c.want {
			t.Errorf("HCLString(%q) = %s, want %s", c.in, got, c.want)
		}
		// HCL itself reads the literal back to the input.
		expr, diags := hclsyntax.ParseExpression([]byte(got), "t", hcl.InitialPos)
		if diags.HasErrors() {
			t.Errorf("HCL cannot parse %s: %v", got, diags)
			continue
		}
		v, diags := expr.Value(nil)
		if diags.HasErrors() || v.AsString() != c.in {
			t.Errorf("HCL reads %s as %q (%v), want %q", got, v.AsString(), diags, c.in)
		}
	}
}

func TestRenderTerraform(t *testing.T) {
	type provider struct{ Name, Source, Version string }
	type variable struct{ Name, Description, Type, Default string }
	data := struct {
		Providers []provider
		Variables []variable
	}{
		Providers: []provider{{"azurerm", "hashicorp/azurerm", ">= 3.109"}},
		Variables: []variable{
			{"workspace_id", `The "workspace".`, "string", ""},
			// Type and Default are HCL source, written as they are.
			{"groups", "Log groups.", "list(string)", `["a"]`},
		},
	}
	got, err := Render("terraform.tf.tmpl", data)
	if err != nil {
		t.Fatal(err)
	}
	want := `terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 3.109"
    }
  }
}

variable "workspace_id" {
  description = "The \"workspace\"."
  type        = string
}

variable "groups" {
  description = "Log groups."
  type        = list(string)
  default     = ["a"]
}
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := Render("missing.tmpl", data); err == nil {
		t.Error("rendering a template that does not exist succeeded")
	}
}
