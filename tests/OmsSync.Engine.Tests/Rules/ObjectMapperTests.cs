using OmsSync.Engine.Rules;
using Xunit;

namespace OmsSync.Engine.Tests.Rules;

public sealed class ObjectMapperTests
{
    private static readonly ObjectName[] Source =
    [
        new("shop", "orders"), new("shop", "order_items"), new("shop", "customers"), new("shop", "Orders"),
        new("shop_archive", "orders_2023"), new("crm", "contacts"), new("crm", "leads"), new("my.db", "a*b"), new("my.db", "axb"),
        new("Sales", "Deals"),
    ];

    private static ObjectMapping Map(string[] include, string[]? exclude = null, Dictionary<string, string>? renames = null) =>
        new ObjectMapper(include, exclude, renames).Map(Source);

    private static string[] Selected(ObjectMapping mapping) => mapping.Objects.Select(o => $"{o.Source.Database}.{o.Source.Name}").ToArray();

    [Theory]
    [InlineData("shop")]
    [InlineData("shop.*")]
    [InlineData(" shop . * ")]
    public void DatabaseAloneOrWithStarSelectsEveryTableOfIt(string rule)
    {
        var mapping = Map([rule]);
        Assert.True(mapping.IsValid);
        Assert.Equal(["shop.orders", "shop.order_items", "shop.customers", "shop.Orders"], Selected(mapping));
    }

    [Fact]
    public void WildcardsMatchInBothParts()
    {
        Assert.Equal(["shop.orders", "shop.order_items", "shop_archive.orders_2023"], Selected(Map(["shop*.order*"])));
        Assert.Equal(["crm.leads"], Selected(Map(["crm.l?ads"])));
        Assert.Equal(["crm.contacts", "crm.leads"], Selected(Map(["c?m"])));
        Assert.Equal(Source.Length, Map(["*"]).Objects.Count);
        Assert.Equal(Source.Length, Map(["*.*"]).Objects.Count);
    }

    [Fact]
    public void QuestionMarkMatchesExactlyOneCharacter()
    {
        Assert.Empty(Map(["crm.lead?s"]).Objects);
        Assert.False(Map(["crm.lead?s"]).IsValid);
    }

    [Fact]
    public void BackQuotedPartsAreLiteral()
    {
        Assert.Equal(["my.db.a*b"], Selected(Map(["`my.db`.`a*b`"])));
        Assert.Equal(["my.db.a*b", "my.db.axb"], Selected(Map(["`my.db`.a*b"])));
        Assert.Equal(["my.db.a*b", "my.db.axb"], Selected(Map(["`my.db`"])));
    }

    [Fact]
    public void ExcludeRemovesFromIncluded()
    {
        var mapping = Map(["shop", "crm"], ["shop.order*", "crm.leads"]);
        Assert.Equal(["shop.customers", "shop.Orders", "crm.contacts"], Selected(mapping));
        Assert.True(mapping.IsValid);
    }

    [Fact]
    public void ExactCaseMatchWinsOverCaseInsensitive()
    {
        Assert.Equal(["shop.orders"], Selected(Map(["shop.orders"])));
        Assert.Equal(["shop.Orders"], Selected(Map(["shop.Orders"])));
    }

    [Fact]
    public void WithoutExactMatchTheRuleMatchesIgnoringCase()
    {
        Assert.Equal(["Sales.Deals"], Selected(Map(["sales.deals"])));
        Assert.Equal(["Sales.Deals"], Selected(Map(["SALES"])));
        Assert.Equal(["shop.orders", "shop.Orders"], Selected(Map(["shop.ORDERS"])));
    }

    [Fact]
    public void IncludeRuleThatMatchesNothingIsNamed()
    {
        var mapping = Map(["shop", "nosuchdb", "crm.nope*"]);
        Assert.False(mapping.IsValid);
        Assert.Equal(["nosuchdb", "crm.nope*"], mapping.Problems.Where(p => p.Kind == RuleProblemKind.IncludeMatchesNothing).Select(p => p.Rule));
        Assert.Contains("Include rule 'nosuchdb' matches no table or view on the source", mapping.Problems[0].Message);
        var error = Assert.Throws<InvalidOperationException>(() => mapping.EnsureValid());
        Assert.Contains("'crm.nope*'", error.Message);
    }

    [Fact]
    public void NoIncludeRuleIsAProblem()
    {
        var mapping = new ObjectMapper([]).Map(Source);
        Assert.False(mapping.IsValid);
        Assert.Empty(mapping.Objects);
    }

    [Fact]
    public void DatabaseRenameMovesEveryTable()
    {
        var mapping = Map(["shop"], renames: new() { ["shop"] = "shop_v2" });
        Assert.All(mapping.Objects, o => Assert.Equal("shop_v2", o.Target.Database));
        Assert.Equal(new ObjectName("shop_v2", "orders"), mapping.TargetOf(new("shop", "orders")));
        Assert.True(mapping.Objects.All(o => o.IsRenamed));
    }

    [Fact]
    public void TableRenameWithDatabaseAndTable()
    {
        var mapping = Map(["shop"], renames: new() { ["shop"] = "shop_v2", ["shop.orders"] = "history.order_hist" });
        Assert.Equal(new ObjectName("history", "order_hist"), mapping.TargetOf(new("shop", "orders")));
        Assert.Equal(new ObjectName("shop_v2", "customers"), mapping.TargetOf(new("shop", "customers")));
    }

    [Fact]
    public void TableRenameWithoutDatabaseFollowsTheDatabaseRename()
    {
        var mapping = Map(["shop"], renames: new() { ["shop"] = "shop_v2", ["shop.orders"] = "order_hist" });
        Assert.Equal(new ObjectName("shop_v2", "order_hist"), mapping.TargetOf(new("shop", "orders")));
        Assert.Equal(new ObjectName("shop_v2", "Orders"), mapping.TargetOf(new("shop", "Orders")));
    }

