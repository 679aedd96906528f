using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.MySql.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.Pipeline;

/// <summary>Which source transactions of a batch may commit side by side: only those whose write sets do not meet.</summary>
public sealed class TransactionGroupsTests
{
    private static ColumnSchema Int(string name, int ordinal, bool nullable = false) =>
        new() { Name = name, Ordinal = ordinal, DataType = "int", ColumnType = "int(11)", Nullable = nullable };

    private static ColumnSchema Text(string name, int ordinal, string collation) =>
        new() { Name = name, Ordinal = ordinal, DataType = "varchar", ColumnType = "varchar(20)", Collation = collation, Charset = "utf8mb4", Nullable = true };

    private static TableApplyPlan Plan(string table, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<IndexSchema> indexes, IReadOnlyList<KeyLink>? links = null)
    {
        var schema = new TableSchema { Database = "db", Name = table, Columns = columns, Indexes = indexes };
        var mapping = new TableMapping { SourceDatabase = "db", SourceTable = table, TargetDatabase = "db", TargetTable = table };
        return new TableApplyPlan(new TaskTable(mapping, schema, new CreateTableOptions()), columns.Select(c => (string?)c.Name).ToList()) { Links = links ?? [] };
    }

    private static IndexSchema Primary(params string[] columns) =>
        new() { Name = "PRIMARY", Kind = IndexKind.Primary, Columns = columns.Select(c => new IndexColumn(c, null)).ToList() };

    private static IndexSchema Unique(string name, params string[] columns) =>
        new() { Name = name, Kind = IndexKind.Unique, Columns = columns.Select(c => new IndexColumn(c, null)).ToList() };

    private static readonly TableApplyPlan Accounts = Plan("acc", [Int("id", 1), Int("n", 2)], [Primary("id")]);

    private static (TableApplyPlan, RowChange) Update(TableApplyPlan plan, params object?[] row) =>
        (plan, new RowChange(RowChangeKind.Update, "db", plan.Table.Mapping.SourceTable, plan.Table.Schema.Columns.Select(c => (string?)c.Name).ToList(), row, row, null));

    private static (TableApplyPlan, RowChange) Insert(TableApplyPlan plan, params object?[] row) =>
        (plan, new RowChange(RowChangeKind.Insert, "db", plan.Table.Mapping.SourceTable, plan.Table.Schema.Columns.Select(c => (string?)c.Name).ToList(), null, row, null));

    private static List<List<int>> Split(int lanes, params IReadOnlyList<(TableApplyPlan, RowChange)>[] transactions) =>
        TransactionGroups.Split(transactions, lanes);

    [Fact]
    public void TransactionsOnRowsOfTheirOwnSpreadOverTheLanesEachWhole()
    {
        var groups = Split(2, [Update(Accounts, 1L, 1L), Update(Accounts, 2L, 1L)], [Update(Accounts, 3L, 1L)], [Update(Accounts, 4L, 1L)], [Update(Accounts, 5L, 1L)]);
        Assert.Equal(2, groups.Count);
        Assert.Equal([0, 1, 2, 3], groups.SelectMany(g => g).Order());
        Assert.All(groups, g => Assert.Equal(g.Order(), g)); // each in source order
    }

    [Fact]
    public void TransactionsOnTheSameRowShareAGroupAndSoDoThoseJoinedThroughThem()
    {
        // 0 and 2 touch row 1; 2 and 3 touch row 7: 0, 2 and 3 form one chain, 1 stands alone.
        var groups = Split(4, [Update(Accounts, 1L, 1L)], [Update(Accounts, 5L, 1L)], [Update(Accounts, 1L, 2L), Update(Accounts, 7L, 1L)], [Update(Accounts, 7L, 2L)]);
        Assert.Contains(new List<int> { 0, 2, 3 }, groups);
        Assert.Contains(new List<int> { 1 }, groups);
    }

    [Fact]
    public void AUniqueValueTakenInOneTransactionAndFreedInAnotherJoinsThem()
    {
        var users = Plan("users", [Int("id", 1), Text("email", 2, "utf8mb4_bin")], [Primary("id"), Unique("email_u", "email")]);
        var groups = Split(4, [Update(users, 1L, "a@x")], [Update(users, 2L, "a@x")], [Update(users, 3L, null)], [Update(users, 4L, null)]);
        // NULLs never collide in a unique key: 2 and 3 need not wait on each other.
        Assert.Equal([[0, 1], [2], [3]], groups.OrderBy(g => g[0]));
    }

    [Fact]
    public void AChildRowWaitsForTheParentItReferences()
    {
        var link = "db.orders|id";
        var orders = Plan("orders", [Int("id", 1)], [Primary("id")], [new KeyLink(link, [0], true)]);
        var lines = Plan("lines", [Int("id", 1), Int("order_id", 2, nullable: true)], [Primary("id")], [new KeyLink(link, [1], true)]);
        var groups = Split(4, [Insert(orders, 10L)], [Insert(lines, 100L, 10L)], [Insert(lines, 101L, 11L)], [Insert(lines, 102L, null)]);
        Assert.Contains(groups, g => g.Contains(0) && g.Contains(1));
        Assert.DoesNotContain(groups, g => g.Contains(0) && g.Contains(2));
        Assert.DoesNotContain(groups, g => g.Contains(0) && g.Contains(3));
    }

    [Fact]
    public void KeysThatAnInsensitiveCollationComparesOrATableWithoutKeyJoinEveryTransactionOnTheTable()
    {
        var tags = Plan("tags", [Text("name", 1, "utf8mb4_general_ci"), Int("n", 2)], [Primary("name")]);
        Assert.Single(Split(2, [Update(tags, "A", 1L)], [Update(tags, "a", 1L)]));
        var log = Plan("log", [Int("v", 1)], []);
        Assert.Single(Split(2, [Insert(log, 1L)], [Insert(log, 2L)]));
    }
}
