using MySqlConnector;
using OmsSync.Engine.Connections;
using OmsSync.Engine.Rules;
using Xunit;

namespace OmsSync.Engine.Tests.Rules;

public sealed class RowFilterCheckTests
{
    [Theory]
    [InlineData("region = 'EU'")]
    [InlineData("placed_at >= '2024-01-01' AND (status IN ('paid', 'sent') OR total > 100.5)")]
    [InlineData("name LIKE 'a;b%' ESCAPE '\\\\'")]
    [InlineData("`select` = 1 AND `a;b` <> 'x''y'")]
    [InlineData("REPLACE(name, 'a', 'b') = 'x' AND INSERT(code, 1, 2, 'zz') <> ''")]
    [InlineData("EXTRACT(YEAR FROM created) = 2024 AND SUBSTRING(name FROM 1 FOR 2) = 'ab'")]
    [InlineData("COALESCE(deleted, 0) = 0 AND DATE(created) BETWEEN '2024-01-01' AND '2024-12-31'")]
    public void OneConditionOnTheRowIsAccepted(string filter) => Assert.Null(RowFilterCheck.Problem(filter, postgres: false));

    [Theory]
    [InlineData("1=1); DROP TABLE shop.victim; SELECT (1", "closing parenthesis")]
    [InlineData("id > 1; DROP TABLE shop.victim", "statement separator")]
    [InlineData("id > (SELECT MAX(id) FROM shop.other)", "subquery")]
    [InlineData("id IN (VALUES (1), (2))", "subquery")]
    [InlineData("id > 1 -- and the rest", "comment")]
    [InlineData("id > 1 # and the rest", "comment")]
    [InlineData("id > 1 /*! OR 1=1 */", "comment")]
    [InlineData("id > 1 /* note */", "comment")]
    [InlineData("id > @limit", "variable")]
    [InlineData("@@hostname = 'x'", "variable")]
    [InlineData("shop.f(id) = 1", "function of a database")]
    [InlineData("SLEEP(5) = 0", "waits")]
    [InlineData("LOAD_FILE('/etc/passwd') IS NULL", "reads files")]
    [InlineData("id = 1, id = 2", "more than one expression")]
    [InlineData("name = 'unclosed", "never closed")]
    [InlineData("name = 'it\\'s", "never closed")]
    [InlineData("(id > 1", "never closed")]
    [InlineData("DELETE FROM shop.victim", "DELETE")]
    [InlineData("id > 1 UNION ALL SELECT 1", "UNION")]
    [InlineData(" ", "empty")]
    public void AnythingButOneConditionIsRefusedWithTheReason(string filter, string reason)
    {
        var problem = RowFilterCheck.Problem(filter, postgres: false);
        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData("data @> '{\"a\": 1}' AND created::date >= '2024-01-01'", null)]
    [InlineData("\"Region\" = 'EU' AND name ~ '^a;b'", null)]
    [InlineData("name = 'a\\'", null)] // no backslash escapes in standard strings: the string is closed
    [InlineData("id > 1 --x", "comment")]
    [InlineData("name = $$a$$", "dollar-quoted")]
    [InlineData("name = E'\\''", "escape string")]
    [InlineData("query_to_xml('DROP TABLE public.victim', true, true, '') IS NOT NULL", "changes state")]
    [InlineData("pg_sleep(10) IS NULL", "waits")]
    [InlineData("lo_import('/etc/passwd') > 0", "reads files")]
    [InlineData("`id` > 1", "back-quoted")]
    [InlineData("id > 1; DROP TABLE public.victim", "statement separator")]
    public void PostgresFiltersFollowTheSameRulesInPostgresSyntax(string filter, string? reason)
    {
        var problem = RowFilterCheck.Problem(filter, postgres: true);
        if (reason is null) Assert.Null(problem);
        else Assert.Contains(reason, problem);
    }

    [Fact]
    public void ProblemsOfATaskNameTheTableAndTheFiltersOnTablesItDoesNotMigrate()
    {
        var problems = RowFilterCheck.ProblemsOf(["shop.customers", "crm.*"], ["crm.tmp_*"],
            new Dictionary<string, string> { ["shop.customers"] = "id > 1; SELECT 1", ["shop.orders"] = "id > 1", ["crm.leads"] = "id > 1", ["crm.tmp_x"] = "id > 1" },
            ["shop.orders"], postgres: false).ToList();
        Assert.Equal([("shop.customers", "InvalidRowFilterValue"), ("shop.orders", "RowFilterTableNotInTask"), ("crm.tmp_x", "RowFilterTableNotInTask"),
            ("shop.orders", "ColumnTableNotInTask")], problems.Select(p => (p.Table, p.ErrorId)));
        Assert.Contains("'shop.customers'", problems[0].Message);
        Assert.Contains("-Include 'shop.customers', 'crm.*', -Exclude 'crm.tmp_*'", problems[1].Message);
    }

    [Fact]
    public void ACarriedStatementHasItsParametersWrittenInAndNothingInsideStringsTouched()
    {
        var command = new MySqlCommand("SELECT '@lo0', `@hi0` FROM t WHERE k > @lo0 AND k <= @hi0 AND b = @b AND s = @s");
        command.Parameters.AddWithValue("@lo0", 5L);
        command.Parameters.AddWithValue("@hi0", 18446744073709551615UL);
        command.Parameters.AddWithValue("@b", new byte[] { 0x00, 0xFF });
        command.Parameters.AddWithValue("@s", "it's a \\ test");
        Assert.Equal("SELECT '@lo0', `@hi0` FROM t WHERE k > 5 AND k <= 18446744073709551615 AND b = X'00FF' AND s = 'it''s a \\\\ test'",
            SingleStatement.Inline(command));
        var carried = SingleStatement.For(command, carriesUserText: true);
        Assert.StartsWith("PREPARE ", carried.CommandText);
        Assert.Same(command, SingleStatement.For(command, carriesUserText: false));
    }
}