    [Fact]
    public void RenameKeysMatchExactCaseFirstThenIgnoringCase()
    {
        var mapping = Map(["shop", "Sales"], renames: new() { ["shop.Orders"] = "big_orders", ["sales"] = "sales_v2", ["sales.deals"] = "deal" });
        Assert.Equal(new ObjectName("shop", "big_orders"), mapping.TargetOf(new("shop", "Orders")));
        Assert.Equal(new ObjectName("shop", "orders"), mapping.TargetOf(new("shop", "orders")));
        Assert.Equal(new ObjectName("sales_v2", "deal"), mapping.TargetOf(new("Sales", "Deals")));
        Assert.True(mapping.IsValid);
    }

    [Fact]
    public void QuotedRenameNamesMayContainDotsAndBackQuotes()
    {
        var mapping = Map(["`my.db`"], renames: new() { ["`my.db`"] = "`new.db`", ["`my.db`.`a*b`"] = "`we``ird`" });
        Assert.Equal(new ObjectName("new.db", "we`ird"), mapping.TargetOf(new("my.db", "a*b")));
        Assert.Equal(new ObjectName("new.db", "axb"), mapping.TargetOf(new("my.db", "axb")));
    }

    [Fact]
    public void TwoSourcesToOneTargetIsACollisionNamingTheRules()
    {
        var mapping = Map(["shop", "crm"], renames: new() { ["shop.orders"] = "crm.contacts" });
        Assert.False(mapping.IsValid);
        var problem = Assert.Single(mapping.Problems);
        Assert.Equal(RuleProblemKind.RenameCollision, problem.Kind);
        Assert.Contains("`shop`.`orders`", problem.Message);
        Assert.Contains("`crm`.`contacts`", problem.Message);
        Assert.Contains("'shop.orders=crm.contacts'", problem.Message);
    }

    [Fact]
    public void MergingTwoDatabasesCollidesOnlyOnSharedTableNames()
    {
        var mapping = Map(["shop", "shop_archive"], renames: new() { ["shop"] = "merged", ["shop_archive"] = "merged" });
        Assert.True(mapping.IsValid);
        mapping = new ObjectMapper(["a", "b"], renames: new Dictionary<string, string> { ["a"] = "m", ["b"] = "m" })
            .Map([new("a", "t"), new("b", "t"), new("b", "u")]);
        var problem = Assert.Single(mapping.Problems);
        Assert.Equal(RuleProblemKind.RenameCollision, problem.Kind);
        Assert.Contains("'a=m', 'b=m'", problem.Message);
    }

    [Fact]
    public void TargetsDifferingOnlyInCaseDoNotCollide()
    {
        Assert.True(Map(["shop.*rders"]).IsValid);
    }

    [Fact]
    public void RenameOfAnUnselectedObjectIsAWarning()
    {
        var mapping = Map(["shop"], ["shop.customers"], new() { ["shop.customers"] = "clients", ["shop.nope"] = "x", ["crm"] = "crm2" });
        Assert.True(mapping.IsValid);
        Assert.Equal(3, mapping.Problems.Count);
        Assert.All(mapping.Problems, p => Assert.Equal(RuleProblemKind.RenameMatchesNothing, p.Kind));
        Assert.Contains("exclude rule", mapping.Problems.Single(p => p.Rule == "shop.customers=clients").Message);
        Assert.Contains("no such table", mapping.Problems.Single(p => p.Rule == "shop.nope=x").Message);
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("a.")]
    [InlineData(".b")]
    [InlineData("`a")]
    [InlineData("`a`b")]
    [InlineData("a`b`")]
    [InlineData("")]
    public void InvalidPatternsAreReportedWithTheRule(string rule)
    {
        var mapping = Map(["shop", rule]);
        Assert.False(mapping.IsValid);
        Assert.Contains(mapping.Problems, p => p.Kind == RuleProblemKind.InvalidRule && p.Rule == rule);
    }

    [Theory]
    [InlineData("shop*", "x")]
    [InlineData("shop.o*", "x")]
    [InlineData("shop", "a.b")]
    [InlineData("shop.orders", "a.b.c")]
    [InlineData("shop.orders", "a*")]
    public void InvalidRenamesAreReported(string key, string value)
    {
        var mapping = Map(["shop"], renames: new() { [key] = value });
        var problem = Assert.Single(mapping.Problems);
        Assert.Equal(RuleProblemKind.InvalidRule, problem.Kind);
        Assert.Equal($"{key}={value}", problem.Rule);
    }

    [Fact]
    public void IsSelectedAndTargetOfWorkForSingleNames()
    {
        var mapper = new ObjectMapper(["shop.*"], ["shop.tmp_*"], new Dictionary<string, string> { ["shop"] = "shop2" });
        Assert.True(mapper.IsSelected(new("shop", "new_table")));
        Assert.True(mapper.IsSelected(new("SHOP", "new_table")));
        Assert.False(mapper.IsSelected(new("shop", "tmp_1")));
        Assert.False(mapper.IsSelected(new("crm", "x")));
        Assert.Equal(new ObjectName("shop2", "new_table"), mapper.TargetOf(new("shop", "new_table")));
        Assert.Equal("shop2", mapper.TargetDatabaseOf("shop"));
        Assert.Equal("crm", mapper.TargetDatabaseOf("crm"));
    }

    [Fact]
    public void SourceOrderIsKeptAndDuplicatesIgnored()
    {
        var mapping = new ObjectMapper(["*"]).Map([new("b", "1"), new("a", "2"), new("b", "1")]);
        Assert.Equal(["b.1", "a.2"], Selected(mapping));
    }
}
