using System.Text;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.Rules;
using Xunit;

namespace OmsSync.Engine.Tests.Conflicts;

public sealed class ConflictRuleTests
{
    private static readonly ObjectName Orders = new("shop", "orders");
    private static readonly ObjectName OrdersOnTarget = new("shop_v2", "order_hist");

    private static ConflictPolicy PolicyFor(IReadOnlyList<ConflictRule> rules, Direction direction, ObjectName? table = null) =>
        ConflictRule.Resolve(rules, direction, table ?? Orders, OrdersOnTarget).Policy;

    [Fact]
    public void WithoutRulesConflictsAreIgnored() =>
        Assert.Equal(ConflictPolicy.Ignore, PolicyFor([], Direction.Forward));

    [Fact]
    public void TheMostSpecificRuleWinsWhateverTheOrder()
    {
        var rules = new List<ConflictRule>
        {
            new() { Table = "shop.orders", Policy = ConflictPolicy.NewerWins, TimestampColumn = "ts" },
            new() { Table = "shop.*", Direction = Direction.Reverse, Policy = ConflictPolicy.Overwrite },
            new() { Policy = ConflictPolicy.Overwrite },
        };
        Assert.Equal(ConflictPolicy.NewerWins, PolicyFor(rules, Direction.Forward));
        Assert.Equal(ConflictPolicy.NewerWins, PolicyFor(rules, Direction.Reverse));
        Assert.Equal(ConflictPolicy.Overwrite, PolicyFor(rules, Direction.Reverse, new ObjectName("shop", "customers")));
        Assert.Equal(ConflictPolicy.Overwrite, PolicyFor(rules, Direction.Forward, new ObjectName("crm", "leads")));
        rules.Add(new ConflictRule { Table = "shop.orders", Direction = Direction.Forward, Policy = ConflictPolicy.Ignore });
        Assert.Equal(ConflictPolicy.Ignore, PolicyFor(rules, Direction.Forward));
        Assert.Equal(ConflictPolicy.NewerWins, PolicyFor(rules, Direction.Reverse));
    }

    [Fact]
    public void ATableRuleMatchesTheTargetNameToo()
    {
        var rules = new[] { new ConflictRule { Table = "shop_v2.order_*", Policy = ConflictPolicy.Overwrite } };
        Assert.Equal(ConflictPolicy.Overwrite, PolicyFor(rules, Direction.Forward));
        Assert.Equal(ConflictPolicy.Ignore, ConflictRule.Resolve(rules, Direction.Forward, new ObjectName("shop", "customers"), new ObjectName("shop_v2", "customers")).Policy);
    }

    [Fact]
    public void SettingARuleReplacesTheOneForTheSameTablesAndDirection()
    {
        IReadOnlyList<ConflictRule> rules = [];
        rules = ConflictRule.Set(rules, new ConflictRule { Table = "shop.*", Policy = ConflictPolicy.Overwrite });
        rules = ConflictRule.Set(rules, new ConflictRule { Table = "SHOP.*", Policy = ConflictPolicy.Ignore, DetectStale = true });
        rules = ConflictRule.Set(rules, new ConflictRule { Table = "shop.*", Direction = Direction.Reverse, Policy = ConflictPolicy.Overwrite });
        Assert.Equal(2, rules.Count);
        Assert.True(ConflictRule.Resolve(rules, Direction.Forward, Orders, OrdersOnTarget).DetectStale);
    }

    [Theory]
    [InlineData(ConflictPolicy.NewerWins, null, "-TimestampColumn")]
    [InlineData(ConflictPolicy.Overwrite, "ts", "only used by the NewerWins")]
    public void ShapeProblemsAreNamed(ConflictPolicy policy, string? column, string expected) =>
        Assert.Contains(expected, ConflictRuleCheck.CheckShape(new ConflictRule { Policy = policy, TimestampColumn = column }));

    [Fact]
    public void NewerWinsAlwaysComparesTheBeforeImage()
    {
        Assert.True(new ConflictRule { Policy = ConflictPolicy.NewerWins, TimestampColumn = "ts" }.ChecksBeforeImage);
        Assert.False(new ConflictRule { Policy = ConflictPolicy.Overwrite }.ChecksBeforeImage);
        Assert.True(new ConflictRule { Policy = ConflictPolicy.Ignore, DetectStale = true }.ChecksBeforeImage);
    }

    private static ColumnSchema Column(string type) => new() { Name = "c", Ordinal = 1, DataType = type, ColumnType = type };

    [Theory]
    [InlineData("varbinary", "0x00FF", "X'00FF'")]
    [InlineData("varbinary", "0xZZ", "'0xZZ'")]
    [InlineData("varchar", "0x00FF", "'0x00FF'")]
    [InlineData("bit", "b'101'", "b'101'")]
    [InlineData("varchar", "it's\\", "'it\\'s\\\\'")]
    [InlineData("int", null, "NULL")]
    public void LoggedValuesBecomeExactLiteralsAgain(string type, string? text, string literal)
    {
        var sql = new StringBuilder();
        MySqlDisplayForm.AppendLiteral(sql, Column(type), text);
        Assert.Equal(literal, sql.ToString());
    }
}
