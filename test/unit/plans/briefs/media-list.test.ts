import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashEmailForAudience, parseMediaListCsv } from "../../../../packages/core/src/plans/briefs/index.ts";

describe("parseMediaListCsv", () => {
  it("reads the columns by header name, in any case and order", () => {
    const { contacts, errors } = parseMediaListCsv("Beat,EMAIL,Outlet,Name\nFintech,jane@news.example,The Ledger,Jane Doe\n");
    expect(errors).toEqual([]);
    expect(contacts).toEqual([{ email: "jane@news.example", name: "Jane Doe", outlet: "The Ledger", beat: "Fintech" }]);
  });

  it("needs only the email column and omits empty optional fields", () => {
    const { contacts } = parseMediaListCsv("email,name\nraj@wire.example,\nli@paper.example\n");
    expect(contacts).toEqual([{ email: "raj@wire.example" }, { email: "li@paper.example" }]);
  });

  it("handles RFC 4180 quoting: commas, doubled quotes and line breaks inside quotes", () => {
    const csv = [
      'email,name,outlet',
      'a@one.example,"Doe, Jane","The ""Daily"" Planet"',
      'b@two.example,"Multi',
      'line name",Wire',
      'not-an-email,Bad,Row',
    ].join("\n");
    const { contacts, errors } = parseMediaListCsv(csv);
    expect(contacts).toEqual([
      { email: "a@one.example", name: "Doe, Jane", outlet: 'The "Daily" Planet' },
      { email: "b@two.example", name: "Multi line name", outlet: "Wire" },
    ]);
    // The quoted line break moved the bad row to physical line 5.
    expect(errors).toEqual([{ line: 5, reason: "invalid email address" }]);
  });

  it("reads CRLF files and tolerates a BOM before the header", () => {
    const { contacts, errors } = parseMediaListCsv("\ufeffEmail,Name\r\nx@a.example,X\r\n\r\ny@b.example,\"Y, Why\"\r\n");
    expect(errors).toEqual([]);
    expect(contacts).toEqual([{ email: "x@a.example", name: "X" }, { email: "y@b.example", name: "Y, Why" }]);
  });

  it("reports bad email lines by number without echoing them, and skips them", () => {
    const csv = "email,name\nok@a.example,Ok\njane.doe@example,No TLD\n,No email\njane doe@a.example,Space\nbad@@a.example,Two ats\nfine@b.example,Fine\n";
    const { contacts, errors } = parseMediaListCsv(csv);
    expect(contacts.map((c) => c.email)).toEqual(["ok@a.example", "fine@b.example"]);
    expect(errors).toEqual([
      { line: 3, reason: "invalid email address" },
      { line: 4, reason: "no email address" },
      { line: 5, reason: "invalid email address" },
      { line: 6, reason: "invalid email address" },
    ]);
    expect(JSON.stringify(errors)).not.toContain("@");
  });

  it("removes duplicates case-insensitively, keeping the first row", () => {
    const { contacts, errors } = parseMediaListCsv("email,name\nJane@News.example,First\n jane@news.EXAMPLE ,Second\nother@news.example,Other\n");
    expect(contacts).toEqual([{ email: "Jane@News.example", name: "First" }, { email: "other@news.example", name: "Other" }]);
    expect(errors).toEqual([]);
  });

  it("rejects a file whose header has no email column", () => {
    const { contacts, errors } = parseMediaListCsv("name,outlet\nJane,Ledger\n");
    expect(contacts).toEqual([]);
    expect(errors).toEqual([{ line: 1, reason: 'the header row has no "email" column' }]);
  });

  it("rejects an empty file and a file without a header row", () => {
    expect(parseMediaListCsv("").errors).toEqual([{ line: 1, reason: expect.stringContaining("no header row") }]);
    expect(parseMediaListCsv("jane@news.example,Jane\n")).toEqual({
      contacts: [],
      errors: [{ line: 1, reason: 'the header row has no "email" column' }],
      merged: 0,
    });
  });

  it("merges a repeated email into its first row, filling its gaps, and keeps X handles bare", () => {
    const csv = "email,name,outlet,beat,x_handle\nJane@News.example,Jane,,AI,@janedoe\n jane@news.example ,Other Name,Daily News,Energy,\nbob@wire.example,Bob,Wire,,https://x.com/bobwire\ncat@wire.example,Cat,,,not a handle!\n";
    const { contacts, errors, merged } = parseMediaListCsv(csv);
    expect(errors).toEqual([]);
    expect(merged).toBe(1);
    expect(contacts).toEqual([
      { email: "Jane@News.example", name: "Jane", outlet: "Daily News", beat: "AI", xHandle: "janedoe" },
      { email: "bob@wire.example", name: "Bob", outlet: "Wire", xHandle: "bobwire" },
      { email: "cat@wire.example", name: "Cat" },
    ]);
  });

  it("reports a quoted field that is never closed", () => {
    const { contacts, errors } = parseMediaListCsv('email,name\na@b.example,"Unclosed\nc@d.example,C\n');
    expect(contacts).toEqual([]);
    expect(errors).toEqual([{ line: 2, reason: "a quoted field is never closed" }]);
  });

  it("accepts E-mail / Email Address headers and ignores extra columns", () => {
    const { contacts } = parseMediaListCsv("Name,E-mail,Notes\nJ,j@a.example,likes fintech,extra\n");
    expect(contacts).toEqual([{ email: "j@a.example", name: "J" }]);
    expect(parseMediaListCsv("Email Address\nk@a.example\n").contacts).toEqual([{ email: "k@a.example" }]);
  });
});

describe("hashEmailForAudience", () => {
  it("is the SHA-256 hex of the trimmed, lower-cased email", () => {
    const expected = createHash("sha256").update("journalist@example.com").digest("hex");
    expect(hashEmailForAudience("journalist@example.com")).toBe(expected);
    expect(hashEmailForAudience("  Journalist@Example.COM \n")).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEmailForAudience("other@example.com")).not.toBe(expected);
  });
});
