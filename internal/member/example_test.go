package member_test

import (
	"fmt"
	"strings"

	"github.com/foliopress/folio/internal/member"
)

func ExampleParseMembersCSV() {
	csv := "Email,Name,Tier,Status,Joined\r\n" +
		"ann@example.org,Ann Lee,print,active,2019\r\n" +
		"bob@,Bob,web,active,2020\r\n" +
		"ANN@example.org,Ann Twice,print,active,2021\r\n"
	members, rowErrs, err := member.ParseMembersCSV(strings.NewReader(csv), "members.csv")
	if err != nil {
		panic(err)
	}
	for _, m := range members {
		fmt.Println("ok:", m.Email, m.Status)
	}
	for _, e := range rowErrs {
		fmt.Println(e)
	}
	// Output:
	// ok: ann@example.org active
	// members.csv:3: email: "bob@": invalid address
	// members.csv:4: email: "ANN@example.org": duplicate email (first on line 2)
}
