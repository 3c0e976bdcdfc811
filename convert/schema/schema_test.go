package schema

import "testing"

func TestAWSCloudTrail(t *testing.T) {
	tests := []struct{ name, typ, source string }{
		{"TimeGenerated", "datetime", "eventTime"},
		{"UserIdentityPrincipalid", "string", "userIdentity.principalId"},
		{"SessionMfaAuthenticated", "bool", "userIdentity.sessionContext.attributes.mfaAuthenticated"},
		{"Resources", "string", "resources"},
		{"Category", "string", "eventCategory"},
		{"OperationName", "string", ""},
		{"Type", "string", ""},
		{"TenantId", "guid", ""},
		{"UserIdentityUserId", "string", "userIdentity.userId"},
	}
	for _, tt := range tests {
		c, ok := AWSCloudTrail.Column(tt.name)
		if !ok {
			t.Errorf("column %s missing", tt.name)
			continue
		}
		if c.Type != tt.typ || c.Source != tt.source {
			t.Errorf("%s = (%q, %q), want (%q, %q)", tt.name, c.Type, c.Source, tt.typ, tt.source)
		}
	}
	if n := len(AWSCloudTrail.Columns); n != 52 {
		t.Errorf("AWSCloudTrail has %d columns, the schema file lists 52", n)
	}
	if _, ok := AWSCloudTrail.Column("useridentityprincipalid"); ok {
		t.Error("column lookup must be case-sensitive, as KQL names are")
	}
}
